// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared setup for the SSH tests: one real sshd per test binary, per-test known_hosts files.

#include "lab/SshdLab.h"
#include "ssh/SshTypes.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>

namespace socketscope::testing {

// The lab shared by every test of the binary (started once; when it cannot run, LAB_UNAVAILABLE:
// a skip outside CI, a failure under CI).
inline lab::SshdLab* sharedSshd(QString* why)
{
    return lab::SshdLab::shared(why);
}

class SshLabTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        QString why;
        m_lab = sharedSshd(&why);
        if (!m_lab)
            LAB_UNAVAILABLE(why);
        ASSERT_TRUE(m_tmp.isValid());
    }
    // A target for the lab with this test's own (empty) known_hosts files.
    SshTarget target(SshTarget::Auth auth = SshTarget::Auth::KeyFile) const
    {
        SshTarget t;
        t.host = m_lab->host();
        t.port = m_lab->port();
        t.user = lab::SshdLab::user();
        t.auth = auth;
        t.keyFile = m_lab->keyFile();
        t.appKnownHostsFile = appKnownHosts();
        t.userKnownHostsFile = userKnownHosts();
        t.connectTimeoutMs = 10000;
        return t;
    }
    QString appKnownHosts() const { return m_tmp.filePath(QStringLiteral("app/known_hosts")); }
    QString userKnownHosts() const { return m_tmp.filePath(QStringLiteral("user_known_hosts")); }
    // Records the lab's key in the user's known_hosts (what `ssh` would have done).
    void trustLab(bool hashed = false) const { ASSERT_TRUE(m_lab->writeKnownHosts(userKnownHosts(), hashed)); }
    // A path in the test user's home, unique to this process.
    static QString homePath(const QString& name)
    {
        return QStringLiteral("/home/%1/%2-%3").arg(lab::SshdLab::user(), name).arg(QCoreApplication::applicationPid());
    }

    lab::SshdLab* m_lab = nullptr;
    QTemporaryDir m_tmp;
};

inline QByteArray sha256(const QByteArray& data) { return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex(); }

} // namespace socketscope::testing
