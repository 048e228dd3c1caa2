// SPDX-License-Identifier: GPL-3.0-or-later
// `signalr` (issue 10). ASP.NET Core SignalR has no server that runs here (no .NET runtime in
// Debian 12, no Node port of the server; @microsoft/signalr is only the client), so the server is a
// FAKE: `appserver.js signalr-fake`, written from the published protocol (POST …/negotiate with
// negotiateVersion 1, the WebSocket with id=TOKEN and 404 for a token it did not issue, the JSON hub
// handshake, ping type 6, invocation/completion, close type 7). The fake is not trusted on its own
// word: every test first proves it with the REAL client, @microsoft/signalr from npm — negotiating
// as it does by default, which is how the probe connects too. Through a real nginx balancing two
// fakes round-robin, the negotiate lands on one and the upgrade on the other: 404, which the probe
// names sticky_session_missing; with ip_hash the connection sticks.
#include "lab/AppServerLab.h"

#include "probe/AppProtocol.h"
#include "probe/ProbeJson.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

class SignalRFake : public ::testing::Test {
protected:
    void SetUp() override { LAB_REQUIRE(AppServerLab::unavailableReason()); }
    void startFake(const QStringList& extra)
    {
        QString error;
        ASSERT_TRUE(server.start(QStringList{QStringLiteral("signalr-fake")} + extra, &error)) << error.toStdString();
    }
    ProbeOptions opts() const
    {
        ProbeOptions o;
        o.url = server.url(QStringLiteral("/hub"));
        o.timeoutS = 5;
        o.app = AppProtocolId::SignalR;
        return o;
    }
    AppServerLab server;
};

} // namespace

TEST_F(SignalRFake, HandshakePingsAndAnInvocationAreOk)
{
    startFake({QStringLiteral("--ping-interval"), QStringLiteral("500")});
    QByteArray out;
    ASSERT_TRUE(AppServerLab::proveWithOwnClient({QStringLiteral("signalr"), opts().url}, &out)) << out.toStdString();
    ASSERT_TRUE(AppServerLab::proveWithOwnClient({QStringLiteral("signalr-negotiate"), opts().url}, &out)) << out.toStdString();

    ProbeOptions o = opts();
    o.appEvent = QStringLiteral("echo");
    o.holdS = 2;
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.protocol, QStringLiteral("signalr"));
    EXPECT_EQ(r.app.version, QStringLiteral("json hub protocol 1"));
    EXPECT_EQ(r.app.roundTrips, 2) << "the handshake and the invocation's completion";
    EXPECT_GE(r.app.heartbeatsAnswered, 2) << "pings (type 6) every 500 ms in a 2 s hold: " << lab::probeJsonText(r);
    EXPECT_TRUE(r.requestHead.startsWith(QStringLiteral("GET /hub?id="))) << "the upgrade carries the negotiated token: "
                                                                          << lab::probeJsonText(r);
    EXPECT_FALSE(r.app.session.isEmpty()) << "the connectionId of the negotiate";
}

TEST_F(SignalRFake, AnUpgradeWithATokenTheServerDidNotIssueIs404)
{
    // What the sticky-session test below relies on: the fake answers an unknown id= as ASP.NET Core does.
    startFake({});
    ProbeOptions o = opts();
    o.app = AppProtocolId::None; // no negotiate: the upgrade alone, with a token nobody issued
    o.url = server.url(QStringLiteral("/hub?id=not-issued"));
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.httpStatus.value_or(0), 404) << lab::probeJsonText(r);
    EXPECT_TRUE(r.bodyExcerpt.contains("No Connection with that ID")) << lab::probeJsonText(r);
}

TEST_F(SignalRFake, RoundRobinWithoutStickinessIsStickySessionMissingAndIpHashIsOk)
{
    LAB_REQUIRE(NginxLab::skipReason());
    startFake({QStringLiteral("--ping-interval"), QStringLiteral("500")});
    AppServerLab second;
    QString error;
    ASSERT_TRUE(second.start({QStringLiteral("signalr-fake"), QStringLiteral("--ping-interval"), QStringLiteral("500")}, &error))
        << error.toStdString();
    {
        NginxLab nginx;
        QByteArray log;
        const quint16 port = startNginxInFront(nginx, {server.port(), second.port()}, QString(), &log);
        ASSERT_NE(port, 0) << log.toStdString();
        const QString url = QStringLiteral("ws://127.0.0.1:%1/hub").arg(port);
        QByteArray out;
        EXPECT_FALSE(AppServerLab::proveWithOwnClient({QStringLiteral("signalr-negotiate"), url}, &out))
            << "@microsoft/signalr fails through this nginx too: " << out.toStdString();

        ProbeOptions o = opts();
        o.url = url;
        const ProbeResult r = lab::probe(o);
        EXPECT_EQ(r.cause, QStringLiteral("sticky_session_missing")) << lab::probeJsonText(r);
        EXPECT_EQ(r.httpStatus.value_or(0), 404) << lab::probeJsonText(r);
        EXPECT_EQ(r.errorPhase, QStringLiteral("upgrade")) << lab::probeJsonText(r);
        EXPECT_TRUE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("No Connection with that ID"))) << lab::probeJsonText(r);
        EXPECT_TRUE(r.advice.join(QLatin1Char('\n')).contains(QStringLiteral("ip_hash"))) << lab::probeJsonText(r);
    }
    NginxLab nginx;
    QByteArray log;
    const quint16 port = startNginxInFront(nginx, {server.port(), second.port()}, QStringLiteral("ip_hash;"), &log);
    ASSERT_NE(port, 0) << log.toStdString();
    const QString url = QStringLiteral("ws://127.0.0.1:%1/hub").arg(port);
    QByteArray out;
    ASSERT_TRUE(AppServerLab::proveWithOwnClient({QStringLiteral("signalr-negotiate"), url}, &out)) << out.toStdString();
    ProbeOptions o = opts();
    o.url = url;
    o.holdS = 1.2;
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_GE(r.app.heartbeatsAnswered, 1) << lab::probeJsonText(r);
}

TEST_F(SignalRFake, ANegotiateWithoutTheWebSocketsTransportIsAnAppHandshakeFailure)
{
    startFake({QStringLiteral("--no-websockets")});
    const ProbeResult r = lab::probe(opts());
    EXPECT_EQ(r.cause, QStringLiteral("app_handshake_failed")) << lab::probeJsonText(r);
    EXPECT_EQ(r.errorPhase, QStringLiteral("negotiate")) << lab::probeJsonText(r);
    EXPECT_TRUE(r.app.refusal.contains(QStringLiteral("no WebSockets transport"))) << lab::probeJsonText(r);
}

TEST_F(SignalRFake, ACloseMessageWithAnErrorIsAnAppHandshakeFailure)
{
    startFake({QStringLiteral("--close-with-error"), QStringLiteral("Connection closed with an error. HubException: not allowed")});
    QByteArray out;
    EXPECT_FALSE(AppServerLab::proveWithOwnClient({QStringLiteral("signalr"), opts().url}, &out));
    EXPECT_TRUE(out.contains("not allowed")) << "the real client reads the fake's close the same way: " << out.toStdString();

    ProbeOptions o = opts();
    o.holdS = 1; // the close follows the handshake's answer: a probe that stays a moment sees it
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("app_handshake_failed")) << lab::probeJsonText(r);
    EXPECT_TRUE(r.app.refusal.contains(QStringLiteral("HubException: not allowed"))) << lab::probeJsonText(r);
}

TEST_F(SignalRFake, CliTakesAppSignalr)
{
    startFake({});
    QByteArray out;
    EXPECT_EQ(runProgram(cliPath(), {QStringLiteral("probe"), opts().url, QStringLiteral("--app"), QStringLiteral("signalr"),
                                     QStringLiteral("--json")}, &out), 0) << out.toStdString();
    const QJsonObject o = QJsonDocument::fromJson(out.mid(out.indexOf('{'))).object();
    EXPECT_EQ(o.value(QLatin1String("app")).toObject().value(QLatin1String("protocol")).toString(), QStringLiteral("signalr"))
        << out.toStdString();
}
