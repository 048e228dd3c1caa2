// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/HaproxyConfig.h"

#include "nginx/UnifiedDiff.h"

#include <QMap>
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
    auto tunnelSeconds = [&](int idx, const HaLine** line) {
        const HaLine* t = c.timeout(idx, "tunnel");
        *line = t;
        return t ? parseHaproxySeconds(t->words.at(2)) : -1.0;
    };
    for (int i = 0; i < c.sections.size(); ++i) {
        const HaSection& s = c.sections.at(i);
        if (!s.isProxy())
            continue;
        const QString proxy = str(s.kind) + QLatin1Char(' ') + str(s.name);
        const bool hasBackendSide = s.kind != "frontend";
        const bool hasFrontendSide = s.kind != "backend";
        const HaLine* tunnel = nullptr;
        double tunnelSecs = -1;
        if (hasBackendSide) {
            tunnelSecs = tunnelSeconds(i, &tunnel);
            if (!tunnel || (tunnelSecs >= 0 && tunnelSecs < threshold)) {
                a.needTunnel.insert(i);
                add(QStringLiteral("HA001"), QStringLiteral("warning"), tunnel ? tunnel->line : s.header.line, proxy,
                    tunnel ? QStringLiteral("timeout tunnel %1 is below the %2 threshold: established WebSockets are closed after %3 idle")
                                 .arg(str(tunnel->words.at(2)), fmt(threshold), fmt(tunnelSecs))
                           : QStringLiteral("no timeout tunnel: once upgraded, WebSockets idle out after timeout client/server"));
            }
            if (!tunnel) {
                const HaLine* server = c.timeout(i, "server");
                const double secs = server ? parseHaproxySeconds(server->words.at(2)) : -1;
                if (server && secs >= 0 && secs < threshold)
                    add(QStringLiteral("HA002"), QStringLiteral("warning"), server->line, proxy,
                        QStringLiteral("timeout server %1 with no timeout tunnel: an idle WebSocket is cut after %2 (the client sees 1006)")
                            .arg(str(server->words.at(2)), fmt(secs)));
            }
        }
        if (hasFrontendSide) {
            // The tunnel timeout comes from the backend the frontend hands the connection to.
            QList<int> backends;
            if (s.kind == "listen") {
                backends.append(i);
            } else {
                for (const HaLine& l : s.lines) {
                    if ((l.words.at(0) == "default_backend" || l.words.at(0) == "use_backend") && l.words.size() >= 2) {
                        const int b = c.findSection("backend", l.words.at(1));
                        if (b >= 0)
                            backends.append(b);
                    }
                }
            }
            bool anyWithout = backends.isEmpty();
            for (int b : backends) {
                if (!c.timeout(b, "tunnel"))
                    anyWithout = true;
            }
            if (anyWithout) {
                const HaLine* client = c.timeout(i, "client");
                const double secs = client ? parseHaproxySeconds(client->words.at(2)) : -1;
                if (client && secs >= 0 && secs < threshold)
                    add(QStringLiteral("HA002"), QStringLiteral("warning"), client->line, proxy,
                        QStringLiteral("timeout client %1 with no timeout tunnel: an idle WebSocket is cut after %2 (the client sees 1006)")
                            .arg(str(client->words.at(2)), fmt(secs)));
            }
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
