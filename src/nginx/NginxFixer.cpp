// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/NginxFixer.h"

#include "nginx/NginxAnalyzer.h"
#include "nginx/UnifiedDiff.h"

#include <QMap>

#include <algorithm>

namespace socketscope::nginx {

namespace {

struct Edit {
    int file = 0;
    qsizetype offset = 0;
    qsizetype removeLen = 0;
    QByteArray insert;
};

QByteArray indentOf(const QByteArray& before)
{
    const qsizetype nl = before.lastIndexOf('\n');
    if (nl < 0)
        return {};
    QByteArray tail = before.mid(nl + 1);
    // the trivia may end in a comment line; indentation is the leading blanks of the last line
    qsizetype k = 0;
    while (k < tail.size() && (tail.at(k) == ' ' || tail.at(k) == '\t'))
        ++k;
    return tail.left(k);
}

QByteArray directiveText(const ConfNode* node)
{
    QByteArray line;
    for (int i = 0; i < node->words.size(); ++i)
        line += (i ? " " : "") + node->words.at(i).raw;
    return line + ';';
}

// Where text inserted after `offset` (one past a `;` or `}`) keeps every existing line intact: the
// end of that line when only blanks or a comment follow (they stay on the original line instead
// of trailing the inserted text), otherwise `offset` itself (more directives follow on the line).
qsizetype endOfLineAfter(const QByteArray& text, qsizetype offset)
{
    qsizetype i = offset;
    while (i < text.size() && (text.at(i) == ' ' || text.at(i) == '\t'))
        ++i;
    if (i < text.size() && text.at(i) == '#') {
        while (i < text.size() && text.at(i) != '\n' && text.at(i) != '\r')
            ++i;
        return i;
    }
    if (i >= text.size() || text.at(i) == '\n' || text.at(i) == '\r')
        return i;
    return offset;
}

// The proxy_pass target for a new `location PATH` that must reach the backend with the same URI
// as the shared prefix location it is carved out of: a URI part replaces the matched prefix, so
// it gets the rest of PATH appended (`location /` + `http://app/` → `http://app/websocket`).
QByteArray carvedProxyPass(const ConfNode* proxyPass, const Scope* shared, const QString& path)
{
    const QByteArray raw = proxyPass->words.at(1).raw;
    const QByteArray value = proxyPass->arg(0);
    if (value.contains('$') || value.contains("unix:"))
        return raw;
    const qsizetype scheme = value.indexOf("://");
    if (scheme < 0)
        return raw;
    const qsizetype slash = value.indexOf('/', scheme + 3);
    if (slash < 0)
        return raw; // no URI part: the request URI is passed as is
    const ConfNode* n = shared->node;
    QByteArray prefix;
    if (n->argCount() == 1)
        prefix = n->arg(0);
    else if (n->argCount() == 2 && n->arg(0) == "^~")
        prefix = n->arg(1);
    const QByteArray p = path.toUtf8();
    if (prefix.isEmpty() || prefix.startsWith('@') || !p.startsWith(prefix))
        return raw;
    return value + p.mid(prefix.size());
}

// WS011's edit: a dedicated `location ^~ PATH` after the shared location, carrying what that
// location passes to the backend (its directives as written, minus caching, buffering and
// try_files) plus what a WebSocket needs. The shared location itself is not touched.
Edit routeEdit(const RouteReport& route, const NginxConfigSet& set, const FixOptions& options, const QByteArray& mapVariable)
{
    const Scope* loc = route.location;
    const ConfNode* node = loc->node;
    const QByteArray& text = set.files()[size_t(loc->file)].text;
    const QByteArray indent = indentOf(node->words.front().before);
    QByteArray inner = indent + (indent.contains('\t') ? QByteArray("\t") : QByteArray("    "));
    for (const ConfNode& c : node->children) {
        if (c.words.front().before.contains('\n')) {
            inner = indentOf(c.words.front().before);
            break;
        }
    }
    static const QList<QByteArray> dropped = {"proxy_http_version", "proxy_read_timeout", "proxy_send_timeout", "proxy_buffering",
                                             "proxy_request_buffering", "try_files"};
    QList<QByteArray> lines;
    QSet<QByteArray> headerNames;
    for (const ConfNode& c : node->children) {
        if (c.isBlock)
            continue;
        const QByteArray& name = c.name();
        if (dropped.contains(name) || name.startsWith("proxy_cache"))
            continue;
        if (name == "proxy_set_header") {
            const QByteArray header = c.arg(0).toLower();
            if (header == "upgrade" || header == "connection")
                continue;
            headerNames.insert(header);
        }
        lines.append(name == "proxy_pass" && c.argCount() >= 1
                         ? "proxy_pass " + carvedProxyPass(&c, loc, route.path) + ';'
                         : directiveText(&c));
    }
    // Headers the new location would otherwise hide (WS009): the shared location's own ones
    // coming from includes are copied with the include line; restate the outer level's.
    for (const HeaderLine& h : NginxAnalyzer::ownHeaders(loc))
        headerNames.insert(h.name.toLower());
    const Scope* outer = nullptr;
    for (const Scope* s = loc->parent; s && !outer; s = s->parent)
        outer = s->headerScope();
    if (outer) {
        for (const HeaderLine& h : NginxAnalyzer::ownHeaders(outer)) {
            const QByteArray lower = h.name.toLower();
            if (lower == "upgrade" || lower == "connection" || headerNames.contains(lower))
                continue;
            headerNames.insert(lower);
            lines.append(directiveText(h.ref.node));
        }
    }
    lines.append("proxy_http_version 1.1;");
    lines.append("proxy_set_header Upgrade $http_upgrade;");
    lines.append("proxy_set_header Connection " + (mapVariable.isEmpty() ? QByteArray("\"upgrade\"") : mapVariable) + ';');
    const Scope* server = loc->enclosingServer();
    bool tls = false;
    if (server) {
        for (const DirectiveRef& l : server->ownAll("listen"))
            tls = tls || l.node->args().contains("ssl");
        if (const DirectiveRef ssl = server->own("ssl"); ssl && ssl.node->arg(0) == "on")
            tls = true;
    }
    if (tls && !headerNames.contains("x-forwarded-proto"))
        lines.append("proxy_set_header X-Forwarded-Proto $scheme;");
    const QByteArray suggested = NginxAnalyzer::formatSeconds(options.rules.suggestedSeconds);
    for (const QByteArray& timeout : {QByteArray("proxy_read_timeout"), QByteArray("proxy_send_timeout")}) {
        const DirectiveRef eff = loc->parent ? loc->parent->effective(timeout) : DirectiveRef();
        const double seconds = eff ? parseNginxSeconds(eff.node->arg(0)) : 60;
        if (seconds >= 0 && seconds < options.rules.thresholdSeconds)
            lines.append(timeout + ' ' + suggested + ';');
    }
    lines.append("proxy_buffering off;");
    lines.append("proxy_request_buffering off;");
    if (const DirectiveRef cache = loc->parent ? loc->parent->effective("proxy_cache") : DirectiveRef(); cache && cache.node->arg(0) != "off")
        lines.append("proxy_cache off;");

    QByteArray out = "\n";
    if (options.addComment)
        out += '\n' + indent + "# WebSocket location for " + route.app.app->name.toUtf8() + "'s " + route.path.toUtf8()
            + ", added by SocketScope (WS011)";
    out += '\n' + indent + "location ^~ " + route.path.toUtf8() + " {";
    for (const QByteArray& line : lines)
        out += '\n' + inner + line;
    out += '\n' + indent + '}';
    return {loc->file, endOfLineAfter(text, node->endOffset), 0, out};
}

class LocationFixer {
public:
    LocationFixer(const LocationReport& report, const QByteArray& text, const QSet<QString>& selected, const FixOptions& options,
                  const QByteArray& upgradeMapVariable)
        : m_r(report), m_loc(report.location), m_text(text), m_selected(selected), m_options(options),
          m_upgradeMapVariable(upgradeMapVariable) {}

    // Edits for this location, all in m_loc->file.
    QList<Edit> run(QSet<QString>& fixed)
    {
        const QByteArray httpVersion = "proxy_http_version";
        if (want(QStringLiteral("WS001")))
            setScalar(httpVersion, "1.1", QStringLiteral("WS001"), fixed);
        fixHeaders(fixed);
        const double threshold = m_options.rules.thresholdSeconds;
        const double suggested = m_options.rules.suggestedSeconds;
        if (want(QStringLiteral("WS004"))) {
            const double v = m_r.sendSeconds >= threshold ? m_r.sendSeconds : suggested;
            setScalar("proxy_read_timeout", NginxAnalyzer::formatSeconds(v), QStringLiteral("WS004"), fixed);
        }
        if (want(QStringLiteral("WS005"))) {
            const double v = m_r.readSeconds >= threshold ? m_r.readSeconds : suggested;
            setScalar("proxy_send_timeout", NginxAnalyzer::formatSeconds(v), QStringLiteral("WS005"), fixed);
        }
        if (want(QStringLiteral("WS006")))
            setScalar("proxy_buffering", "off", QStringLiteral("WS006"), fixed);
        if (want(QStringLiteral("WS007")))
            setScalar("proxy_request_buffering", "off", QStringLiteral("WS007"), fixed);
        if (want(QStringLiteral("WS008"))) {
            setScalar("proxy_cache", "off", QStringLiteral("WS008"), fixed);
        } else if (want(QStringLiteral("WS006")) && !m_loc->own("proxy_cache")) {
            // Pin the cache off next to the buffering fix, so a cache enabled later at server or
            // http level never reaches the WebSocket location (the incident's "Disable caching").
            m_inserts.append("proxy_cache off;");
        }
        if (!m_inserts.isEmpty())
            m_edits.append(insertion());
        return m_edits;
    }

    // Rules an edit was made for in this location.
    const QSet<QString>& fixedHere() const { return m_fixedHere; }

private:
    bool want(const QString& rule) const
    {
        if (!m_selected.contains(rule) || !m_r.hasRule(rule))
            return false;
        // A location that also serves regular HTTP keeps its caching and buffering (the Mastodon
        // `location @proxy` with proxy_cache): only the upgrade headers, proxy_http_version and
        // the timeouts are touched there.
        const bool cachingOrBuffering = rule == QLatin1String("WS006") || rule == QLatin1String("WS007") || rule == QLatin1String("WS008");
        // Its timeouts too, when the Upgrade headers there are incidental (the server routes
        // WebSockets elsewhere): they are the regular HTTP requests' timeouts.
        const bool timeout = rule == QLatin1String("WS004") || rule == QLatin1String("WS005");
        if (timeout && !m_r.incidentalRouteTo.isEmpty())
            return false;
        return !cachingOrBuffering || m_r.traffic == LocationTraffic::WebSocketOnly;
    }
    void markFixed(const QString& rule, QSet<QString>& fixed)
    {
        fixed.insert(rule);
        m_fixedHere.insert(rule);
        m_rules.append(rule);
    }

    // Replaces one argument in place (possibly in an included file the location pulls in).
    void replaceArg(const DirectiveRef& ref, int argIndex, const QByteArray& raw)
    {
        const ConfWord& w = ref.node->words.at(argIndex + 1);
        m_edits.append({ref.file, w.pos.offset, w.raw.size(), raw});
    }

    // Sets `name value;` in the location: replaces its own directive, or inserts an override.
    void setScalar(const QByteArray& name, const QByteArray& value, const QString& rule, QSet<QString>& fixed)
    {
        markFixed(rule, fixed);
        const DirectiveRef own = m_loc->own(name);
        if (own && own.node->argCount() >= 1) {
            replaceArg(own, 0, value);
            return;
        }
        m_inserts.append(name + ' ' + value + ';');
    }

    void fixHeaders(QSet<QString>& fixed)
    {
        const bool ws002 = want(QStringLiteral("WS002"));
        const bool ws003 = want(QStringLiteral("WS003"));
        const bool ws009 = want(QStringLiteral("WS009"));
        const bool ws010 = want(QStringLiteral("WS010"));
        if (!ws002 && !ws003 && !ws009 && !ws010)
            return;
        const QList<HeaderLine> own = NginxAnalyzer::ownHeaders(m_loc);
        QList<QByteArray> lines;
        auto ownHeader = [&](const QByteArray& lower) -> const HeaderLine* {
            for (const HeaderLine& h : own) {
                if (h.name.toLower() == lower)
                    return &h;
            }
            return nullptr;
        };
        const QByteArray upgradeValue = "$http_upgrade";
        // The file's own `map $http_upgrade $VAR` when it has one (Connection: close for plain
        // requests, as the nginx docs recommend), otherwise the literal "upgrade".
        const QByteArray connectionValue = m_upgradeMapVariable.isEmpty() ? QByteArray("\"upgrade\"") : m_upgradeMapVariable;
        // Headers to restate: all inherited ones when this location had none (adding one hides
        // them), or the ones WS009 found dropped. An inherited Upgrade/Connection with a value
        // that would not upgrade is left out: setHeader() writes the right one instead.
        QList<HeaderLine> restate;
        if (own.isEmpty()) {
            if (const Scope* hs = m_loc->headerScope())
                restate = NginxAnalyzer::ownHeaders(hs);
        } else if (ws009) {
            restate = m_r.droppedHeaders;
        }
        QSet<QByteArray> restated;
        for (const HeaderLine& h : restate) {
            const QByteArray lower = h.name.toLower();
            const QByteArray value = h.value.trimmed().toLower();
            if (lower == "upgrade" && !value.contains("$http_upgrade"))
                continue;
            if (lower == "connection" && !value.contains("upgrade") && !value.startsWith('$'))
                continue;
            lines.append(directiveText(h.ref.node));
            restated.insert(lower);
        }
        if (!lines.isEmpty())
            markFixed(QStringLiteral("WS009"), fixed);
        auto setHeader = [&](bool wanted, const QByteArray& lower, const QByteArray& name, const QByteArray& value,
                             const QString& rule) {
            if (!wanted)
                return;
            markFixed(rule, fixed);
            if (restated.contains(lower))
                return; // the restated inherited line already carries a working value
            const HeaderLine* h = ownHeader(lower);
            if (h && h->ref.node->argCount() >= 2) {
                replaceArg(h->ref, 1, value);
                return;
            }
            lines.append("proxy_set_header " + name + ' ' + value + ';');
        };
        setHeader(ws002, "upgrade", "Upgrade", upgradeValue, QStringLiteral("WS002"));
        setHeader(ws003, "connection", "Connection", connectionValue, QStringLiteral("WS003"));
        setHeader(ws010, "x-forwarded-proto", "X-Forwarded-Proto", "$scheme", QStringLiteral("WS010"));
        m_inserts = lines + m_inserts;
    }

    Edit insertion()
    {
        const ConfNode* block = m_loc->node;
        const ConfNode* last = nullptr;
        for (const ConfNode& c : block->children) {
            if (!c.isBlock)
                last = &c;
        }
        const QByteArray locIndent = indentOf(block->words.front().before);
        const QByteArray unit = locIndent.contains('\t') ? QByteArray("\t") : QByteArray("    ");
        QByteArray indent = locIndent + unit;
        qsizetype offset = block->termOffset + 1;
        if (last) {
            offset = afterTrailingComment(last->endOffset);
            if (last->words.front().before.contains('\n'))
                indent = indentOf(last->words.front().before);
        }
        QStringList rules = m_rules;
        rules.removeDuplicates();
        std::sort(rules.begin(), rules.end());
        QByteArray text;
        if (m_options.addComment)
            text += '\n' + indent + "# WebSocket settings added by SocketScope (" + rules.join(QLatin1Char(' ')).toUtf8() + ")";
        for (const QByteArray& line : m_inserts)
            text += '\n' + indent + line;
        return {m_loc->file, offset, 0, text};
    }

    // A comment on the same line belongs to the directive before it, and trailing blanks stay on
    // their line: insert at the end of the line.
    qsizetype afterTrailingComment(qsizetype offset) const { return endOfLineAfter(m_text, offset); }

    const LocationReport& m_r;
    const Scope* m_loc;
    const QByteArray& m_text;   // the text of the file holding the location
    const QSet<QString>& m_selected;
    const FixOptions& m_options;
    const QByteArray m_upgradeMapVariable;
    QList<Edit> m_edits;
    QList<QByteArray> m_inserts;
    QStringList m_rules;
    QSet<QString> m_fixedHere;
};

// Applies non-overlapping edits in one pass (identical edits — a snippet shared by several
// locations — are applied once; an edit overlapping the previous one is dropped).
QByteArray applyEdits(const QByteArray& text, QList<Edit> edits)
{
    std::stable_sort(edits.begin(), edits.end(), [](const Edit& a, const Edit& b) { return a.offset < b.offset; });
    QByteArray out;
    out.reserve(text.size() + edits.size() * 64);
    qsizetype pos = 0;
    const Edit* previous = nullptr;
    for (const Edit& e : edits) {
        if (previous && previous->offset == e.offset && previous->removeLen == e.removeLen && previous->insert == e.insert)
            continue;
        if (e.offset < pos || e.offset + e.removeLen > text.size())
            continue;
        out.append(text.constData() + pos, e.offset - pos);
        out.append(e.insert);
        pos = e.offset + e.removeLen;
        previous = &e;
    }
    out.append(text.constData() + pos, text.size() - pos);
    return out;
}

} // namespace

QStringList NginxFixer::defaultRules()
{
    return {QStringLiteral("WS001"), QStringLiteral("WS002"), QStringLiteral("WS003"), QStringLiteral("WS004"),
            QStringLiteral("WS005"), QStringLiteral("WS006"), QStringLiteral("WS007"), QStringLiteral("WS008"),
            QStringLiteral("WS009"), QStringLiteral("WS011")};
}

FixResult NginxFixer::fix(const QByteArray& text, const QString& path, const FixOptions& options)
{
    NginxConfigSet set;
    ConfError error;
    if (!set.loadText(text, path, options.load, &error)) {
        FixResult r;
        r.error = error.toString();
        r.newText = text;
        return r;
    }
    return fixSet(set, options);
}

FixResult NginxFixer::fixSet(const NginxConfigSet& set, const FixOptions& options)
{
    FixResult result;
    result.ok = true;
    const NginxAnalysis analysis = NginxAnalyzer::analyze(set, options.rules);
    result.before = analysis.findings;
    const QStringList rules = options.onlyRules.isEmpty() ? defaultRules() : options.onlyRules;
    const QSet<QString> selected(rules.begin(), rules.end());
    QSet<QString> fixed;
    QMap<int, QList<Edit>> edits;
    ConfigFindings fixedFindings; // per location: a rule fixed in one location may stay in another
    for (const LocationReport& r : analysis.locations) {
        LocationFixer fixer(r, set.files()[size_t(r.location->file)].text, selected, options, analysis.upgradeMapVariable);
        for (const Edit& e : fixer.run(fixed))
            edits[e.file].append(e);
        for (const ConfigFinding& f : r.findings) {
            if (fixer.fixedHere().contains(f.rule))
                fixedFindings.append(f);
        }
    }
    if (selected.contains(QStringLiteral("WS011"))) {
        for (const RouteReport& route : analysis.routes) {
            // A proxy_pass only inside an `if` cannot be carried over: left to the user.
            if (!route.location->own("proxy_pass"))
                continue;
            const Edit e = routeEdit(route, set, options, analysis.upgradeMapVariable);
            edits[e.file].append(e);
            fixed.insert(QStringLiteral("WS011"));
            fixedFindings.append(route.finding);
        }
    }
    for (const ConfigFinding& f : analysis.findings) {
        if (!fixedFindings.contains(f))
            result.notFixed.append(f);
    }
    result.fixedRules = QStringList(fixed.begin(), fixed.end());
    std::sort(result.fixedRules.begin(), result.fixedRules.end());
    const ConfFile& main = set.files().front();
    result.newText = main.text;
    for (auto it = edits.cbegin(); it != edits.cend(); ++it) {
        if (it.value().isEmpty())
            continue;
        const ConfFile& file = set.files()[size_t(it.key())];
        FileFix ff;
        ff.path = file.path;
        ff.oldText = file.text;
        ff.newText = applyEdits(file.text, it.value());
        if (ff.newText == ff.oldText)
            continue;
        ff.diff = UnifiedDiff::unified(ff.oldText, ff.newText, QStringLiteral("a") + (file.path.startsWith(QLatin1Char('/')) ? QString() : QStringLiteral("/")) + file.path,
                                       QStringLiteral("b") + (file.path.startsWith(QLatin1Char('/')) ? QString() : QStringLiteral("/")) + file.path);
        if (it.key() == 0)
            result.newText = ff.newText;
        result.diff += ff.diff;
        result.files.append(ff);
    }
    return result;
}

} // namespace socketscope::nginx
