// SPDX-License-Identifier: GPL-3.0-or-later
// `stomp` (issue 10) against a real STOMP broker from npm: stomp-broker-js (STOMP 1.1 over ws),
// proven first with @stomp/stompjs, the client most STOMP-over-WebSocket web apps use.
// (RabbitMQ's Web STOMP plugin is the first choice; no broker daemon runs in this sandbox.)
#include "lab/AppServerLab.h"

#include "probe/AppProtocol.h"
#include "probe/ProbeJson.h"
#include "probe/StompFrame.h"

#include <QJsonDocument>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

class StompBroker : public ::testing::Test {
protected:
    void SetUp() override { LAB_REQUIRE(AppServerLab::unavailableReason()); }
    void startBroker(const QStringList& extra = {})
    {
        QString error;
        ASSERT_TRUE(broker.start(QStringList{QStringLiteral("stomp")} + extra, &error)) << error.toStdString();
    }
    ProbeOptions opts() const
    {
        ProbeOptions o;
        o.url = broker.url(QStringLiteral("/stomp"));
        o.timeoutS = 5;
        return o;
    }
    AppServerLab broker;
};

} // namespace

TEST(StompFrames, ParseEncodeHeartbeatsAndBrokenInput)
{
    QList<stomp::Frame> frames;
    int beats = 0;
    QString error;
    const QByteArray two = "\n\r\n" + stomp::encode("MESSAGE", {{"destination", "/q/a:b"}, {"content-length", "3"}}, QByteArray("x\0y", 3))
        + stomp::encode("RECEIPT", {{"receipt-id", "7"}}) + "\n";
    ASSERT_TRUE(stomp::parse(two, &frames, &beats, &error)) << error.toStdString();
    EXPECT_EQ(beats, 3);
    ASSERT_EQ(frames.size(), 2);
    EXPECT_EQ(frames[0].command, QByteArray("MESSAGE"));
    EXPECT_EQ(frames[0].header("destination"), QByteArray("/q/a:b")) << "\\c unescaped";
    EXPECT_EQ(frames[0].body, QByteArray("x\0y", 3)) << "content-length lets a body hold NUL";
    EXPECT_EQ(frames[1].header("receipt-id"), QByteArray("7"));
    for (const QByteArray& bad : {QByteArray("CONNECTED\nversion:1.2\n\nno terminator"), QByteArray("ERROR\nnocolon\n\n\0", 16),
                                  QByteArray("MESSAGE\ncontent-length:99\n\nshort\0", 33), QByteArray("MESSAGE\na:\\t\n\n\0", 15)}) {
        frames.clear();
        error.clear();
        EXPECT_FALSE(stomp::parse(bad, &frames, &beats, &error)) << bad.toStdString();
        EXPECT_FALSE(error.isEmpty());
    }
}

TEST_F(StompBroker, HealthyBrokerIsOkItsHeartBeatsArriveInTheHold)
{
    startBroker({QStringLiteral("--heartbeat"), QStringLiteral("500")});
    QByteArray out;
    ASSERT_TRUE(AppServerLab::proveWithOwnClient({QStringLiteral("stomp"), opts().url}, &out)) << out.toStdString();

    ProbeOptions o = opts();
    o.holdS = 5;
    const ProbeResult r = lab::probe(o, 30000);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.protocol, QStringLiteral("stomp"));
    EXPECT_EQ(r.app.detectedBy, AppDetectedBy::Subprotocol) << "/stomp offers v12.stomp, v11.stomp; the broker picked one";
    EXPECT_TRUE(r.subprotocol.endsWith(QStringLiteral(".stomp"))) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.version, QStringLiteral("STOMP 1.1"));
    EXPECT_FALSE(r.app.session.isEmpty());
    EXPECT_EQ(r.app.heartbeatIntervalMs.value_or(0), 2000) << "max(the broker's 500, the probe's wish of 2000)";
    EXPECT_GE(r.app.heartbeatsAnswered, 2) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.roundTrips, 1) << "CONNECT → CONNECTED";
    EXPECT_EQ(r.echoSent, 0);
}

TEST_F(StompBroker, AnErrorFrameIsAnAppHandshakeFailureInTheBrokersWords)
{
    startBroker({QStringLiteral("--reject")});
    QByteArray out;
    EXPECT_FALSE(AppServerLab::proveWithOwnClient({QStringLiteral("stomp"), opts().url}, &out)) << "its own client is refused too";
    ProbeOptions o = opts();
    o.app = AppProtocolId::Stomp;
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("app_handshake_failed")) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.detectedBy, AppDetectedBy::Flag);
    EXPECT_TRUE(r.app.refusal.contains(QStringLiteral("STOMP ERROR frame: CONNECTION ERROR"))) << lab::probeJsonText(r);
    EXPECT_TRUE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("CONNECTION ERROR"))) << lab::probeJsonText(r);
}

TEST_F(StompBroker, CliTakesAppStomp)
{
    startBroker();
    QByteArray out;
    EXPECT_EQ(runProgram(cliPath(), {QStringLiteral("probe"), opts().url, QStringLiteral("--app"), QStringLiteral("stomp")}, &out), 0)
        << out.toStdString();
    EXPECT_TRUE(out.contains("application: stomp (flag)")) << out.toStdString();
}
