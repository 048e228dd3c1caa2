// SPDX-License-Identifier: GPL-3.0-or-later
// The reference endpoint, exercised by Qt's own QWebSocket client and by Debian's
// python3-websockets as an independent peer.
#include "lab/Lab.h"
#include "server/ReferenceServer.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QWebSocket>

#include <gtest/gtest.h>

using namespace socketscope;

using socketscope::lab::waitForCount;

TEST(ReferenceServer, EchoEndpointWelcomesThenEchoes)
{
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    QWebSocket client;
    QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
    QSignalSpy binaries(&client, &QWebSocket::binaryMessageReceived);
    QSignalSpy connected(&client, &QWebSocket::connected);
    client.open(QUrl(server.echoUrl()));
    ASSERT_TRUE(waitForCount(connected, 1));
    ASSERT_TRUE(waitForCount(texts, 1));
    const QJsonObject welcome = QJsonDocument::fromJson(texts.at(0).at(0).toString().toUtf8()).object();
    EXPECT_EQ(welcome.value(QStringLiteral("type")).toString(), QStringLiteral("welcome"));
    client.sendTextMessage(QStringLiteral("hello"));
    ASSERT_TRUE(waitForCount(texts, 2));
    EXPECT_EQ(texts.at(1).at(0).toString(), QStringLiteral("hello"));
    client.sendBinaryMessage(QByteArray("\x00\x01\x02", 3));
    ASSERT_TRUE(waitForCount(binaries, 1));
    EXPECT_EQ(binaries.at(0).at(0).toByteArray(), QByteArray("\x00\x01\x02", 3));
}

TEST(ReferenceServer, HealthAnswersPlainHttpAndUnknownPathIs404)
{
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    auto get = [&](const QByteArray& path) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, server.port());
        QSignalSpy disc(&s, &QTcpSocket::disconnected);
        s.write("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
        disc.wait(5000);
        return s.readAll();
    };
    const QByteArray health = get("/health");
    EXPECT_TRUE(health.startsWith("HTTP/1.1 200 OK")) << health.constData();
    EXPECT_TRUE(health.contains("\"status\":\"ok\""));
    EXPECT_TRUE(get("/nope").startsWith("HTTP/1.1 404"));
    EXPECT_TRUE(get("/ws/echo").startsWith("HTTP/1.1 426"));
}

TEST(ReferenceServer, HealthEndpointSendsHeartbeats)
{
    ReferenceServer server;
    server.setHeartbeatInterval(100);
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    QWebSocket client;
    QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/health").arg(server.port())));
    ASSERT_TRUE(waitForCount(texts, 2)); // welcome, then the first heartbeat
    const QJsonObject beat = QJsonDocument::fromJson(texts.last().at(0).toString().toUtf8()).object();
    EXPECT_EQ(beat.value(QStringLiteral("type")).toString(), QStringLiteral("heartbeat"));
}

TEST(ReferenceServer, IndependentPeerPythonWebsocketsGetsEcho)
{
    LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/python3"), QStringLiteral("python3-websockets")));
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    const QString script = QStringLiteral(
        "import asyncio, websockets\n"
        "async def main():\n"
        "    async with websockets.connect('%1') as ws:\n"
        "        await ws.recv()\n"
        "        await ws.send('ping-from-python')\n"
        "        print(await ws.recv())\n"
        "asyncio.run(main())\n").arg(server.echoUrl());
    QProcess py;
    py.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), script});
    ASSERT_TRUE(py.waitForStarted());
    // The server lives on this thread: keep its event loop turning while python talks to it.
    QSignalSpy finished(&py, &QProcess::finished);
    ASSERT_TRUE(finished.wait(15000)) << py.readAllStandardError().constData();
    EXPECT_EQ(py.readAllStandardOutput().trimmed(), QByteArray("ping-from-python")) << py.readAllStandardError().constData();
}
