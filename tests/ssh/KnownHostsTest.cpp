// SPDX-License-Identifier: GPL-3.0-or-later
// KnownHosts::check on hand-written known_hosts files (no server needed): wildcards, hashed
// names, @revoked, a different key, another key type, junk lines.
#include "lab/Lab.h"
#include "ssh/KnownHosts.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

struct Key {
    QString type;
    QByteArray base64;
    QString fingerprint; // from ssh-keygen -l -E sha256
};

Key makeKey(const QTemporaryDir& dir, const QString& name, const QString& type)
{
    const QString path = dir.filePath(name);
    lab::runProgram(QStringLiteral("/usr/bin/ssh-keygen"),
                    {QStringLiteral("-q"), QStringLiteral("-t"), type, QStringLiteral("-N"), QString(), QStringLiteral("-f"), path});
    const QList<QByteArray> pub = lab::readAll(path + QStringLiteral(".pub")).split(' ');
    QByteArray fp;
    lab::runProgram(QStringLiteral("/usr/bin/ssh-keygen"), {QStringLiteral("-l"), QStringLiteral("-E"), QStringLiteral("sha256"),
                                                            QStringLiteral("-f"), path + QStringLiteral(".pub")}, &fp);
    return {QString::fromLatin1(pub.value(0)), pub.value(1), QString::fromLatin1(fp.split(' ').value(1))};
}

class KnownHostsCheckTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/ssh-keygen"), QStringLiteral("openssh-client")));
        m_a = makeKey(m_dir, QStringLiteral("a"), QStringLiteral("ed25519"));
        m_b = makeKey(m_dir, QStringLiteral("b"), QStringLiteral("ed25519"));
        m_ecdsa = makeKey(m_dir, QStringLiteral("c"), QStringLiteral("ecdsa"));
    }
    QString write(const QByteArray& content)
    {
        const QString path = m_dir.filePath(QStringLiteral("kh%1").arg(++m_n));
        lab::writeFile(path, content);
        return path;
    }
    QByteArray line(const QByteArray& hosts, const Key& k) { return hosts + ' ' + k.type.toLatin1() + ' ' + k.base64 + '\n'; }

    QTemporaryDir m_dir;
    Key m_a, m_b, m_ecdsa;
    int m_n = 0;
};

} // namespace

TEST_F(KnownHostsCheckTest, FingerprintIsOpenSshs)
{
    EXPECT_EQ(KnownHosts::fingerprintSha256(m_a.base64), m_a.fingerprint);
    EXPECT_EQ(KnownHosts::fingerprintSha256(m_ecdsa.base64), m_ecdsa.fingerprint);
}

TEST_F(KnownHostsCheckTest, PlainWildcardAndJunkLines)
{
    const QString f = write("# comment\n\n   \ngarbage without fields\n|1|notbase64|x ssh-ed25519 AAAA\n"
                            + line("*.example.org,10.0.0.1", m_a));
    const HostKeyInfo known = KnownHosts::check(QStringLiteral("db.example.org"), m_a.type, m_a.base64, {f});
    EXPECT_EQ(known.status, HostKeyInfo::Status::Known);
    EXPECT_EQ(known.knownIn, f + QStringLiteral(":6"));
    EXPECT_EQ(KnownHosts::check(QStringLiteral("other.net"), m_a.type, m_a.base64, {f}).status, HostKeyInfo::Status::Unknown);
}

TEST_F(KnownHostsCheckTest, DifferentKeyIsChangedWithTheOldFingerprint)
{
    const QString missing = m_dir.filePath(QStringLiteral("does-not-exist"));
    const QString f = write(line("[db]:2222", m_a));
    const HostKeyInfo info = KnownHosts::check(QStringLiteral("[db]:2222"), m_b.type, m_b.base64, {missing, f});
    EXPECT_EQ(info.status, HostKeyInfo::Status::Changed);
    EXPECT_EQ(info.oldFingerprint, m_a.fingerprint);
    EXPECT_EQ(info.fingerprint, m_b.fingerprint);
    EXPECT_EQ(info.knownIn, f + QStringLiteral(":1"));
    EXPECT_TRUE(info.changedKeyMessage().contains(QStringLiteral("ssh-keygen -R '[db]:2222' -f '%1'").arg(f)));
    // A host known only with another key type is refused too.
    const HostKeyInfo other = KnownHosts::check(QStringLiteral("[db]:2222"), m_ecdsa.type, m_ecdsa.base64, {f});
    EXPECT_EQ(other.status, HostKeyInfo::Status::Changed);
    // The same name on another port is a different host.
    EXPECT_EQ(KnownHosts::check(QStringLiteral("db"), m_b.type, m_b.base64, {f}).status, HostKeyInfo::Status::Unknown);
}

TEST_F(KnownHostsCheckTest, MatchInAnyFileWinsAndRevokedRefuses)
{
    const QString old = write(line("db", m_a));
    const QString fresh = write(line("db", m_b));
    EXPECT_EQ(KnownHosts::check(QStringLiteral("db"), m_b.type, m_b.base64, {old, fresh}).status, HostKeyInfo::Status::Known);
    const QString revoked = write("@revoked * " + m_b.type.toLatin1() + ' ' + m_b.base64 + '\n');
    EXPECT_EQ(KnownHosts::check(QStringLiteral("db"), m_b.type, m_b.base64, {revoked, fresh}).status, HostKeyInfo::Status::Revoked);
}

TEST_F(KnownHostsCheckTest, AppendCreatesTheDirectoryAndKeepsExistingLines)
{
    const QString f = m_dir.filePath(QStringLiteral("new/dir/known_hosts"));
    ASSERT_TRUE(KnownHosts::append(f, line("one", m_a)).ok());
    ASSERT_TRUE(KnownHosts::append(f, line("two", m_b)).ok());
    EXPECT_EQ(lab::readAll(f), line("one", m_a) + line("two", m_b));
    EXPECT_EQ(KnownHosts::check(QStringLiteral("two"), m_b.type, m_b.base64, {f}).status, HostKeyInfo::Status::Known);
}
