// SPDX-License-Identifier: GPL-3.0-or-later
// The probe speaks what the application speaks (issue 10), judged against REAL application
// servers from npm (tests/appservers, pinned by its package-lock.json), each first proven healthy
// with its own client library. Only misbehaviour that no real server shows on demand (a heartbeat
// that stops arriving, an Engine.IO open packet on an unremarkable URL) comes from ScriptedServer.
#include "lab/AppServerLab.h"
#include "probe/ScriptedServer.h"

#include "diagnosis/Diagnosis.h"
#include "monitor/Sample.h"
#include "probe/AppProtocol.h"
#include "probe/ProbeJson.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;
using socketscope::testing::ScriptedServer;

namespace {

ProbeOptions opts(const QString& url)
{
    ProbeOptions o;
    o.url = url;
    o.timeoutS = 5;
    o.connectTimeoutS = 5;
    return o;
}

class AppServers : public ::testing::Test {
protected:
    void SetUp() override
    {
        LAB_REQUIRE(AppServerLab::unavailableReason());
    }
    // Starts one lab server; the test fails (not skips) when it does not come up.
    bool start(const QStringList& args)
    {
        QString error;
        const bool ok = server.start(args, &error);
        EXPECT_TRUE(ok) << error.toStdString();
        return ok;
    }
    AppServerLab server;
};

} // namespace

TEST(AppProtocolTable, EveryNameRoundTripsAndAutoIsTheDefault)
{
    for (const QString& name : appProtocolNames()) {
        const auto id = appProtocolFromName(name);
        ASSERT_TRUE(id.has_value()) << name.toStdString();
        EXPECT_EQ(appProtocolName(*id), name);
    }
    EXPECT_EQ(appProtocolFromName(QString()), AppProtocolId::Auto);
    EXPECT_FALSE(appProtocolFromName(QStringLiteral("socket.io")).has_value());
    QStringList offer;
    EXPECT_EQ(appFromUrl(QUrl(QStringLiteral("wss://h/app/socket.io/?EIO=4")), &offer), AppProtocolId::SocketIo);
    EXPECT_EQ(appFromUrl(QUrl(QStringLiteral("ws://h/ws/echo")), &offer), AppProtocolId::Echo);
    EXPECT_EQ(appFromUrl(QUrl(QStringLiteral("ws://h/api/graphql")), &offer), AppProtocolId::Auto);
    EXPECT_EQ(offer, (QStringList{QStringLiteral("graphql-ws"), QStringLiteral("graphql-transport-ws")}));
    EXPECT_EQ(appFromSubprotocol(QStringLiteral("mqtt")), AppProtocolId::Mqtt);
    for (const char* id : {"app_handshake_failed", "subprotocol_rejected", "app_heartbeat_lost", "sticky_session_missing"})
        EXPECT_TRUE(allCauseIds().contains(QString::fromLatin1(id))) << id;
}

TEST_F(AppServers, EachLabServerAnswersItsOwnClient)
{
    struct Case { QStringList server; QStringList client; };
    const QList<Case> cases = {
        {{QStringLiteral("socketio")}, {QStringLiteral("socketio"), QStringLiteral("http://127.0.0.1:%1")}},
        {{QStringLiteral("graphql-ws")}, {QStringLiteral("graphql-ws"), QStringLiteral("ws://127.0.0.1:%1/graphql")}},
        {{QStringLiteral("legacy-graphql")}, {QStringLiteral("legacy-graphql"), QStringLiteral("ws://127.0.0.1:%1/subscriptions")}},
        {{QStringLiteral("mqtt")}, {QStringLiteral("mqtt"), QStringLiteral("ws://127.0.0.1:%1/mqtt")}},
    };
    for (const Case& c : cases) {
        AppServerLab lab;
        QString error;
        ASSERT_TRUE(lab.start(c.server, &error)) << error.toStdString();
        QByteArray out;
        EXPECT_TRUE(AppServerLab::proveWithOwnClient({c.client.at(0), c.client.at(1).arg(lab.port())}, &out))
            << c.server.first().toStdString() << ": " << out.toStdString();
    }
}

TEST_F(AppServers, HealthySocketIoIsOkHeldPastItsHeartbeat)
{
    // Before the seam: server_closed 1005, because nobody answered Engine.IO's pings.
    ASSERT_TRUE(start({QStringLiteral("socketio"), QStringLiteral("--ping-interval"), QStringLiteral("2000")}));
    ProbeOptions o = opts(server.url(QStringLiteral("/socket.io/?EIO=4&transport=websocket")));
    o.holdS = 6;
    const ProbeResult r = lab::probe(o, 30000);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.protocol, QStringLiteral("socketio"));
    EXPECT_EQ(r.app.detectedBy, AppDetectedBy::Url);
    EXPECT_GE(r.app.heartbeatsAnswered, 2) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.heartbeatIntervalMs.value_or(0), 2000);
    EXPECT_FALSE(r.app.session.isEmpty());
    EXPECT_EQ(r.echoSent, 0) << "no echo is sent to an application that does not echo";
    EXPECT_GE(r.heldS, 6.0);
}

TEST_F(AppServers, SocketIoEventWithAckIsTheRoundTrip)
{
    ASSERT_TRUE(start({QStringLiteral("socketio")}));
    ProbeOptions o = opts(server.url(QStringLiteral("/")));
    o.app = AppProtocolId::SocketIo; // the path is the namespace, the Engine.IO path the default
    o.appEvent = QStringLiteral("ping-app");
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.detectedBy, AppDetectedBy::Flag);
    EXPECT_EQ(r.app.roundTrips, 2) << "the namespace CONNECT and the event's ack";
}

TEST_F(AppServers, SocketIoNamespaceMiddlewareRefusalIsAnAppHandshakeFailure)
{
    ASSERT_TRUE(start({QStringLiteral("socketio"), QStringLiteral("--reject-namespace"), QStringLiteral("/admin")}));
    QByteArray out;
    EXPECT_FALSE(AppServerLab::proveWithOwnClient({QStringLiteral("socketio"), QStringLiteral("http://127.0.0.1:%1").arg(server.port()),
                                                   QStringLiteral("/admin")}, &out)) << "its own client is refused too";
    ProbeOptions o = opts(server.url(QStringLiteral("/admin")));
    o.app = AppProtocolId::SocketIo;
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("app_handshake_failed")) << lab::probeJsonText(r);
    EXPECT_TRUE(r.app.refusal.contains(QStringLiteral("not authorized: token missing"))) << lab::probeJsonText(r);
    EXPECT_TRUE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("not authorized: token missing"))) << lab::probeJsonText(r);
    EXPECT_FALSE(r.advice.isEmpty());
}

TEST_F(AppServers, SocketIoAuthPayloadFromStandardInputIsSentWithTheConnect)
{
    ASSERT_TRUE(start({QStringLiteral("socketio"), QStringLiteral("--token"), QStringLiteral("s3cret-token")}));
    const QString url = server.url(QStringLiteral("/auth"));
    QProcess cli;
    cli.setProcessChannelMode(QProcess::MergedChannels);
    cli.start(cliPath(), {QStringLiteral("probe"), url, QStringLiteral("--app"), QStringLiteral("socketio"),
                          QStringLiteral("--app-payload-stdin"), QStringLiteral("--json")});
    ASSERT_TRUE(cli.waitForStarted());
    cli.write("{\"token\":\"s3cret-token\"}\n");
    cli.closeWriteChannel();
    ASSERT_TRUE(cli.waitForFinished(20000));
    const QByteArray out = cli.readAll();
    EXPECT_EQ(cli.exitCode(), 0) << out.toStdString();
    EXPECT_FALSE(out.contains("s3cret-token")) << "the token is never echoed in the output";

    QByteArray refused;
    EXPECT_EQ(runProgram(cliPath(), {QStringLiteral("probe"), url, QStringLiteral("--app"), QStringLiteral("socketio"),
                                     QStringLiteral("--app-payload"), QStringLiteral("{\"token\":\"wrong\"}")}, &refused), 1);
    EXPECT_TRUE(refused.contains("app_handshake_failed")) << refused.toStdString();
    EXPECT_TRUE(refused.contains("invalid token")) << refused.toStdString();
}

TEST_F(AppServers, MonitorCsvEndsWithTheAppAndItsRoundTrip)
{
    ASSERT_TRUE(start({QStringLiteral("socketio")}));
    QByteArray out;
    const int rc = runProgram(cliPath(), {QStringLiteral("monitor"), server.url(QStringLiteral("/socket.io/?EIO=4&transport=websocket")),
                                          QStringLiteral("--interval"), QStringLiteral("0.3"), QStringLiteral("--count"),
                                          QStringLiteral("2")}, &out, 30000);
    EXPECT_EQ(rc, 0) << out.toStdString();
    const QStringList lines = QString::fromUtf8(out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_GE(lines.size(), 3) << out.toStdString();
    const QStringList header = lines[0].split(QLatin1Char(','));
    ASSERT_GE(header.size(), 2);
    EXPECT_EQ(header.mid(header.size() - 2), (QStringList{QStringLiteral("app"), QStringLiteral("app_rtt_ms")}));
    const QStringList row = lines[1].split(QLatin1Char(','));
    ASSERT_EQ(row.size(), header.size()) << lines[1].toStdString();
    EXPECT_EQ(row[header.indexOf(QStringLiteral("cause"))], QStringLiteral("ok")) << "every row, not server_closed";
    EXPECT_EQ(row[header.indexOf(QStringLiteral("app"))], QStringLiteral("socketio"));
    EXPECT_GT(row[header.indexOf(QStringLiteral("app_rtt_ms"))].toDouble(), 0.0);
}

TEST_F(AppServers, GraphqlTransportWsIsOkWithARoundTrip)
{
    ASSERT_TRUE(start({QStringLiteral("graphql-ws")}));
    ProbeOptions o = opts(server.url(QStringLiteral("/graphql")));
    o.holdS = 1;
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_EQ(r.subprotocol, QStringLiteral("graphql-transport-ws"));
    EXPECT_EQ(r.app.protocol, QStringLiteral("graphql-transport-ws"));
    EXPECT_EQ(r.app.detectedBy, AppDetectedBy::Subprotocol);
    EXPECT_EQ(r.app.roundTrips, 1) << "subscribe { __typename } → next";
    EXPECT_TRUE(hasValue(sampleFromResult(r, 0).echoMedian)) << "monitors chart the application's round trip";
}

TEST_F(AppServers, GraphqlAuthRefusalIsAnAppHandshakeFailure)
{
    ASSERT_TRUE(start({QStringLiteral("graphql-ws"), QStringLiteral("--forbid")}));
    ProbeOptions o = opts(server.url(QStringLiteral("/graphql")));
    o.app = AppProtocolId::GraphqlTransportWs;
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.closeCode.value_or(0), 4403) << lab::probeJsonText(r);
    EXPECT_EQ(r.cause, QStringLiteral("app_handshake_failed")) << lab::probeJsonText(r);
    EXPECT_TRUE(r.app.refusal.contains(QStringLiteral("Forbidden"))) << lab::probeJsonText(r);
}

TEST_F(AppServers, GraphqlWithoutItsSubprotocolIsSubprotocolRejected)
{
    ASSERT_TRUE(start({QStringLiteral("graphql-ws")}));
    ProbeOptions o = opts(server.url(QStringLiteral("/graphql")));
    o.app = AppProtocolId::GraphqlWs; // the legacy protocol, which graphql-ws@5 does not speak
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("subprotocol_rejected")) << lab::probeJsonText(r);
}

TEST_F(AppServers, LegacyGraphqlWsIsOkAndItsKeepAlivesAreSeen)
{
    ASSERT_TRUE(start({QStringLiteral("legacy-graphql")}));
    ProbeOptions o = opts(server.url(QStringLiteral("/subscriptions")));
    o.holdS = 2.5;
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.protocol, QStringLiteral("graphql-ws"));
    EXPECT_EQ(r.app.roundTrips, 1);
    EXPECT_GE(r.app.heartbeatsAnswered, 2) << "ka every second";
}

TEST_F(AppServers, MqttBrokerIsOkWithPingreqRoundTripAndKeepAlive)
{
    // Before the seam: the broker closed as soon as the probe's echo text arrived.
    ASSERT_TRUE(start({QStringLiteral("mqtt")}));
    ProbeOptions o = opts(server.url(QStringLiteral("/mqtt")));
    o.holdS = 6;
    const ProbeResult r = lab::probe(o, 30000);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.protocol, QStringLiteral("mqtt"));
    EXPECT_EQ(r.app.version, QStringLiteral("3.1.1"));
    EXPECT_EQ(r.app.roundTrips, 1);
    EXPECT_GE(r.app.heartbeatsAnswered, 1) << "a PINGREQ during the hold, answered";
}

TEST_F(AppServers, NoneSendsNoDataMessageAndBoltSpeaksBolt)
{
    // The lab's Bolt responder ends the connection on any message that is not the Bolt handshake.
    ASSERT_TRUE(start({QStringLiteral("bolt")}));
    ProbeOptions o = opts(server.url(QStringLiteral("/")));
    o.holdS = 1;
    ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.protocol, QStringLiteral("none"));
    EXPECT_EQ(r.app.detectedBy, AppDetectedBy::Default);
    EXPECT_EQ(r.app.roundTrips, 1) << "a WebSocket ping answered";

    o.bolt = true; // --bolt is --app bolt
    r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.protocol, QStringLiteral("bolt"));
    EXPECT_EQ(r.app.version, QStringLiteral("5.4"));

    o.bolt = false;
    o.app = AppProtocolId::Echo; // what the runbook's Verify used to send
    r = lab::probe(o);
    EXPECT_NE(r.cause, QStringLiteral("ok")) << "the Bolt server does not echo: " << lab::probeJsonText(r);
}

TEST_F(AppServers, CliReportsTheAppObject)
{
    ASSERT_TRUE(start({QStringLiteral("socketio")}));
    QByteArray out;
    const int rc = runProgram(cliPath(), {QStringLiteral("probe"), server.url(QStringLiteral("/socket.io/?EIO=4&transport=websocket")),
                                          QStringLiteral("--app"), QStringLiteral("socketio"), QStringLiteral("--json")}, &out);
    EXPECT_EQ(rc, 0) << out.toStdString();
    const QJsonObject o = QJsonDocument::fromJson(out.mid(out.indexOf('{'))).object();
    const QJsonObject app = o.value(QLatin1String("app")).toObject();
    EXPECT_EQ(app.value(QLatin1String("protocol")).toString(), QStringLiteral("socketio")) << out.toStdString();
    EXPECT_EQ(app.value(QLatin1String("detected_by")).toString(), QStringLiteral("flag"));
    for (const char* key : {"version", "session", "heartbeat_interval_ms", "heartbeats_answered", "round_trips", "rtt_ms", "refusal"})
        EXPECT_TRUE(app.contains(QLatin1String(key))) << key;
    for (const char* key : {"min", "median", "p95", "max"})
        EXPECT_TRUE(app.value(QLatin1String("rtt_ms")).toObject().contains(QLatin1String(key))) << key;
    EXPECT_EQ(o.value(QLatin1String("cause")).toString(), QStringLiteral("ok"));

    out.clear();
    EXPECT_EQ(runProgram(cliPath(), {QStringLiteral("probe"), server.url(QStringLiteral("/")), QStringLiteral("--app"),
                                     QStringLiteral("nonsense")}, &out), 2) << out.toStdString();
}

// ------------------------------------------------------------- scripted misbehaviour

namespace {

// An Engine.IO 4 server that opens, accepts the namespace, then goes quiet: no ping ever comes.
void scriptQuietEngineIo(ScriptedServer& s, int pingIntervalMs)
{
    s.onRequest = [pingIntervalMs](QTcpSocket* sock, const QByteArray& key) {
        sock->write(ScriptedServer::goodHandshake(key));
        sock->write(FrameWriter::unmaskedFrame(
            0x1, "0{\"sid\":\"quiet\",\"upgrades\":[],\"pingInterval\":" + QByteArray::number(pingIntervalMs)
                     + ",\"pingTimeout\":200,\"maxPayload\":1000000}"));
    };
    s.onFrame = [](QTcpSocket* sock, quint8 op, const QByteArray& payload) {
        if (op == 0x1 && payload == "40")
            sock->write(FrameWriter::unmaskedFrame(0x1, "40{\"sid\":\"ns-quiet\"}"));
        else if (op == 0x8)
            sock->write(FrameWriter::unmaskedFrame(0x8, payload));
        else if (op == 0x9)
            sock->write(FrameWriter::unmaskedFrame(0xA, payload));
    };
}

} // namespace

TEST(AppProtocolScripted, EngineIoOpenPacketOnAPlainUrlIsDetectedByTheFirstMessage)
{
    ScriptedServer s;
    ASSERT_TRUE(s.listen());
    scriptQuietEngineIo(s, 25000);
    const ProbeResult r = lab::probe(opts(s.url(QStringLiteral("/realtime"))));
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.protocol, QStringLiteral("socketio"));
    EXPECT_EQ(r.app.detectedBy, AppDetectedBy::FirstMessage);
    EXPECT_EQ(r.app.session, QStringLiteral("quiet"));
}

TEST(AppProtocolScripted, AHeartbeatThatStopsArrivingIsAppHeartbeatLost)
{
    // The socket stays open (the server answers WebSocket pings), but Engine.IO's ping never comes.
    ScriptedServer s;
    ASSERT_TRUE(s.listen());
    scriptQuietEngineIo(s, 300);
    ProbeOptions o = opts(s.url(QStringLiteral("/socket.io/?EIO=4&transport=websocket")));
    o.holdS = 3;
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("app_heartbeat_lost")) << lab::probeJsonText(r);
    EXPECT_EQ(r.errorPhase, QStringLiteral("hold"));
    EXPECT_LT(r.heldS, 3.0);
}
