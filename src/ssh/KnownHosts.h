// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Host key verification against OpenSSH known_hosts files (plain and hashed `|1|` entries):
// the app's own file, the user's ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts.

#include "core/Result.h"
#include "ssh/SshTypes.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace socketscope::KnownHosts {

// AppPaths::configDir()/known_hosts.
QString defaultAppFile();
// ~/.ssh/known_hosts.
QString defaultUserFile();
// The files checked for a target, in order: app file, user file, the system-wide file.
QStringList filesFor(const SshTarget& target);
// OpenSSH's fingerprint of a public key blob given in base64: "SHA256:..." without padding.
QString fingerprintSha256(const QByteArray& keyBase64);
// The name OpenSSH looks up for host:port, as ssh(1) does: ASCII lower case, IPv6 brackets
// dropped, "[host]:port" unless the port is 22 ("LOCALHOST", 2222 → "[localhost]:2222").
QString lookupName(const QString& host, int port);
// Checks a presented key (type + base64 blob) for `hostName` ("host" or "[host]:port", lower-cased
// here like lookupName) against every entry of every file, plain and hashed: Revoked if an
// @revoked entry for the host holds this key (it wins over any other entry, in any file and any
// order), else Known if an unmarked entry holds it, else Changed if the host has unmarked entries
// with other keys, else Unknown. For "[host]:port" with no entry at all, the plain "host" is
// checked too (as ssh(1) does): only a matching or @revoked key counts there. @cert-authority
// lines never match a plain key. Unreadable files and malformed lines are skipped.
HostKeyInfo check(const QString& hostName, const QString& keyType, const QByteArray& keyBase64,
                  const QStringList& files);
// Appends one known_hosts `line` (its host names lower-cased unless hashed) to `file`, creating
// the directory when missing. Append-only (O_APPEND) under an exclusive lock: a concurrent
// append, ours or OpenSSH's, is never lost, and existing lines are never rewritten.
Status append(const QString& file, const QByteArray& line);

} // namespace socketscope::KnownHosts
