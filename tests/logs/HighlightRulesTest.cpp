// SPDX-License-Identifier: GPL-3.0-or-later
#include "LogTestUtil.h"

#include "diagnosis/Diagnosis.h"
#include "logs/HighlightRules.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::logs;

namespace {
QString ruleIdFor(const RuleSet& rules, const QString& line)
{
    const int r = rules.problemRule(line);
    return r >= 0 ? rules.rules()[r].id : QString();
}
} // namespace

TEST(HighlightRules, EverySeedStringIsAProblemInTheBuiltinSets)
{
    const RuleSet rules = RuleSet::builtin();
    ASSERT_FALSE(rules.isEmpty());
    // The seed lines, as the incident notes quote them (text around the strings varies).
    const QList<QPair<QString, QString>> seeds = {
        {QStringLiteral("bolt-14190 as the client failed to authenticate within 30000 ms."), QStringLiteral("neo4j.failed-to-authenticate")},
        {QStringLiteral("o.n.b.t.TransportSelectionHandler ClientTimeoutException: Terminated"), QStringLiteral("neo4j.client-timeout")},
        {QStringLiteral("Caused by: Connection reset by peer"), QStringLiteral("net.connection-reset")},
        {QStringLiteral("Increase in network aborts detected (more than 2"), QStringLiteral("neo4j.network-aborts")},
        {QStringLiteral("*7 upstream timed out (110: Connection timed out) while proxying upgraded connection"), QStringLiteral("nginx.upstream-timed-out")},
        {QStringLiteral("*9 upstream prematurely closed connection while reading response header"), QStringLiteral("nginx.prematurely-closed")},
        {QStringLiteral("2026/01/28 10:01:49 [emerg] 811#811: unknown directive \"proxy_bufering\""), QStringLiteral("nginx.emerg")},
        {QStringLiteral("nginx: [emerg] a duplicate default server for 0.0.0.0:80"), QStringLiteral("nginx.duplicate-default-server")},
        {QStringLiteral("2026/01/28 10:01:49 [alert] 811#811: worker process 812 exited on signal 9"), QStringLiteral("nginx.alert")},
    };
    for (const auto& [line, id] : seeds) {
        EXPECT_EQ(ruleIdFor(rules, line), id) << line.toStdString();
        const auto spans = rules.spans(line);
        EXPECT_FALSE(spans.isEmpty()) << line.toStdString();
    }
    // Others an operator expects.
    EXPECT_EQ(ruleIdFor(rules, QStringLiteral("2026/01/28 10:03:00 [crit] 1#1: SSL_read() failed")), QStringLiteral("nginx.crit"));
    EXPECT_EQ(ruleIdFor(rules, QStringLiteral("connect() failed (111: Connection refused) while connecting to upstream")),
              QStringLiteral("nginx.connect-failed"));
    EXPECT_EQ(ruleIdFor(rules, QStringLiteral("no live upstreams while connecting to upstream")), QStringLiteral("nginx.no-live-upstreams"));
    EXPECT_EQ(ruleIdFor(rules, QStringLiteral("nginx: bind() to 127.0.0.1:8080 failed (98: Address already in use)")),
              QStringLiteral("nginx.bind-failed"));
    // Warnings are highlighted but are not problems; plain lines are neither.
    const QString warn = QStringLiteral("2026-01-28 09:24:14.123+0000 WARN  [o.n.k.a.p.GlobalProcedures] slow");
    EXPECT_EQ(rules.problemRule(warn), -1);
    ASSERT_GE(rules.strongestRule(warn), 0);
    EXPECT_EQ(rules.rules()[rules.strongestRule(warn)].severity, Severity::Warning);
    EXPECT_EQ(rules.strongestRule(QStringLiteral("2026/01/28 10:03:00 [info] client closed keepalive connection")), -1);
}

TEST(HighlightRules, SpansPointAtTheMatchedText)
{
    const RuleSet rules = RuleSet::builtin();
    const QString line = QStringLiteral("x [emerg] y");
    const auto spans = rules.spans(line);
    ASSERT_EQ(spans.size(), 1);
    EXPECT_EQ(line.mid(spans[0].start, spans[0].length), QStringLiteral("[emerg]"));
}

TEST(HighlightRules, UserRulesLoadMergeAndReportErrors)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("log-rules.json"));
    EXPECT_TRUE(RuleSet::loadUserRules(path).ok()); // missing file: no user rules, no error
    ASSERT_TRUE(logtest::writeBytes(path, R"({"format":"socketscope-log-rules","version":1,"rules":[
        {"id":"my.ws-drop","name":"WS drop","pattern":"code=100[16]","regex":true,"severity":"critical"},
        {"id":"nginx.warn","pattern":"[warn]","severity":"info"}]})"));
    const auto user = RuleSet::loadUserRules(path);
    ASSERT_TRUE(user.ok()) << user.error().toStdString();
    RuleSet rules = RuleSet::builtin();
    const auto before = rules.rules().size();
    rules.merge(*user);
    EXPECT_EQ(rules.rules().size(), before + 1); // nginx.warn replaced, my.ws-drop added
    EXPECT_EQ(ruleIdFor(rules, QStringLiteral("[WS] disconnected - code=1001")), QStringLiteral("my.ws-drop"));
    // A line a built-in rule also names keeps the built-in name (rules are tried in order).
    EXPECT_EQ(ruleIdFor(rules, QStringLiteral("[WS] disconnected - code=1006")), QStringLiteral("app.abnormal-closure"));

    ASSERT_TRUE(logtest::writeBytes(path, R"({"rules":[{"id":"bad","pattern":"(unclosed","regex":true}]})"));
    const auto broken = RuleSet::loadUserRules(path);
    ASSERT_FALSE(broken.ok());
    EXPECT_TRUE(broken.error().contains(path));
    EXPECT_TRUE(broken.error().contains(QStringLiteral("bad")));
    ASSERT_TRUE(logtest::writeBytes(path, "{ not json"));
    EXPECT_FALSE(RuleSet::loadUserRules(path).ok());
}

TEST(HighlightRules, ProblemScanCountsEveryProblemLineOnce)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("p.log"));
    const QByteArray data = logtest::realisticLog(50000);
    ASSERT_TRUE(logtest::writeBytes(path, data));
    LogFile f(path);
    ASSERT_TRUE(f.update().ok());
    const RuleSet rules = RuleSet::builtin();
    ProblemScan scan;
    scanProblems(f, rules, 0, f.lineCount(), scan);
    // Independent count: every line, decoded and checked one by one.
    qint64 expected = 0;
    for (const QByteArray& line : data.split('\n'))
        if (!line.isEmpty() && rules.problemRule(QString::fromUtf8(line)) >= 0)
            ++expected;
    EXPECT_EQ(qint64(scan.lines.size()), expected);
    EXPECT_GT(expected, 10000);
    ASSERT_EQ(scan.lines.size(), scan.rules.size());
    EXPECT_TRUE(std::is_sorted(scan.lines.begin(), scan.lines.end()));
}

namespace {
int ruleIndex(const RuleSet& rules, const QString& id)
{
    for (int i = 0; i < int(rules.rules().size()); ++i)
        if (rules.rules()[i].id == id)
            return i;
    return -1;
}
} // namespace

// tests/logs/data/rule-corpus.json: for every built-in rule, lines it must name and near-misses
// it must not match at all.
TEST(HighlightRules, EveryBuiltinRuleNamesItsLinesAndMissesItsNearMisses)
{
    const RuleSet rules = RuleSet::builtin();
    QFile f(QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/logs/data/rule-corpus.json"));
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QJsonArray corpus = QJsonDocument::fromJson(f.readAll()).array();
    ASSERT_FALSE(corpus.isEmpty());
    QSet<QString> covered;
    for (const QJsonValue& v : corpus) {
        const QJsonObject entry = v.toObject();
        const QString id = entry.value(QLatin1String("rule")).toString();
        SCOPED_TRACE(id.toStdString());
        const int index = ruleIndex(rules, id);
        ASSERT_GE(index, 0) << "no built-in rule " << id.toStdString();
        covered.insert(id);
        const HighlightRule& rule = rules.rules()[index];
        const QJsonArray match = entry.value(QLatin1String("match")).toArray();
        const QJsonArray miss = entry.value(QLatin1String("miss")).toArray();
        EXPECT_FALSE(match.isEmpty());
        EXPECT_FALSE(miss.isEmpty());
        for (const QJsonValue& m : match) {
            const QString line = m.toString();
            // The scan looks for a rule's literals first: every line it names contains one.
            if (!rule.literals.isEmpty()) {
                bool contains = false;
                for (const QString& literal : rule.literals)
                    contains = contains || line.contains(literal, rule.caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive);
                EXPECT_TRUE(contains) << "none of the literals in: " << line.toStdString();
            }
            if (rule.isProblem()) {
                EXPECT_EQ(ruleIdFor(rules, line), id) << line.toStdString();
            } else {
                EXPECT_EQ(rules.problemRule(line), -1) << line.toStdString();
                const int strongest = rules.strongestRule(line);
                EXPECT_EQ(strongest >= 0 ? rules.rules()[strongest].id : QString(), id) << line.toStdString();
            }
        }
        for (const QJsonValue& m : miss) {
            const QString line = m.toString();
            for (const RuleSet::Span& s : rules.spans(line)) {
                EXPECT_NE(s.rule, index) << "near-miss matched: " << line.toStdString();
            }
        }
    }
    for (const HighlightRule& r : rules.rules()) {
        EXPECT_TRUE(covered.contains(r.id)) << "no corpus lines for " << r.id.toStdString();
        EXPECT_FALSE(r.hint.isEmpty()) << r.id.toStdString();
        if (!r.cause.isEmpty()) {
            EXPECT_TRUE(allCauseIds().contains(r.cause)) << r.id.toStdString() << ": unknown cause " << r.cause.toStdString();
        }
    }
}

TEST(HighlightRules, TheIssueLinesAreProblemsWithAdviceAndTheProbeCause)
{
    const RuleSet rules = RuleSet::builtin();
    const struct {
        const char* line;
        const char* id;
        const char* cause;
    } cases[] = {
        {"2026-01-28 10:00:01,123 WARNING [WS_DIAGNOSTICS] 403 FORBIDDEN: Origin not in allowed list", "app.origin-rejected", "origin_rejected"},
        {"[WS_DIAGNOSTICS] client 127.0.0.1:53422 disconnected - code=1006 reason=", "app.abnormal-closure", "abnormal_closure"},
        {"lab haproxy[1]: 127.0.0.1:5 [02/Dec/2026:21:00:00.001] fe be/s1 0/0/0/-1/30001 504 194 - - sD-- 1/1/0/0/0 0/0 \"GET /ws HTTP/1.1\"",
         "haproxy.server-timeout", "idle_timeout"},
        {"lab haproxy[1]: 127.0.0.1:5 [02/Dec/2026:21:00:00.001] fe be/s1 0/0/0/1/5004 101 129 - - cD-- 1/1/0/0/0 0/0 \"GET /ws HTTP/1.1\"",
         "haproxy.client-timeout", "idle_timeout"},
        {"127.0.0.1 - - [02/Dec/2026:21:00:00 +0000] \"GET /ws HTTP/1.1\" 502 157 \"-\" \"ws\"", "access.ws-bad-gateway", "bad_gateway"},
        {R"({"level":"error","msg":"websocket closed","code":1006})", "json.ws-abnormal-closure", "abnormal_closure"},
        {"INFO:     127.0.0.1:50512 - \"WebSocket /ws/echo\" 403", "python.ws-rejected", "origin_rejected"},
    };
    for (const auto& c : cases) {
        const int r = rules.problemRule(QString::fromUtf8(c.line));
        ASSERT_GE(r, 0) << c.line;
        const HighlightRule& rule = rules.rules()[r];
        EXPECT_EQ(rule.id, QLatin1String(c.id)) << c.line;
        EXPECT_EQ(rule.cause, QLatin1String(c.cause)) << c.line;
        EXPECT_TRUE(rule.advice.contains(QLatin1String(c.cause))) << c.id << ": advice should name the probe cause";
    }
}

// Lines the real nginx and HAProxy wrote here (tests/logs/data/captured/README.md says how):
// named by their rules with only the detected format's rule sets, the healthy ones not at all.
TEST(HighlightRules, CapturedRealLinesAreNamedByTheirRules)
{
    const struct {
        const char* file;
        LogFormat format;
        QStringList ids; // per line; "" for a line that is not a problem
    } cases[] = {
        {"nginx-ws_access.log", LogFormat::NginxAccess,
         {QStringLiteral("access.ws-bad-gateway"), QStringLiteral("access.ws-gateway-timeout"), QStringLiteral("access.ws-forbidden"),
          QStringLiteral("access.ws-short-lived"), QString(), QString()}},
        {"haproxy.log", LogFormat::HAProxy,
         {QStringLiteral("haproxy.client-timeout"), QStringLiteral("haproxy.server-header-timeout"),
          QStringLiteral("haproxy.server-connect-failed")}},
    };
    {
        // uvicorn: the named lines among its startup lines, connection notes and the traceback.
        QFile f(QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/logs/data/captured/uvicorn.log"));
        ASSERT_TRUE(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        ASSERT_EQ(detectLogFormat(lines), LogFormat::Python);
        RuleSet rules = RuleSet::builtin();
        rules.setFormat(LogFormat::Python);
        QStringList named;
        for (const QByteArray& line : lines)
            if (const QString id = ruleIdFor(rules, QString::fromUtf8(line)); !id.isEmpty())
                named << id;
        EXPECT_EQ(named, QStringList({QStringLiteral("python.ws-rejected"), QStringLiteral("python.asgi-exception")}));
    }
    for (const auto& c : cases) {
        SCOPED_TRACE(c.file);
        QFile f(QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/logs/data/captured/") + QLatin1String(c.file));
        ASSERT_TRUE(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
        ASSERT_EQ(detectLogFormat(lines), c.format);
        RuleSet rules = RuleSet::builtin();
        rules.setFormat(c.format);
        ASSERT_EQ(lines.size(), c.ids.size());
        for (qsizetype i = 0; i < lines.size(); ++i)
            EXPECT_EQ(ruleIdFor(rules, QString::fromUtf8(lines[i])), c.ids[i]) << lines[i].constData();
    }
    QFile f(QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/logs/data/captured/nginx-error.log"));
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = f.readAll().trimmed().split('\n');
    ASSERT_EQ(detectLogFormat(lines), LogFormat::NginxError);
    RuleSet rules = RuleSet::builtin();
    rules.setFormat(LogFormat::NginxError);
    QStringList named;
    for (const QByteArray& line : lines)
        if (const QString id = ruleIdFor(rules, QString::fromUtf8(line)); !id.isEmpty())
            named << id;
    EXPECT_EQ(named, QStringList({QStringLiteral("nginx.connect-failed"), QStringLiteral("nginx.upstream-timed-out")}));
}

// The scan's literal prefilter loses no line: over every corpus line (matches and near-misses),
// scanProblems() finds exactly the lines problemRule() names one by one, with the same rule.
TEST(HighlightRules, TheLiteralPrefilterOfTheScanLosesNoProblemLine)
{
    QFile f(QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/logs/data/rule-corpus.json"));
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    QByteArray data;
    for (const QJsonValue& v : QJsonDocument::fromJson(f.readAll()).array())
        for (const char* key : {"match", "miss"})
            for (const QJsonValue& line : v.toObject().value(QLatin1String(key)).toArray())
                data += line.toString().toUtf8() + '\n';
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("corpus.log"));
    ASSERT_TRUE(logtest::writeBytes(path, data));
    LogFile file(path);
    ASSERT_TRUE(file.update().ok());
    const RuleSet rules = RuleSet::builtin();
    ProblemScan scan;
    scanProblems(file, rules, 0, file.lineCount(), scan);
    ProblemScan expected;
    const QList<QByteArray> lines = data.split('\n');
    for (qsizetype i = 0; i + 1 < lines.size(); ++i)
        if (const int r = rules.problemRule(QString::fromUtf8(lines[i])); r >= 0) {
            expected.lines.push_back(i);
            expected.rules.push_back(r);
        }
    EXPECT_GT(expected.lines.size(), 60u);
    EXPECT_EQ(scan.lines, expected.lines);
    EXPECT_EQ(scan.rules, expected.rules);
}
