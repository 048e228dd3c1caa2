// SPDX-License-Identifier: GPL-3.0-or-later
// The probe engine against the real reference server and against scripted hostile servers.
#include "ScriptedServer.h"
#include "lab/Lab.h"
#include "probe/ProbeEngine.h"
#include "server/ReferenceServer.h"

#include <QSignalSpy>
#include <QDeadlineTimer>
#include <QRegularExpression>
#include <QTest>
#include <QTcpServer>
#include <QTimer>

#ifdef Q_OS_LINUX
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

#include <memory>
#include <vector>

#include <gtest/gtest.h>

using namespace socketscope;
using socketscope::testing::ScriptedServer;

namespace {

ProbeResult runProbe(const ProbeOptions& o, int waitMs = 15000)
{
    ProbeEngine engine;
    QSignalSpy spy(&engine, &ProbeEngine::finished);
    const quint64 id = engine.start(o);
    EXPECT_NE(id, 0u);
    if (!lab::waitForCount(spy, 1, waitMs)) {
        ADD_FAILURE() << "probe did not finish";
        return {};
    }
    EXPECT_EQ(spy.at(0).at(0).value<quint64>(), id);
    return spy.at(0).at(1).value<ProbeResult>();
}

ProbeOptions opts(const QString& url)
{
    ProbeOptions o;
    o.url = url;
    o.app = AppProtocolId::Echo; // these tests are about transport and framing: echo explicitly (--echo)
    o.timeoutS = 2;
    o.connectTimeoutS = 2;
    return o;
}

QString dump(const ProbeResult& r) { return r.cause + QStringLiteral(": ") + r.evidence.join(QStringLiteral("\n  ")); }

} // namespace

TEST(ProbeEngine, EchoAgainstReferenceServerSkipsWelcomeAndMatchesEveryMessage)
{
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    ProbeOptions o = opts(server.echoUrl());
    o.echoCount = 5;
    o.echoSize = 1000;
    const ProbeResult r = runProbe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << dump(r).toStdString();
    EXPECT_EQ(r.httpStatus, 101);
    EXPECT_EQ(r.echoSent, 5);
    EXPECT_EQ(r.echoReceived, 5);
    EXPECT_EQ(r.echoRtt.count, 5);
    EXPECT_LE(r.echoRtt.min, r.echoRtt.median);
    EXPECT_LE(r.echoRtt.median, r.echoRtt.max);
    EXPECT_TRUE(r.timings.connect && r.timings.upgrade && r.timings.firstEcho);
    EXPECT_FALSE(r.timings.dns) << "an IP literal needs no DNS";
    EXPECT_EQ(r.otherMessages, 1) << "the welcome message is not an echo";
    EXPECT_TRUE(r.firstOtherMessage.contains("welcome"));
    EXPECT_EQ(r.closedBy, ClosedBy::Client);
    EXPECT_EQ(r.closeCode, 1000);
}

TEST(ProbeEngine, BinaryEchoPingsAndHoldThroughLocalhostName)
{
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    ProbeOptions o = opts(QStringLiteral("ws://localhost:%1/ws/echo").arg(server.port()));
    o.echoCount = 3;
    o.echoBinary = true;
    o.echoSize = 70000; // 64-bit length frames
    o.pingIntervalS = 0.2;
    o.holdS = 0.7;
    o.timeoutS = 0.5; // bounds each phase, never the hold
    const ProbeResult r = runProbe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << dump(r).toStdString();
    EXPECT_EQ(r.echoReceived, 3);
    EXPECT_TRUE(r.timings.dns.has_value());
    EXPECT_GE(r.pongsReceived, 2);
    EXPECT_EQ(r.pongsReceived, r.pingsSent);
    EXPECT_GE(r.heldS, 0.69);
    EXPECT_FALSE(r.idleCutoffS);
}

TEST(ProbeEngine, SubprotocolOriginAndBearerAreSentAndChosenProtocolReported)
{
    ScriptedServer s;
    ASSERT_TRUE(s.listen());
    s.onRequest = [](QTcpSocket* sock, const QByteArray& key) {
        sock->write(ScriptedServer::goodHandshake(key, "Sec-WebSocket-Protocol: v2\r\n"));
    };
    s.onFrame = [](QTcpSocket* sock, quint8 op, const QByteArray& payload) {
        if (op == 0x1)
            sock->write(FrameWriter::unmaskedFrame(0x1, payload));
        else if (op == 0x8)
            sock->write(FrameWriter::unmaskedFrame(0x8, payload));
    };
    ProbeOptions o = opts(s.url());
    o.subprotocols = {QStringLiteral("v1"), QStringLiteral("v2")};
    o.origin = QStringLiteral("https://app.example");
    o.bearerToken = QStringLiteral("tok123");
    o.headers = {{QStringLiteral("X-Trace"), QStringLiteral("42")}};
    const ProbeResult r = runProbe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << dump(r).toStdString();
    EXPECT_EQ(r.subprotocol, QStringLiteral("v2"));
    EXPECT_TRUE(s.lastRequest.contains("Origin: https://app.example"));
    EXPECT_TRUE(s.lastRequest.contains("Authorization: Bearer tok123"));
    EXPECT_TRUE(s.lastRequest.contains("X-Trace: 42"));
    EXPECT_FALSE(r.requestHead.contains(QStringLiteral("tok123"))) << "the evidence never shows the token";
    EXPECT_FALSE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("tok123")));
}

TEST(ProbeEngine, WrongAcceptOrMissingUpgradeIsHandshakeInvalid)
{
    ScriptedServer s;
    ASSERT_TRUE(s.listen());
    s.onRequest = [](QTcpSocket* sock, const QByteArray&) {
        sock->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Accept: bm90IHRoZSByaWdodCBvbmU=\r\n\r\n");
    };
    ProbeResult r = runProbe(opts(s.url()));
    EXPECT_EQ(r.cause, QStringLiteral("handshake_invalid")) << dump(r).toStdString();
    EXPECT_TRUE(r.protocolError.contains(QStringLiteral("Sec-WebSocket-Accept")));
    EXPECT_TRUE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("Sec-WebSocket-Accept")));

    s.onRequest = [](QTcpSocket* sock, const QByteArray& key) {
        sock->write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                    + wshandshake::acceptFor(key) + "\r\n\r\n");
    };
    r = runProbe(opts(s.url()));
    EXPECT_EQ(r.cause, QStringLiteral("handshake_invalid"));
    EXPECT_TRUE(r.protocolError.contains(QStringLiteral("Upgrade"))) << r.protocolError.toStdString();
}

TEST(ProbeEngine, HostileFramesEndInProtocolErrorWithDetail)
{
    struct Case { const char* name; QByteArray frames; const char* detail; };
    const QList<Case> cases = {
        {"masked", FrameWriter::frame(0x1, "hi", true, 0x11223344), "masked"},
        {"reserved opcode", QByteArray("\x85\x00", 2), "reserved opcode"},
        {"reserved bits", QByteArray("\xA1\x00", 2), "reserved bits"},
        {"fragmented ping", QByteArray("\x09\x01x", 3), "fragmented control"},
        {"invalid utf-8", FrameWriter::unmaskedFrame(0x1, QByteArray("\xff\xfe", 2)), "UTF-8"},
        {"oversized", FrameWriter::unmaskedFrame(0x2, QByteArray(5000, 'x')), "limit"},
    };
    for (const Case& c : cases) {
        ScriptedServer s;
        ASSERT_TRUE(s.listen());
        const QByteArray frames = c.frames;
        s.onRequest = [frames](QTcpSocket* sock, const QByteArray& key) {
            sock->write(ScriptedServer::goodHandshake(key) + frames);
        };
        ProbeOptions o = opts(s.url());
        o.maxFrameBytes = 4096;
        const ProbeResult r = runProbe(o);
        EXPECT_EQ(r.cause, QStringLiteral("protocol_error")) << c.name << " " << dump(r).toStdString();
        EXPECT_TRUE(r.protocolError.contains(QLatin1String(c.detail))) << c.name << ": " << r.protocolError.toStdString();
    }
}

TEST(ProbeEngine, AViolationInTheSamePacketAsThe101IsClosedWithTheViolationsCode)
{
    // The 101 and the bad frame leave the server in one write: the probe meets the frame in the
    // bytes left over after the response head, and must close as for any other violation.
    struct Case { const char* name; QByteArray frame; int code; };
    const QList<Case> cases = {
        {"reserved opcode", QByteArray("\x85\x00", 2), 1002},
        {"invalid utf-8", FrameWriter::unmaskedFrame(0x1, QByteArray("\xff\xfe", 2)), 1007},
        {"oversized", FrameWriter::unmaskedFrame(0x2, QByteArray(5000, 'x')), 1009},
    };
    for (const Case& c : cases) {
        ScriptedServer s;
        ASSERT_TRUE(s.listen());
        const QByteArray frame = c.frame;
        int received = -1;
        s.onRequest = [frame](QTcpSocket* sock, const QByteArray& key) {
            sock->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            sock->write(ScriptedServer::goodHandshake(key) + frame);
        };
        s.onFrame = [&received](QTcpSocket*, quint8 opcode, const QByteArray& payload) {
            if (opcode == 0x8 && payload.size() >= 2)
                received = (quint8(payload[0]) << 8) | quint8(payload[1]);
        };
        ProbeOptions o = opts(s.url());
        o.maxFrameBytes = 4096;
        const ProbeResult r = runProbe(o);
        EXPECT_EQ(r.cause, QStringLiteral("protocol_error")) << c.name << " " << dump(r).toStdString();
        EXPECT_EQ(r.closedBy, ClosedBy::Client) << c.name;
        EXPECT_EQ(r.closeCode, c.code) << c.name;
        QDeadlineTimer deadline(5000);
        while (received < 0 && !deadline.hasExpired())
            QTest::qWait(20);
        EXPECT_EQ(received, c.code) << c.name << ": the close code the server received";
    }
}

TEST(ProbeEngine, PingFloodFromAServerThatNeverReadsEndsTheHoldAsProtocolError)
{
    // A separate process floods pings and never reads the pongs (tests/probe/ping_flood.py).
    lab::Daemon flood;
    const quint16 port = lab::freePort();
    ASSERT_TRUE(flood.start(QStringLiteral("/usr/bin/python3"),
                            {QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/probe/ping_flood.py"), QString::number(port)}));
    ASSERT_TRUE(lab::waitForPort(port)) << flood.output().constData();
    ProbeOptions o = opts(QStringLiteral("ws://127.0.0.1:%1/").arg(port));
    o.echoCount = 0;
    o.holdS = 300; // only the pong limit can end this probe within the wait below
    const ProbeResult r = runProbe(o, 120000);
    EXPECT_EQ(r.cause, QStringLiteral("protocol_error")) << dump(r).toStdString();
    EXPECT_EQ(r.errorPhase, QStringLiteral("hold"));
    EXPECT_LT(r.heldS, 300.0);
    static const QRegularExpression what(QStringLiteral(
        "the server sent (\\d+) pings in [0-9.]+ s without reading our pongs; stopped answering at (\\d+) KiB queued"));
    const QRegularExpressionMatch m = what.match(r.protocolError);
    ASSERT_TRUE(m.hasMatch()) << r.protocolError.toStdString();
    EXPECT_GT(m.captured(1).toLongLong(), 1000);
    EXPECT_GE(m.captured(2).toLongLong(), 1024) << "the limit is 1 MiB of unsent pongs";
    EXPECT_TRUE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("without reading our pongs")));
    // The probe let go of the connection: the server's next send fails.
    QByteArray said;
    QDeadlineTimer deadline(10000);
    while (!said.contains("flood ended after") && !deadline.hasExpired()) {
        QTest::qWait(50);
        said += flood.output(); // output() hands out what is new since the last call
    }
    EXPECT_TRUE(said.contains("flood ended after")) << said.constData();
}

TEST(ProbeEngine, GarbageInsteadOfHttpIsProtocolError)
{
    QTcpServer garbage;
    ASSERT_TRUE(garbage.listen(QHostAddress::LocalHost, 0));
    QObject::connect(&garbage, &QTcpServer::newConnection, &garbage, [&garbage] {
        QTcpSocket* c = garbage.nextPendingConnection();
        c->write("SSH-2.0-OpenSSH_9.2p1 Debian\r\n");
    });
    const ProbeResult r = runProbe(opts(QStringLiteral("ws://127.0.0.1:%1/").arg(garbage.serverPort())));
    EXPECT_EQ(r.cause, QStringLiteral("protocol_error")) << dump(r).toStdString();
    EXPECT_TRUE(r.protocolError.contains(QStringLiteral("not HTTP")));
}

TEST(ProbeEngine, SilentServerIsSlowResponseWithinTheTimeout)
{
    QTcpServer silent;
    ASSERT_TRUE(silent.listen(QHostAddress::LocalHost, 0));
    ProbeOptions o = opts(QStringLiteral("ws://127.0.0.1:%1/").arg(silent.serverPort()));
    o.timeoutS = 0.3;
    const ProbeResult r = runProbe(o);
    EXPECT_EQ(r.cause, QStringLiteral("slow_response")) << dump(r).toStdString();
    EXPECT_EQ(r.errorPhase, QStringLiteral("upgrade"));
}

TEST(ProbeEngine, ServerCloseFrameFinAndResetAreAttributed)
{
    // Close frame 1011 → server_closed.
    {
        ScriptedServer s;
        ASSERT_TRUE(s.listen());
        s.onRequest = [](QTcpSocket* sock, const QByteArray& key) {
            sock->write(ScriptedServer::goodHandshake(key) + FrameWriter::unmaskedFrame(0x8, QByteArray("\x03\xf3", 2) + "internal"));
        };
        const ProbeResult r = runProbe(opts(s.url()));
        EXPECT_EQ(r.cause, QStringLiteral("server_closed")) << dump(r).toStdString();
        EXPECT_EQ(r.closedBy, ClosedBy::ServerFrame);
        EXPECT_EQ(r.closeCode, 1011);
        EXPECT_EQ(r.closeReason, QStringLiteral("internal"));
    }
    // FIN during the hold → idle_timeout, 1006, cutoff reported.
    {
        ScriptedServer s;
        ASSERT_TRUE(s.listen());
        s.onRequest = [](QTcpSocket* sock, const QByteArray& key) {
            sock->write(ScriptedServer::goodHandshake(key));
            QTimer::singleShot(300, sock, [sock] { sock->disconnectFromHost(); });
        };
        ProbeOptions o = opts(s.url());
        o.echoCount = 0;
        o.holdS = 3;
        const ProbeResult r = runProbe(o);
        EXPECT_EQ(r.cause, QStringLiteral("idle_timeout")) << dump(r).toStdString();
        EXPECT_EQ(r.closedBy, ClosedBy::ServerFin);
        EXPECT_EQ(r.closeCode, 1006);
        ASSERT_TRUE(r.idleCutoffS);
        EXPECT_GT(*r.idleCutoffS, 0.2);
        EXPECT_LT(*r.idleCutoffS, 1.5);
        EXPECT_LT(r.heldS, 1.5);
    }
    // Reset (SO_LINGER 0 abort) during an echo → abnormal_closure, reported as a reset.
    {
        ScriptedServer s;
        ASSERT_TRUE(s.listen());
        s.onRequest = [](QTcpSocket* sock, const QByteArray& key) { sock->write(ScriptedServer::goodHandshake(key)); };
        s.onFrame = [](QTcpSocket* sock, quint8, const QByteArray&) {
            sock->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            QTimer::singleShot(50, sock, [sock] {
#ifdef Q_OS_LINUX
                linger l{1, 0};
                ::setsockopt(int(sock->socketDescriptor()), SOL_SOCKET, SO_LINGER, &l, sizeof(l));
#endif
                sock->abort();
            });
        };
        const ProbeResult r = runProbe(opts(s.url()));
        EXPECT_EQ(r.cause, QStringLiteral("abnormal_closure")) << dump(r).toStdString();
        EXPECT_EQ(r.closeCode, 1006);
#ifdef Q_OS_LINUX
        EXPECT_EQ(r.closedBy, ClosedBy::ServerReset);
#endif
    }
}

TEST(ProbeEngine, NoEchoAndNoPongTimeOutPerMessage)
{
    ScriptedServer s;
    ASSERT_TRUE(s.listen());
    s.onRequest = [](QTcpSocket* sock, const QByteArray& key) { sock->write(ScriptedServer::goodHandshake(key)); };
    ProbeOptions o = opts(s.url());
    o.timeoutS = 0.3;
    ProbeResult r = runProbe(o);
    EXPECT_EQ(r.cause, QStringLiteral("no_echo")) << dump(r).toStdString();
    EXPECT_EQ(r.echoSent, 1);
    EXPECT_EQ(r.echoReceived, 0);
    o.echoCount = 0;
    o.pingIntervalS = 0.1;
    r = runProbe(o);
    EXPECT_EQ(r.cause, QStringLiteral("no_pong")) << dump(r).toStdString();
}

TEST(ProbeEngine, BoltHandshakeIsSentInABinaryFrameAndTimed)
{
    // Neo4j is not packaged here: a small responder answers the Bolt handshake like Neo4j 5 does.
    ScriptedServer s;
    ASSERT_TRUE(s.listen());
    QByteArray seen;
    s.onRequest = [](QTcpSocket* sock, const QByteArray& key) { sock->write(ScriptedServer::goodHandshake(key)); };
    s.onFrame = [&seen](QTcpSocket* sock, quint8 op, const QByteArray& payload) {
        if (op == 0x2) {
            seen = payload;
            sock->write(FrameWriter::unmaskedFrame(0x2, QByteArray::fromHex("00000405")));
        } else if (op == 0x8) {
            sock->write(FrameWriter::unmaskedFrame(0x8, payload));
        }
    };
    ProbeOptions o = opts(s.url());
    o.app = AppProtocolId::Bolt;
    const ProbeResult r = runProbe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << dump(r).toStdString();
    ASSERT_EQ(seen.size(), 20);
    EXPECT_EQ(seen.left(4), QByteArray::fromHex("6060B017"));
    EXPECT_TRUE(r.boltHandshakeMs.has_value());
    EXPECT_EQ(r.boltVersion, QByteArray::fromHex("00000405"));
}

TEST(ProbeEngine, CancelReportsWhatWasSeenExactlyOnce)
{
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    ProbeEngine engine;
    QSignalSpy spy(&engine, &ProbeEngine::finished);
    QSignalSpy progress(&engine, &ProbeEngine::progress);
    ProbeOptions o = opts(server.echoUrl());
    o.holdS = 30;
    const quint64 id = engine.start(o);
    // Wait until the probe is holding, then cancel.
    QDeadlineTimer deadline(5000);
    while (!deadline.hasExpired()) {
        bool holding = false;
        for (const auto& args : std::as_const(progress))
            holding = holding || args.at(1).toString() == QLatin1String("hold");
        if (holding)
            break;
        progress.wait(100);
    }
    engine.cancel(id);
    ASSERT_TRUE(lab::waitForCount(spy, 1, 3000));
    const ProbeResult r = spy.at(0).at(1).value<ProbeResult>();
    EXPECT_TRUE(r.cancelled);
    EXPECT_EQ(r.echoReceived, 1);
    EXPECT_LT(r.heldS, 10);
    QSignalSpy more(&engine, &ProbeEngine::finished);
    EXPECT_FALSE(more.wait(300));
}

TEST(ProbeEngine, RefusedPortAndInvalidHost)
{
    const quint16 closed = lab::freePort();
    ProbeResult r = runProbe(opts(QStringLiteral("ws://127.0.0.1:%1/").arg(closed)));
    EXPECT_EQ(r.cause, QStringLiteral("connection_refused")) << dump(r).toStdString();
    r = runProbe(opts(QStringLiteral("ws://no-such-host.invalid/ws")));
    EXPECT_EQ(r.cause, QStringLiteral("dns_failure")) << dump(r).toStdString();
}

TEST(ProbeEngine, ManyConcurrentProbesAllFinish)
{
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    ProbeEngine engine;
    QSignalSpy spy(&engine, &ProbeEngine::finished);
    QSet<quint64> ids;
    for (int i = 0; i < 50; ++i)
        ids.insert(engine.start(opts(server.echoUrl())));
    EXPECT_EQ(ids.size(), 50);
    ASSERT_TRUE(lab::waitForCount(spy, 50, 20000));
    for (const auto& args : std::as_const(spy)) {
        EXPECT_TRUE(ids.remove(args.at(0).value<quint64>()));
        EXPECT_EQ(args.at(1).value<ProbeResult>().cause, QStringLiteral("ok"));
    }
}

#ifdef Q_OS_LINUX
TEST(ProbeEngine, SynDroppedByAFullBacklogIsConnectTimeout)
{
    // A listener that never accepts, with its accept queue filled: Linux then drops further SYNs,
    // which is what a firewall that drops packets looks like to the client (loopback only here).
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(::listen(fd, 0), 0);
    socklen_t len = sizeof(addr);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    const quint16 port = ntohs(addr.sin_port);
    std::vector<std::unique_ptr<QTcpSocket>> fillers;
    for (int i = 0; i < 4; ++i) {
        fillers.push_back(std::make_unique<QTcpSocket>());
        fillers.back()->connectToHost(QHostAddress::LocalHost, port);
        fillers.back()->waitForConnected(200);
    }
    ProbeOptions o = opts(QStringLiteral("ws://127.0.0.1:%1/").arg(port));
    o.connectTimeoutS = 0.4;
    const ProbeResult r = runProbe(o);
    ::close(fd);
    EXPECT_EQ(r.cause, QStringLiteral("connect_timeout")) << dump(r).toStdString();
    EXPECT_EQ(r.errorPhase, QStringLiteral("connect"));
    EXPECT_FALSE(r.timings.connect);
}
#endif
