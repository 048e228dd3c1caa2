// SPDX-License-Identifier: GPL-3.0-or-later
// End to end with a real HAProxy: with only `timeout client/server 2s` an idle WebSocket is cut
// (HA001/HA002); after the fix (`timeout tunnel 3600s` in the backend) it stays open.
#include "lab/Lab.h"
#include "nginx/HaproxyConfig.h"
#include "server/ReferenceServer.h"

#include <QSignalSpy>
#include <QWebSocket>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::nginx;
using socketscope::lab::waitForCount;

TEST(HaproxyLabFix, TunnelTimeoutFixKeepsIdleWebSocketsOpen)
{
    lab::HaproxyLab haLab;
    LAB_REQUIRE(lab::HaproxyLab::skipReason());
    ReferenceServer backend;
    ASSERT_TRUE(backend.listen(QHostAddress::LocalHost, 0).ok());
    const quint16 port = lab::freePort();
    const QByteArray config = QStringLiteral(
        "defaults\n"
        "    mode http\n"
        "    timeout connect 2s\n"
        "    timeout client 2s\n"
        "    timeout server 2s\n"
        "\n"
        "frontend fe\n"
        "    bind 127.0.0.1:%1\n"
        "    default_backend be\n"
        "\n"
        "backend be\n"
        "    server s1 127.0.0.1:%2\n").arg(port).arg(backend.port()).toUtf8();
    HaproxyConfig parsed;
    ConfError error;
    ASSERT_TRUE(HaproxyConfig::parse(config, QStringLiteral("haproxy.cfg"), &parsed, &error));
    QStringList keys;
    for (const ConfigFinding& f : HaproxyAnalyzer::lint(parsed, {}))
        keys.append(QStringLiteral("%1@%2").arg(f.rule).arg(f.line));
    EXPECT_EQ(keys, QStringList({QStringLiteral("HA002@4"), QStringLiteral("HA002@5"), QStringLiteral("HA001@11")}));

    const QUrl url(QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(port));
    haLab.writeConfig(QString::fromUtf8(config));
    ASSERT_TRUE(haLab.start());
    ASSERT_TRUE(lab::waitForPort(port));
    {
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy disconnected(&client, &QWebSocket::disconnected);
        client.open(url);
        ASSERT_TRUE(waitForCount(connected, 1)) << client.errorString().toStdString();
        EXPECT_TRUE(waitForCount(disconnected, 1, 10000)) << "the 2 s client/server timeouts should cut the idle tunnel";
    }
    haLab.stop();

    const HaproxyFixResult r = HaproxyAnalyzer::fix(parsed, {});
    EXPECT_EQ(r.fixedRules, QStringList({QStringLiteral("HA001"), QStringLiteral("HA002")}));
    EXPECT_TRUE(r.newText.contains("backend be\n    timeout tunnel 3600s\n    server s1")) << r.newText.toStdString();
    haLab.writeConfig(QString::fromUtf8(r.newText));
    QByteArray log;
    ASSERT_TRUE(haLab.check(&log)) << log.toStdString();
    ASSERT_TRUE(haLab.start());
    ASSERT_TRUE(lab::waitForPort(port));
    QWebSocket client;
    QSignalSpy connected(&client, &QWebSocket::connected);
    QSignalSpy disconnected(&client, &QWebSocket::disconnected);
    QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
    client.open(url);
    ASSERT_TRUE(waitForCount(connected, 1)) << client.errorString().toStdString();
    ASSERT_TRUE(waitForCount(texts, 1)); // the welcome
    EXPECT_FALSE(waitForCount(disconnected, 1, 4000)) << "still cut after the fix";
    client.sendTextMessage(QStringLiteral("after 4 s idle"));
    EXPECT_TRUE(waitForCount(texts, 2));
    client.close();
    haLab.stop();
}
