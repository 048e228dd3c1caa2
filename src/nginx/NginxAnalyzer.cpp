// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/NginxAnalyzer.h"

#include <QDir>
#include <QFileInfo>
#include <QHash>

namespace socketscope::nginx {

namespace {

QString str(const QByteArray& b) { return QString::fromUtf8(b); }

struct Context {
    const NginxConfigSet& set;
    const RuleOptions& options;
    QSet<QByteArray> upgradeMaps;   // variables mapped from $http_upgrade ("$connection_upgrade")
    bool sawHttp = false;           // an http block is visible (else: a site file on its own)
    QString fileOf(int idx) const { return set.files()[size_t(idx)].path; }
    QString where(const DirectiveRef& d) const
    {
        return QStringLiteral("%1:%2").arg(QFileInfo(fileOf(d.file)).fileName()).arg(d.node->pos().line);
    }
};

QString fmtSeconds(double s)
{
    if (s < 0)
        return QStringLiteral("?");
    if (s < 1 && s > 0)
        return QStringLiteral("%1 ms").arg(qRound(s * 1000));
    return QStringLiteral("%1 s").arg(qRound64(s));
}

const QByteArray* findHeader(const QList<HeaderLine>& headers, const QByteArray& lowerName)
{
    for (const HeaderLine& h : headers) {
        if (h.name.toLower() == lowerName)
            return &h.value;
    }
    return nullptr;
}

// What identifies the application behind a location: its proxy_pass targets (also inside `if`)
// and, for an upstream name, that upstream's `server` lines.
QString proxyTargetText(const Scope* loc, const QHash<QString, QString>& upstreams)
{
    QStringList parts;
    QList<const Scope*> scopes{loc};
    for (const auto& child : loc->children) {
        if (child->kind == Scope::Kind::If)
            scopes.append(child.get());
    }
    for (const Scope* s : scopes) {
        for (const DirectiveRef& d : s->ownAll("proxy_pass")) {
            const QString url = QString::fromUtf8(d.node->arg(0));
            parts.append(url);
            QString host = url.section(QStringLiteral("://"), -1);
            host = host.section(QLatin1Char('/'), 0, 0).toLower();
            if (upstreams.contains(host))
                parts.append(upstreams.value(host));
        }
    }
    return parts.join(QLatin1Char(' '));
}

// The container a location is selected in: its server, or the file's top level for a site file
// made of bare locations.
const Scope* containerOf(const Scope* loc, const Scope* root)
{
    const Scope* server = loc->enclosingServer();
    return server ? server : root;
}

ConfigFinding make(const Context& ctx, const QString& rule, const QString& severity, const DirectiveRef& at,
                   const Scope* location, const QString& message, const QString& fix)
{
    ConfigFinding f;
    f.rule = rule;
    f.severity = severity;
    if (at) {
        f.file = ctx.fileOf(at.file);
        f.line = at.node->pos().line;
    } else {
        f.file = ctx.fileOf(location->file);
        f.line = location->node->pos().line;
    }
    f.message = message;
    f.fix = fix;
    return f;
}

void checkTimeout(const Context& ctx, LocationReport& r, const QByteArray& directive, const QString& rule,
                  double seconds, double otherSeconds)
{
    const Scope* loc = r.location;
    const DirectiveRef eff = loc->effective(directive);
    if (seconds < 0 || seconds >= ctx.options.thresholdSeconds)
        return;
    const double fixValue = otherSeconds >= ctx.options.thresholdSeconds ? otherSeconds : ctx.options.suggestedSeconds;
    // nginx arms proxy_read_timeout whenever the tunnel waits for the backend (so it is the idle
    // timeout), proxy_send_timeout only while a write to the backend is blocked
    // (ngx_http_upstream_process_upgraded); the client side is send_timeout, not these.
    const QString what = directive == "proxy_read_timeout"
        ? QStringLiteral("an idle WebSocket (no frame from the backend) is closed after %1, seen by the client as 1006")
        : QStringLiteral("nginx closes the WebSocket when a write to the backend stays blocked for %1 (a busy backend that "
                         "stops reading what the client sends; an idle tunnel is closed by proxy_read_timeout, not by this)");
    const QString is = eff ? QStringLiteral("%1 is %2 (%3)").arg(str(directive), str(eff.node->arg(0)), ctx.where(eff))
                           : QStringLiteral("%1 is not set (nginx's default 60 s)").arg(str(directive));
    r.findings.append(make(ctx, rule, QStringLiteral("warning"), eff, loc,
                           QStringLiteral("%1: %2, below the %3 threshold: %4")
                               .arg(loc->label(), is, fmtSeconds(ctx.options.thresholdSeconds), what.arg(fmtSeconds(seconds))),
                           QStringLiteral("%1 %2;").arg(str(directive), str(NginxAnalyzer::formatSeconds(fixValue)))));
}

// WS006/WS007: info. Once nginx switches a connection to the upgraded tunnel it copies bytes both
// ways and neither response nor request buffering applies; they matter only for long-polling/SSE
// fallbacks and the handshake itself.
void checkOff(const Context& ctx, LocationReport& r, const QByteArray& directive, const QString& rule, const QString& why)
{
    const DirectiveRef eff = r.location->effective(directive);
    if (eff && eff.node->arg(0) == "off")
        return;
    const QString is = eff ? QStringLiteral("%1 is %2 (%3)").arg(str(directive), str(eff.node->arg(0)), ctx.where(eff))
                           : QStringLiteral("%1 is not set (nginx's default: on)").arg(str(directive));
    r.findings.append(make(ctx, rule, QStringLiteral("info"), eff, r.location,
                           QStringLiteral("%1: %2: %3").arg(r.location->label(), is, why),
                           QStringLiteral("%1 off;").arg(str(directive))));
}

LocationTraffic classifyTraffic(const Scope* loc)
{
    const QString args = loc->locationArgs();
    if (args == QLatin1String("/"))
        return LocationTraffic::RootPrefix;
    if (args.startsWith(QLatin1Char('@')))
        return LocationTraffic::NamedFallback;
    if (const DirectiveRef c = loc->own("proxy_cache"); c && c.node->arg(0) != "off")
        return LocationTraffic::OwnCache;
    return LocationTraffic::WebSocketOnly;
}

// WS006–WS008 on a location that also serves regular HTTP: say why `fix` leaves them.
void noteSharedLocation(LocationReport& r)
{
    if (r.traffic == LocationTraffic::WebSocketOnly)
        return;
    for (ConfigFinding& f : r.findings) {
        if (f.rule == QLatin1String("WS006") || f.rule == QLatin1String("WS007") || f.rule == QLatin1String("WS008"))
            f.message += QStringLiteral(" (left as is by fix: %1 also serves regular HTTP, %2; give the WebSocket path its own location instead)")
                             .arg(r.location->label(), trafficReason(r.traffic));
    }
}

LocationReport checkLocation(const Context& ctx, const Scope* loc, const QString& why)
{
    LocationReport r;
    r.location = loc;
    r.why = why;
    r.traffic = classifyTraffic(loc);
    const QString label = loc->label();

    // WS001. The default is 1.0 before nginx 1.29.7 and 1.1 from it on (nginx's CHANGES).
    const ServerVersion& running = ctx.options.serverVersion;
    const bool http11Default = running.atLeast(kNginxHttp11DefaultSince[0], kNginxHttp11DefaultSince[1], kNginxHttp11DefaultSince[2]);
    const DirectiveRef version = loc->effective("proxy_http_version");
    if (version ? version.node->arg(0) != "1.1" : !http11Default) {
        const QString is = version ? QStringLiteral("proxy_http_version is %1 (%2)").arg(str(version.node->arg(0)), ctx.where(version))
            : running.known()
                ? QStringLiteral("proxy_http_version is not set, so nginx %1 talks HTTP/1.0 to the backend (its default; "
                                 "nginx 1.29.7 and later default to 1.1)").arg(running.text)
                : QStringLiteral("proxy_http_version is not set, so nginx talks HTTP/1.0 to the backend (the default before "
                                 "nginx 1.29.7; 1.29.7 and later default to 1.1: give the version with --nginx-version)");
        r.findings.append(make(ctx, QStringLiteral("WS001"), QStringLiteral("error"), version, loc,
                               QStringLiteral("%1: %2; the WebSocket upgrade needs HTTP/1.1 (backends answer 400, or drop the request and nginx answers 502)").arg(label, is),
                               QStringLiteral("proxy_http_version 1.1;")));
    }

    // Headers: the list that applies here (WS002, WS003, WS010), and what this location drops (WS009).
    const Scope* hs = loc->headerScope();
    const QList<HeaderLine> headers = hs ? NginxAnalyzer::ownHeaders(hs) : QList<HeaderLine>();
    const QList<HeaderLine> own = NginxAnalyzer::ownHeaders(loc);
    auto headerRef = [&](const QByteArray& lower) -> DirectiveRef {
        for (const HeaderLine& h : headers) {
            if (h.name.toLower() == lower)
                return h.ref;
        }
        return {};
    };
    const QByteArray* upgrade = findHeader(headers, "upgrade");
    if (!upgrade || !upgrade->toLower().contains("$http_upgrade")) {
        // A constant value (`Upgrade "websocket"`) does upgrade the WebSocket handshake; what it
        // breaks is every other request: each plain request is sent as an upgrade attempt.
        const bool constant = upgrade && !upgrade->contains('$') && !upgrade->trimmed().isEmpty();
        QString message;
        if (!upgrade)
            message = QStringLiteral("%1: no proxy_set_header Upgrade $http_upgrade: nginx drops the hop-by-hop Upgrade header, the backend refuses (426/400) or answers plain HTTP").arg(label);
        else if (constant)
            message = QStringLiteral("%1: Upgrade is always \"%2\", not $http_upgrade: the WebSocket upgrade works, but every plain request through this location is also sent to the backend as an upgrade attempt (a backend may answer it 400, or switch protocols on an ordinary request)").arg(label, str(*upgrade));
        else
            message = QStringLiteral("%1: Upgrade is set to \"%2\", not $http_upgrade: the backend does not receive the client's upgrade request").arg(label, str(*upgrade));
        r.findings.append(make(ctx, QStringLiteral("WS002"), constant ? QStringLiteral("warning") : QStringLiteral("error"),
                               headerRef("upgrade"), loc, message, QStringLiteral("proxy_set_header Upgrade $http_upgrade;")));
    }
    const QByteArray* connection = findHeader(headers, "connection");
    bool connectionOk = false;
    QString connectionWhy;
    if (connection) {
        const QByteArray v = connection->trimmed().toLower();
        if (v.startsWith('$')) {
            if (ctx.upgradeMaps.contains(v) || v == "$http_connection") // the client's own "Upgrade" token passes through
                connectionOk = true;
            else if (!ctx.sawHttp && v == "$connection_upgrade")
                connectionOk = true; // a site file alone: the map lives in nginx.conf, which we have not seen
            else
                connectionWhy = QStringLiteral("Connection is set to %1 but no `map $http_upgrade %1 { … }` defines it").arg(str(*connection));
        } else if (v.contains("upgrade")) {
            connectionOk = true;
        } else {
            connectionWhy = QStringLiteral("Connection is set to \"%1\", not \"upgrade\"").arg(str(*connection));
        }
    } else {
        connectionWhy = http11Default
            ? QStringLiteral("no proxy_set_header Connection \"upgrade\" (nginx %1 sends no Connection header by default)").arg(running.text)
            : running.known()
                ? QStringLiteral("no proxy_set_header Connection \"upgrade\" (nginx %1 sends \"Connection: close\")").arg(running.text)
                : QStringLiteral("no proxy_set_header Connection \"upgrade\" (nginx sends \"Connection: close\", or from 1.29.7 on no Connection header)");
    }
    if (!connectionOk) {
        r.findings.append(make(ctx, QStringLiteral("WS003"), QStringLiteral("error"), headerRef("connection"), loc,
                               QStringLiteral("%1: %2: the upgrade request does not reach the backend").arg(label, connectionWhy),
                               QStringLiteral("proxy_set_header Connection \"upgrade\";")));
    }

    // WS004 / WS005
    const DirectiveRef readRef = loc->effective("proxy_read_timeout");
    const DirectiveRef sendRef = loc->effective("proxy_send_timeout");
    r.readSeconds = readRef ? parseNginxSeconds(readRef.node->arg(0)) : 60;
    r.sendSeconds = sendRef ? parseNginxSeconds(sendRef.node->arg(0)) : 60;
    checkTimeout(ctx, r, "proxy_read_timeout", QStringLiteral("WS004"), r.readSeconds, r.sendSeconds);
    checkTimeout(ctx, r, "proxy_send_timeout", QStringLiteral("WS005"), r.sendSeconds, r.readSeconds);

    // WS006 / WS007 / WS008
    checkOff(ctx, r, "proxy_buffering", QStringLiteral("WS006"),
             QStringLiteral("responses are buffered; this does not affect the upgraded WebSocket tunnel, only a long-polling/SSE fallback on this location"));
    checkOff(ctx, r, "proxy_request_buffering", QStringLiteral("WS007"),
             QStringLiteral("request bodies are buffered before reaching the backend; this does not affect the upgraded WebSocket tunnel, only request bodies such as long-polling POSTs"));
    const DirectiveRef cache = loc->effective("proxy_cache");
    if (cache && cache.node->arg(0) != "off") {
        r.findings.append(make(ctx, QStringLiteral("WS008"), QStringLiteral("info"), cache, loc,
                               QStringLiteral("%1: proxy_cache %2 (%3) applies to the WebSocket location; the upgraded tunnel is not cached, but long-polling fallback responses could be")
                                   .arg(label, str(cache.node->arg(0)), ctx.where(cache)),
                               QStringLiteral("proxy_cache off;")));
    }

    // WS009: own headers hide the inherited ones.
    const Scope* outer = nullptr;
    for (const Scope* s = loc->parent; s && !outer; s = s->parent)
        outer = s->headerScope();
    r.inheritedHeaders = outer ? NginxAnalyzer::ownHeaders(outer) : QList<HeaderLine>();
    if (!own.isEmpty() && outer) {
        QStringList names;
        for (const HeaderLine& h : r.inheritedHeaders) {
            if (!findHeader(own, h.name.toLower())) {
                r.droppedHeaders.append(h);
                names.append(str(h.name));
            }
        }
        if (!names.isEmpty()) {
            QStringList fix;
            for (const HeaderLine& h : r.droppedHeaders) {
                QByteArray line;
                for (int i = 0; i < h.ref.node->words.size(); ++i)
                    line += (i ? " " : "") + h.ref.node->words.at(i).raw;
                fix.append(str(line) + QLatin1Char(';'));
            }
            r.findings.append(make(ctx, QStringLiteral("WS009"), QStringLiteral("warning"), own.front().ref, loc,
                                   QStringLiteral("%1 sets its own proxy_set_header, so nginx drops every one inherited from the %2 (%3): %4 no longer reach the backend")
                                       .arg(label, outer->label(), ctx.where(r.inheritedHeaders.front().ref), names.join(QStringLiteral(", "))),
                                   fix.join(QLatin1Char(' '))));
        }
    }

    // WS010: behind TLS without X-Forwarded-Proto.
    if (const Scope* server = loc->enclosingServer()) {
        bool tls = false;
        for (const DirectiveRef& l : server->ownAll("listen")) {
            if (l.node->args().contains("ssl"))
                tls = true;
        }
        if (const DirectiveRef ssl = server->own("ssl"); ssl && ssl.node->arg(0) == "on")
            tls = true;
        if (tls && !findHeader(headers, "x-forwarded-proto")) {
            r.findings.append(make(ctx, QStringLiteral("WS010"), QStringLiteral("info"), {}, loc,
                                   QStringLiteral("%1: the server terminates TLS but does not pass X-Forwarded-Proto: the backend sees http/ws and may build ws:// URLs (mixed content) or reject the origin").arg(label),
                                   QStringLiteral("proxy_set_header X-Forwarded-Proto $scheme;")));
        }
    }
    noteSharedLocation(r);
    return r;
}

void checkIncludeDirs(const Context& ctx, ConfigFindings& out)
{
    for (const GlobInclude& g : ctx.set.globIncludes()) {
        const QString includer = ctx.fileOf(g.fileIndex);
        for (const GlobMatch& m : g.matches) {
            const QFileInfo fi(m.path);
            const bool backup = NginxConfigSet::isBackupName(fi.fileName());
            const bool sitesEnabled = QFileInfo(fi.path()).fileName() == QLatin1String("sites-enabled");
            const bool plainFile = sitesEnabled && m.symlinkKnown && !m.isSymlink;
            if (!backup && !plainFile)
                continue;
            ConfigFinding f;
            f.rule = QStringLiteral("NG001");
            f.file = includer;
            f.line = g.line;
            const QString avail = QDir::cleanPath(fi.path() + QStringLiteral("/../sites-available/") + fi.fileName());
            if (backup) {
                f.severity = QStringLiteral("error");
                f.message = QStringLiteral("%1 looks like a backup copy, but `include %2` loads it as live configuration: "
                                           "its server blocks duplicate the real ones (\"a duplicate default server\", or the old config answering)")
                                .arg(m.path, g.pattern);
                f.fix = sitesEnabled || !fi.path().endsWith(QLatin1String("sites-available"))
                    ? QStringLiteral("mv %1 %2  # keep backups outside included directories").arg(m.path, sitesEnabled ? avail : QStringLiteral("/root/"))
                    : QStringLiteral("mv %1 /root/").arg(m.path);
            } else {
                f.severity = QStringLiteral("warning");
                f.message = QStringLiteral("%1 is a regular file, not a symlink into sites-available/: nginx loads it, and an edit "
                                           "made in sites-available/ (or a copy left here) silently diverges from what runs")
                                .arg(m.path);
                f.fix = QStringLiteral("mv %1 %2 && ln -s %2 %1").arg(m.path, avail);
            }
            out.append(f);
        }
    }
}

// A location proxying to an application that upgrades on any path (code-server, Proxmox's
// noVNC console): named by a hint in its own proxy target, or by the server's name when it is
// the location serving "/".
QString rootAppReason(const WebSocketAppCatalog& catalog, const Scope* loc, const Scope* container,
                      const QString& target, const QString& serverName)
{
    for (const AppMatch& m : catalog.hintedBy(target)) {
        if (m.app->root)
            return QStringLiteral("%1 upgrades on any path; its proxy_pass names \"%2\" (application catalogue)").arg(m.app->name, m.hint);
    }
    if (selectLocation(container, QStringLiteral("/")) == loc) {
        for (const AppMatch& m : catalog.hintedBy(serverName)) {
            if (m.app->root)
                return QStringLiteral("%1 upgrades on any path; server_name names \"%2\" (application catalogue)").arg(m.app->name, m.hint);
        }
    }
    return {};
}

} // namespace

QString trafficReason(LocationTraffic traffic)
{
    switch (traffic) {
    case LocationTraffic::WebSocketOnly: return {};
    case LocationTraffic::RootPrefix: return QStringLiteral("it is the catch-all prefix location");
    case LocationTraffic::NamedFallback: return QStringLiteral("it is a named location ordinary requests fall back to");
    case LocationTraffic::OwnCache: return QStringLiteral("it enables proxy_cache itself");
    }
    return {};
}

bool LocationReport::hasRule(const QString& rule) const
{
    for (const ConfigFinding& f : findings) {
        if (f.rule == rule)
            return true;
    }
    return false;
}

QList<HeaderLine> NginxAnalyzer::ownHeaders(const Scope* scope)
{
    QList<HeaderLine> list;
    for (const DirectiveRef& d : scope->ownAll("proxy_set_header")) {
        if (d.node->argCount() >= 1)
            list.append({d.node->arg(0), d.node->arg(1), d});
    }
    return list;
}

QByteArray NginxAnalyzer::formatSeconds(double seconds)
{
    return QByteArray::number(qRound64(seconds)) + "s";
}

NginxAnalysis NginxAnalyzer::analyze(const NginxConfigSet& set, const RuleOptions& options)
{
    NginxAnalysis a;
    a.root = buildScopes(set);
    Context ctx{set, options, {}, false};
    QList<const Scope*> maps;
    collectScopes(a.root.get(), Scope::Kind::Map, maps);
    for (const Scope* m : maps) {
        if (m->node->argCount() >= 2 && m->node->arg(0).toLower() == "$http_upgrade") {
            ctx.upgradeMaps.insert(m->node->arg(1).toLower());
            if (a.upgradeMapVariable.isEmpty())
                a.upgradeMapVariable = m->node->arg(1);
        }
    }
    QList<const Scope*> https;
    collectScopes(a.root.get(), Scope::Kind::Http, https);
    ctx.sawHttp = !https.isEmpty();

    // Locations the endpoint paths select, per server (or per file of bare locations).
    QSet<const Scope*> byEndpoint;
    QList<const Scope*> containers;
    collectScopes(a.root.get(), Scope::Kind::Server, containers);
    containers.append(a.root.get());
    for (const QString& path : options.endpointPaths) {
        for (const Scope* c : containers) {
            if (const Scope* hit = selectLocation(c, path))
                byEndpoint.insert(hit);
        }
    }

    // The application catalogue: which applications each server's names and targets point to.
    const WebSocketAppCatalog& catalog = WebSocketAppCatalog::builtIn();
    QHash<QString, QString> upstreams;
    QList<const Scope*> upstreamScopes;
    collectScopes(a.root.get(), Scope::Kind::Upstream, upstreamScopes);
    for (const Scope* u : upstreamScopes) {
        QStringList servers;
        for (const DirectiveRef& d : u->ownAll("server"))
            servers.append(str(d.node->arg(0)));
        upstreams.insert(str(u->node->arg(0)).toLower(), QStringLiteral("%1 %2").arg(str(u->node->arg(0)), servers.join(QLatin1Char(' '))));
    }
    QList<const Scope*> locations;
    collectScopes(a.root.get(), Scope::Kind::Location, locations);
    QHash<const Scope*, QString> serverNames;   // container → its server_name words
    QHash<const Scope*, QList<AppMatch>> hinted; // container → applications its hints name
    for (const Scope* c : containers) {
        QStringList words;
        for (const DirectiveRef& d : c->ownAll("server_name")) {
            for (const QByteArray& w : d.node->args())
                words.append(str(w));
        }
        serverNames.insert(c, words.join(QLatin1Char(' ')));
    }
    {
        QHash<const Scope*, QStringList> texts;
        for (const Scope* loc : locations)
            texts[containerOf(loc, a.root.get())].append(proxyTargetText(loc, upstreams));
        for (const Scope* c : containers)
            hinted.insert(c, catalog.hintedBy(serverNames.value(c) + QLatin1Char(' ') + texts.value(c).join(QLatin1Char(' '))));
    }

    QSet<const Scope*> analysed;
    QSet<const Scope*> headerOnly; // WebSocket locations only because an Upgrade header reaches them
    for (const Scope* loc : locations) {
        if (!loc->proxies())
            continue;
        const Scope* container = containerOf(loc, a.root.get());
        QString why;
        // An Upgrade header set here or at any enclosing level (even one this location's own
        // proxy_set_header lines hide: that is the WS009 trap) shows WebSocket intent.
        bool upgradeIntended = false;
        for (const Scope* s = loc; s && !upgradeIntended; s = s->parent)
            upgradeIntended = findHeader(ownHeaders(s), "upgrade") != nullptr;
        if (upgradeIntended)
            why = QStringLiteral("sets an Upgrade header");
        else if (byEndpoint.contains(loc))
            why = QStringLiteral("serves the endpoint path");
        else if (options.markedLocations.contains(loc->locationArgs()))
            why = QStringLiteral("marked as WebSocket");
        else if (const AppMatch m = catalog.matchPattern(loc->locationArgs(), hinted.value(container)))
            why = QStringLiteral("its path names %1's WebSocket endpoint %2 (application catalogue)").arg(m.app->name, m.path);
        else
            why = rootAppReason(catalog, loc, container, proxyTargetText(loc, upstreams), serverNames.value(container));
        const bool fromCatalogue = !upgradeIntended && !byEndpoint.contains(loc) && !options.markedLocations.contains(loc->locationArgs());
        if (why.isEmpty())
            continue;
        analysed.insert(loc);
        LocationReport r = checkLocation(ctx, loc, why);
        if (fromCatalogue) {
            // Recognised by the catalogue alone: say what made it a WebSocket location.
            for (ConfigFinding& f : r.findings)
                f.message += QStringLiteral(" [a WebSocket location: %1]").arg(why);
        }
        if (upgradeIntended && !byEndpoint.contains(loc) && !options.markedLocations.contains(loc->locationArgs()))
            headerOnly.insert(loc);
        a.locations.append(std::move(r));
    }
    // A location that also serves regular HTTP (Mastodon's Rails `location /`, which caches the
    // site) and carries the Upgrade headers incidentally, while the server routes its WebSockets
    // to a dedicated location and no catalogue path of the server's applications lands here: its
    // timeouts are ordinary HTTP timeouts. Reported as info, and `fix` leaves them.
    for (LocationReport& r : a.locations) {
        if (r.traffic == LocationTraffic::WebSocketOnly || !headerOnly.contains(r.location))
            continue;
        const Scope* container = containerOf(r.location, a.root.get());
        const Scope* dedicated = nullptr;
        for (const LocationReport& other : std::as_const(a.locations)) {
            if (!dedicated && other.traffic == LocationTraffic::WebSocketOnly && containerOf(other.location, a.root.get()) == container)
                dedicated = other.location;
        }
        bool appPathHere = false;
        for (const AppMatch& app : hinted.value(container)) {
            for (const QString& path : app.app->paths)
                appPathHere = appPathHere || selectLocation(container, path) == r.location;
        }
        if (!dedicated || appPathHere)
            continue;
        r.incidentalRouteTo = dedicated->label();
        for (ConfigFinding& f : r.findings) {
            if (f.rule != QLatin1String("WS004") && f.rule != QLatin1String("WS005"))
                continue;
            f.severity = QStringLiteral("info");
            f.message += QStringLiteral(" (info only, left as is by fix: %1 also serves regular HTTP, %2, and its Upgrade headers "
                                        "are incidental: the server's WebSocket route is %3. Raise it only if a WebSocket is routed here)")
                             .arg(r.location->label(), trafficReason(r.traffic), r.incidentalRouteTo);
        }
    }
    for (const LocationReport& r : std::as_const(a.locations))
        a.findings.append(r.findings);
    // WS011: a recognised application's WebSocket path that nginx sends to a location which
    // also serves regular HTTP and passes no Upgrade header.
    QSet<QPair<const Scope*, QString>> reported;
    for (const Scope* c : containers) {
        for (const AppMatch& app : hinted.value(c)) {
            for (const QString& path : app.app->paths) {
                const Scope* hit = selectLocation(c, path);
                if (!hit || !hit->proxies() || analysed.contains(hit) || reported.contains({hit, path}))
                    continue;
                // The location must lead to that application: its proxy target, or the server's
                // name, carries one of its hints (a sub-path deployment's path lands elsewhere).
                bool leadsThere = false;
                const QString target = (proxyTargetText(hit, upstreams) + QLatin1Char(' ') + serverNames.value(c)).toLower();
                for (const QString& h : app.app->hints)
                    leadsThere = leadsThere || target.contains(h);
                if (!leadsThere)
                    continue;
                reported.insert({hit, path});
                RouteReport route;
                route.location = hit;
                route.path = path;
                route.app = app;
                route.finding = make(ctx, QStringLiteral("WS011"), QStringLiteral("error"), {}, hit,
                                     QStringLiteral("%1: %2's WebSocket path %3 falls into this location, which passes no Upgrade header "
                                                    "(the application was recognised by \"%4\", application catalogue): the upgrade never "
                                                    "reaches the backend, so %2's live features fail or fall back to polling. Give %3 a "
                                                    "dedicated location rather than changing %1, which also serves regular HTTP")
                                         .arg(hit->label(), app.app->name, path, app.hint),
                                     QStringLiteral("location ^~ %1 { proxy_pass …; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; "
                                                    "proxy_set_header Connection %2; proxy_read_timeout %3; proxy_send_timeout %3; }")
                                         .arg(path, a.upgradeMapVariable.isEmpty() ? QStringLiteral("\"upgrade\"") : str(a.upgradeMapVariable),
                                              str(NginxAnalyzer::formatSeconds(options.suggestedSeconds))));
                a.findings.append(route.finding);
                a.routes.append(route);
            }
        }
    }
    checkIncludeDirs(ctx, a.findings);
    sortFindings(a.findings);
    return a;
}

ConfigFindings NginxAnalyzer::lint(const NginxConfigSet& set, const RuleOptions& options)
{
    return analyze(set, options).findings;
}

} // namespace socketscope::nginx
