// SPDX-License-Identifier: GPL-3.0-or-later
// socketscope-cli logs, run as a process the way a user runs it, compared with grep.
#include "LogTestUtil.h"
#include "lab/Lab.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

const QString kFixture = QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/logs/data/seed-mixed.log");

struct CliRun {
    int code = -1;
    QByteArray out;
    QByteArray err;
};

CliRun run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    CliRun r;
    if (!p.waitForFinished(30000))
        return r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

CliRun cli(const QStringList& args)
{
    return run(lab::cliPath(), QStringList{QStringLiteral("logs")} + args);
}

CliRun grep(const QStringList& args)
{
    return run(QStringLiteral("grep"), QStringList{QStringLiteral("-a")} + args);
}

} // namespace

TEST(LogsCli, GrepWithLineNumbersPrintsExactlyWhatGrepPrints)
{
    for (const QString& re : {QStringLiteral("upstream timed out|Connection reset"), QStringLiteral("^2026/01/28 10:0[0-6]"),
                              QStringLiteral("\\[(emerg|alert|crit)\\]"), QStringLiteral("peer$")}) {
        const CliRun ours = cli({kFixture, QStringLiteral("--grep"), re, QStringLiteral("-n")});
        const CliRun ref = grep({QStringLiteral("-n"), QStringLiteral("-E"), re, kFixture});
        EXPECT_EQ(ours.code, 0) << re.toStdString() << ours.err.constData();
        EXPECT_FALSE(ours.out.isEmpty());
        EXPECT_EQ(ours.out, ref.out) << re.toStdString();
    }
    // Without -n, case-insensitive, fixed strings, count: as grep -i -F / -c.
    EXPECT_EQ(cli({kFixture, QStringLiteral("--grep"), QStringLiteral("CONNECTION RESET BY PEER"), QStringLiteral("-i"), QStringLiteral("-F")}).out,
              grep({QStringLiteral("-i"), QStringLiteral("-F"), QStringLiteral("CONNECTION RESET BY PEER"), kFixture}).out);
    EXPECT_EQ(cli({kFixture, QStringLiteral("--grep"), QStringLiteral("[error]"), QStringLiteral("-F"), QStringLiteral("-c")}).out,
              grep({QStringLiteral("-F"), QStringLiteral("-c"), QStringLiteral("[error]"), kFixture}).out);
}

TEST(LogsCli, GrepOnABigFileMatchesGrep)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.log"));
    ASSERT_TRUE(logtest::writeBytes(path, logtest::realisticLog(120000)));
    const CliRun ours = cli({path, QStringLiteral("--grep"), QStringLiteral("bolt-1[0-9]{3}'"), QStringLiteral("-n")});
    const CliRun ref = grep({QStringLiteral("-n"), QStringLiteral("-E"), QStringLiteral("bolt-1[0-9]{3}'"), path});
    EXPECT_EQ(ours.out, ref.out);
    EXPECT_GT(ours.out.count('\n'), 100);
}

// Over 2 x 16 MiB: the search runs in parallel segments, and the output must still be grep's,
// line for line and number for number.
TEST(LogsCli, GrepInParallelSegmentsPrintsWhatGrepPrints)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.log"));
    const QByteArray data = logtest::realisticLog(260000);
    ASSERT_GT(data.size(), 34 * 1024 * 1024); // 3 segments of at most 16 MiB
    ASSERT_TRUE(logtest::writeBytes(path, data));
    const QList<QStringList> cases{{QStringLiteral("Connection reset by peer")},
                                   {QStringLiteral("connection RESET"), QStringLiteral("-i")},
                                   {QStringLiteral("upstream.*timed")},
                                   {QStringLiteral("bolt-[0-9]{3}'")}};
    for (const QStringList& c : cases) {
        const QStringList flags = c.mid(1);
        const CliRun ours = cli(QStringList{path, QStringLiteral("--grep"), c[0], QStringLiteral("-n")} + flags);
        const CliRun ref = grep(QStringList{QStringLiteral("-n"), QStringLiteral("-E")} + flags + QStringList{c[0], path});
        EXPECT_EQ(ours.code, 0) << ours.err.constData();
        EXPECT_GT(ours.out.count('\n'), 100) << c.join(u' ').toStdString();
        EXPECT_TRUE(ours.out == ref.out) << c.join(u' ').toStdString();
    }
}

// (a+)+$ on a long line of a's backtracks for ever in a plain backtracking engine: the CLI
// stops with an error naming the line (exit 2, like grep's errors) instead of hanging.
TEST(LogsCli, TooComplexPatternIsAnErrorNotAFreeze)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("evil.log"));
    ASSERT_TRUE(logtest::writeBytes(path, "aaa\n" + QByteArray(30000, 'a') + "!\nlast\n"));
    const CliRun r = cli({path, QStringLiteral("--grep"), QStringLiteral("(a+)+$"), QStringLiteral("-n")});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, QByteArray("1:aaa\n"));
    EXPECT_TRUE(r.err.contains("too complex for line 2")) << r.err.constData();
}

TEST(LogsCli, NoMatchExitsOneLikeGrepAndErrorsExitTwo)
{
    CliRun r = cli({kFixture, QStringLiteral("--grep"), QStringLiteral("no such text anywhere")});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.out.isEmpty());
    r = cli({kFixture, QStringLiteral("--grep"), QStringLiteral("bolt-(")});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(r.err.contains("Invalid regular expression")) << r.err.constData();
    r = cli({QStringLiteral("/nonexistent/error.log")});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(r.err.contains("/nonexistent/error.log")) << r.err.constData();
}

TEST(LogsCli, ProblemsListsEachProblemLineWithItsRuleAndASummary)
{
    const CliRun r = cli({kFixture, QStringLiteral("--problems"), QStringLiteral("-n")});
    EXPECT_EQ(r.code, 1); // problems found
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    ASSERT_GE(lines.size(), 10);
    EXPECT_TRUE(lines.contains("2:[nginx.upstream-timed-out] " + lab::readAll(kFixture).split('\n').at(1))) << r.out.constData();
    EXPECT_TRUE(r.out.contains("7:[neo4j.client-timeout] 2026-01-28 09:24:14.123+0000 ERROR")) << r.out.constData();
    EXPECT_TRUE(r.out.contains("10:[nginx.duplicate-default-server] ")) << r.out.constData();
    EXPECT_TRUE(r.out.contains("11:[nginx.alert] ")) << r.out.constData();
    EXPECT_TRUE(r.out.contains("3:[neo4j.network-aborts] ")) << r.out.constData();
    EXPECT_TRUE(r.out.contains("6:[nginx.prematurely-closed] ")) << r.out.constData();
    EXPECT_FALSE(r.out.contains("\n8:[")); // a WARN line is highlighted but is not a problem
    EXPECT_TRUE(lines.last().contains("problem lines:")) << lines.last().constData();

    const CliRun count = cli({kFixture, QStringLiteral("--problems"), QStringLiteral("-c")});
    EXPECT_EQ(count.out.trimmed().toInt(), lines.size() - 1);
}

// The evidence of one WebSocket incident from every log in the chain (issue 17): each problem line is
// named by the rule of its source, the healthy neighbours are not listed, and the summary counts them.
TEST(LogsCli, ProblemsNameTheLinesOfEveryLogInTheChain)
{
    const QString chain = QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/logs/data/ws-chain.log");
    const CliRun r = cli({chain, QStringLiteral("--problems"), QStringLiteral("-n")});
    EXPECT_EQ(r.code, 1) << r.err.constData();
    const QList<QByteArray> lines = r.out.trimmed().split('\n');
    const QList<QByteArray> expected = {"2:[app.origin-rejected] ",      "3:[app.abnormal-closure] ",
                                        "5:[haproxy.server-timeout] ",   "6:[haproxy.client-timeout] ",
                                        "8:[access.ws-bad-gateway] ",    "10:[json.ws-abnormal-closure] ",
                                        "12:[python.ws-rejected] ",      "14:[access.ws-short-lived] "};
    ASSERT_EQ(lines.size(), expected.size() + 1) << r.out.constData();
    for (qsizetype i = 0; i < expected.size(); ++i)
        EXPECT_TRUE(lines[i].startsWith(expected[i])) << lines[i].constData();
    const QByteArray summary = lines.last();
    EXPECT_TRUE(summary.startsWith("8 problem lines: ")) << summary.constData();
    for (const char* name : {"origin rejected ×1", "disconnected with 1006 ×1", "server-side timeout (sD) ×1",
                             "client-side timeout (cD) ×1", "WebSocket request answered 502 ×1", "close code 1006 (JSON) ×1",
                             "WebSocket rejected (403) ×1", "WebSocket upgraded but ended within 1 s ×1"})
        EXPECT_TRUE(summary.contains(name)) << name << " in " << summary.constData();

    // --explain: after the same summary, each rule's meaning, advice and the probe's cause id (the
    // Logs tab shows the same as the line's tooltip).
    const CliRun explained = cli({chain, QStringLiteral("--problems"), QStringLiteral("-n"), QStringLiteral("--explain")});
    EXPECT_TRUE(explained.out.startsWith(r.out)) << explained.out.constData();
    const QByteArray extra = explained.out.mid(r.out.size());
    const QList<QByteArray> rules = extra.trimmed().split('\n');
    EXPECT_EQ(rules.size(), expected.size()) << extra.constData();
    for (const char* line : {"[haproxy.server-timeout] server-side timeout (sD) ×1: ", "(probe cause: idle_timeout)",
                             "[app.origin-rejected] origin rejected ×1: ", "(probe cause: origin_rejected)",
                             "[access.ws-bad-gateway] WebSocket request answered 502 ×1: ", "(probe cause: bad_gateway)",
                             "Advice: raise timeout tunnel", "Advice: add the frontend's exact origin"})
        EXPECT_TRUE(extra.contains(line)) << line << " in " << extra.constData();
    for (const QByteArray& l : rules)
        EXPECT_TRUE(l.contains(" Advice: ")) << l.constData();
}

// Issue 17: a profile names its logs and what wrote them; `logs PROFILE --log NAME` reads one with
// the profile's format for it, not the detected one. The file: nine nginx error lines and one
// HAProxy line, so detection says "nginx error log" (90%) and the HAProxy rules would not apply.
TEST(LogsCli, AProfileLogIsReadWithTheProfilesFormat)
{
    QTemporaryDir dir;
    const QString profiles = dir.filePath(QStringLiteral("profiles.json"));
    const QString log = dir.filePath(QStringLiteral("haproxy.log"));
    QByteArray text;
    for (int i = 0; i < 9; ++i)
        text += "2026/01/28 10:00:0" + QByteArray::number(i) + " [error] 12#12: *" + QByteArray::number(i)
                + " upstream timed out (110: Connection timed out) while reading response header from upstream, client: 127.0.0.1\n";
    text += "Jan 28 10:02:00 lab haproxy[4242]: 127.0.0.1:51234 [28/Jan/2026:10:01:30.001] ws_front ws_back/app1 0/0/0/-1/30001 "
            "504 194 - - sD-- 1/1/0/0/0 0/0 \"GET /ws HTTP/1.1\"\n";
    ASSERT_TRUE(logtest::writeBytes(log, text));
    const CliRun detected = cli({log, QStringLiteral("--problems"), QStringLiteral("-n")});
    EXPECT_TRUE(detected.err.contains("source: nginx-error")) << detected.err.constData();
    EXPECT_FALSE(detected.out.contains("[haproxy.")) << detected.out.constData();

    const CliRun add = run(lab::cliPath(), {QStringLiteral("--profiles"), profiles, QStringLiteral("profiles"), QStringLiteral("add"),
                                            QStringLiteral("edge"), QStringLiteral("--url"), QStringLiteral("ws://127.0.0.1:9/ws"),
                                            QStringLiteral("--haproxy-log"), log, QStringLiteral("--app-log"), log,
                                            QStringLiteral("--app-log-format"), QStringLiteral("nginx-error")});
    ASSERT_EQ(add.code, 0) << add.err.constData();
    const auto profileLogs = [&](const QStringList& extra) {
        return run(lab::cliPath(), QStringList{QStringLiteral("--profiles"), profiles, QStringLiteral("logs"), QStringLiteral("edge"),
                                               QStringLiteral("--problems"), QStringLiteral("-n")} + extra);
    };
    const CliRun haproxy = profileLogs({QStringLiteral("--log"), QStringLiteral("haproxy")});
    EXPECT_EQ(haproxy.code, 1) << haproxy.err.constData();
    EXPECT_TRUE(haproxy.err.contains("source: haproxy")) << haproxy.err.constData();
    EXPECT_TRUE(haproxy.err.contains("the profile's HAProxy log")) << haproxy.err.constData();
    EXPECT_TRUE(haproxy.out.startsWith("10:[haproxy.server-timeout] ")) << haproxy.out.constData();
    EXPECT_FALSE(haproxy.out.contains("[nginx.")) << haproxy.out.constData();
    // The app log with its configured format; --source still overrides the profile.
    const CliRun app = profileLogs({QStringLiteral("--log"), QStringLiteral("app")});
    EXPECT_TRUE(app.err.contains("source: nginx-error")) << app.err.constData();
    EXPECT_TRUE(app.err.contains("the profile's App log")) << app.err.constData();
    const CliRun overridden = profileLogs({QStringLiteral("--log"), QStringLiteral("haproxy"), QStringLiteral("--source"), QStringLiteral("nginx-error")});
    EXPECT_TRUE(overridden.err.contains("source: nginx-error")) << overridden.err.constData();
    EXPECT_FALSE(overridden.out.contains("[haproxy.")) << overridden.out.constData();
    // A log the profile does not name, or an unknown name, is a clear error.
    const CliRun unset = profileLogs({QStringLiteral("--log"), QStringLiteral("access")});
    EXPECT_EQ(unset.code, 2);
    EXPECT_TRUE(unset.err.contains("names no nginx access log")) << unset.err.constData();
    const CliRun unknown = profileLogs({QStringLiteral("--log"), QStringLiteral("syslog")});
    EXPECT_EQ(unknown.code, 2);
    EXPECT_TRUE(unknown.err.contains("error, access, app, haproxy")) << unknown.err.constData();
}

// Issue 17: user rules from a directory (log-rules.d/*.json) next to the single file; each file is
// validated on its own and a broken one stops the CLI with its path and the rule at fault.
TEST(LogsCli, UserRulesFromADirectoryAndABrokenFileIsNamed)
{
    QTemporaryDir dir;
    const QString rulesDir = dir.filePath(QStringLiteral("log-rules.d"));
    ASSERT_TRUE(QDir().mkpath(rulesDir));
    const QString log = dir.filePath(QStringLiteral("app.log"));
    ASSERT_TRUE(logtest::writeBytes(log, "2026-01-28 10:00:00 myapp: tenant session lost\n2026-01-28 10:00:01 myapp: quota hit\n"));
    ASSERT_TRUE(logtest::writeBytes(rulesDir + QStringLiteral("/10-session.json"), R"({"format":"socketscope-log-rules","version":1,"rules":[
        {"id":"myapp.session-lost","name":"session lost","pattern":"session lost","severity":"error"}]})"));
    ASSERT_TRUE(logtest::writeBytes(rulesDir + QStringLiteral("/20-quota.json"), R"({"format":"socketscope-log-rules","version":1,"rules":[
        {"id":"myapp.quota","name":"quota","pattern":"quota hit","severity":"critical"}]})"));
    ASSERT_TRUE(logtest::writeBytes(rulesDir + QStringLiteral("/notes.txt"), "not a rule file"));
    const CliRun ok = cli({log, QStringLiteral("--problems"), QStringLiteral("-n"), QStringLiteral("--rules"), rulesDir});
    EXPECT_EQ(ok.code, 1) << ok.err.constData();
    EXPECT_TRUE(ok.out.contains("1:[myapp.session-lost] ")) << ok.out.constData();
    EXPECT_TRUE(ok.out.contains("2:[myapp.quota] ")) << ok.out.constData();

    // The default places: <config dir>/log-rules.json and <config dir>/log-rules.d/ (the config
    // dir: XDG_CONFIG_HOME/<organisation>/<application>).
    const QString config = dir.filePath(QStringLiteral("xdg/SocketScope/SocketScope"));
    ASSERT_TRUE(QDir().mkpath(config + QStringLiteral("/log-rules.d")));
    ASSERT_TRUE(logtest::writeBytes(config + QStringLiteral("/log-rules.json"), R"({"rules":[
        {"id":"myapp.session-lost","name":"session lost","pattern":"session lost","severity":"error"}]})"));
    ASSERT_TRUE(logtest::writeBytes(config + QStringLiteral("/log-rules.d/quota.json"), R"({"rules":[
        {"id":"myapp.quota","name":"quota","pattern":"quota hit","severity":"critical"}]})"));
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("xdg")));
    p.setProcessEnvironment(env);
    p.start(lab::cliPath(), {QStringLiteral("logs"), log, QStringLiteral("--problems"), QStringLiteral("-n")});
    ASSERT_TRUE(p.waitForFinished(30000));
    const QByteArray out = p.readAllStandardOutput();
    EXPECT_TRUE(out.contains("1:[myapp.session-lost] ")) << out.constData() << p.readAllStandardError().constData();
    EXPECT_TRUE(out.contains("2:[myapp.quota] ")) << out.constData();

    // A broken file in the directory: exit 2, its path and the rule named.
    const QString broken = rulesDir + QStringLiteral("/30-broken.json");
    ASSERT_TRUE(logtest::writeBytes(broken, R"({"rules":[{"id":"myapp.ok","pattern":"x"},{"id":"myapp.bad","pattern":"(unclosed","regex":true}]})"));
    const CliRun bad = cli({log, QStringLiteral("--problems"), QStringLiteral("--rules"), rulesDir});
    EXPECT_EQ(bad.code, 2);
    EXPECT_TRUE(bad.err.contains(broken.toUtf8())) << bad.err.constData();
    EXPECT_TRUE(bad.err.contains("myapp.bad")) << bad.err.constData();
    ASSERT_TRUE(logtest::writeBytes(broken, R"({"rules":[{"id":"myapp.ok","pattern":"x"},{"name":"no id","pattern":"y","severity":"fatal"}]})"));
    const CliRun noId = cli({log, QStringLiteral("--problems"), QStringLiteral("--rules"), rulesDir});
    EXPECT_EQ(noId.code, 2);
    EXPECT_TRUE(noId.err.contains(QByteArray(broken.toUtf8() + ": rule 2 needs an \"id\""))) << noId.err.constData();
}

TEST(LogsCli, UnknownProfileIsAClearError)
{
    QTemporaryDir dir;
    const QString profiles = dir.filePath(QStringLiteral("profiles.json"));
    QProcess p;
    p.start(lab::cliPath(), {QStringLiteral("--profiles"), profiles, QStringLiteral("logs"), QStringLiteral("neo4j-prod"),
                             QStringLiteral("--remote"), QStringLiteral("/data/neo4j/logs/neo4j.log")});
    ASSERT_TRUE(p.waitForFinished(30000));
    EXPECT_EQ(p.exitCode(), 2);
    const QByteArray err = p.readAllStandardError();
    EXPECT_TRUE(err.contains("neo4j-prod")) << err.constData();
    EXPECT_TRUE(err.contains(profiles.toUtf8())) << err.constData();
}

TEST(LogsCli, FollowPrintsAppendedMatchingLines)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("live.log"));
    ASSERT_TRUE(logtest::writeBytes(path, "2026/01/28 10:00:00 [info] quiet\n"));
    QProcess p;
    p.start(lab::cliPath(), {QStringLiteral("logs"), path, QStringLiteral("--follow"), QStringLiteral("--grep"),
                             QStringLiteral("timed out"), QStringLiteral("-n")});
    ASSERT_TRUE(p.waitForStarted());
    QByteArray seen;
    ASSERT_TRUE(logtest::writeBytes(path, "2026/01/28 10:03:00 [error] upstream timed out\n2026/01/28 10:03:01 [info] other\n", true));
    QTRY_VERIFY_WITH_TIMEOUT((seen += p.readAllStandardOutput()).contains("2:2026/01/28 10:03:00 [error] upstream timed out\n"), 5000);
    EXPECT_FALSE(seen.contains("other"));
    p.terminate();
    p.waitForFinished(5000);
}
