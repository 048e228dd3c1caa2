// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/KnownHosts.h"

#include "core/AppPaths.h"
#include "core/GlobMatch.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <libssh/libssh.h>

#ifndef _WIN32
#include <sys/file.h>
#include <unistd.h>
#endif

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

// OpenSSH lower-cases host names with tolower() in the C locale: ASCII letters only.
QString asciiLower(QString s)
{
    for (QChar& c : s) {
        if (c >= u'A' && c <= u'Z')
            c = QChar(char16_t(c.unicode() + ('a' - 'A')));
    }
    return s;
}

} // namespace

QString lookupName(const QString& host, int port)
{
    QString h = host.trimmed();
    if (h.size() > 2 && h.startsWith(u'[') && h.endsWith(u']'))
        h = h.mid(1, h.size() - 2);
    h = asciiLower(h);
    if (port == 22)
        return h;
    return QStringLiteral("[%1]:%2").arg(h).arg(port);
}

namespace {

struct Entry {
    QString type;
    QByteArray base64;
};

// True when a "!pattern" of the line's host list matches the host: then the line is not for
// this host, whatever its other patterns say (OpenSSH's match_hostname() returns -1). libssh
// 0.10 matches each comma-separated name on its own and would ignore the negation.
bool negatedForHost(const QByteArray& hostName, const QByteArray& line)
{
    qsizetype end = 0;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t')
        ++end;
    for (const QByteArray& pattern : line.left(end).split(',')) {
        if (pattern.size() > 1 && pattern.startsWith('!')) {
            if (globMatch(hostName, asciiLower(QString::fromUtf8(pattern.mid(1))).toUtf8()))
                return true;
        }
    }
    return false;
}

// Uses libssh's own line parser (it matches plain patterns, wildcards and hashed |1| names);
// negated patterns are applied here. Returns nullopt when the line is not for this host or
// cannot be parsed.
std::optional<Entry> matchLine(const QByteArray& hostName, const QByteArray& line)
{
    if (negatedForHost(hostName, line))
        return std::nullopt;
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

namespace {

// What the files say about one key for one looked-up name, every entry of every file read.
struct Scan {
    QString revokedAt, knownAt, sameTypeConflict, otherTypeConflict; // "file:line"
    Entry sameTypeOld, otherTypeOld;
};

Scan scan(const QByteArray& host, const QString& keyType, const QByteArray& keyBase64, const QStringList& files)
{
    Scan r;
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
                if (sameKey && r.revokedAt.isEmpty())
                    r.revokedAt = where;
                continue;
            }
            if (sameKey) {
                if (r.knownAt.isEmpty())
                    r.knownAt = where;
                continue;
            }
            if (e->type == keyType && r.sameTypeConflict.isEmpty()) {
                r.sameTypeConflict = where;
                r.sameTypeOld = *e;
            } else if (e->type != keyType && r.otherTypeConflict.isEmpty()) {
                r.otherTypeConflict = where;
                r.otherTypeOld = *e;
            }
        }
    }
    return r;
}

bool hasConflict(const Scan& s) { return !s.sameTypeConflict.isEmpty() || !s.otherTypeConflict.isEmpty(); }

} // namespace

HostKeyInfo check(const QString& hostName, const QString& keyType, const QByteArray& keyBase64, const QStringList& files)
{
    // ssh(1) lower-cases the host before every lookup, and hashed |1| entries hash that form:
    // "[LOCALHOST]:2222" and "[localhost]:2222" are one host.
    const QString name = asciiLower(hostName.trimmed());
    HostKeyInfo info;
    info.host = name;
    info.keyType = keyType;
    info.fingerprint = fingerprintSha256(keyBase64);
    info.appKnownHostsFile = files.value(0);
    info.knownHostsLine = name.toUtf8() + ' ' + keyType.toLatin1() + ' ' + keyBase64 + '\n';
    info.status = HostKeyInfo::Status::Unknown;

    // Every entry of every file is read before deciding: an @revoked entry wins over a match
    // found earlier or later, in the same file or another one (OpenSSH's
    // check_hostkeys_by_key_or_type() and check_key_not_revoked() over all loaded entries).
    Scan s = scan(name.toUtf8(), keyType, keyBase64, files);
    if (s.revokedAt.isEmpty() && s.knownAt.isEmpty() && !hasConflict(s)) {
        // Nothing at all for "[host]:port": like ssh(1) ("checking without port identifier"),
        // the key may still be recorded for the plain host name. Only a match (or a revocation)
        // counts there; another key under the plain name leaves the host unknown.
        static const QRegularExpression withPort(QStringLiteral(R"(^\[(.+)\]:(\d+)$)"));
        if (const QRegularExpressionMatch m = withPort.match(name); m.hasMatch() && m.captured(2) != QLatin1String("22")) {
            const Scan plain = scan(m.captured(1).toUtf8(), keyType, keyBase64, files);
            if (!plain.revokedAt.isEmpty() || !plain.knownAt.isEmpty()) {
                s = Scan{};
                s.revokedAt = plain.revokedAt;
                s.knownAt = plain.knownAt;
            }
        }
    }
    if (!s.revokedAt.isEmpty()) {
        info.status = HostKeyInfo::Status::Revoked;
        info.knownIn = s.revokedAt;
        return info;
    }
    if (!s.knownAt.isEmpty()) {
        info.status = HostKeyInfo::Status::Known;
        info.knownIn = s.knownAt;
        return info;
    }
    // Like OpenSSH, a recorded key that differs is a changed key, whether of the same type or
    // only of another type (OpenSSH 9.2 says "REMOTE HOST IDENTIFICATION HAS CHANGED" for both):
    // never silently trust a new key for a host we already know.
    if (hasConflict(s)) {
        const bool same = !s.sameTypeConflict.isEmpty();
        info.status = HostKeyInfo::Status::Changed;
        info.knownIn = same ? s.sameTypeConflict : s.otherTypeConflict;
        const Entry& old = same ? s.sameTypeOld : s.otherTypeOld;
        info.oldKeyType = old.type;
        info.oldFingerprint = fingerprintSha256(old.base64);
    }
    return info;
}

Status append(const QString& file, const QByteArray& entry)
{
    QByteArray line = entry;
    while (line.endsWith('\n') || line.endsWith('\r'))
        line.chop(1);
    if (line.trimmed().isEmpty() || line.contains('\n') || line.contains('\r') || line.contains('\0'))
        return Status::failure(QStringLiteral("Refusing to add a malformed known_hosts line to %1.").arg(file));
    // A plain (not hashed, not marked) entry is written with the lower-case names ssh(1) looks up.
    if (!line.startsWith('|') && !line.startsWith('@')) {
        qsizetype end = 0;
        while (end < line.size() && line[end] != ' ' && line[end] != '\t')
            ++end;
        line = asciiLower(QString::fromUtf8(line.left(end))).toUtf8() + line.mid(end);
    }
    line += '\n';
    if (!QDir().mkpath(QFileInfo(file).absolutePath()))
        return Status::failure(QStringLiteral("Cannot create the directory of %1.").arg(file));
    // Append-only: O_APPEND puts every write at the end of the file as it is at that moment, so
    // a line another process (or thread) added meanwhile is kept. The lock serialises our own
    // writers around the "does the file end with a newline" check.
    QFile f(file);
    if (!f.open(QIODevice::ReadWrite | QIODevice::Append | QIODevice::Unbuffered))
        return Status::failure(QStringLiteral("Cannot write %1: %2").arg(file, f.errorString()));
#ifndef _WIN32
    if (::flock(f.handle(), LOCK_EX) != 0)
        return Status::failure(QStringLiteral("Cannot lock %1 for writing.").arg(file));
#endif
    const qint64 size = f.size();
    if (size > 0) {
        char last = '\n';
        if (!f.seek(size - 1) || f.read(&last, 1) != 1)
            return Status::failure(QStringLiteral("Cannot read %1 (%2); it was not changed.").arg(file, f.errorString()));
        if (last != '\n')
            line.prepend('\n');
    }
    if (f.write(line) != line.size())
        return Status::failure(QStringLiteral("Cannot write %1: %2").arg(file, f.errorString()));
#ifndef _WIN32
    if (::fsync(f.handle()) != 0)
        return Status::failure(QStringLiteral("Cannot write %1: the data did not reach the disk.").arg(file));
#endif
    return Status::success();
}

} // namespace socketscope::KnownHosts
