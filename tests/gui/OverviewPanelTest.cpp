// SPDX-License-Identifier: GPL-3.0-or-later
// The Overview tab against the in-process "Local demo" endpoint and a closed port.
// With SOCKETSCOPE_SCREENSHOT_DIR set, saves overview.png of the main window there.
#include "AppContext.h"
#include "MainWindow.h"
#include "core/ActivityLog.h"
#include "MonitorLabFixture.h"
#include "lab/Lab.h"
#include "probe/OverviewPanel.h"
#include "profiles/Profile.h"
#include "server/ReferenceServer.h"

#include <QApplication>
#include <QClipboard>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTabWidget>
#include <QTest>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTreeWidget>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {
struct Fixture {
    ActivityLog activity;
    ReferenceServer demo;
    AppContext context;
    Fixture()
    {
        EXPECT_TRUE(demo.listen(QHostAddress::LocalHost, 0).ok());
        context.activity = &activity;
        context.demoServer = &demo;
    }
};
} // namespace

TEST(OverviewPanel, ProbeNowAgainstLocalDemoFillsHopTableVerdictAndEvidence)
{
    Fixture f;
    MainWindow window(f.context);
    auto* panel = window.findChild<OverviewPanel*>();
    ASSERT_NE(panel, nullptr);
    Profile demo;
    demo.name = QStringLiteral("Local demo");
    demo.builtinDemo = true;
    panel->setProfile(&demo);
    panel->findChild<QSpinBox*>(QStringLiteral("holdSecondsSpinBox"))->setValue(1);
    QSignalSpy done(panel, &OverviewPanel::probesFinished);
    QSignalSpy verdict(panel, &FeaturePanel::verdictChanged);
    panel->probeNow();
    EXPECT_TRUE(panel->isProbing()) << "probing never blocks the caller";
    EXPECT_FALSE(panel->findChild<QPushButton*>(QStringLiteral("probeNowPushButton"))->isEnabled());
    ASSERT_TRUE(lab::waitForCount(done, 1, 15000));
    auto* table = panel->findChild<QTableWidget*>(QStringLiteral("hopTableWidget"));
    ASSERT_EQ(table->rowCount(), 1);
    EXPECT_EQ(table->item(0, 4)->text(), QStringLiteral("101"));
    EXPECT_TRUE(table->item(0, 7)->text().contains(QStringLiteral("ok")));
    EXPECT_TRUE(table->item(0, 6)->text().startsWith(QStringLiteral("ok")));
    ASSERT_GE(verdict.count(), 2);
    EXPECT_EQ(verdict.last().at(0).toString(), QStringLiteral("ok"));
    EXPECT_TRUE(panel->findChild<QLabel*>(QStringLiteral("verdictLabel"))->text().contains(QStringLiteral("ok")));
    // The result is the profile's state in the application's model (what the header and list render).
    EXPECT_EQ(profileStates(f.context).state(demo.id).probe.state, QStringLiteral("ok"));
    auto* tree = panel->findChild<QTreeWidget*>(QStringLiteral("evidenceTreeWidget"));
    ASSERT_EQ(tree->topLevelItemCount(), 1);
    EXPECT_TRUE(tree->topLevelItem(0)->child(0)->text(0).contains(QStringLiteral("101 Switching Protocols")));
    // The application protocol the hop spoke (issue 10): the demo's /ws/echo is echoed, decided by the URL.
    EXPECT_TRUE(table->item(0, 5)->text().startsWith(QStringLiteral("echo "))) << table->item(0, 5)->text().toStdString();
    EXPECT_TRUE(table->item(0, 5)->toolTip().contains(QStringLiteral("decided by url"))) << table->item(0, 5)->toolTip().toStdString();
    bool appLine = false;
    for (int i = 0; i < tree->topLevelItem(0)->childCount(); ++i)
        appLine = appLine || tree->topLevelItem(0)->child(i)->text(0).startsWith(QStringLiteral("Application: echo (decided by url)"));
    EXPECT_TRUE(appLine) << "the Application line is shown without opening \"All evidence\"";
    panel->findChild<QPushButton*>(QStringLiteral("copyEvidencePushButton"))->click();
    EXPECT_TRUE(QApplication::clipboard()->text().contains(QStringLiteral("HTTP/1.1 101")));
    bool logged = false;
    for (const ActivityEntry& e : f.activity.snapshot())
        logged = logged || (e.source == QLatin1String("probe") && e.message.contains(QStringLiteral("→ ok")));
    EXPECT_TRUE(logged);

    const QByteArray dir = qgetenv("SOCKETSCOPE_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        window.resize(1280, 800);
        window.show();
        QApplication::processEvents();
        EXPECT_TRUE(window.grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/overview.png")));
    }
}

TEST(OverviewPanel, DirectDownAndPublicRefusedNamesTheUpstreamAndShowsAdvice)
{
    Fixture f;
    OverviewPanel panel(f.context);
    Profile p;
    p.name = QStringLiteral("broken");
    p.directUrl = QStringLiteral("ws://127.0.0.1:%1/ws").arg(lab::freePort());
    p.publicUrl = QStringLiteral("ws://127.0.0.1:%1/ws").arg(lab::freePort());
    panel.setProfile(&p);
    QSignalSpy done(&panel, &OverviewPanel::probesFinished);
    QSignalSpy verdict(&panel, &FeaturePanel::verdictChanged);
    panel.probeNow();
    ASSERT_TRUE(lab::waitForCount(done, 1, 15000));
    auto* table = panel.findChild<QTableWidget*>(QStringLiteral("hopTableWidget"));
    ASSERT_EQ(table->rowCount(), 2);
    EXPECT_TRUE(table->item(1, 7)->text().contains(QStringLiteral("connection_refused")));
    EXPECT_EQ(verdict.last().at(0).toString(), QStringLiteral("down"));
    EXPECT_TRUE(verdict.last().at(1).toString().contains(QStringLiteral("upstream")));
    auto* advice = panel.findChild<QTextBrowser*>(QStringLiteral("adviceTextBrowser"));
    ASSERT_NE(advice, nullptr);
    EXPECT_TRUE(advice->toPlainText().contains(QStringLiteral("Nothing listens")));
}

TEST(OverviewPanel, ProfileWithoutUrlShowsAnInlineBannerNotADialog)
{
    Fixture f;
    OverviewPanel panel(f.context);
    Profile p;
    p.name = QStringLiteral("empty");
    panel.setProfile(&p);
    panel.probeNow();
    EXPECT_FALSE(panel.isProbing());
    EXPECT_TRUE(panel.findChild<QLabel*>(QStringLiteral("overviewBannerLabel"))->text().contains(QStringLiteral("no URL")));
}

TEST(OverviewPanel, ReselectingTheSameProfileKeepsTheResultsAnotherProfileClearsThem)
{
    Fixture f;
    OverviewPanel panel(f.context);
    Profile demo;
    demo.name = QStringLiteral("Local demo");
    demo.builtinDemo = true;
    panel.setProfile(&demo);
    QSignalSpy done(&panel, &OverviewPanel::probesFinished);
    panel.probeNow();
    ASSERT_TRUE(lab::waitForCount(done, 1, 15000));
    auto* table = panel.findChild<QTableWidget*>(QStringLiteral("hopTableWidget"));
    ASSERT_EQ(table->rowCount(), 1);
    Profile renamed = demo;
    renamed.name = QStringLiteral("Local demo (renamed)");
    panel.setProfile(&renamed);
    EXPECT_EQ(table->rowCount(), 1);
    EXPECT_EQ(panel.property("profileName").toString(), QStringLiteral("Local demo (renamed)"));
    Profile other;
    other.name = QStringLiteral("other");
    panel.setProfile(&other);
    EXPECT_EQ(table->rowCount(), 0);
}

// Issue 16: advice that fits the profile. A real nginx cuts the idle WebSocket at 2 s; the profile
// names its nginx site file, so the Advice pane names nginx's directives with the measured
// cutoff, and no HAProxy, AWS or Azure bullet. The empty panes say what to do before that.
TEST(OverviewPanel, AdviceForAnNginxProfileQuotesTheMeasuredCutoffAndNoOtherPlatform)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    Fixture f;
    monitortest::ProxiedEndpoint endpoint(true, QStringLiteral("2s"));
    ASSERT_TRUE(endpoint.ok) << endpoint.nginx.errorLog().toStdString();
    OverviewPanel panel(f.context);
    Profile p;
    p.name = QStringLiteral("chat via nginx");
    p.publicUrl = endpoint.url();
    p.nginx.siteFile = endpoint.nginx.prefix() + QStringLiteral("/sites-available/ws");
    panel.setProfile(&p);
    auto* advice = panel.findChild<QTextBrowser*>(QStringLiteral("adviceTextBrowser"));
    auto* tree = panel.findChild<QTreeWidget*>(QStringLiteral("evidenceTreeWidget"));
    ASSERT_TRUE(advice && tree);
    EXPECT_FALSE(advice->placeholderText().isEmpty());
    ASSERT_EQ(tree->topLevelItemCount(), 1);
    EXPECT_TRUE(tree->topLevelItem(0)->text(0).contains(QStringLiteral("Probe now"))) << tree->topLevelItem(0)->text(0).toStdString();

    panel.findChild<QSpinBox*>(QStringLiteral("holdSecondsSpinBox"))->setValue(4);
    QSignalSpy done(&panel, &OverviewPanel::probesFinished);
    panel.probeNow();
    ASSERT_TRUE(lab::waitForCount(done, 1, 20000));
    const ProbeRun run = profileStates(f.context).state(p.id).probe;
    ASSERT_EQ(run.hops.size(), 1);
    ASSERT_EQ(run.hops.front().result.cause, QStringLiteral("idle_timeout"));
    ASSERT_TRUE(run.hops.front().result.idleCutoffS.has_value());
    const QString cutoff = QStringLiteral("%1 s").arg(*run.hops.front().result.idleCutoffS, 0, 'f', 1);
    const QString text = advice->toPlainText();
    EXPECT_FALSE(text.contains(QStringLiteral("HAProxy"))) << text.toStdString();
    EXPECT_FALSE(text.contains(QStringLiteral("AWS"))) << text.toStdString();
    EXPECT_FALSE(text.contains(QStringLiteral("Azure"))) << text.toStdString();
    bool quoted = false;
    for (const QString& line : text.split(QLatin1Char('\n')))
        quoted = quoted || (line.contains(QStringLiteral("proxy_read_timeout")) && line.contains(cutoff));
    EXPECT_TRUE(quoted) << text.toStdString();
    EXPECT_TRUE(advice->toHtml().contains(QStringLiteral("proxy_read_timeout"))); // `code` rendered, not literal backticks
    EXPECT_FALSE(text.contains(QLatin1Char('`')));
}

// Issue 16: the advice reads the server's own configuration. The profile names its local nginx
// (a site file and the test command that runs it), so after a probe the Overview runs that
// nginx's `nginx -T` on a worker thread and the Advice pane quotes the configured
// `proxy_read_timeout 2s;` on the line that names the measured 2.0 s cutoff — still with no
// HAProxy, AWS or Azure bullet.
TEST(OverviewPanel, AdviceQuotesTheDirectiveFromTheRunningNginxDumpNextToTheMeasuredCutoff)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    Fixture f;
    monitortest::ProxiedEndpoint endpoint(true, QStringLiteral("2s"));
    ASSERT_TRUE(endpoint.ok) << endpoint.nginx.errorLog().toStdString();
    OverviewPanel panel(f.context);
    Profile p;
    p.name = QStringLiteral("chat via local nginx");
    p.publicUrl = endpoint.url();
    p.nginx.siteFile = endpoint.nginx.prefix() + QStringLiteral("/sites-available/ws");
    p.nginx.testCommand = QStringList(QStringList{lab::nginxProgram()} + endpoint.nginx.baseArgs() + QStringList{QStringLiteral("-t")})
                              .join(QLatin1Char(' '));
    panel.setProfile(&p);
    panel.findChild<QSpinBox*>(QStringLiteral("holdSecondsSpinBox"))->setValue(4);
    QSignalSpy done(&panel, &OverviewPanel::probesFinished);
    panel.probeNow();
    ASSERT_TRUE(lab::waitForCount(done, 1, 20000));
    const ProbeRun run = profileStates(f.context).state(p.id).probe;
    ASSERT_EQ(run.hops.size(), 1);
    ASSERT_EQ(run.hops.front().result.cause, QStringLiteral("idle_timeout"));
    ASSERT_TRUE(run.hops.front().result.idleCutoffS.has_value());
    const QString cutoff = QStringLiteral("%1 s").arg(*run.hops.front().result.idleCutoffS, 0, 'f', 1);
    auto* advice = panel.findChild<QTextBrowser*>(QStringLiteral("adviceTextBrowser"));
    ASSERT_NE(advice, nullptr);
    // The dump arrives from the worker thread: the pane is rendered again then.
    const auto quotesBoth = [&] {
        for (const QString& line : advice->toPlainText().split(QLatin1Char('\n')))
            if (line.contains(cutoff) && line.contains(QStringLiteral("proxy_read_timeout 2s;")))
                return true;
        return false;
    };
    EXPECT_TRUE(QTest::qWaitFor(quotesBoth, 20000)) << advice->toPlainText().toStdString();
    const QString text = advice->toPlainText();
    EXPECT_TRUE(text.contains(QStringLiteral("nginx -T of the server"))) << text.toStdString();
    EXPECT_FALSE(text.contains(QStringLiteral("HAProxy"))) << text.toStdString();
    EXPECT_FALSE(text.contains(QStringLiteral("AWS"))) << text.toStdString();
    EXPECT_FALSE(text.contains(QStringLiteral("Azure"))) << text.toStdString();
}
