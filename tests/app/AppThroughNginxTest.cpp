// SPDX-License-Identifier: GPL-3.0-or-later
// "A healthy app of each protocol is ok directly and through nginx, held past its heartbeat
// interval" (issue 10): one case per protocol of the table, each against its lab server from npm
// (tests/appservers), first proven healthy with the application's own client library, then probed
// directly and through a REAL nginx with the correct WebSocket location. Both probes must be ok,
// agree on the protocol and how it was detected, and see the application's heartbeats during the
// hold. SignalR's server is a FAKE written from the published protocol (ASP.NET Core does not run
// here; see SignalRTest.cpp), proven with the real @microsoft/signalr client.
#include "lab/AppServerLab.h"

#include "probe/AppProtocol.h"
#include "probe/ProbeJson.h"

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

struct AppCase {
    const char* name;          // the test's name: the protocol
    QStringList server;        // appserver.js arguments
    QString path;              // path and query of the URL
    AppProtocolId app;         // Auto: the URL (or the server) decides
    AppDetectedBy detectedBy;  // how the probe decides it
    QString client;            // appclient.js mode proving the server ("": the probe's own ping/echo is the proof)
    double holdS;              // past the heartbeat interval of the protocol
    int heartbeats;            // at least this many heartbeats seen during the hold
};

std::ostream& operator<<(std::ostream& os, const AppCase& c) { return os << c.name; }

QList<AppCase> cases()
{
    const auto s = [](const char* v) { return QString::fromLatin1(v); };
    return {
        // Engine.IO pings every second; the probe answers each.
        {"socketio", {s("socketio"), s("--ping-interval"), s("1000")}, s("/socket.io/?EIO=4&transport=websocket"),
         AppProtocolId::Auto, AppDetectedBy::Url, s("socketio"), 2.5, 2},
        // The probe pings every 5 s, graphql-ws pongs.
        {"graphql_transport_ws", {s("graphql-ws")}, s("/graphql"), AppProtocolId::Auto, AppDetectedBy::Subprotocol,
         s("graphql-ws"), 5.5, 1},
        // subscriptions-transport-ws sends "ka" every second.
        {"graphql_ws", {s("legacy-graphql")}, s("/subscriptions"), AppProtocolId::Auto, AppDetectedBy::Subprotocol,
         s("legacy-graphql"), 2.5, 2},
        // PINGREQ every 5 s (keep-alive 10 s), PINGRESP from aedes.
        {"mqtt", {s("mqtt")}, s("/mqtt"), AppProtocolId::Auto, AppDetectedBy::Subprotocol, s("mqtt"), 5.5, 1},
        // The broker's heart-beats every 2 s: max(its 1000 ms, the probe's wish of 2000 ms).
        {"stomp", {s("stomp"), s("--heartbeat"), s("1000")}, s("/stomp"), AppProtocolId::Auto, AppDetectedBy::Subprotocol,
         s("stomp"), 4.5, 2},
        // The fake hub pings (type 6) every 500 ms; negotiate, then the WebSocket with id=.
        {"signalr", {s("signalr-fake"), s("--ping-interval"), s("500")}, s("/hub"), AppProtocolId::SignalR, AppDetectedBy::Flag,
         s("signalr-negotiate"), 2.0, 2},
        // Bolt has no heartbeat: the hold is RFC 6455 pings (below).
        {"bolt", {s("bolt")}, s("/"), AppProtocolId::Bolt, AppDetectedBy::Flag, QString(), 1.0, 0},
        {"echo", {s("deflate")}, s("/ws/echo"), AppProtocolId::Auto, AppDetectedBy::Url, s("deflate"), 1.0, 0},
        {"none", {s("deflate")}, s("/"), AppProtocolId::None, AppDetectedBy::Flag, QString(), 1.0, 0},
    };
}

class AppThroughNginx : public ::testing::TestWithParam<AppCase> {
protected:
    void SetUp() override
    {
        LAB_REQUIRE(AppServerLab::unavailableReason());
        LAB_REQUIRE(NginxLab::skipReason());
    }

    ProbeResult probeAt(quint16 port) const
    {
        const AppCase& c = GetParam();
        ProbeOptions o;
        o.url = QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(c.path);
        o.timeoutS = 5;
        o.app = c.app;
        o.appSource = c.app == AppProtocolId::Auto ? AppDetectedBy::Default : AppDetectedBy::Flag;
        o.holdS = c.holdS;
        o.pingIntervalS = c.heartbeats == 0 ? 0.4 : 0; // a protocol without a heartbeat is held with RFC 6455 pings
        return lab::probe(o, 30000);
    }

    void expectHealthy(const ProbeResult& r, const char* where) const
    {
        const AppCase& c = GetParam();
        const QString expected = c.app == AppProtocolId::Auto
            ? QString::fromLatin1(c.name).replace(QLatin1Char('_'), QLatin1Char('-'))
            : appProtocolName(c.app);
        EXPECT_EQ(r.cause, QStringLiteral("ok")) << where << ": " << lab::probeJsonText(r);
        EXPECT_EQ(r.app.protocol, expected) << where;
        EXPECT_EQ(r.app.detectedBy, c.detectedBy) << where << ": " << lab::probeJsonText(r);
        EXPECT_GE(r.heldS, c.holdS) << where;
        EXPECT_GE(r.app.heartbeatsAnswered, c.heartbeats) << where << ": " << lab::probeJsonText(r);
        if (c.heartbeats == 0) {
            EXPECT_GE(r.pongsReceived, 2) << where << ": the hold's pings were answered: " << lab::probeJsonText(r);
        }
        EXPECT_GE(r.app.roundTrips, 1) << where << ": " << lab::probeJsonText(r);
    }
};

} // namespace

TEST_P(AppThroughNginx, HealthyAppIsOkDirectlyAndThroughNginxHeldPastItsHeartbeat)
{
    const AppCase& c = GetParam();
    AppServerLab server;
    QString error;
    ASSERT_TRUE(server.start(c.server, &error)) << error.toStdString();
    NginxLab nginx;
    QByteArray log;
    const quint16 front = startNginxInFront(nginx, {server.port()}, QString(), &log);
    ASSERT_NE(front, 0) << log.toStdString();
    if (!c.client.isEmpty()) {
        QByteArray out;
        const QString base = c.client.startsWith(QLatin1String("socketio")) ? QStringLiteral("http://127.0.0.1:%1")
                                                                            : QStringLiteral("ws://127.0.0.1:%1") + c.path;
        ASSERT_TRUE(AppServerLab::proveWithOwnClient({c.client, base.arg(server.port())}, &out))
            << "directly: " << out.toStdString();
        ASSERT_TRUE(AppServerLab::proveWithOwnClient({c.client, base.arg(front)}, &out))
            << "through nginx: " << out.toStdString();
    }
    expectHealthy(probeAt(server.port()), "directly");
    expectHealthy(probeAt(front), "through nginx");
}

INSTANTIATE_TEST_SUITE_P(EveryProtocol, AppThroughNginx, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<AppCase>& param) { return std::string(param.param.name); });
