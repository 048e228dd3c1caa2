// SPDX-License-Identifier: GPL-3.0-or-later
#include "ScriptedLauncher.h"

#include "lab/Lab.h"
#include "monitor/ProbeMatrix.h"
#include "monitor/ProfileDashboard.h"
#include "profiles/Profile.h"

#include <QJsonArray>
#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace socketscope;

// Issue 16: the matrix probed a "proxy wss:443" hop no profile named (the public URL's other
// scheme), and named its hops otherwise than the Overview. Now: only the profile's URLs, under
// the Overview's names.
TEST(ProbeMatrix, HopsAreTheProfileUrlsUnderTheOverviewsNames)
{
    Profile p;
    p.directUrl = QStringLiteral("ws://10.0.0.5:7687/");
    p.publicUrl = QStringLiteral("wss://db.example.com/ws");
    const auto hops = ProbeMatrix::hopsFor(p, QStringLiteral("ws://edge.example.com:8080/ws"));
    ASSERT_EQ(hops.size(), 3);
    EXPECT_EQ(hops[0].id, QStringLiteral("direct"));
    EXPECT_EQ(hops[0].url, p.directUrl);
    EXPECT_EQ(hops[1].id, QStringLiteral("proxy_tls"));
    EXPECT_EQ(hops[1].url, p.publicUrl);
    EXPECT_EQ(hops[2].id, QStringLiteral("proxy2"));
    EXPECT_EQ(hops[2].url, QStringLiteral("ws://edge.example.com:8080/ws"));
    for (const MatrixHop& h : hops) // no hop built from another URL: only those the profile names
        EXPECT_TRUE(QStringList({p.directUrl, p.publicUrl, QStringLiteral("ws://edge.example.com:8080/ws")}).contains(h.url))
            << h.label.toStdString();
    // The names are the Overview's (probeHopsFor(), what "Probe now" probes and shows).
    const QList<ProbeHop> overview = probeHopsFor(p);
    ASSERT_EQ(overview.size(), 2);
    EXPECT_EQ(hops[0].label, hopTitle(overview[0].name, overview[0].url));
    EXPECT_EQ(hops[1].label, hopTitle(overview[1].name, overview[1].url));
    EXPECT_EQ(hops[1].label, QStringLiteral("public  db.example.com:443"));

    Profile plain;
    plain.publicUrl = QStringLiteral("ws://127.0.0.1:8080/ws/echo");
    const auto h2 = ProbeMatrix::hopsFor(plain);
    ASSERT_EQ(h2.size(), 1) << "no wss variant of a ws URL";
    EXPECT_EQ(h2[0].id, QStringLiteral("proxy_http"));
    EXPECT_EQ(h2[0].url, plain.publicUrl);
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
    launcher.script = {direct, idle};
    ProbeMatrix matrix(&launcher);
    Profile p;
    p.directUrl = QStringLiteral("ws://127.0.0.1:9001/ws/echo");
    p.publicUrl = QStringLiteral("ws://127.0.0.1:9002/ws/echo");
    matrix.setProfile(p);
    matrix.setHoldSeconds(5);
    QSignalSpy done(&matrix, &ProbeMatrix::finished);
    matrix.run();
    ASSERT_TRUE(lab::waitForCount(done, 1));
    ASSERT_EQ(matrix.rows().size(), 2);
    EXPECT_EQ(launcher.started[1].holdS, 5.0);
    EXPECT_EQ(matrix.cellText(0, ProbeMatrix::Hold), QStringLiteral("ok 5 s"));
    EXPECT_EQ(matrix.cellText(1, ProbeMatrix::Hold), QStringLiteral("✗ 3.0 s (1006)"));
    EXPECT_TRUE(matrix.cellFailed(1, ProbeMatrix::Hold));
    const MatrixVerdict v = matrix.verdict();
    EXPECT_EQ(v.faultyRow, 1);
    EXPECT_EQ(v.state, QStringLiteral("degraded"));
    EXPECT_TRUE(v.sentence.contains(QStringLiteral("idle_timeout")));
    // The stack is unknown here (no Server header, no nginx fields): every platform's bullet, each
    // quoting the measured cutoff.
    const QString advice = v.advice.join(u'\n');
    EXPECT_TRUE(advice.contains(QStringLiteral("proxy_read_timeout"))) << advice.toStdString();
    EXPECT_TRUE(advice.contains(QStringLiteral("timeout tunnel"))) << advice.toStdString();
    EXPECT_TRUE(advice.contains(QStringLiteral("3.0 s"))) << advice.toStdString();
    const QJsonObject j = matrix.toJson();
    EXPECT_EQ(j[QStringLiteral("verdict")].toObject()[QStringLiteral("faulty_hop")].toString(), QStringLiteral("proxy_http"));
    EXPECT_EQ(j[QStringLiteral("hops")].toArray().size(), 2);
    const QString md = matrix.toMarkdown();
    EXPECT_TRUE(md.contains(QStringLiteral("| public  127.0.0.1:9002 |")));
    EXPECT_TRUE(md.contains(v.advice.first())) << md.toStdString();
}
