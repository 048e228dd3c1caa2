// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A finding of the nginx/HAProxy configuration rules (WS001–WS011, NG001, HA001, HA002).
// The JSON form is the `lint --json` contract: {"rule","severity","file","line","message","fix"}.

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <algorithm>

namespace socketscope::nginx {

struct ConfigFinding {
    QString rule;       // "WS001" …
    QString severity;   // "error" | "warning" | "info"
    QString file;
    int line = 0;
    QString message;    // what is wrong and what it does to a WebSocket
    QString fix;        // the directive(s) to write

    QJsonObject toJson() const
    {
        return {{QStringLiteral("rule"), rule}, {QStringLiteral("severity"), severity},
                {QStringLiteral("file"), file}, {QStringLiteral("line"), line},
                {QStringLiteral("message"), message}, {QStringLiteral("fix"), fix}};
    }
    bool operator==(const ConfigFinding& o) const
    {
        return rule == o.rule && file == o.file && line == o.line && message == o.message;
    }
};

using ConfigFindings = QList<ConfigFinding>;

// Orders findings by file, line, rule (the order the CLI prints).
inline void sortFindings(ConfigFindings& findings)
{
    std::stable_sort(findings.begin(), findings.end(), [](const ConfigFinding& a, const ConfigFinding& b) {
        if (a.file != b.file)
            return a.file < b.file;
        if (a.line != b.line)
            return a.line < b.line;
        return a.rule < b.rule;
    });
}

inline QJsonArray findingsToJson(const ConfigFindings& findings)
{
    QJsonArray array;
    for (const ConfigFinding& f : findings)
        array.append(f.toJson());
    return array;
}

// Options shared by the nginx and HAProxy rules.
struct RuleOptions {
    double thresholdSeconds = 300;          // WS004/WS005/HA001/HA002: idle timeouts below this are findings
    double suggestedSeconds = 3600;         // the value a fix writes
    QStringList endpointPaths;              // request paths of WebSocket endpoints (marks locations)
    QStringList markedLocations;            // location arguments the user marked as WebSocket ("/ws")
};

// Parses an nginx time ("86400", "300s", "5m", "1h30m", "500ms"); -1 when not a time.
double parseNginxSeconds(const QByteArray& value);
// Parses a HAProxy time (default unit ms: "30000", "30s", "1h"); -1 when not a time.
double parseHaproxySeconds(const QByteArray& value);

} // namespace socketscope::nginx
