// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace socketscope::logs {

// What wrote a log: decides which rule sets apply to it. `Mixed` (several programs in one file,
// or nothing recognised) applies every rule set.
enum class LogFormat {
    Mixed,
    NginxError,
    NginxAccess,
    HAProxy,
    Json,
    Logfmt,
    Python,       // uvicorn, gunicorn, daphne
    Node,         // ws, Socket.IO, engine.io
    Java,         // Spring WebSocket, Netty, Tomcat
    Neo4j,
    WsDiagnostics // seed 001's application convention: [WS_DIAGNOSTICS] lines
};

// Stable name (a contract: `logs --source NAME`): "mixed", "nginx-error", "nginx-access",
// "haproxy", "json", "logfmt", "python", "node", "java", "neo4j", "ws-diagnostics".
QString logFormatId(LogFormat f);
// A label for the user ("nginx error log", ...).
QString logFormatName(LogFormat f);
// Parses a stable name; "auto" is not a format (callers detect instead).
std::optional<LogFormat> logFormatFromId(const QString& id);
QList<LogFormat> allLogFormats();
// The rule families (the part of a rule id before the first '.') applied to a log of this format.
// The generic network family "net" applies to every format; Mixed applies every family.
QStringList logFormatFamilies(LogFormat f);
// Whether a rule family is one of the built-in ones (user rules of another family always apply).
bool isBuiltinRuleFamily(const QString& family);

// How many leading lines detection reads.
constexpr qint64 kFormatDetectLines = 50;

// Detects the format from a log's first lines (raw bytes, without terminators): each line is
// classified on its own; a format is chosen when it (with the formats its rules cover, e.g.
// Neo4j covers Java stack traces) explains at least 90% of the recognised lines, else Mixed.
LogFormat detectLogFormat(const QList<QByteArray>& firstLines);

} // namespace socketscope::logs
