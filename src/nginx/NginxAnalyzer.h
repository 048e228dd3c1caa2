// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The WebSocket rules for nginx (WS001–WS011) and the include-directory rule (NG001).
// A location is a WebSocket location when it proxies (proxy_pass) and either an Upgrade header
// reaches it, or its path is a given endpoint's, or the user marked it, or the application
// catalogue (WebSocketApps) recognises it: its own path names a known WebSocket endpoint, or it
// proxies to an application that upgrades on any path. WS011: a known application's WebSocket
// path falls into a location that also serves regular HTTP and passes no Upgrade header.

#include "nginx/ConfigFinding.h"
#include "nginx/NginxConfigSet.h"
#include "nginx/NginxScope.h"
#include "nginx/WebSocketApps.h"

#include <QSet>

#include <memory>

namespace socketscope::nginx {

// One proxy_set_header line.
struct HeaderLine {
    QByteArray name;     // as written
    QByteArray value;    // unquoted
    DirectiveRef ref;
};

// Whether a WebSocket location serves only WebSockets, or also regular HTTP (then a fix never
// changes its caching or buffering: only the upgrade headers, proxy_http_version and timeouts).
enum class LocationTraffic {
    WebSocketOnly,
    RootPrefix,        // `location /`: every request without a more specific location
    NamedFallback,     // `location @name`: reached by try_files/error_page for ordinary requests
    OwnCache,          // the location enables proxy_cache itself
};
// Why the location also serves regular HTTP ("" for WebSocketOnly).
QString trafficReason(LocationTraffic traffic);

// What the rules found for one WebSocket location.
struct LocationReport {
    const Scope* location = nullptr;
    QString why;                       // "sets Upgrade", "matches endpoint /ws", "marked"
    LocationTraffic traffic = LocationTraffic::WebSocketOnly;
    ConfigFindings findings;
    QList<HeaderLine> droppedHeaders;  // WS009: inherited headers this location drops
    QList<HeaderLine> inheritedHeaders;// the headers of the level it would inherit from
    double readSeconds = 60;           // effective proxy_read_timeout (-1: not a literal time)
    double sendSeconds = 60;
    // Set when the location also serves regular HTTP and its Upgrade headers are incidental: the
    // server's dedicated WebSocket location (its label). WS004/WS005 are then info and not fixed.
    QString incidentalRouteTo;
    bool hasRule(const QString& rule) const;
};

// WS011: a WebSocket path of a recognised application that lands in a shared location without
// upgrade headers; the fix is a dedicated location for the path, written after that location.
struct RouteReport {
    const Scope* location = nullptr;   // the shared location nginx picks for the path
    QString path;                      // the catalogue path ("/websocket")
    AppMatch app;                      // the application and the hint that named it
    ConfigFinding finding;
};

struct NginxAnalysis {
    std::unique_ptr<Scope> root;
    QByteArray upgradeMapVariable;     // the first `map $http_upgrade $VAR` (as written), or empty
    QList<LocationReport> locations;   // WebSocket locations, in file order
    QList<RouteReport> routes;         // WS011 findings with what their fix needs
    ConfigFindings findings;           // everything, sorted
};

class NginxAnalyzer {
public:
    // Runs every rule on a loaded configuration.
    static NginxAnalysis analyze(const NginxConfigSet& set, const RuleOptions& options);
    // Convenience: only the findings.
    static ConfigFindings lint(const NginxConfigSet& set, const RuleOptions& options);
    // The headers written directly in a scope, in order.
    static QList<HeaderLine> ownHeaders(const Scope* scope);
    // Formats seconds the way the fixes write them ("3600s").
    static QByteArray formatSeconds(double seconds);
};

} // namespace socketscope::nginx
