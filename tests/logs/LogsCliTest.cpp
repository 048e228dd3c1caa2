// SPDX-License-Identifier: GPL-3.0-or-later
// socketscope-cli logs, run as a process the way a user runs it, compared with grep.
#include "LogTestUtil.h"
#include "lab/Lab.h"

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
                                        "12:[python.ws-rejected] "};
    ASSERT_EQ(lines.size(), expected.size() + 1) << r.out.constData();
    for (qsizetype i = 0; i < expected.size(); ++i)
        EXPECT_TRUE(lines[i].startsWith(expected[i])) << lines[i].constData();
    const QByteArray summary = lines.last();
    EXPECT_TRUE(summary.startsWith("7 problem lines: ")) << summary.constData();
    for (const char* name : {"origin rejected ×1", "disconnected with 1006 ×1", "server-side timeout (sD) ×1",
                             "client-side timeout (cD) ×1", "WebSocket request answered 502 ×1", "close code 1006 (JSON) ×1",
                             "WebSocket rejected (403) ×1"})
        EXPECT_TRUE(summary.contains(name)) << name << " in " << summary.constData();
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
