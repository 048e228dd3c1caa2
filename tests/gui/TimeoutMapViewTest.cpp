// SPDX-License-Identifier: GPL-3.0-or-later
// The Live panel's "Timeouts" tab (issue 13) against a real nginx that cuts idle WebSockets after
// 2 s (proxy_read_timeout) in front of the reference endpoint: the tab must name the public hop
// as the first cut at 2 s, see no cut on the direct hop, fill the keepalive matrix, and refuse a
// malformed extra hop with a sentence instead of running. In the real window at 1024×700 every
// column title of its tables stays whole and in view (issue 16), before and after a map.
#include "LayoutCheck.h"
#include "MonitorLabFixture.h"

#include "AppContext.h"
#include "AppStartup.h"
#include "MainWindow.h"
#include "monitor/LivePanel.h"
#include "monitor/TimeoutMapView.h"
#include "profiles/ProfileListPanel.h"
#include "profiles/ProfileStore.h"
#include "profiles/SecretStore.h"

#include <QApplication>
#include <QDoubleSpinBox>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QRegularExpression>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QUuid>

#include <gtest/gtest.h>

using namespace socketscope;

TEST(TimeoutMapView, NamesTheProxyThatCutsFirstAndItsCutoff)
{
    monitortest::ProxiedEndpoint lab(true, QStringLiteral("2s"));
    LAB_REQUIRE(lab::NginxLab::skipReason());
    ASSERT_TRUE(lab.ok);
    AppContext ctx;
    LivePanel panel(ctx);
    panel.resize(1024, 700);
    panel.show();
    Profile profile;
    profile.name = QStringLiteral("idle-cutting nginx");
    profile.directUrl = lab.backend.echoUrl();
    profile.publicUrl = lab.url();
    panel.setProfile(&profile);
    TimeoutMapView* view = panel.timeoutView();
    ASSERT_NE(view, nullptr);
    panel.tabs()->setCurrentWidget(view);

    auto* extra = view->findChild<QPlainTextEdit*>(QStringLiteral("timeoutExtraHops"));
    auto* maxBox = view->findChild<QDoubleSpinBox*>(QStringLiteral("timeoutMax"));
    auto* resolution = view->findChild<QDoubleSpinBox*>(QStringLiteral("timeoutResolution"));
    auto* run = view->findChild<QPushButton*>(QStringLiteral("timeoutRunButton"));
    auto* status = view->findChild<QLabel*>(QStringLiteral("timeoutStatus"));
    auto* firstCut = view->findChild<QLabel*>(QStringLiteral("timeoutFirstCut"));
    auto* hops = view->findChild<QTableWidget*>(QStringLiteral("timeoutHopsTable"));
    auto* keepalive = view->findChild<QTableWidget*>(QStringLiteral("timeoutKeepaliveTable"));
    auto* advice = view->findChild<QTextBrowser*>(QStringLiteral("timeoutAdvice"));
    auto* progress = view->findChild<QProgressBar*>(QStringLiteral("timeoutProgress"));
    ASSERT_TRUE(extra && maxBox && resolution && run && status && firstCut && hops && keepalive && advice && progress);

    // A hop without NAME= is refused before anything runs.
    extra->setPlainText(QStringLiteral("ws://10.0.0.5/ws"));
    QTest::mouseClick(run, Qt::LeftButton);
    EXPECT_FALSE(view->isRunning());
    EXPECT_TRUE(status->text().contains(QStringLiteral("NAME=URL"))) << status->text().toStdString();
    extra->clear();

    maxBox->setValue(6);
    resolution->setValue(0.5);
    QSignalSpy running(view, &TimeoutMapView::runningChanged);
    QTest::mouseClick(run, Qt::LeftButton);
    ASSERT_TRUE(view->isRunning());
    EXPECT_EQ(run->text(), QStringLiteral("Cancel"));
    EXPECT_FALSE(maxBox->isEnabled());
    EXPECT_TRUE(progress->isVisible());
    EXPECT_EQ(progress->maximum(), 2) << "two hops: public and direct";
    ASSERT_TRUE(lab::waitForCount(running, 2, 120000));
    EXPECT_FALSE(progress->isVisible());
    ASSERT_FALSE(view->isRunning());
    ASSERT_TRUE(view->result().has_value());

    const TimeoutMapResult& r = *view->result();
    ASSERT_TRUE(r.firstCut.has_value());
    EXPECT_EQ(r.firstCut->hop, QStringLiteral("public"));
    EXPECT_NEAR(r.firstCut->afterS, 2.0, 0.5 + 0.5) << "nginx's proxy_read_timeout is 2 s";
    EXPECT_TRUE(firstCut->text().contains(QStringLiteral("public cuts first"))) << firstCut->text().toStdString();
    // The first cut's signature: nginx named by its Server header, with the directive.
    EXPECT_TRUE(firstCut->text().contains(QStringLiteral("Signed by: nginx proxy_read_timeout"))) << firstCut->text().toStdString();
    EXPECT_TRUE(firstCut->text().contains(QRegularExpression(QStringLiteral("Heartbeat every \\d+\\.\\d s"))))
        << "to 0.1 s: a 1.5 s heartbeat must not read 2 s — " << firstCut->text().toStdString();
    // The keepalive matrix: one row per traffic, idle alone is cut.
    ASSERT_EQ(keepalive->rowCount(), 4);
    EXPECT_EQ(keepalive->item(0, 1)->text(), QStringLiteral("no — cut"));
    if (const QString dir = qEnvironmentVariable("SOCKETSCOPE_SCREENSHOT_DIR"); !dir.isEmpty()) {
        QTest::qWait(300); // the layout settles after the result's texts change
        panel.grab().save(dir + QStringLiteral("/timeouts.png")); // docs/screenshots, taken under Xvfb by hand
    }
    ASSERT_EQ(hops->rowCount(), 2);
    EXPECT_EQ(hops->item(0, 0)->text(), QStringLiteral("public"));
    EXPECT_TRUE(hops->item(0, 2)->text().endsWith(QStringLiteral(" s"))) << hops->item(0, 2)->text().toStdString();
    EXPECT_EQ(hops->item(1, 0)->text(), QStringLiteral("direct"));
    EXPECT_EQ(hops->item(1, 2)->text(), QStringLiteral("—")) << "the backend itself never cut";
    EXPECT_FALSE(advice->toPlainText().isEmpty());
    EXPECT_EQ(run->text(), QStringLiteral("Map the timeouts"));
    EXPECT_TRUE(maxBox->isEnabled());
}

TEST(TimeoutMapView, CancelStopsTheRunAtOnceAndSaysWhatWasMeasured)
{
    monitortest::ProxiedEndpoint lab(true, QStringLiteral("600s"));
    LAB_REQUIRE(lab::NginxLab::skipReason());
    ASSERT_TRUE(lab.ok);
    TimeoutMapView view;
    view.resize(900, 600);
    view.show();
    Profile profile;
    profile.name = QStringLiteral("slow nginx");
    profile.publicUrl = lab.url();
    view.setProfile(&profile);
    auto* run = view.findChild<QPushButton*>(QStringLiteral("timeoutRunButton"));
    auto* status = view.findChild<QLabel*>(QStringLiteral("timeoutStatus"));
    auto* firstCut = view.findChild<QLabel*>(QStringLiteral("timeoutFirstCut"));
    auto* progress = view.findChild<QProgressBar*>(QStringLiteral("timeoutProgress"));
    ASSERT_TRUE(run && status && firstCut && progress);
    QSignalSpy running(&view, &TimeoutMapView::runningChanged);
    QTest::mouseClick(run, Qt::LeftButton);
    ASSERT_TRUE(view.isRunning());
    // The core's progress reaches the status line: an idle socket came back alive.
    QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("alive after")), 10000);
    EXPECT_TRUE(progress->isVisible());
    QTest::mouseClick(run, Qt::LeftButton); // "Cancel"
    ASSERT_TRUE(lab::waitForCount(running, 2, 2000));
    EXPECT_FALSE(view.isRunning());
    ASSERT_TRUE(view.result().has_value());
    EXPECT_TRUE(view.result()->cancelled);
    EXPECT_TRUE(firstCut->text().contains(QStringLiteral("cancelled"))) << firstCut->text().toStdString();
    EXPECT_EQ(run->text(), QStringLiteral("Map the timeouts"));
}

// Issue 16: at 1024×700 the tables' column titles were cut ("on the first-cutti") and the hops
// table scrolled its columns sideways out of the tab. In the real main window at that size, with a
// profile that has long URLs and a long extra hop, each title is as wide as its text needs and
// every column is in view, before a run and after one has filled the rows; a cut cell keeps its
// whole text in its tooltip.
TEST(TimeoutMapView, At1024x700EveryColumnTitleStaysWholeBeforeAndAfterAMap)
{
    monitortest::ProxiedEndpoint lab(true, QStringLiteral("2s"));
    LAB_REQUIRE(lab::NginxLab::skipReason());
    ASSERT_TRUE(lab.ok);
    QTemporaryDir dir;
    GuiApplication gui({QStringLiteral("socketscope"), QStringLiteral("--profiles"), dir.filePath(QStringLiteral("p.json")),
                        QStringLiteral("--state"), dir.filePath(QStringLiteral("state.json"))},
                       QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    Profile profile;
    profile.name = QStringLiteral("idle-cutting nginx");
    // The query string makes the URLs long, as real ones with a token or a tenant are.
    profile.publicUrl = lab.url() + QStringLiteral("?tenant=a-rather-long-tenant-name&channel=realtime-updates");
    profile.directUrl = lab.backend.echoUrl() + QStringLiteral("?tenant=a-rather-long-tenant-name&channel=realtime-updates");
    ASSERT_TRUE(gui.context().profiles->add(profile).ok());
    MainWindow* w = gui.window();
    w->show();
    w->resize(1024, 700);
    w->profileList()->selectProfile(profile.id);
    auto* live = w->findChild<LivePanel*>();
    ASSERT_NE(live, nullptr);
    w->tabs()->setCurrentWidget(live);
    TimeoutMapView* view = live->timeoutView();
    live->tabs()->setCurrentWidget(view);
    QApplication::processEvents();
    ASSERT_EQ(w->size(), QSize(1024, 700));
    auto* hops = view->findChild<QTableWidget*>(QStringLiteral("timeoutHopsTable"));
    auto* keepalive = view->findChild<QTableWidget*>(QStringLiteral("timeoutKeepaliveTable"));
    ASSERT_TRUE(hops && keepalive);
    ASSERT_TRUE(hops->isVisible() && keepalive->isVisible());
    EXPECT_EQ((layoutcheck::cutHeaderTitles(view) + layoutcheck::columnsOutOfView(view)).join(QLatin1Char('\n')).toStdString(), "") << "before a run";
    // A short title says the rest in its tooltip.
    EXPECT_FALSE(keepalive->horizontalHeaderItem(0)->toolTip().isEmpty());
    EXPECT_FALSE(hops->horizontalHeaderItem(3)->toolTip().isEmpty());

    view->findChild<QPlainTextEdit*>(QStringLiteral("timeoutExtraHops"))
        ->setPlainText(QStringLiteral("backend-via-nginx=") + profile.publicUrl);
    view->findChild<QDoubleSpinBox*>(QStringLiteral("timeoutMax"))->setValue(6);
    view->findChild<QDoubleSpinBox*>(QStringLiteral("timeoutResolution"))->setValue(0.5);
    QSignalSpy running(view, &TimeoutMapView::runningChanged);
    view->start();
    ASSERT_TRUE(view->isRunning()) << view->findChild<QLabel*>(QStringLiteral("timeoutStatus"))->text().toStdString();
    ASSERT_TRUE(lab::waitForCount(running, 2, 120000));
    ASSERT_TRUE(view->result().has_value());
    ASSERT_EQ(hops->rowCount(), 3);
    ASSERT_EQ(keepalive->rowCount(), 4);
    QApplication::processEvents();
    EXPECT_EQ((layoutcheck::cutHeaderTitles(view) + layoutcheck::columnsOutOfView(view)).join(QLatin1Char('\n')).toStdString(), "") << "after the map";
    // Every hop's row is in view without scrolling (it showed ~2 rows at 1024×700).
    for (int row = 0; row < hops->rowCount(); ++row) {
        const QRect cell = hops->visualItemRect(hops->item(row, 0));
        EXPECT_TRUE(hops->viewport()->rect().contains(cell))
            << "hop row " << row << " at y " << cell.top() << ".." << cell.bottom() << " of a "
            << hops->viewport()->height() << " px high table";
    }
    if (const QString shots = qEnvironmentVariable("SOCKETSCOPE_TEST_ARTIFACTS"); !shots.isEmpty())
        w->grab().save(shots + QStringLiteral("/timeouts-1024x700.png"));
    for (int c = 0; c < hops->columnCount(); ++c)
        EXPECT_GT(hops->columnWidth(c), 0) << hops->horizontalHeaderItem(c)->text().toStdString();
    // The measured values show whole; what is cut (the URLs, the long hop name, the signature)
    // is whole in its cell's tooltip.
    const QFontMetrics fm = hops->fontMetrics();
    for (int row = 0; row < hops->rowCount(); ++row) {
        for (int c : {2, 3, 4})
            EXPECT_LE(fm.horizontalAdvance(hops->item(row, c)->text()), hops->columnWidth(c))
                << hops->horizontalHeaderItem(c)->text().toStdString() << ": " << hops->item(row, c)->text().toStdString();
        for (int c : {0, 1, 5})
            EXPECT_TRUE(hops->item(row, c)->toolTip().contains(hops->item(row, c)->text()))
                << hops->item(row, c)->toolTip().toStdString();
    }
    EXPECT_EQ(hops->item(0, 0)->text(), QStringLiteral("public"));
    EXPECT_LE(fm.horizontalAdvance(QStringLiteral("public")), hops->columnWidth(0));
    EXPECT_TRUE(QTest::qWaitFor([&] { return gui.context().secrets->availability() != SecretStore::Availability::Unknown; }, 15000));
}
