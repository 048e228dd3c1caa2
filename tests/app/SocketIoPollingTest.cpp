// SPDX-License-Identifier: GPL-3.0-or-later
// Socket.IO the way socket.io-client connects by default (issue 10): the Engine.IO long-polling
// handshake, then the upgrade to WebSocket with 2probe/3probe/5. Through a real nginx balancing two
// real Socket.IO servers round-robin, the second request of a session lands on the other server,
// which answers 400 "Session ID unknown": sticky_session_missing. With ip_hash the session sticks.
// socket.io-client itself proves both labs first.
#include "lab/AppServerLab.h"

#include "probe/AppProtocol.h"
#include "probe/ProbeJson.h"

#include <QJsonDocument>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

ProbeOptions opts(const QString& url)
{
    ProbeOptions o;
    o.url = url;
    o.timeoutS = 5;
    o.app = AppProtocolId::SocketIo;
    return o;
}

class SocketIoPolling : public ::testing::Test {
protected:
    void SetUp() override
    {
        LAB_REQUIRE(AppServerLab::unavailableReason());
        QString error;
        ASSERT_TRUE(a.start({QStringLiteral("socketio"), QStringLiteral("--ping-interval"), QStringLiteral("2000")}, &error))
            << error.toStdString();
        ASSERT_TRUE(b.start({QStringLiteral("socketio"), QStringLiteral("--ping-interval"), QStringLiteral("2000")}, &error))
            << error.toStdString();
    }
    // nginx in front of both servers; `balance` is "" (round-robin) or "ip_hash;"; without `upgrade`
    // the location forwards no Upgrade/Connection headers (HTTP/1.0 upstream, nginx's default).
    quint16 startNginx(const QString& balance, bool upgrade = true)
    {
        const quint16 port = freePort();
        nginx.writeMainConfig();
        nginx.writeSite(QStringLiteral("socketio"),
                        QStringLiteral("upstream socketio {\n    %1\n    server 127.0.0.1:%2;\n    server 127.0.0.1:%3;\n}\n"
                                       "server {\n    listen 127.0.0.1:%4;\n"
                                       "    location /socket.io/ {\n"
                                       "        proxy_pass http://socketio;\n"
                                       "%5"
                                       "        proxy_read_timeout 5s;\n"
                                       "    }\n}\n")
                            .arg(balance).arg(a.port()).arg(b.port()).arg(port)
                            .arg(upgrade ? QStringLiteral("        proxy_http_version 1.1;\n"
                                                          "        proxy_set_header Upgrade $http_upgrade;\n"
                                                          "        proxy_set_header Connection \"upgrade\";\n")
                                         : QString()));
        QByteArray log;
        if (!nginx.test(&log) || !nginx.start(&log) || !waitForPort(port)) {
            ADD_FAILURE() << log.toStdString() << readAll(nginx.errorLog()).toStdString();
            return 0;
        }
        return port;
    }
    AppServerLab a, b;
    NginxLab nginx;
};

} // namespace

TEST_F(SocketIoPolling, DirectLongPollingThenUpgradeIsOk)
{
    QByteArray out;
    ASSERT_TRUE(AppServerLab::proveWithOwnClient({QStringLiteral("socketio-polling"), QStringLiteral("http://127.0.0.1:%1").arg(a.port())}, &out))
        << out.toStdString();
    ProbeOptions o = opts(QStringLiteral("http://127.0.0.1:%1/").arg(a.port()));
    o.appEvent = QStringLiteral("ping-app");
    o.holdS = 2.5;
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.version, QStringLiteral("Engine.IO 4, long-polling then websocket")) << lab::probeJsonText(r);
    EXPECT_TRUE(r.requestHead.startsWith(QStringLiteral("GET /socket.io/?EIO=4&transport=websocket&sid=")))
        << "the upgrade carries the sid the long-polling handshake got: " << lab::probeJsonText(r);
    EXPECT_FALSE(r.app.session.isEmpty());
    EXPECT_EQ(r.app.roundTrips, 2) << "the CONNECT (posted, answered over the WebSocket) and the event's ack";
    EXPECT_GE(r.app.heartbeatsAnswered, 1) << "pings every 2 s, answered over the WebSocket: " << lab::probeJsonText(r);
}

TEST_F(SocketIoPolling, RoundRobinWithoutStickinessIsStickySessionMissing)
{
    LAB_REQUIRE(NginxLab::skipReason());
    const quint16 port = startNginx(QString());
    ASSERT_NE(port, 0);
    const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(port);
    QByteArray out;
    EXPECT_FALSE(AppServerLab::proveWithOwnClient({QStringLiteral("socketio-polling"), url}, &out))
        << "socket.io-client fails through this nginx too: " << out.toStdString();

    const ProbeResult r = lab::probe(opts(url));
    EXPECT_EQ(r.cause, QStringLiteral("sticky_session_missing")) << lab::probeJsonText(r);
    EXPECT_EQ(r.httpStatus.value_or(0), 400) << lab::probeJsonText(r);
    EXPECT_TRUE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("Session ID unknown"))) << lab::probeJsonText(r);
    EXPECT_TRUE(r.advice.join(QLatin1Char('\n')).contains(QStringLiteral("ip_hash"))) << lab::probeJsonText(r);

    // The same nginx with transports: ['websocket'] (one request per session) works: only polling needs stickiness.
    const ProbeResult ws = lab::probe(opts(QStringLiteral("ws://127.0.0.1:%1/socket.io/?EIO=4&transport=websocket").arg(port)));
    EXPECT_EQ(ws.cause, QStringLiteral("ok")) << lab::probeJsonText(ws);
}

TEST_F(SocketIoPolling, IpHashMakesTheSessionStickAndTheProbeOk)
{
    LAB_REQUIRE(NginxLab::skipReason());
    const quint16 port = startNginx(QStringLiteral("ip_hash;"));
    ASSERT_NE(port, 0);
    const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(port);
    QByteArray out;
    ASSERT_TRUE(AppServerLab::proveWithOwnClient({QStringLiteral("socketio-polling"), url}, &out)) << out.toStdString();

    ProbeOptions o = opts(url);
    o.holdS = 2.5;
    const ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_EQ(r.app.version, QStringLiteral("Engine.IO 4, long-polling then websocket"));
    EXPECT_GE(r.app.heartbeatsAnswered, 1) << lab::probeJsonText(r);
}

TEST_F(SocketIoPolling, AnUpgradeThatIsNotForwardedWhilePollingWorksSaysSo)
{
    LAB_REQUIRE(NginxLab::skipReason());
    const quint16 port = startNginx(QStringLiteral("ip_hash;"), false);
    ASSERT_NE(port, 0);
    const ProbeResult r = lab::probe(opts(QStringLiteral("http://127.0.0.1:%1/").arg(port)));
    EXPECT_EQ(r.cause, QStringLiteral("upgrade_not_forwarded")) << lab::probeJsonText(r);
    EXPECT_EQ(r.errorPhase, QStringLiteral("upgrade")) << lab::probeJsonText(r);
    EXPECT_TRUE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("long-polling works"))) << lab::probeJsonText(r);
}
