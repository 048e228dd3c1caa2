// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: a known_hosts file (the user's, outside input) checked for a few host names,
// through libssh's line parser and our marker/comparison handling.
#include "ssh/KnownHosts.h"

#include <QFile>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace socketscope;
    static QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("known_hosts"));
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return 0;
        f.write(reinterpret_cast<const char*>(data), qint64(size));
    }
    static const QByteArray key = QByteArrayLiteral("AAAAC3NzaC1lZDI1NTE5AAAAIHGVNRr8DmwGN3A4ybN2EHapE7c9vAH9wXr7jSGQvl3i");
    for (const char* host : {"db.example.org", "[127.0.0.1]:2222", "10.0.0.1"}) {
        const HostKeyInfo info = KnownHosts::check(QString::fromLatin1(host), QStringLiteral("ssh-ed25519"), key, {path});
        if (info.status == HostKeyInfo::Status::Changed)
            (void)info.changedKeyMessage();
    }
    return 0;
}
