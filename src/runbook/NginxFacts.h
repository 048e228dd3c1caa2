// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Small, pure helpers the nginx runbook steps use to read what a server told them: the
// `nginx -T` dump (which files and globs nginx includes, its pid file, its error log), the
// process list (which workers belong to which master), and nginx time values.

#include "core/Result.h"

#include <QByteArray>
#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace socketscope::NginxFacts {

// SHA-256 of data, lowercase hex.
QString sha256Hex(const QByteArray& data);

// The nginx binary and the options that select its configuration, read from the profile's test
// command. The shell line is parsed as words, never edited: the read-only commands a dry run may
// run are rebuilt from these parts only (a test command "nginx -t && nginx -s reload" yields
// "nginx -T", never the reload).
struct NginxInvocation {
    QString binary;   // "nginx", "/usr/sbin/nginx"
    QString prefix;   // -p
    QString conf;     // -c
    QString errorLog; // -e
    QString globals;  // -g
};
// Splits the first simple command of a POSIX shell line into words (quotes and backslashes
// honoured); stops at the first unquoted ; & | < > ( ) newline or comment. Fails on what only a
// shell could evaluate: $ expansions, `…` or $(…) substitutions, globs, a leading ~.
Result<QStringList> firstCommandWords(const QString& commandLine);
// Reads "[sudo] NGINX [-t|-T|-q|-p P|-c C|-e E|-g G|…]" from a test command; fails (with the
// reason) when the command does not start with a binary named nginx or has other arguments.
Result<NginxInvocation> parseNginxCommand(const QString& commandLine);
// "BINARY -T [-p P] [-c C] [-e E] [-g G]", each word shell-quoted.
QString dumpCommand(const NginxInvocation& nginx);
// "BINARY -V", shell-quoted.
QString versionCommand(const NginxInvocation& nginx);
// What `nginx -V` says about the build: the compiled-in prefix and pid path, with nginx's own
// defaults ("/usr/local/nginx/", "logs/nginx.pid") where the configure arguments name none.
struct NginxBuild {
    QString prefix;
    QString pidPath;   // may be relative to the prefix
    QString version;   // "1.22.1" from "nginx version: nginx/1.22.1"; empty when absent
};
NginxBuild parseVersionOutput(const QByteArray& output);
// A path from nginx's configuration resolved the way nginx does: absolute paths stay, relative
// ones are taken against the prefix (-p, else the compiled-in one).
QString resolveAgainstPrefix(const QString& path, const QString& prefix);
// The main config file named by the dump's first "# configuration file PATH:" line.
QString mainConfigPath(const QByteArray& dump);
// Absolute glob patterns of every `include` in the dump; relative ones are resolved against the
// directory of the main config (nginx's conf prefix).
QStringList includePatterns(const QByteArray& dump);
// True when a file at `path` would be loaded by an include pattern, or sits in a directory an
// include globs from (sites-enabled/, conf.d/): a backup must never go there.
bool isIncluded(const QString& path, const QStringList& patterns);
// Whether nginx would load a backup of the site file `siteName` placed in directory `dir` (one
// rule for the runbook and for `fix --backup-dir`): a directory nginx loads every file from
// (sites-enabled/, conf.d/), or one an include pattern matches.
enum class BackupDirRisk { None, LoadsEveryFile, Included };
BackupDirRisk backupDirRisk(const QString& dir, const QString& siteName, const QStringList& patterns);
// The first value of a main-context directive such as "pid" or "error_log" (path only); also
// reads the text of nginx's -g option ("pid run/x.pid; daemon off;").
QString directivePath(const QByteArray& dump, const QString& directive);
// PIDs whose parent is `parent`, from `ps -e -o pid= -o ppid=` output.
QSet<qint64> childPids(const QByteArray& psOutput, qint64 parent);
// pid → command line, from `ps -e -o pid= -o ppid= -o args=` output.
QHash<qint64, QString> processArgs(const QByteArray& psOutput);
// nginx time ("3s", "90", "1m", "1h30m", "500ms") in seconds; nullopt when not a time.
std::optional<double> parseNginxTime(const QString& value);
// The largest proxy_read_timeout in a config text, in seconds; nullopt when none is set.
std::optional<double> maxProxyReadTimeout(const QByteArray& text);
// Lines of `text` containing [emerg] or [alert].
QStringList emergencyLines(const QByteArray& text);

} // namespace socketscope::NginxFacts
