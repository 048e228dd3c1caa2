// SPDX-License-Identifier: GPL-3.0-or-later
// `diagnose` compares the application level of both hops (issue 10), not only their upgrades:
// a real STOMP broker (stomp-broker-js, proven with @stomp/stompjs) directly and through a real
// nginx with a correct location, and with one that drops the client's Sec-WebSocket-Protocol.
// Through that one the upgrade still works and the broker still answers pings, so a transport-level
// comparison says "both hops work"; but no STOMP client gets its subprotocol through it.
#include "lab/AppServerLab.h"

#include "monitor/EvidenceBundle.h"
#include "monitor/ProfileStates.h"
#include "probe/AppProtocol.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

class AppDiagnose : public ::testing::Test {
protected:
    void SetUp() override
    {
        LAB_REQUIRE(AppServerLab::unavailableReason());
        LAB_REQUIRE(NginxLab::skipReason());
        QString error;
        ASSERT_TRUE(broker.start({QStringLiteral("stomp"), QStringLiteral("--heartbeat"), QStringLiteral("1000")}, &error))
            << error.toStdString();
        port = freePort();
        nginx.writeMainConfig();
        const QString upgrade = QStringLiteral("        proxy_http_version 1.1;\n"
                                               "        proxy_set_header Upgrade $http_upgrade;\n"
                                               "        proxy_set_header Connection \"upgrade\";\n"
                                               "        proxy_read_timeout 10s;\n");
        nginx.writeSite(QStringLiteral("stomp"),
                        QStringLiteral("server {\n    listen 127.0.0.1:%1;\n"
                                       "    location /stomp {\n        proxy_pass http://127.0.0.1:%2;\n%3    }\n"
                                       "    location /stripped/ {\n        proxy_pass http://127.0.0.1:%2/;\n%3"
                                       "        proxy_set_header Sec-WebSocket-Protocol \"\";\n    }\n}\n")
                            .arg(port).arg(broker.port()).arg(upgrade));
        QByteArray log;
        ASSERT_TRUE(nginx.test(&log) && nginx.start(&log) && waitForPort(port)) << log.toStdString()
                                                                                << readAll(nginx.errorLog()).toStdString();
    }

    QJsonObject diagnose(const QString& viaPath, int* exitCode)
    {
        QByteArray out;
        *exitCode = runProgram(cliPath(), {QStringLiteral("diagnose"), QStringLiteral("--direct"), broker.url(QStringLiteral("/stomp")),
                                           QStringLiteral("--via"), QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(viaPath),
                                           QStringLiteral("--hold"), QStringLiteral("4.5"), QStringLiteral("--json")},
                               &out, 60000);
        const QJsonObject o = QJsonDocument::fromJson(out.mid(out.indexOf('{'))).object();
        EXPECT_FALSE(o.isEmpty()) << out.toStdString();
        return o;
    }

    static QString appOf(const QJsonObject& hop) { return hop.value(QLatin1String("app")).toObject().value(QLatin1String("protocol")).toString(); }

    AppServerLab broker;
    NginxLab nginx;
    quint16 port = 0;
};

} // namespace

TEST_F(AppDiagnose, BothHopsSpeakTheAppAndTheComparisonShowsItsRoundTripsAndHeartbeats)
{
    QByteArray out;
    ASSERT_TRUE(AppServerLab::proveWithOwnClient({QStringLiteral("stomp"), QStringLiteral("ws://127.0.0.1:%1/stomp").arg(port)}, &out))
        << out.toStdString();
    int exitCode = -1;
    const QJsonObject o = diagnose(QStringLiteral("/stomp"), &exitCode);
    EXPECT_EQ(exitCode, 0) << QJsonDocument(o).toJson().toStdString();
    EXPECT_EQ(o.value(QLatin1String("faulty_hop")).toString(), QStringLiteral("none"));
    const QString comparison = o.value(QLatin1String("app_comparison")).toString();
    EXPECT_TRUE(comparison.startsWith(QStringLiteral("Application stomp (decided by subprotocol, subprotocol v1"))) << comparison.toStdString();
    EXPECT_TRUE(comparison.contains(QStringLiteral("on both hops"))) << comparison.toStdString();
    EXPECT_TRUE(comparison.contains(QStringLiteral("through the proxy"))) << comparison.toStdString();
    EXPECT_TRUE(comparison.contains(QStringLiteral("heartbeats"))) << comparison.toStdString();
}

TEST_F(AppDiagnose, AProxyThatDropsTheSubprotocolIsTheFaultyHopAlthoughBothUpgradesWork)
{
    QByteArray out;
    EXPECT_FALSE(AppServerLab::proveWithOwnClient({QStringLiteral("stomp"), QStringLiteral("ws://127.0.0.1:%1/stripped/stomp").arg(port)}, &out))
        << "@stomp/stompjs fails through this location too: " << out.toStdString();
    int exitCode = -1;
    const QJsonObject o = diagnose(QStringLiteral("/stripped/stomp"), &exitCode);
    const QJsonObject direct = o.value(QLatin1String("direct")).toObject();
    const QJsonObject via = o.value(QLatin1String("via")).toObject();
    EXPECT_EQ(appOf(direct), QStringLiteral("stomp"));
    EXPECT_NE(appOf(via), QStringLiteral("stomp")) << QJsonDocument(via).toJson().toStdString();
    EXPECT_EQ(o.value(QLatin1String("faulty_hop")).toString(), QStringLiteral("proxy")) << QJsonDocument(o).toJson().toStdString();
    EXPECT_NE(exitCode, 0);
    const QString comparison = o.value(QLatin1String("app_comparison")).toString();
    EXPECT_TRUE(comparison.contains(QStringLiteral("directly stomp (decided by subprotocol"))) << comparison.toStdString();
    EXPECT_TRUE(comparison.contains(QStringLiteral("Sec-WebSocket-Protocol"))) << comparison.toStdString();
}

TEST_F(AppDiagnose, TheProfileVerdictAndTheEvidenceBundleShowTheApplicationOfEachHop)
{
    // What the GUI's Overview and the evidence bundle get from the same two probes.
    ProbeOptions o;
    o.timeoutS = 5;
    o.holdS = 2.5;
    o.url = broker.url(QStringLiteral("/stomp"));
    const ProbeResult direct = lab::probe(o, 30000);
    o.url = QStringLiteral("ws://127.0.0.1:%1/stripped/stomp").arg(port);
    const ProbeResult via = lab::probe(o, 30000);
    ASSERT_TRUE(direct.ok && via.ok) << "each probe alone is ok: " << lab::probeJsonText(direct) << lab::probeJsonText(via);

    ProfileStateModel states;
    const QUuid profile = QUuid::createUuid();
    states.beginProbe(profile, {{QStringLiteral("direct"), direct.url, {}, false}, {QStringLiteral("public"), via.url, {}, false}});
    states.setHopResult(profile, 0, direct);
    states.setHopResult(profile, 1, via);
    const ProbeRun run = states.state(profile).probe;
    EXPECT_EQ(run.state, QStringLiteral("degraded")) << run.sentence.toStdString();
    EXPECT_TRUE(run.sentence.contains(QStringLiteral("the proxy changes the application level"))) << run.sentence.toStdString();

    QTemporaryDir dir;
    EvidenceInput in;
    in.probes = {direct, via};
    ASSERT_TRUE(evidence::writeBundle(dir.path(), in));
    const QString summary = QString::fromUtf8(readAll(dir.filePath(QStringLiteral("summary.md"))));
    EXPECT_TRUE(summary.contains(QStringLiteral("## Application protocol"))) << summary.toStdString();
    EXPECT_TRUE(summary.contains(QStringLiteral("**stomp** (decided by subprotocol), STOMP 1.1, subprotocol `v1"))) << summary.toStdString();
    EXPECT_TRUE(summary.contains(QStringLiteral("**none** (decided by default)"))) << summary.toStdString();
    EXPECT_TRUE(summary.contains(QStringLiteral("round trip(s), median"))) << summary.toStdString();
}
