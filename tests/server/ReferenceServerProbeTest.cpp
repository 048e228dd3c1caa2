// SPDX-License-Identifier: GPL-3.0-or-later
// The reference endpoint as SocketScope's own probe sees it (raw RFC 6455 client).
#include "lab/Lab.h"
#include "server/ReferenceServer.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace socketscope;

TEST(ReferenceServerProbe, HealthEndpointHeartbeatsArriveDuringHoldAndTheCloseIsClean)
{
    ReferenceServer server;
    server.setHeartbeatInterval(100);
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    QSignalSpy disconnected(&server, &ReferenceServer::clientDisconnected);
    ProbeOptions o;
    o.url = QStringLiteral("ws://127.0.0.1:%1/ws/health").arg(server.port());
    o.echoCount = 0;
    o.holdS = 0.5;
    const ProbeResult r = lab::probe(o, 15000);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << r.evidence.join(QLatin1Char('\n')).toStdString();
    EXPECT_GE(r.otherMessages, 3) << "welcome + heartbeats";
    EXPECT_TRUE(r.firstOtherMessage.contains("welcome"));
    EXPECT_EQ(r.closedBy, ClosedBy::Client);
    // The server saw a clean close (our close frame), not a dropped connection.
    ASSERT_TRUE(lab::waitForCount(disconnected, 1));
    EXPECT_EQ(server.connectionCount(), 0);
}

TEST(ReferenceServerProbe, PlainHttpPathsAreReportedAsTheirStatus)
{
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    ProbeOptions o;
    o.url = QStringLiteral("ws://127.0.0.1:%1/health").arg(server.port());
    ProbeResult r = lab::probe(o, 15000);
    EXPECT_EQ(r.cause, QStringLiteral("upgrade_not_forwarded")) << "a plain 200 means the upgrade was not taken";
    EXPECT_EQ(r.httpStatus, 200);
    EXPECT_TRUE(r.bodyExcerpt.contains("\"status\":\"ok\""));
    o.url = QStringLiteral("ws://127.0.0.1:%1/nope").arg(server.port());
    r = lab::probe(o, 15000);
    EXPECT_EQ(r.cause, QStringLiteral("not_found"));
}
