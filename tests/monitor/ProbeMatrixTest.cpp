// SPDX-License-Identifier: GPL-3.0-or-later
#include "ScriptedLauncher.h"

#include "lab/Lab.h"
#include "monitor/ProbeMatrix.h"
#include "profiles/Profile.h"

#include <QJsonArray>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace socketscope;

TEST(ProbeMatrix, HopsAreDerivedFromTheProfileUrls)
{
    Profile p;
    p.directUrl = QStringLiteral("ws://10.0.0.5:7687/");
    p.publicUrl = QStringLiteral("wss://db.example.com/ws");
    const auto hops = ProbeMatrix::hopsFor(p, QStringLiteral("ws://edge.example.com:8080/ws"));
    ASSERT_EQ(hops.size(), 4);
    EXPECT_EQ(hops[0].id, QStringLiteral("direct"));
    EXPECT_EQ(hops[0].label, QStringLiteral("direct :7687"));
    EXPECT_EQ(hops[1].id, QStringLiteral("proxy_http"));
    EXPECT_EQ(hops[1].url, QStringLiteral("ws://db.example.com/ws"));
    EXPECT_TRUE(hops[1].derived);
    EXPECT_EQ(hops[2].id, QStringLiteral("proxy_tls"));
    EXPECT_EQ(hops[2].label, QStringLiteral("proxy wss:443"));
    EXPECT_FALSE(hops[2].derived);
    EXPECT_EQ(hops[3].id, QStringLiteral("proxy2"));

    Profile plain;
    plain.publicUrl = QStringLiteral("ws://127.0.0.1:8080/ws/echo");
    const auto h2 = ProbeMatrix::hopsFor(plain);
    ASSERT_EQ(h2.size(), 2);
    EXPECT_EQ(h2[0].url, plain.publicUrl);
    EXPECT_EQ(h2[1].url, QStringLiteral("wss://127.0.0.1/ws/echo"));
}

TEST(ProbeMatrix, NamesTheProxyHopWhenDirectWorks)
{
    scripted::ScriptedLauncher launcher;
    ProbeResult idle = scripted::okResult(0.3);
    idle.ok = false;
    idle.cause = QStringLiteral("idle_timeout");
    idle.closeCode = 1006;
    idle.closedBy = ClosedBy::ServerFin;
    idle.heldS = 3.0;
    idle.idleCutoffS = 3.0;
    idle.advice = {QStringLiteral("Raise proxy_read_timeout")};
    ProbeResult direct = scripted::okResult(0.2);
    direct.heldS = 5.0;
    ProbeResult refused = scripted::refusedResult();
    launcher.script = {direct, idle, refused};
    ProbeMatrix matrix(&launcher);
    Profile p;
    p.directUrl = QStringLiteral("ws://127.0.0.1:9001/ws/echo");
    p.publicUrl = QStringLiteral("ws://127.0.0.1:9002/ws/echo");
    matrix.setProfile(p);
    matrix.setHoldSeconds(5);
    QSignalSpy done(&matrix, &ProbeMatrix::finished);
    matrix.run();
    ASSERT_TRUE(lab::waitForCount(done, 1));
    ASSERT_EQ(matrix.rows().size(), 3);
    EXPECT_EQ(launcher.started[1].holdS, 5.0);
    EXPECT_EQ(matrix.cellText(0, ProbeMatrix::Hold), QStringLiteral("ok 5 s"));
    EXPECT_EQ(matrix.cellText(1, ProbeMatrix::Hold), QStringLiteral("✗ 3.0 s (1006)"));
    EXPECT_TRUE(matrix.cellFailed(1, ProbeMatrix::Hold));
    EXPECT_EQ(matrix.cellText(2, ProbeMatrix::Tcp), QStringLiteral("✗"));
    const MatrixVerdict v = matrix.verdict();
    EXPECT_EQ(v.faultyRow, 1) << "the derived wss variant nobody serves is not the fault";
    EXPECT_EQ(v.state, QStringLiteral("degraded"));
    EXPECT_TRUE(v.sentence.contains(QStringLiteral("idle_timeout")));
    EXPECT_EQ(v.advice, idle.advice);
    const QJsonObject j = matrix.toJson();
    EXPECT_EQ(j[QStringLiteral("verdict")].toObject()[QStringLiteral("faulty_hop")].toString(), QStringLiteral("proxy_http"));
    EXPECT_EQ(j[QStringLiteral("hops")].toArray().size(), 3);
    const QString md = matrix.toMarkdown();
    EXPECT_TRUE(md.contains(QStringLiteral("| proxy ws:9002 |")));
    EXPECT_TRUE(md.contains(QStringLiteral("Raise proxy_read_timeout")));
}
