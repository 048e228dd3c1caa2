// SPDX-License-Identifier: GPL-3.0-or-later
// End to end: a real nginx proxying to the real reference endpoint with a broken location (no
// Upgrade/Connection headers, HTTP/1.0, 3 s read timeout). The client's upgrade is refused (426
// from the backend); after the fixer's edit and `nginx -s reload` the upgrade succeeds (101) and
// the echo round trip works through nginx.
#include "lab/Lab.h"
#include "nginx/NginxAnalyzer.h"
#include "nginx/NginxFixer.h"
#include "server/ReferenceServer.h"

#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QWebSocket>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::nginx;
using socketscope::lab::waitForCount;

namespace {

// The HTTP status of a raw WebSocket handshake to 127.0.0.1:port/ws/echo (0 when none came back).
int handshakeStatus(quint16 port)
{
    QTcpSocket socket;
    QSignalSpy connected(&socket, &QTcpSocket::connected);
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!waitForCount(connected, 1))
        return 0;
    socket.write("GET /ws/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray head;
    QSignalSpy ready(&socket, &QTcpSocket::readyRead);
    int seen = 0;
    while (!head.contains("\r\n\r\n")) {
        if (!waitForCount(ready, ++seen))
            return 0;
        head += socket.readAll();
    }
    const QList<QByteArray> statusLine = head.left(head.indexOf("\r\n")).split(' ');
    return statusLine.value(1).toInt();
}

} // namespace

TEST(NginxLabFix, FixTurnsARefusedUpgradeIntoAWorkingWebSocket)
{
    lab::NginxLab nginxLab;
    if (!nginxLab.available())
        GTEST_SKIP() << "nginx is not installed";
    ReferenceServer backend;
    ASSERT_TRUE(backend.listen(QHostAddress::LocalHost, 0).ok());
    const quint16 port = lab::freePort();
    const QString broken = QStringLiteral(
        "# the app's site: /ws/ was added later by copying the plain HTTP location\n"
        "server {\n"
        "    listen 127.0.0.1:%1;\n"
        "    location / {\n"
        "        return 200 \"app\\n\";\n"
        "    }\n"
        "    location /ws/ {\n"
        "        proxy_pass http://127.0.0.1:%2;\n"
        "        proxy_read_timeout 3s;   # copied from the API location\n"
        "    }\n"
        "}\n").arg(port).arg(backend.port());
    nginxLab.writeMainConfig();
    nginxLab.writeSite(QStringLiteral("app"), broken);
    QByteArray log;
    ASSERT_TRUE(nginxLab.start(&log)) << log.toStdString();
    ASSERT_TRUE(lab::waitForPort(port));

    // What a client sees: the backend's refusal, passed on by nginx.
    EXPECT_EQ(handshakeStatus(port), 426);

    // What the analyzer says, given the endpoint path the profile probes.
    FixOptions options;
    options.rules.endpointPaths = {QStringLiteral("/ws/echo")};
    options.load.followIncludes = false;
    const QString sitePath = nginxLab.prefix() + QStringLiteral("/sites-available/app");
    const FixResult r = NginxFixer::fix(broken.toUtf8(), sitePath, options);
    ASSERT_TRUE(r.ok) << r.error.toStdString();
    EXPECT_EQ(r.fixedRules, QStringList({QStringLiteral("WS001"), QStringLiteral("WS002"), QStringLiteral("WS003"),
                                         QStringLiteral("WS004"), QStringLiteral("WS005"), QStringLiteral("WS006"),
                                         QStringLiteral("WS007")}));
    EXPECT_TRUE(r.newText.contains("proxy_read_timeout 3600s;   # copied from the API location")) << r.newText.toStdString();

    // Apply it the way an operator would: write, nginx -t, reload.
    nginxLab.writeSite(QStringLiteral("app"), QString::fromUtf8(r.newText));
    ASSERT_TRUE(nginxLab.test(&log)) << log.toStdString();
    ASSERT_TRUE(nginxLab.reload(&log)) << log.toStdString();

    // Old workers may still accept for a moment after the reload: retry until the new
    // configuration answers several handshakes in a row, or a deadline passes.
    int consecutive = 0;
    QDeadlineTimer deadline(15000);
    while (consecutive < 5 && !deadline.hasExpired())
        consecutive = handshakeStatus(port) == 101 ? consecutive + 1 : 0;
    EXPECT_EQ(consecutive, 5);

    // And a real WebSocket client gets the welcome and its echo through nginx.
    QWebSocket client;
    QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
    QSignalSpy connected(&client, &QWebSocket::connected);
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(port)));
    ASSERT_TRUE(waitForCount(connected, 1)) << client.errorString().toStdString();
    ASSERT_TRUE(waitForCount(texts, 1));
    EXPECT_TRUE(texts.at(0).at(0).toString().contains(QStringLiteral("welcome")));
    client.sendTextMessage(QStringLiteral("through nginx"));
    ASSERT_TRUE(waitForCount(texts, 2));
    EXPECT_EQ(texts.at(1).at(0).toString(), QStringLiteral("through nginx"));
    client.close();
}
