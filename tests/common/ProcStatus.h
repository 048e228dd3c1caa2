// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What Linux says about this test process in /proc/self/status, for tests that check memory
// locking of secrets (SecretBytes, SshCredentials).

#include <QFile>
#include <QtGlobal>

namespace socketscope::testing {

#ifdef Q_OS_LINUX
// "VmLck:" of this process, in kB; -1 when it cannot be read.
inline qint64 lockedKb()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmLck:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    return -1;
}
#endif

} // namespace socketscope::testing
