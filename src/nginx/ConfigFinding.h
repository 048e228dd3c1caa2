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

// The version of the server that runs the configuration ("1.22.1"), read from `nginx -v`/`-V`,
// `haproxy -v`, or given (`lint --nginx-version`). Messages say what that version defaults to.
struct ServerVersion {
    QString text;        // as reported ("1.22.1", "2.6.12-1+deb12u1"); empty when unknown
    int major = -1;
    int minor = -1;
    int patch = -1;
    bool known() const { return major >= 0; }
    // True when known and at least major.minor.patch.
    bool atLeast(int maj, int min, int pat) const;
    // "1.22.1", "2.6.12-1+deb12u1"; an unknown version when the text does not start with N.N.
    static ServerVersion fromText(const QString& text);
    // The version named in the output of `nginx -v`/`nginx -V` ("nginx version: nginx/1.22.1")
    // or `haproxy -v` ("HAProxy version 2.6.12-1+deb12u1 2023/12/16 …"); unknown when absent.
    static ServerVersion fromVersionOutput(const QByteArray& output);
    // The version line before the first "# configuration file" of an `nginx -T` dump taken as
    // `{ nginx -v; nginx -T; } 2>&1`; unknown when there is none.
    static ServerVersion fromDumpPrelude(const QByteArray& dump);
};

// The first nginx release whose proxy_http_version defaults to 1.1 (and that sends no
// "Connection: close" to the backend by default): nginx's CHANGES, 1.29.7 (2026-03-24).
inline constexpr int kNginxHttp11DefaultSince[3] = {1, 29, 7};

// Options shared by the nginx and HAProxy rules.
struct RuleOptions {
    double thresholdSeconds = 300;          // WS004/WS005/HA001/HA002: idle timeouts below this are findings
    double suggestedSeconds = 3600;         // the value a fix writes
    QStringList endpointPaths;              // request paths of WebSocket endpoints (marks locations)
    QStringList markedLocations;            // location arguments the user marked as WebSocket ("/ws")
    ServerVersion serverVersion;            // the running nginx/HAProxy, when known (messages name its defaults)
};

// Parses an nginx time ("86400", "300s", "5m", "1h30m", "500ms"); -1 when not a time.
double parseNginxSeconds(const QByteArray& value);
// Parses a HAProxy time (default unit ms: "30000", "30s", "1h"); -1 when not a time.
double parseHaproxySeconds(const QByteArray& value);

} // namespace socketscope::nginx
