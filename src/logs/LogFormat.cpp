// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LogFormat.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <array>
#include <map>

namespace socketscope::logs {

namespace {

struct FormatInfo {
    LogFormat format;
    const char* id;
    const char* name;
    QStringList families;          // rule families applied (besides "net")
    QList<LogFormat> covers;       // formats of lines this format's rules also explain
};

const QList<FormatInfo>& formatTable()
{
    using F = LogFormat;
    static const QList<FormatInfo> table = {
        {F::Mixed, "mixed", QT_TRANSLATE_NOOP("LogFormat", "mixed (every rule set)"), {}, {}},
        {F::NginxError, "nginx-error", QT_TRANSLATE_NOOP("LogFormat", "nginx error log"), {QStringLiteral("nginx")}, {F::NginxError}},
        {F::NginxAccess, "nginx-access", QT_TRANSLATE_NOOP("LogFormat", "nginx access log"), {QStringLiteral("access")}, {F::NginxAccess}},
        {F::HAProxy, "haproxy", QT_TRANSLATE_NOOP("LogFormat", "HAProxy log"), {QStringLiteral("haproxy")}, {F::HAProxy}},
        {F::Json, "json", QT_TRANSLATE_NOOP("LogFormat", "JSON lines"),
         {QStringLiteral("json"), QStringLiteral("app"), QStringLiteral("node")}, {F::Json}},
        {F::Logfmt, "logfmt", QT_TRANSLATE_NOOP("LogFormat", "logfmt"), {QStringLiteral("logfmt"), QStringLiteral("app")}, {F::Logfmt}},
        {F::Python, "python", QT_TRANSLATE_NOOP("LogFormat", "Python server (uvicorn, gunicorn, daphne)"),
         {QStringLiteral("python"), QStringLiteral("app")}, {F::Python}},
        {F::Node, "node", QT_TRANSLATE_NOOP("LogFormat", "Node.js (ws, Socket.IO)"), {QStringLiteral("node"), QStringLiteral("app")}, {F::Node}},
        {F::Java, "java", QT_TRANSLATE_NOOP("LogFormat", "Java (Spring, Netty, Tomcat)"), {QStringLiteral("java")}, {F::Java}},
        {F::Neo4j, "neo4j", QT_TRANSLATE_NOOP("LogFormat", "Neo4j log"), {QStringLiteral("neo4j"), QStringLiteral("java")}, {F::Neo4j, F::Java}},
        {F::WsDiagnostics, "ws-diagnostics", QT_TRANSLATE_NOOP("LogFormat", "application log ([WS_DIAGNOSTICS])"),
         {QStringLiteral("app"), QStringLiteral("python")}, {F::WsDiagnostics, F::Python, F::Json}},
    };
    return table;
}

const FormatInfo& info(LogFormat f)
{
    for (const FormatInfo& i : formatTable())
        if (i.format == f)
            return i;
    return formatTable().front();
}

QRegularExpression re(const char* pattern)
{
    QRegularExpression r(QString::fromLatin1(pattern));
    r.optimize();
    return r;
}

// One line's format, or Mixed when no format recognises it. Order matters: the more specific
// shapes first (a [WS_DIAGNOSTICS] line may also look like a Python log line).
LogFormat classifyLine(const QString& line)
{
    struct Shape {
        LogFormat format;
        QRegularExpression pattern;
    };
    using F = LogFormat;
    static const std::array<Shape, 10> shapes = {{
        {F::WsDiagnostics, re(R"(\[WS_DIAGNOSTICS\])")},
        {F::Json, re(R"(^\s*\{.*\}\s*$)")},
        {F::NginxError, re(R"(^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d \[(?:debug|info|notice|warn|error|crit|alert|emerg)\] \d+#\d+: |^nginx: \[(?:emerg|alert|warn)\] )")},
        {F::HAProxy, re(R"(haproxy\[\d+\]: |^\S+:\d+ \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] \S+ \S+/\S+ )")},
        {F::NginxAccess, re(R"(^\S+ \S+ \S+ \[\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] ")")},
        {F::Neo4j, re(R"(^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}[+-]\d{4} (?:ERROR|WARN |INFO |DEBUG) )")},
        {F::Node, re(R"(^\s+at .*\.[cm]?js:\d+:\d+\)?$|node:internal|\b(?:socket\.io|engine\.io|engine:socket|engine:ws)\b)")},
        {F::Java, re(R"(^\s+at [\w$.<>]+\([\w$]*(?:\.java:\d+|Native Method|Unknown Source)?\)|^Caused by: |^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d[.,]\d{3}\S*\s+(?:ERROR|WARN|INFO|DEBUG|TRACE)\s+\d+ --- \[|\b(?:io\.netty|org\.springframework|org\.apache\.(?:tomcat|catalina))\.)")},
        {F::Python, re(R"(^(?:INFO|WARNING|ERROR|DEBUG|CRITICAL|TRACE):\s+|^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] \[\d+\] \[(?:INFO|WARNING|ERROR|DEBUG|CRITICAL)\] |"WS(?:CONNECTING|CONNECT|REJECT|DISCONNECT) |^Traceback \(most recent call last\):|^  File ")")},
        {F::Logfmt, re(R"(^(?=.*(?:^|\s)(?:level|lvl|msg|ts|time)=)(?:[\w.-]+=(?:"(?:[^"\\]|\\.)*"|\S*)\s*){3,}$)")},
    }};
    for (const Shape& s : shapes)
        if (s.pattern.match(line).hasMatch())
            return s.format;
    return F::Mixed;
}

} // namespace

QString logFormatId(LogFormat f)
{
    return QString::fromLatin1(info(f).id);
}

QString logFormatName(LogFormat f)
{
    return QCoreApplication::translate("LogFormat", info(f).name);
}

std::optional<LogFormat> logFormatFromId(const QString& id)
{
    for (const FormatInfo& i : formatTable())
        if (id == QLatin1String(i.id))
            return i.format;
    return std::nullopt;
}

QList<LogFormat> allLogFormats()
{
    QList<LogFormat> out;
    for (const FormatInfo& i : formatTable())
        out.append(i.format);
    return out;
}

QStringList logFormatFamilies(LogFormat f)
{
    if (f == LogFormat::Mixed) {
        QStringList all;
        for (const FormatInfo& i : formatTable())
            for (const QString& family : i.families)
                if (!all.contains(family))
                    all.append(family);
        all.append(QStringLiteral("net"));
        return all;
    }
    return info(f).families + QStringList{QStringLiteral("net")};
}

bool isBuiltinRuleFamily(const QString& family)
{
    return logFormatFamilies(LogFormat::Mixed).contains(family);
}

LogFormat detectLogFormat(const QList<QByteArray>& firstLines)
{
    std::map<LogFormat, int> direct;
    int recognised = 0;
    for (const QByteArray& raw : firstLines.mid(0, int(kFormatDetectLines))) {
        const LogFormat f = classifyLine(QString::fromUtf8(raw.left(2048)));
        if (f == LogFormat::Mixed)
            continue;
        ++direct[f];
        ++recognised;
    }
    if (recognised == 0)
        return LogFormat::Mixed;
    LogFormat best = LogFormat::Mixed;
    int bestCovered = 0;
    int bestDirect = 0;
    for (const FormatInfo& i : formatTable()) {
        int covered = 0;
        for (LogFormat c : i.covers)
            covered += direct.count(c) ? direct.at(c) : 0;
        const int own = direct.count(i.format) ? direct.at(i.format) : 0;
        if (own == 0)
            continue; // a format is chosen only when at least one line is its own
        if (covered > bestCovered || (covered == bestCovered && own > bestDirect)) {
            best = i.format;
            bestCovered = covered;
            bestDirect = own;
        }
    }
    return bestCovered * 10 >= recognised * 9 ? best : LogFormat::Mixed;
}

} // namespace socketscope::logs
