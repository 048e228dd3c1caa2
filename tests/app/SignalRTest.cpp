// SPDX-License-Identifier: GPL-3.0-or-later
// `signalr` (issue 10). ASP.NET Core SignalR has no server that runs here (no .NET, no Node
// port), so the server is a FAKE: `appserver.js signalr-fake`, written from the published JSON hub
// protocol (handshake, ping type 6, invocation/completion, close type 7). The fake is not trusted on
// its own word: every test first proves it with the REAL client, @microsoft/signalr from npm
// (skipNegotiation + WebSockets), which is how the probe connects too.
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

    ProbeOptions o = opts();
    o.appEvent = QStringLiteral("echo");
    o.holdS = 2;
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.protocol, QStringLiteral("signalr"));
    EXPECT_EQ(r.app.version, QStringLiteral("json hub protocol 1"));
    EXPECT_EQ(r.app.roundTrips, 2) << "the handshake and the invocation's completion";
    EXPECT_GE(r.app.heartbeatsAnswered, 2) << "pings (type 6) every 500 ms in a 2 s hold: " << lab::probeJsonText(r);
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
