// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/KnownHosts.h"

#include "core/AppPaths.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <libssh/libssh.h>

namespace socketscope::KnownHosts {

QString defaultAppFile() { return AppPaths::configDir() + QStringLiteral("/known_hosts"); }
QString defaultUserFile() { return QDir::homePath() + QStringLiteral("/.ssh/known_hosts"); }

QStringList filesFor(const SshTarget& target)
{
    QStringList files;
    files << (target.appKnownHostsFile.isEmpty() ? defaultAppFile() : target.appKnownHostsFile);
    files << (target.userKnownHostsFile.isEmpty() ? defaultUserFile() : target.userKnownHostsFile);
#ifndef _WIN32
    files << QStringLiteral("/etc/ssh/ssh_known_hosts");
#endif
    files.removeDuplicates();
    return files;
}

QString fingerprintSha256(const QByteArray& keyBase64)
{
    const QByteArray blob = QByteArray::fromBase64(keyBase64);
    const QByteArray digest = QCryptographicHash::hash(blob, QCryptographicHash::Sha256);
    return QStringLiteral("SHA256:") + QString::fromLatin1(digest.toBase64(QByteArray::OmitTrailingEquals));
}

namespace {

struct Entry {
    QString type;
    QByteArray base64;
};

// Uses libssh's own line parser (it matches plain patterns, wildcards and hashed |1| names).
// Returns nullopt when the line is not for this host or cannot be parsed.
std::optional<Entry> matchLine(const QByteArray& hostName, const QByteArray& line)
{
    ssh_knownhosts_entry* entry = nullptr;
    const int rc = ssh_known_hosts_parse_line(hostName.constData(), line.constData(), &entry);
    if (rc != SSH_OK || entry == nullptr || entry->publickey == nullptr) {
        SSH_KNOWNHOSTS_ENTRY_FREE(entry);
        return std::nullopt;
    }
    Entry e;
    e.type = QString::fromLatin1(ssh_key_type_to_char(ssh_key_type(entry->publickey)));
    char* b64 = nullptr;
    if (ssh_pki_export_pubkey_base64(entry->publickey, &b64) == SSH_OK && b64 != nullptr) {
        e.base64 = QByteArray(b64);
        ssh_string_free_char(b64);
    }
    SSH_KNOWNHOSTS_ENTRY_FREE(entry);
    if (e.base64.isEmpty())
        return std::nullopt;
    return e;
}

} // namespace

HostKeyInfo check(const QString& hostName, const QString& keyType, const QByteArray& keyBase64, const QStringList& files)
{
    HostKeyInfo info;
    info.host = hostName;
    info.keyType = keyType;
    info.fingerprint = fingerprintSha256(keyBase64);
    info.appKnownHostsFile = files.value(0);
    info.knownHostsLine = hostName.toUtf8() + ' ' + keyType.toLatin1() + ' ' + keyBase64 + '\n';
    info.status = HostKeyInfo::Status::Unknown;

    const QByteArray host = hostName.toUtf8();
    QString sameTypeConflict, otherTypeConflict;
    Entry sameTypeOld, otherTypeOld;
    for (const QString& path : files) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        int lineNo = 0;
        while (!f.atEnd()) {
            QByteArray line = f.readLine(64 * 1024).trimmed();
            ++lineNo;
            if (line.isEmpty() || line.startsWith('#'))
                continue;
            bool revoked = false;
            if (line.startsWith('@')) {
                // libssh 0.10 does not know markers: @revoked is handled here, @cert-authority
                // (host certificates) is not supported and never counts as a match.
                const qsizetype sp = line.indexOf(' ');
                if (sp < 0 || line.left(sp) != "@revoked")
                    continue;
                revoked = true;
                line = line.mid(sp + 1).trimmed();
            }
            const std::optional<Entry> e = matchLine(host, line);
            if (!e)
                continue;
            const QString where = QStringLiteral("%1:%2").arg(path).arg(lineNo);
            const bool sameKey = e->base64 == keyBase64;
            if (revoked) {
                if (sameKey) {
                    info.status = HostKeyInfo::Status::Revoked;
                    info.knownIn = where;
                    return info;
                }
                continue;
            }
            if (sameKey) {
                info.status = HostKeyInfo::Status::Known;
                info.knownIn = where;
                return info;
            }
            if (e->type == keyType && sameTypeConflict.isEmpty()) {
                sameTypeConflict = where;
                sameTypeOld = *e;
            } else if (otherTypeConflict.isEmpty()) {
                otherTypeConflict = where;
                otherTypeOld = *e;
            }
        }
    }
    // Like OpenSSH, a recorded key of the same type that differs is a changed key. A host known
    // only with another key type is treated the same way: never silently trust a new key for a
    // host we already know (libssh prefers the recorded types when negotiating, so this is rare).
    if (!sameTypeConflict.isEmpty() || !otherTypeConflict.isEmpty()) {
        const bool same = !sameTypeConflict.isEmpty();
        info.status = HostKeyInfo::Status::Changed;
        info.knownIn = same ? sameTypeConflict : otherTypeConflict;
        const Entry& old = same ? sameTypeOld : otherTypeOld;
        info.oldKeyType = old.type;
        info.oldFingerprint = fingerprintSha256(old.base64);
    }
    return info;
}

Status append(const QString& file, const QByteArray& line)
{
    QByteArray existing;
    QFile in(file);
    if (in.exists()) {
        if (!in.open(QIODevice::ReadOnly))
            return Status::failure(QStringLiteral("Cannot read %1 (%2); it was not changed.").arg(file, in.errorString()));
        existing = in.readAll();
        in.close();
    }
    if (!QDir().mkpath(QFileInfo(file).absolutePath()))
        return Status::failure(QStringLiteral("Cannot create the directory of %1.").arg(file));
    if (!existing.isEmpty() && !existing.endsWith('\n'))
        existing += '\n';
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return Status::failure(QStringLiteral("Cannot write %1: %2").arg(file, out.errorString()));
    out.write(existing);
    out.write(line.endsWith('\n') ? line : line + '\n');
    if (!out.commit())
        return Status::failure(QStringLiteral("Cannot write %1: %2").arg(file, out.errorString()));
    return Status::success();
}

} // namespace socketscope::KnownHosts
