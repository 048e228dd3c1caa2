// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Small, pure helpers the nginx runbook steps use to read what a server told them: the
// `nginx -T` dump (which files and globs nginx includes, its pid file, its error log), the
// process list (which workers belong to which master), and nginx time values.

#include <QByteArray>
#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>

namespace socketscope::NginxFacts {

// SHA-256 of data, lowercase hex.
QString sha256Hex(const QByteArray& data);
// The `nginx -T` command for a test command ("nginx -t -p P -c C" → "nginx -T -p P -c C");
// empty when the command has no "-t" word to replace.
QString dumpCommandFor(const QString& testCommand);
// The main config file named by the dump's first "# configuration file PATH:" line.
QString mainConfigPath(const QByteArray& dump);
// Absolute glob patterns of every `include` in the dump; relative ones are resolved against the
// directory of the main config (nginx's conf prefix).
QStringList includePatterns(const QByteArray& dump);
// True when a file at `path` would be loaded by an include pattern, or sits in a directory an
// include globs from (sites-enabled/, conf.d/): a backup must never go there.
bool isIncluded(const QString& path, const QStringList& patterns);
// The first value of a main-context directive such as "pid" or "error_log" (path only).
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
