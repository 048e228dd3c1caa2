// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "profiles/Profile.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace socketscope {

// One concrete host of an OpenSSH client configuration, with the settings that apply to it
// (first value wins, as in ssh(1); wildcard blocks such as "Host *" contribute defaults).
struct SshConfigHost {
    QString alias;             // the name after "Host"
    QString hostName;          // HostName (empty: the alias is the host)
    QString user;
    int port = 0;              // 0: not set
    QStringList identityFiles; // in order, "~" expanded
    QString proxyJump;         // "none" is reported as empty
    QString sourceFile;
    int line = 0;              // where the Host line is
};

struct SshConfigParse {
    QList<SshConfigHost> hosts;
    QStringList warnings;      // "FILE:LINE: ..." for what was skipped or not understood
};

// Reads ~/.ssh/config-style text: Host / Match blocks, HostName, User, Port, IdentityFile,
// ProxyJump, Include (relative to ~/.ssh, globs allowed, depth-limited); keywords are
// case-insensitive, "Keyword=value" and double quotes are accepted. Never throws or hangs on bad input.
class SshConfigImporter {
public:
    // Reads a file's content; returns nullopt when it cannot be read (for Include; tests inject).
    using FileReader = std::function<std::optional<QByteArray>(const QString& path)>;

    // Parses text that came from `sourceFile`. Includes are resolved with `reader` relative to
    // `sshDir` (default: ~/.ssh); pass no reader to report Include lines instead of following them.
    static SshConfigParse parse(const QByteArray& text, const QString& sourceFile, const QString& sshDir = {},
                                const FileReader& reader = {});
    // Parses a file from disk, following Include.
    static SshConfigParse parseFile(const QString& path);
    // The default location: ~/.ssh/config.
    static QString defaultPath();

    // A new profile for one host: name = alias, SSH access filled in, key-file auth when an
    // IdentityFile is given (agent otherwise).
    static Profile toProfile(const SshConfigHost& host);
};

} // namespace socketscope
