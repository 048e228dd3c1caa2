// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/HighlightRules.h"

#include "core/AppPaths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace socketscope::logs {

QString severityName(Severity s)
{
    switch (s) {
    case Severity::Info: return QStringLiteral("info");
    case Severity::Warning: return QStringLiteral("warning");
    case Severity::Error: return QStringLiteral("error");
    case Severity::Critical: return QStringLiteral("critical");
    }
    return QStringLiteral("error");
}

namespace {
std::optional<Severity> parseSeverity(const QString& s)
{
    for (Severity v : {Severity::Info, Severity::Warning, Severity::Error, Severity::Critical})
        if (s.compare(severityName(v), Qt::CaseInsensitive) == 0)
            return v;
    return std::nullopt;
}

QString regexSource(const HighlightRule& r)
{
    return r.regex ? r.pattern : QRegularExpression::escape(r.pattern);
}
} // namespace

Status RuleSet::add(const HighlightRule& rule)
{
    QRegularExpression re(regexSource(rule), rule.caseSensitive ? QRegularExpression::NoPatternOption
                                                                 : QRegularExpression::CaseInsensitiveOption);
    if (!re.isValid())
        return Status::failure(QStringLiteral("rule \"%1\": invalid regular expression at offset %2: %3")
                                   .arg(rule.id).arg(re.patternErrorOffset()).arg(re.errorString()));
    re.optimize();
    for (qsizetype i = 0; i < m_rules.size(); ++i) {
        if (m_rules[i].id == rule.id) {
            m_rules[i] = rule;
            m_compiled[i] = re;
            m_active[i] = appliesTo(rule);
            return Status::success();
        }
    }
    m_rules.append(rule);
    m_compiled.append(re);
    m_active.append(appliesTo(rule));
    return Status::success();
}

bool RuleSet::appliesTo(const HighlightRule& rule) const
{
    const QString family = rule.family();
    return m_format == LogFormat::Mixed || !isBuiltinRuleFamily(family) || logFormatFamilies(m_format).contains(family);
}

void RuleSet::setFormat(LogFormat format)
{
    m_format = format;
    for (qsizetype i = 0; i < m_rules.size(); ++i)
        m_active[i] = appliesTo(m_rules[i]);
}

Result<RuleSet> RuleSet::fromJson(const QByteArray& json, const QString& origin)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (doc.isNull())
        return Result<RuleSet>::failure(QStringLiteral("%1: not valid JSON (%2 at offset %3)")
                                            .arg(origin, error.errorString()).arg(error.offset));
    const QJsonObject root = doc.object();
    if (root.value(QLatin1String("version")).toInt(1) > 1)
        return Result<RuleSet>::failure(QStringLiteral("%1: rules version %2 is newer than this SocketScope understands")
                                            .arg(origin).arg(root.value(QLatin1String("version")).toInt()));
    if (!root.value(QLatin1String("rules")).isArray())
        return Result<RuleSet>::failure(QStringLiteral("%1: expected an object with a \"rules\" array").arg(origin));
    RuleSet set;
    const QJsonArray rules = root.value(QLatin1String("rules")).toArray();
    for (qsizetype i = 0; i < rules.size(); ++i) {
        if (!rules.at(i).isObject())
            return Result<RuleSet>::failure(QStringLiteral("%1: rule %2 is not a JSON object").arg(origin).arg(i + 1));
        const QJsonObject o = rules.at(i).toObject();
        HighlightRule r;
        r.id = o.value(QLatin1String("id")).toString();
        r.pattern = o.value(QLatin1String("pattern")).toString();
        r.name = o.value(QLatin1String("name")).toString(r.pattern);
        r.regex = o.value(QLatin1String("regex")).toBool(false);
        r.caseSensitive = o.value(QLatin1String("caseSensitive")).toBool(true);
        r.hint = o.value(QLatin1String("hint")).toString();
        r.advice = o.value(QLatin1String("advice")).toString();
        r.cause = o.value(QLatin1String("cause")).toString();
        r.generic = o.value(QLatin1String("generic")).toBool(false);
        for (const QJsonValue& literal : o.value(QLatin1String("literals")).toArray()) {
            if (literal.toString().isEmpty())
                return Result<RuleSet>::failure(
                    QStringLiteral("%1: rule %2: \"literals\" must be non-empty strings").arg(origin, r.id));
            r.literals.append(literal.toString());
        }
        const auto severity = parseSeverity(o.value(QLatin1String("severity")).toString(QStringLiteral("error")));
        if (r.id.isEmpty() || r.pattern.isEmpty() || !severity)
            return Result<RuleSet>::failure(
                QStringLiteral("%1: rule %2%3 needs an \"id\", a \"pattern\" and a severity of info, warning, error or critical")
                    .arg(origin).arg(i + 1).arg(r.id.isEmpty() ? QString() : QStringLiteral(" (\"%1\")").arg(r.id)));
        r.severity = *severity;
        const Status st = set.add(r);
        if (!st)
            return Result<RuleSet>::failure(origin + QStringLiteral(": ") + st.error());
    }
    return set;
}

RuleSet RuleSet::builtin()
{
    RuleSet set;
    const QStringList names = QDir(QStringLiteral(":/rules")).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
    for (const QString& name : names) {
        QFile f(QStringLiteral(":/rules/") + name);
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const auto parsed = fromJson(f.readAll(), f.fileName());
        if (parsed)
            set.merge(*parsed);
        else
            qWarning("built-in rules: %s", qPrintable(parsed.error()));
    }
    return set;
}

QString RuleSet::userRulesPath()
{
    return QDir(AppPaths::configDir()).filePath(QStringLiteral("log-rules.json"));
}

QString RuleSet::userRulesDir()
{
    return QDir(AppPaths::configDir()).filePath(QStringLiteral("log-rules.d"));
}

namespace {
// The rule files a user path names: the file itself, or a directory's *.json files by name.
QStringList ruleFilesAt(const QString& path)
{
    const QFileInfo info(path);
    if (!info.exists())
        return {};
    if (!info.isDir())
        return {path};
    QStringList out;
    const QDir dir(path);
    // No permission filter: an unreadable file is listed, then reported.
    for (const QString& name : dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        out.append(dir.filePath(name));
    return out;
}

Result<RuleSet> loadRuleFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<RuleSet>::failure(QStringLiteral("Cannot read %1: %2").arg(path, f.errorString()));
    return RuleSet::fromJson(f.readAll(), path);
}
} // namespace

Result<RuleSet> RuleSet::loadUserRules(const QString& path)
{
    RuleSet out;
    for (const QString& file : ruleFilesAt(path)) {
        auto loaded = loadRuleFile(file);
        if (!loaded)
            return loaded;
        out.merge(*loaded);
    }
    return out;
}

RuleSet::UserRules RuleSet::loadUserRuleSources(const QStringList& paths)
{
    UserRules out;
    for (const QString& path : paths) {
        for (const QString& file : ruleFilesAt(path)) {
            const auto loaded = loadRuleFile(file);
            if (!loaded) {
                out.errors.append(loaded.error());
                continue;
            }
            out.rules.append(loaded->rules());
            out.files.append(file);
        }
    }
    return out;
}

void RuleSet::mergeRules(const QList<HighlightRule>& rules)
{
    for (const HighlightRule& r : rules)
        add(r);
}

void RuleSet::merge(const RuleSet& other)
{
    for (const HighlightRule& r : other.m_rules)
        add(r);
}

bool RuleSet::ruleMatches(int index, QStringView line) const
{
    const HighlightRule& r = m_rules[index];
    const Qt::CaseSensitivity cs = r.caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive;
    if (!r.regex)
        return line.contains(r.pattern, cs);
    // A line without any of the rule's literals cannot match: skip the expression.
    if (!r.literals.isEmpty()
        && std::none_of(r.literals.begin(), r.literals.end(), [&](const QString& l) { return line.contains(l, cs); }))
        return false;
    return m_compiled[index].match(line).hasMatch();
}

QList<RuleSet::Span> RuleSet::spans(QStringView line) const
{
    QList<Span> out;
    for (int i = 0; i < int(m_rules.size()); ++i) {
        const HighlightRule& r = m_rules[i];
        if (!m_active[i])
            continue;
        if (!r.regex) {
            const Qt::CaseSensitivity cs = r.caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive;
            for (qsizetype at = line.indexOf(r.pattern, 0, cs); at >= 0; at = line.indexOf(r.pattern, at + r.pattern.size(), cs))
                out.append({at, r.pattern.size(), i});
            continue;
        }
        auto it = m_compiled[i].globalMatch(line);
        while (it.hasNext()) {
            const auto m = it.next();
            if (m.capturedLength() > 0)
                out.append({m.capturedStart(), m.capturedLength(), i});
        }
    }
    return out;
}

int RuleSet::strongestRule(QStringView line) const
{
    int best = -1;
    for (int i = 0; i < int(m_rules.size()); ++i)
        if (m_active[i] && (best < 0 || m_rules[i].severity > m_rules[best].severity) && ruleMatches(i, line))
            best = i;
    return best;
}

int RuleSet::problemRule(QStringView line) const
{
    for (bool generic : {false, true})
        for (int i = 0; i < int(m_rules.size()); ++i)
            if (m_active[i] && m_rules[i].generic == generic && m_rules[i].isProblem() && ruleMatches(i, line))
                return i;
    return -1;
}

namespace {
// One rule's expression (or literal) as a group of an alternation, with the rule's case mode.
QString ruleGroup(const HighlightRule& r, const QString& source)
{
    return (r.caseSensitive ? QStringLiteral("(?:") : QStringLiteral("(?i:")) + source + QLatin1Char(')');
}

// The alternation of `parts` as one regex matcher (empty when there is nothing to match).
LineMatcher alternationMatcher(const QStringList& parts)
{
    if (parts.isEmpty())
        return {};
    SearchQuery q;
    q.pattern = parts.join(QLatin1Char('|'));
    q.regex = true;
    auto m = LineMatcher::compile(q);
    return m ? *m : LineMatcher();
}
} // namespace

LineMatcher RuleSet::problemMatcher() const
{
    QStringList parts;
    for (qsizetype i = 0; i < m_rules.size(); ++i)
        if (const HighlightRule& r = m_rules[i]; m_active[i] && r.isProblem())
            parts.append(ruleGroup(r, regexSource(r)));
    return alternationMatcher(parts);
}

LineMatcher RuleSet::candidateMatcher() const
{
    QStringList parts;
    auto add = [&parts](const HighlightRule& r, const QString& source) {
        const QString part = ruleGroup(r, source);
        if (!parts.contains(part))
            parts.append(part);
    };
    for (qsizetype i = 0; i < m_rules.size(); ++i) {
        const HighlightRule& r = m_rules[i];
        if (!m_active[i] || !r.isProblem())
            continue;
        if (r.regex && !r.literals.isEmpty()) {
            for (const QString& literal : r.literals)
                add(r, QRegularExpression::escape(literal));
        } else {
            add(r, regexSource(r));
        }
    }
    return alternationMatcher(parts);
}

SearchStats scanProblems(const LogFile& file, const RuleSet& rules, qint64 from, qint64 to,
                         ProblemScan& out, const CancelFn& cancelled, const ProgressFn& progress)
{
    // Literals first (a per-position alternation of full expressions costs 30-300x a literal
    // search, bench/RESULTS.md), then each candidate line is named by problemRule().
    const LineMatcher matcher = rules.candidateMatcher();
    std::vector<qint64> candidates;
    const SearchStats stats = searchLines(file, matcher, from, to, candidates, cancelled, progress);
    // Name the rule for each candidate, reading them in runs of consecutive lines.
    std::size_t i = 0;
    while (i < candidates.size()) {
        std::size_t j = i + 1;
        while (j < candidates.size() && j - i < 4096 && candidates[j] < candidates[i] + 4096)
            ++j;
        const qint64 first = candidates[i];
        const QList<QByteArray> raw = file.readRawLines(first, candidates[j - 1] - first + 1, LogFile::kDisplayLineBytes);
        for (std::size_t k = i; k < j; ++k) {
            const qsizetype at = qsizetype(candidates[k] - first);
            if (at >= raw.size())
                break;
            const int rule = rules.problemRule(LogFile::decode(raw[at]));
            if (rule >= 0) {
                out.lines.push_back(candidates[k]);
                out.rules.push_back(rule);
            }
        }
        i = j;
    }
    return stats;
}

} // namespace socketscope::logs
