// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "logs/LogFormat.h"
#include "logs/LogSearch.h"

#include <QList>
#include <QRegularExpression>
#include <QString>

#include <vector>

namespace socketscope::logs {

// How bad a highlighted match is. Error and Critical lines count as problems.
enum class Severity { Info = 0, Warning = 1, Error = 2, Critical = 3 };

// "info" / "warning" / "error" / "critical".
QString severityName(Severity s);

// One highlighting rule: a literal or a regular expression, with a stable id (a contract:
// user rule files and the CLI name rules by id).
struct HighlightRule {
    QString id;              // e.g. "nginx.upstream-timed-out"
    QString name;            // short label shown to the user
    QString pattern;
    bool regex = false;
    bool caseSensitive = true;
    Severity severity = Severity::Error;
    QString hint;            // what it usually means (one line)
    QString advice;          // what to check or change (one line; may be empty)
    QString cause;           // the probe cause id telling the same story ("idle_timeout", ...), or empty
    bool generic = false;    // a level marker ("[error]", " ERROR "): named only when nothing specific matches
    // Of a regex rule: texts one of which every line it matches contains (same case rule). The
    // problem scan looks for these first and runs the full expressions only on those lines.
    QStringList literals;
    bool isProblem() const { return severity >= Severity::Error; }
    // The rule's family: its id up to the first '.' ("nginx", "haproxy", ...); a log format applies
    // the families of its rule sets (LogFormat.h).
    QString family() const { return id.section(QLatin1Char('.'), 0, 0); }
};

// A list of highlighting rules, compiled. Loaded from JSON documents of the form
// {"format":"socketscope-log-rules","version":1,"rules":[{"id","name","pattern","regex",
// "caseSensitive","severity","hint","advice","cause","generic","literals"}]}; built-in sets live in :/rules/*.json.
class RuleSet {
public:
    // Parses one rules document; `origin` names it in error messages.
    static Result<RuleSet> fromJson(const QByteArray& json, const QString& origin);
    // Every built-in set (nginx error and access logs, HAProxy, Neo4j, JSON/logfmt, Python, Node, seed apps).
    static RuleSet builtin();
    // Where user rules live: the file <config dir>/log-rules.json ...
    static QString userRulesPath();
    // ... and every *.json file of the directory <config dir>/log-rules.d/ (loaded after the file).
    static QString userRulesDir();
    // Reads user rules from a file, or from every *.json file of a directory (in name order); a
    // missing path is an empty set, a broken file an error naming the file and the rule.
    static Result<RuleSet> loadUserRules(const QString& path);

    // User rules from several places (files or directories), each file validated on its own:
    // the rules of the files that load, and one message per file that does not (naming the file
    // and the rule at fault). Callers decide whether an error is fatal (the CLI) or shown while
    // the rest keeps working (the Logs tab).
    struct UserRules {
        QList<HighlightRule> rules;
        QStringList errors;
        QStringList files;  // the files that loaded
    };
    static UserRules loadUserRuleSources(const QStringList& paths);
    // The default places: userRulesPath() then userRulesDir().
    static QStringList defaultUserRuleSources() { return {userRulesPath(), userRulesDir()}; }
    // Adds rules (a rule with an id already present replaces it); they must have been validated.
    void mergeRules(const QList<HighlightRule>& rules);

    // Adds the rules of `other` after these (a rule with an id already present replaces it).
    void merge(const RuleSet& other);
    // Applies only the rule families of one log format (plus user rules of other families);
    // the others stay in rules() (indices do not change) but match nothing. Default: Mixed (all).
    void setFormat(LogFormat format);
    LogFormat format() const { return m_format; }
    // Whether rule `index` applies to the current format.
    bool isActive(int index) const { return m_active.value(index, false); }
    const QList<HighlightRule>& rules() const { return m_rules; }
    bool isEmpty() const { return m_rules.isEmpty(); }

    struct Span {
        qsizetype start = 0;
        qsizetype length = 0;
        int rule = -1;       // index into rules()
    };
    // Every rule match in a decoded line, in rule order.
    QList<Span> spans(QStringView line) const;
    // The most severe rule matching the line (first in order on ties), or -1.
    int strongestRule(QStringView line) const;
    // The problem rule (error/critical) that best names the line: the first specific one that
    // matches, else the first generic level marker; -1 when none matches.
    int problemRule(QStringView line) const;
    // One matcher that matches any problem rule (the full alternation of their expressions).
    LineMatcher problemMatcher() const;
    // A cheaper matcher for the same lines or more: each rule's literal text or its `literals`
    // (a rule without them contributes its full expression). problemRule() then decides.
    LineMatcher candidateMatcher() const;

private:
    Status add(const HighlightRule& rule);
    bool ruleMatches(int index, QStringView line) const;
    bool appliesTo(const HighlightRule& rule) const;
    QList<HighlightRule> m_rules;
    QList<bool> m_active;                  // per rule: applies to m_format
    LogFormat m_format = LogFormat::Mixed;
    QList<QRegularExpression> m_compiled; // per rule (literals escaped)
};

// Problem lines found in a file: the line numbers and, for each, the rule that flagged it.
struct ProblemScan {
    std::vector<qint64> lines;
    std::vector<int> rules;
};

// Blocking: scans lines [from, to) for problem rules and appends what it finds.
SearchStats scanProblems(const LogFile& file, const RuleSet& rules, qint64 from, qint64 to,
                         ProblemScan& out, const CancelFn& cancelled = {}, const ProgressFn& progress = {});

} // namespace socketscope::logs
