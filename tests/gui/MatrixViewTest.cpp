// SPDX-License-Identifier: GPL-3.0-or-later
// The probe matrix against real servers: the reference endpoint direct, and a real nginx in front of
// it that drops idle connections after 2 s (the Neo4j incident's shape).
#include "MonitorLabFixture.h"

#include "AppContext.h"
#include "monitor/LivePanel.h"
#include "monitor/MatrixView.h"
#include "monitor/ProbeMatrix.h"

#include <QDoubleSpinBox>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace socketscope;

TEST(MatrixView, NamesTheProxyHopThatDropsIdleConnections)
{
    monitortest::ProxiedEndpoint lab(true, QStringLiteral("2s"));
    LAB_REQUIRE(lab::NginxLab::skipReason());
    ASSERT_TRUE(lab.ok);
    AppContext ctx;
    LivePanel panel(ctx);
    panel.resize(1280, 800);
    panel.show();
    Profile profile;
    profile.name = QStringLiteral("neo4j-like");
    profile.directUrl = lab.backend.echoUrl();
    profile.publicUrl = lab.url();
    panel.setProfile(&profile);
    panel.tabs()->setCurrentWidget(panel.matrixView());
    panel.matrix()->setHoldSeconds(4);
    QSignalSpy done(panel.matrix(), &ProbeMatrix::finished);
    auto* run = panel.matrixView()->findChild<QPushButton*>(QStringLiteral("runMatrixPushButton"));
    ASSERT_NE(run, nullptr);
    auto* hold = panel.matrixView()->findChild<QDoubleSpinBox*>(QStringLiteral("holdSpinBox"));
    hold->setValue(4);
    QTest::mouseClick(run, Qt::LeftButton);
    ASSERT_TRUE(lab::waitForCount(done, 1, 30000));

    QTableWidget* t = panel.matrixView()->table();
    ASSERT_EQ(t->rowCount(), 3); // direct, proxy ws (named), proxy wss (derived, nobody listens)
    EXPECT_EQ(t->item(0, ProbeMatrix::Hold)->text(), QStringLiteral("ok 4 s"));
    EXPECT_EQ(t->item(0, ProbeMatrix::Upgrade)->text(), QStringLiteral("101"));
    EXPECT_EQ(t->item(1, ProbeMatrix::Upgrade)->text(), QStringLiteral("101"));
    // nginx's 2 s proxy_read_timeout, measured from the client: about 2 s, abnormal closure.
    const QString holdText = t->item(1, ProbeMatrix::Hold)->text();
    const QRegularExpressionMatch hm = QRegularExpression(QStringLiteral("^✗ (\\d+\\.\\d) s \\(1006\\)$")).match(holdText);
    ASSERT_TRUE(hm.hasMatch()) << holdText.toStdString();
    EXPECT_NEAR(hm.captured(1).toDouble(), 2.0, 0.5);
    const MatrixVerdict v = panel.matrix()->verdict();
    EXPECT_EQ(v.faultyRow, 1);
    EXPECT_EQ(v.state, QStringLiteral("degraded"));
    EXPECT_TRUE(panel.matrixView()->verdictText().contains(QStringLiteral("proxy ws:%1").arg(lab.port)));

    const QString dir = qEnvironmentVariable("SOCKETSCOPE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        panel.grab().save(dir + QStringLiteral("/matrix.png"));

    // The bundle carries the matrix as JSON and Markdown.
    QTemporaryDir out;
    const auto bundle = panel.exportBundle(out.path());
    ASSERT_TRUE(bundle.ok()) << bundle.error().toStdString();
    const QJsonObject mj = QJsonDocument::fromJson(lab::readAll(*bundle + QStringLiteral("/matrix.json"))).object();
    EXPECT_EQ(mj[QStringLiteral("verdict")].toObject()[QStringLiteral("faulty_hop")].toString(), QStringLiteral("proxy_http"));
    EXPECT_TRUE(QString::fromUtf8(lab::readAll(*bundle + QStringLiteral("/matrix.md"))).contains(holdText));
    EXPECT_TRUE(QFile::exists(*bundle + QStringLiteral("/probes/01-direct.json")));
}
