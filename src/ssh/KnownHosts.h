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
// Checks a presented key (type + base64 blob) for `hostName` ("host" or "[host]:port") against
// the files: Known if any entry matches, Revoked if marked @revoked, Changed if the host has
// entries but none matches, Unknown otherwise. Unreadable or malformed lines are skipped.
HostKeyInfo check(const QString& hostName, const QString& keyType, const QByteArray& keyBase64,
                  const QStringList& files);
// Appends `line` to a known_hosts file atomically (the directory is created when missing).
// An existing file that cannot be read is never overwritten.
Status append(const QString& file, const QByteArray& line);

} // namespace socketscope::KnownHosts
