// SPDX-License-Identifier: GPL-3.0-or-later
// Which program wrote a log (from its first lines), and that only its rule sets then apply.
#include "LogTestUtil.h"

#include "logs/HighlightRules.h"
#include "logs/LogFormat.h"
#include "logs/LogSession.h"
#include "logs/LogSource.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::logs;

namespace {
QList<QByteArray> lines(std::initializer_list<const char*> l)
{
    QList<QByteArray> out;
    for (const char* s : l)
        out.append(QByteArray(s));
    return out;
}

QList<QByteArray> fileLines(const QString& path)
{
    QFile f(path);
    EXPECT_TRUE(f.open(QIODevice::ReadOnly)) << path.toStdString();
    return f.readAll().split('\n');
}

QString problemId(const RuleSet& rules, const QString& line)
{
    const int r = rules.problemRule(line);
    return r >= 0 ? rules.rules()[r].id : QString();
}
} // namespace

TEST(LogFormat, EachSourceIsDetectedFromItsFirstLines)
{
    const struct {
        LogFormat format;
        QList<QByteArray> lines;
    } cases[] = {
        {LogFormat::NginxError, lines({"2026/01/28 10:03:00 [notice] 811#811: signal process started",
                                       "2026/01/28 10:03:01 [error] 812#812: *7 upstream timed out (110: Connection timed out)",
                                       "nginx: [emerg] bind() to 127.0.0.1:8080 failed (98: Address already in use)"})},
        {LogFormat::NginxAccess, lines({"127.0.0.1 - - [02/Dec/2026:21:00:00 +0000] \"GET /ws HTTP/1.1\" 101 0 \"-\" \"ws\"",
                                        "10.0.0.4 - alice [02/Dec/2026:21:00:01 +0100] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/7.88.1\""})},
        {LogFormat::HAProxy, lines({"Dec  2 21:00:05 lab haproxy[4242]: 127.0.0.1:51234 [02/Dec/2026:21:00:00.001] ws_front ws_back/app1 0/0/0/1/5004 101 129 - - sD-- 1/1/0/0/0 0/0 \"GET /ws HTTP/1.1\"",
                                    "127.0.0.1:51235 [02/Dec/2026:21:00:00.002] ws_front ws_back/app1 0/0/0/1/12 200 512 - - ---- 1/1/0/0/0 0/0 \"GET /health HTTP/1.1\""})},
        {LogFormat::Json, lines({R"({"level":"info","msg":"listening","port":8080})", R"({"level":"error","msg":"websocket closed","code":1006})"})},
        {LogFormat::Logfmt, lines({"time=2026-12-02T21:00:00Z level=info msg=\"listening\" port=8080",
                                   "time=2026-12-02T21:00:01Z level=warn msg=\"ws closed\" code=1006"})},
        {LogFormat::Python, lines({"INFO:     Started server process [4242]", "INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)",
                                   "INFO:     127.0.0.1:50512 - \"WebSocket /ws/echo\" 403",
                                   "[2026-12-02 21:00:00 +0000] [1] [CRITICAL] WORKER TIMEOUT (pid:42)"})},
        {LogFormat::Node, lines({"Error: Unexpected server response: 502", "    at ClientRequest.<anonymous> (/app/node_modules/ws/lib/websocket.js:912:7)",
                                 "    at node:internal/process/task_queues:82:21"})},
        {LogFormat::Java, lines({"2026-12-02T21:00:00.123Z  INFO 4242 --- [main] c.e.App : Started App in 2.1 seconds",
                                 "io.netty.handler.codec.http.websocketx.WebSocketHandshakeException: not a WebSocket handshake request: missing upgrade",
                                 "\tat io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker.handshake(WebSocketServerHandshaker.java:209)"})},
        {LogFormat::Neo4j, lines({"2026-01-28 09:24:14.123+0000 ERROR [o.n.b.t.TransportSelectionHandler] ClientTimeoutException: Terminated",
                                  "2026-01-28 09:24:15.456+0000 WARN  [o.n.k.i.c.VmPauseMonitorComponent] Detected VM stop-the-world pause",
                                  "\tat io.netty.channel.unix.Errors.newIOException(Errors.java:117)"})},
        {LogFormat::WsDiagnostics, lines({"2026-01-28 10:00:01,120 INFO [WS_DIAGNOSTICS] CONNECTION ATTEMPT START origin=http://localhost:3000",
                                          "INFO:     127.0.0.1:50512 - \"WebSocket /ws\" 403",
                                          "2026-01-28 10:00:01,123 WARNING [WS_DIAGNOSTICS] 403 FORBIDDEN: Origin not in allowed list"})},
    };
    for (const auto& c : cases)
        EXPECT_EQ(logFormatId(detectLogFormat(c.lines)), logFormatId(c.format)) << c.lines.first().constData();

    // Several programs in one file, or nothing recognised: every rule set applies.
    EXPECT_EQ(detectLogFormat(fileLines(QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/logs/data/ws-chain.log"))), LogFormat::Mixed);
    EXPECT_EQ(detectLogFormat(fileLines(QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/logs/data/seed-mixed.log"))), LogFormat::Mixed);
    EXPECT_EQ(detectLogFormat(lines({"hello", "world"})), LogFormat::Mixed);
    EXPECT_EQ(detectLogFormat({}), LogFormat::Mixed);

    // Every format has a stable name that reads back.
    for (LogFormat f : allLogFormats())
        EXPECT_EQ(logFormatFromId(logFormatId(f)), f);
    EXPECT_FALSE(logFormatFromId(QStringLiteral("auto")));
}

TEST(LogFormat, OnlyTheRuleSetsOfTheFormatApplyPlusTheNetworkRules)
{
    RuleSet rules = RuleSet::builtin();
    const QString nginxError = QStringLiteral("2026/01/28 10:03:00 [error] 812#812: *2 open() \"/var/www/favicon.ico\" failed");
    const QString neo4jError = QStringLiteral("2026-01-28 09:24:14.123+0000 ERROR [o.n.k.i.t.TransactionMonitor] transaction terminated");
    const QString reset = QStringLiteral("Caused by: Connection reset by peer");
    EXPECT_EQ(rules.format(), LogFormat::Mixed);
    EXPECT_EQ(problemId(rules, nginxError), QStringLiteral("nginx.error"));
    EXPECT_EQ(problemId(rules, neo4jError), QStringLiteral("neo4j.error"));

    const auto count = rules.rules().size();
    rules.setFormat(LogFormat::NginxError);
    EXPECT_EQ(rules.rules().size(), count); // indices stay valid
    EXPECT_EQ(problemId(rules, nginxError), QStringLiteral("nginx.error"));
    EXPECT_EQ(problemId(rules, neo4jError), QString()); // not an nginx error log's rule
    EXPECT_EQ(problemId(rules, reset), QStringLiteral("net.connection-reset"));
    EXPECT_TRUE(rules.spans(neo4jError).isEmpty());
    EXPECT_EQ(rules.strongestRule(neo4jError), -1);

    rules.setFormat(LogFormat::Neo4j);
    EXPECT_EQ(problemId(rules, neo4jError), QStringLiteral("neo4j.error"));
    EXPECT_EQ(problemId(rules, nginxError), QString());
    EXPECT_EQ(problemId(rules, QStringLiteral("io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException: Max frame length")),
              QStringLiteral("java.netty-websocket-error")); // Neo4j is Java/Netty

    // A user rule of a family of its own applies to every format.
    const auto user = RuleSet::fromJson(R"({"rules":[{"id":"mine.drop","pattern":"DROP","severity":"error"}]})", QStringLiteral("test"));
    ASSERT_TRUE(user.ok());
    rules.merge(*user);
    rules.setFormat(LogFormat::HAProxy);
    EXPECT_EQ(problemId(rules, QStringLiteral("DROP 1")), QStringLiteral("mine.drop"));
}

// The session detects the format from the file's first lines, applies only its rules, and an
// override applies another format's rules (and rescans).
TEST(LogFormat, TheSessionDetectsTheFormatAndAnOverrideRescans)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("error.log"));
    // An nginx error log quoting a Neo4j-looking ERROR in a request: with every rule set the
    // line would be named by neo4j.error; in an nginx error log it is not a problem of Neo4j.
    ASSERT_TRUE(logtest::writeBytes(path, "2026/01/28 10:03:00 [notice] 1#1: start\n"
                                          "2026/01/28 10:03:01 [error] 1#1: *7 upstream timed out (110: Connection timed out)\n"
                                          "2026/01/28 10:03:02 [info] 1#1: *8 client sent \" ERROR \" in a header\n"
                                          "2026/01/28 10:03:03 [notice] 1#1: signal 1 (SIGHUP) received\n"));
    LogSession session;
    QSignalSpy formatSpy(&session, &LogSession::formatChanged);
    session.open(std::make_unique<LocalFileSource>(path, false));
    ASSERT_TRUE(QTest::qWaitFor([&] { return session.format() == LogFormat::NginxError && !session.isScanningProblems()
                                             && !session.isIndexing() && session.lineCount() == 4; }, 10000));
    EXPECT_GE(formatSpy.count(), 1);
    ASSERT_EQ(session.problems().lines, std::vector<qint64>({1}));

    session.setFormatOverride(LogFormat::Neo4j);
    EXPECT_EQ(session.format(), LogFormat::Neo4j);
    EXPECT_EQ(session.formatOverride(), LogFormat::Neo4j);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !session.isScanningProblems(); }, 10000));
    ASSERT_EQ(session.problems().lines, std::vector<qint64>({2}));
    EXPECT_EQ(session.rules().rules()[session.problems().rules[0]].id, QStringLiteral("neo4j.error"));

    session.setFormatOverride(std::nullopt); // back to detection
    ASSERT_TRUE(QTest::qWaitFor([&] { return session.format() == LogFormat::NginxError && !session.isScanningProblems(); }, 10000));
    EXPECT_EQ(session.problems().lines, std::vector<qint64>({1}));
}
