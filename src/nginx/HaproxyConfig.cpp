// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/HaproxyConfig.h"

#include "nginx/UnifiedDiff.h"
#include "nginx/WebSocketApps.h"

#include <QMap>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

#include <algorithm>

namespace socketscope::nginx {

namespace {

const QList<QByteArray>& sectionKeywords()
{
    static const QList<QByteArray> list = {"global", "defaults", "frontend", "backend", "listen", "peers",
                                           "resolvers", "userlist", "mailers", "program", "cache", "ring",
                                           "http-errors", "namespace_list", "log-forward", "fcgi-app", "crt-store"};
    return list;
}

QString str(const QByteArray& b) { return QString::fromUtf8(b); }

} // namespace

bool HaproxyConfig::parse(const QByteArray& text, const QString& path, HaproxyConfig* out, ConfError* error)
{
    *out = HaproxyConfig();
    out->path = path;
    out->text = text;
    const char* d = text.constData();
    const qsizetype n = text.size();
    qsizetype pos = 0;
    int lineNo = 0;
    auto fail = [&](int line, qsizetype at, qsizetype lineStart, const QString& message) {
        *error = {path, line, int(at - lineStart) + 1, message};
        *out = HaproxyConfig();
        out->path = path;
        return false;
    };
    while (pos < n) {
        ++lineNo;
        qsizetype eol = text.indexOf('\n', pos);
        if (eol < 0)
            eol = n;
        HaLine line;
        line.line = lineNo;
        line.offset = pos;
        qsizetype end = eol;
        if (end > pos && d[end - 1] == '\r')
            --end;
        line.endOffset = end;
        qsizetype i = pos;
        while (i < end && (d[i] == ' ' || d[i] == '\t'))
            ++i;
        line.indent = text.mid(pos, i - pos);
        while (i < end) {
            if (d[i] == '\0')
                return fail(lineNo, i, pos, QStringLiteral("binary data (a NUL byte): this is not a HAProxy configuration file"));
            if (d[i] == ' ' || d[i] == '\t') {
                ++i;
                continue;
            }
            if (d[i] == '#')
                break;
            const qsizetype start = i;
            QByteArray word;
            while (i < end && d[i] != ' ' && d[i] != '\t') {
                const char c = d[i];
                if (c == '\0')
                    return fail(lineNo, i, pos, QStringLiteral("binary data (a NUL byte): this is not a HAProxy configuration file"));
                if (c == '\\' && i + 1 < end) {
                    word.append(d[i + 1]);
                    i += 2;
                    continue;
                }
                if (c == '"' || c == '\'') {
                    const qsizetype close = text.indexOf(c, i + 1);
                    if (close < 0 || close >= end)
                        return fail(lineNo, i, pos, QStringLiteral("unterminated quoted string"));
                    word.append(text.mid(i + 1, close - i - 1));
                    i = close + 1;
                    continue;
                }
                word.append(c);
                ++i;
            }
            if (line.words.isEmpty())
                line.column = int(start - pos) + 1;
            line.words.append(word);
            line.wordOffsets.append(start);
            line.wordLengths.append(i - start);
        }
        pos = eol + 1;
        if (line.words.isEmpty())
            continue;
        if (sectionKeywords().contains(line.words.first())) {
            HaSection s;
            s.kind = line.words.first();
            if (line.words.size() > 1 && line.words.at(1) != "from")
                s.name = line.words.at(1);
            const qsizetype fromAt = line.words.indexOf("from");
            if (fromAt > 0 && fromAt + 1 < line.words.size())
                s.from = line.words.at(fromAt + 1);
            s.header = line;
            out->sections.append(s);
            continue;
        }
        if (out->sections.isEmpty())
            return fail(lineNo, line.offset + line.indent.size(), line.offset,
                        QStringLiteral("\"%1\" outside of any section (expected global, defaults, frontend, backend or listen first)")
                            .arg(str(line.words.first()).left(80)));
        out->sections.last().lines.append(line);
    }
    return true;
}

int HaproxyConfig::findSection(const QByteArray& kind, const QByteArray& name) const
{
    for (int i = int(sections.size()) - 1; i >= 0; --i) {
        if (sections.at(i).kind == kind && sections.at(i).name == name)
            return i;
    }
    return -1;
}

int HaproxyConfig::defaultsFor(int sectionIndex) const
{
    const HaSection& s = sections.at(sectionIndex);
    if (!s.from.isEmpty()) {
        for (int i = 0; i < sections.size(); ++i) {
            if (sections.at(i).kind == "defaults" && sections.at(i).name == s.from)
                return i;
        }
        return -1;
    }
    if (s.kind == "defaults")
        return -1;
    for (int i = sectionIndex - 1; i >= 0; --i) {
        if (sections.at(i).kind == "defaults")
            return i;
    }
    return -1;
}

const HaLine* HaproxyConfig::timeout(int sectionIndex, const QByteArray& kind, int* owner) const
{
    int guard = 0;
    for (int s = sectionIndex; s >= 0 && guard < 64; s = defaultsFor(s), ++guard) {
        const HaLine* found = nullptr;
        for (const HaLine& l : sections.at(s).lines) {
            if (l.words.size() >= 3 && l.words.at(0) == "timeout" && l.words.at(1) == kind)
                found = &l;
        }
        if (found) {
            if (owner)
                *owner = s;
            return found;
        }
    }
    return nullptr;
}

QString HaproxyConfig::dump() const
{
    QStringList out;
    for (const HaSection& s : sections) {
        out.append(QStringLiteral("%1:%2:%3  %4 %5%6").arg(path).arg(s.header.line).arg(s.header.column)
                       .arg(str(s.kind), str(s.name), s.from.isEmpty() ? QString() : QStringLiteral(" from ") + str(s.from)));
        for (const HaLine& l : s.lines) {
            QStringList words;
            for (const QByteArray& w : l.words)
                words.append(str(w));
            out.append(QStringLiteral("%1:%2:%3    %4").arg(path).arg(l.line).arg(l.column).arg(words.join(QLatin1Char(' '))));
        }
    }
    return out.join(QLatin1Char('\n'));
}

namespace {

struct Analysis {
    ConfigFindings findings;
    QSet<int> needTunnel;          // backend/listen sections lacking a long-enough tunnel timeout
};

QString fmt(double s) { return s < 1 ? QStringLiteral("%1 ms").arg(qRound(s * 1000)) : QStringLiteral("%1 s").arg(qRound64(s)); }

bool hasServers(const HaSection& s)
{
    for (const HaLine& l : s.lines) {
        if (l.words.first() == "server" || l.words.first() == "server-template")
            return true;
    }
    return false;
}

// An ACL test ("hdr(Upgrade) -i websocket", "path_beg /socket.io") that only a WebSocket route
// passes: a test on the Upgrade header (or Connection: upgrade), or a path the catalogue knows.
bool isWebSocketTest(const QList<QByteArray>& test)
{
    if (test.isEmpty())
        return false;
    const QByteArray fetch = test.first().toLower();
    if (fetch.contains("hdr")) {
        if (fetch.contains("(upgrade"))
            return true;
        for (const QByteArray& v : test.mid(1)) {
            if (v.toLower() == "websocket" || (fetch.contains("(connection") && v.toLower().contains("upgrade")))
                return true;
        }
    }
    if (fetch.startsWith("path") || fetch.startsWith("url")) {
        for (const QByteArray& v : test.mid(1)) {
            if (!v.startsWith('-') && WebSocketAppCatalog::builtIn().matchPattern(str(v)))
                return true;
        }
    }
    return false;
}

// Whether a `use_backend NAME if|unless COND` condition selects WebSocket requests: an anonymous
// `{ test }` or a named ACL (any of its lines) of the frontend is a WebSocket test.
bool conditionIsWebSocket(const HaSection& frontend, const QList<QByteArray>& words)
{
    const qsizetype at = std::max(words.indexOf("if"), words.indexOf("unless"));
    if (at < 0)
        return false;
    for (qsizetype i = at + 1; i < words.size(); ++i) {
        if (words.at(i) == "{" || words.at(i) == "!{") {
            QList<QByteArray> test;
            for (++i; i < words.size() && words.at(i) != "}"; ++i)
                test.append(words.at(i));
            if (isWebSocketTest(test))
                return true;
            continue;
        }
        QByteArray name = words.at(i);
        while (name.startsWith('!'))
            name = name.mid(1);
        for (const HaLine& l : frontend.lines) {
            if (l.words.size() >= 3 && l.words.at(0) == "acl" && l.words.at(1) == name && isWebSocketTest(l.words.mid(2)))
                return true;
        }
    }
    return false;
}

// A backend the catalogue or its name identifies as a WebSocket application's ("sockjs",
// "octoprint", "grafana", "ws_back", "websocket-servers").
QString webSocketName(const HaSection& s)
{
    QString text = str(s.name);
    for (const HaLine& l : s.lines) {
        if (l.words.first() == "server" && l.words.size() >= 3)
            text += QLatin1Char(' ') + str(l.words.at(1)) + QLatin1Char(' ') + str(l.words.at(2));
    }
    const QList<AppMatch> apps = WebSocketAppCatalog::builtIn().hintedBy(text);
    if (!apps.isEmpty())
        return QStringLiteral("%1 (\"%2\")").arg(apps.first().app->name, apps.first().hint);
    static const QRegularExpression wsWord(QStringLiteral("(^|[^a-z0-9])(ws|wss|websockets?|sockets?)([^a-z0-9]|$)"),
                                           QRegularExpression::CaseInsensitiveOption);
    if (wsWord.match(str(s.name)).hasMatch())
        return QStringLiteral("its name");
    return {};
}

Analysis analyze(const HaproxyConfig& c, const RuleOptions& o)
{
    Analysis a;
    const double threshold = o.thresholdSeconds;
    const QString suggested = QStringLiteral("timeout tunnel %1s").arg(qRound64(o.suggestedSeconds));
    // Findings at the same place for several proxies (a shared defaults line) are merged.
    QMap<QString, ConfigFinding> merged;
    QMap<QString, QStringList> proxiesAt;
    auto add = [&](const QString& rule, const QString& severity, int line, const QString& proxy, const QString& message) {
        const QString key = rule + QLatin1Char('@') + QString::number(line);
        proxiesAt[key].append(proxy);
        if (!merged.contains(key))
            merged.insert(key, {rule, severity, c.path, line, message, suggested});
    };
    auto seconds = [&](int idx, const QByteArray& kind, const HaLine** line) {
        const HaLine* t = c.timeout(idx, kind);
        if (line)
            *line = t;
        return t ? parseHaproxySeconds(t->words.at(2)) : -1.0;
    };

    // Routing: which backends each frontend/listen hands connections to, and which of them can
    // carry an upgraded connection (a WebSocket ACL routes there, or the backend is known as a
    // WebSocket application's). A config that names no WebSocket route at all is judged whole:
    // every proxy section with servers (the user is linting it for WebSockets).
    QMap<int, QList<int>> routes;   // frontend/listen → backends
    QSet<int> webSocket;
    for (int i = 0; i < c.sections.size(); ++i) {
        const HaSection& s = c.sections.at(i);
        if (s.kind != "frontend" && s.kind != "listen")
            continue;
        if (s.kind == "listen" && hasServers(s))
            routes[i].append(i);
        for (const HaLine& l : s.lines) {
            const bool use = l.words.at(0) == "use_backend";
            if ((!use && l.words.at(0) != "default_backend") || l.words.size() < 2)
                continue;
            const int b = c.findSection("backend", l.words.at(1));
            if (b < 0)
                continue;
            routes[i].append(b);
            if (use && conditionIsWebSocket(s, l.words))
                webSocket.insert(b);
        }
    }
    for (int i = 0; i < c.sections.size(); ++i) {
        const HaSection& s = c.sections.at(i);
        if ((s.kind == "backend" || s.kind == "listen") && hasServers(s) && !webSocketName(s).isEmpty())
            webSocket.insert(i);
    }
    if (webSocket.isEmpty()) {
        for (int i = 0; i < c.sections.size(); ++i) {
            const HaSection& s = c.sections.at(i);
            if ((s.kind == "backend" || s.kind == "listen") && hasServers(s))
                webSocket.insert(i);
        }
    }
    // The shortest client timeout of the frontends reaching each backend (-1: none set).
    QMap<int, double> clientSeconds;
    for (auto it = routes.cbegin(); it != routes.cend(); ++it) {
        const double secs = seconds(it.key(), "client", nullptr);
        for (int b : it.value()) {
            if (secs >= 0 && (!clientSeconds.contains(b) || clientSeconds.value(b) < 0 || secs < clientSeconds.value(b)))
                clientSeconds[b] = secs;
            else if (!clientSeconds.contains(b))
                clientSeconds[b] = -1;
        }
    }

    // HAProxy has no built-in tunnel timeout: without `timeout tunnel` the client/server ones apply.
    const QString runningDefault = o.serverVersion.known()
        ? QStringLiteral(" (HAProxy %1 sets none by default)").arg(o.serverVersion.text) : QString();
    for (int i = 0; i < c.sections.size(); ++i) {
        const HaSection& s = c.sections.at(i);
        if (!s.isProxy())
            continue;
        const QString proxy = str(s.kind) + QLatin1Char(' ') + str(s.name);
        if (webSocket.contains(i)) {
            const HaLine* tunnel = nullptr;
            const double tunnelSecs = seconds(i, "tunnel", &tunnel);
            const HaLine* server = nullptr;
            const double serverSecs = seconds(i, "server", &server);
            const double clientSecs = clientSeconds.value(i, -1);
            // Without a tunnel timeout the upgraded connection idles out after the client/server
            // timeouts: a finding only when one of them is below the threshold.
            const bool shortWithoutTunnel = !tunnel && ((serverSecs >= 0 && serverSecs < threshold) || (clientSecs >= 0 && clientSecs < threshold));
            if (shortWithoutTunnel || (tunnel && tunnelSecs >= 0 && tunnelSecs < threshold)) {
                a.needTunnel.insert(i);
                add(QStringLiteral("HA001"), QStringLiteral("warning"), tunnel ? tunnel->line : s.header.line, proxy,
                    tunnel ? QStringLiteral("timeout tunnel %1 is below the %2 threshold: established WebSockets are closed after %3 idle")
                                 .arg(str(tunnel->words.at(2)), fmt(threshold), fmt(tunnelSecs))
                           : QStringLiteral("no timeout tunnel%2: once upgraded, WebSockets idle out after timeout client/server (%1)")
                                 .arg(fmt(serverSecs >= 0 && (clientSecs < 0 || serverSecs < clientSecs) ? serverSecs : clientSecs),
                                      runningDefault));
            }
            if (!tunnel && server && serverSecs >= 0 && serverSecs < threshold)
                add(QStringLiteral("HA002"), QStringLiteral("warning"), server->line, proxy,
                    QStringLiteral("timeout server %1 with no timeout tunnel: an idle WebSocket is cut after %2 (the client sees 1006)")
                        .arg(str(server->words.at(2)), fmt(serverSecs)));
        }
        if (s.kind == "backend")
            continue;
        // The frontend side: only frontends that hand connections to a WebSocket backend (a
        // redirect-only frontend, or one routing only to static/stats backends, is not judged).
        bool anyWithout = false;
        for (int b : routes.value(i)) {
            if (webSocket.contains(b) && !c.timeout(b, "tunnel"))
                anyWithout = true;
        }
        if (anyWithout) {
            const HaLine* client = nullptr;
            const double secs = seconds(i, "client", &client);
            if (client && secs >= 0 && secs < threshold)
                add(QStringLiteral("HA002"), QStringLiteral("warning"), client->line, proxy,
                    QStringLiteral("timeout client %1 with no timeout tunnel: an idle WebSocket is cut after %2 (the client sees 1006)")
                        .arg(str(client->words.at(2)), fmt(secs)));
        }
    }
    for (auto it = merged.begin(); it != merged.end(); ++it) {
        it->message = proxiesAt.value(it.key()).join(QStringLiteral(", ")) + QStringLiteral(": ") + it->message;
        a.findings.append(*it);
    }
    sortFindings(a.findings);
    return a;
}

} // namespace

ConfigFindings HaproxyAnalyzer::lint(const HaproxyConfig& config, const RuleOptions& options)
{
    return analyze(config, options).findings;
}

HaproxyFixResult HaproxyAnalyzer::fix(const HaproxyConfig& config, const RuleOptions& options)
{
    HaproxyFixResult r;
    const Analysis a = analyze(config, options);
    r.before = a.findings;
    r.newText = config.text;
    const QByteArray value = QByteArray::number(qRound64(options.suggestedSeconds)) + "s";
    struct Edit { qsizetype offset; qsizetype remove; QByteArray insert; };
    QList<Edit> edits;
    QSet<const HaLine*> raised;
    for (int idx : a.needTunnel) {
        int owner = -1;
        const HaLine* t = config.timeout(idx, "tunnel", &owner);
        if (t) {
            if (!raised.contains(t)) {
                raised.insert(t);
                edits.append({t->wordOffsets.at(2), t->wordLengths.at(2), value});
            }
            continue;
        }
        // Before the first server line (where timeouts usually sit), else after the last line.
        const HaSection& s = config.sections.at(idx);
        const HaLine* server = nullptr;
        for (const HaLine& l : s.lines) {
            if (l.words.first() == "server" || l.words.first() == "server-template" || l.words.first() == "default-server") {
                server = &l;
                break;
            }
        }
        const HaLine& last = s.lines.isEmpty() ? s.header : s.lines.last();
        QByteArray indent = server ? server->indent : s.lines.isEmpty() ? QByteArray("    ") : last.indent;
        if (indent.isEmpty())
            indent = "    ";
        if (server)
            edits.append({server->offset, 0, indent + "timeout tunnel " + value + '\n'});
        else
            edits.append({last.endOffset, 0, '\n' + indent + "timeout tunnel " + value});
    }
    if (edits.isEmpty())
        return r;
    std::sort(edits.begin(), edits.end(), [](const Edit& x, const Edit& y) { return x.offset > y.offset; });
    for (const Edit& e : edits)
        r.newText.replace(e.offset, e.remove, e.insert);
    r.fixedRules = {QStringLiteral("HA001")};
    for (const ConfigFinding& f : a.findings) {
        if (f.rule == QLatin1String("HA002")) {
            r.fixedRules.append(QStringLiteral("HA002"));
            break;
        }
    }
    const QString sep = config.path.startsWith(QLatin1Char('/')) ? QString() : QStringLiteral("/");
    r.diff = UnifiedDiff::unified(config.text, r.newText, QStringLiteral("a") + sep + config.path, QStringLiteral("b") + sep + config.path);
    return r;
}

} // namespace socketscope::nginx
