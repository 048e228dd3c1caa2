// SPDX-License-Identifier: GPL-3.0-or-later
// What the frame wires between panels, as a user sees it in the real window (offscreen): probing
// the Local demo from the Overview tab turns its list entry and the header to "ok"; handing a fix
// from the Config tab to the runbook opens the Runbook tab with that file, runbook and diff.
#include "AppContext.h"
#include "AppStartup.h"
#include "MainWindow.h"
#include "lab/Lab.h"
#include "monitor/LivePanel.h"
#include "nginx/ConfigPanel.h"
#include "probe/OverviewPanel.h"
#include "runbook/RunbookPanel.h"

#include <QComboBox>
#include <QDeadlineTimer>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QUuid>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {
QString keychainService() { return QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces); }
} // namespace

TEST(MainWindowWiring, ProbingTheDemoTurnsItsListEntryAndTheHeaderOk)
{
    QTemporaryDir dir;
    GuiApplication gui({QStringLiteral("socketscope"), QStringLiteral("--profiles"), dir.filePath(QStringLiteral("p.json"))},
                       keychainService());
    MainWindow* w = gui.window();
    w->show();
    auto* overview = w->findChild<OverviewPanel*>();
    ASSERT_NE(overview, nullptr);
    QSignalSpy done(overview, &OverviewPanel::probesFinished);
    overview->probeNow();
    ASSERT_TRUE(lab::waitForCount(done, 1, 20000));

    auto* list = w->findChild<QListWidget*>(QStringLiteral("profileListWidget"));
    ASSERT_NE(list, nullptr);
    ASSERT_EQ(list->count(), 1);
    EXPECT_EQ(list->item(0)->text(), QStringLiteral("Local demo — ok"));
    const QString header = w->findChild<QLabel*>(QStringLiteral("verdictHeaderLabel"))->text();
    EXPECT_TRUE(header.contains(QStringLiteral("Local demo")) && header.contains(QStringLiteral(" ok ")))
        << header.toStdString();
}

TEST(MainWindowWiring, HandingAFixToTheRunbookOpensTheRunbookTab)
{
    QTemporaryDir dir;
    GuiApplication gui({QStringLiteral("socketscope"), QStringLiteral("--profiles"), dir.filePath(QStringLiteral("p.json"))},
                       keychainService());
    MainWindow* w = gui.window();
    auto* config = w->findChild<ConfigPanel*>();
    auto* runbook = w->findChild<RunbookPanel*>();
    ASSERT_NE(config, nullptr);
    ASSERT_NE(runbook, nullptr);
    w->tabs()->setCurrentWidget(config);
    const QString site = QStringLiteral("/etc/nginx/sites-available/neo4j");
    ASSERT_NE(runbook->siteFile(), site) << "the demo profile names no such site file";
    auto* runbooks = runbook->findChild<QComboBox*>(QStringLiteral("runbookComboBox"));
    ASSERT_NE(runbooks, nullptr);
    runbooks->setCurrentIndex(-1); // no runbook chosen: the handover must choose the one that applies the fix
    const QByteArray diff("--- a/neo4j\n+++ b/neo4j\n@@ -3,1 +3,2 @@\n+        proxy_http_version 1.1;\n");
    HandedFix fix;
    fix.path = site;
    fix.fixedText = QByteArray("fixed");
    fix.diff = diff;
    fix.findings = {QStringLiteral("WS001 (error) line 3: no proxy_http_version 1.1")};
    fix.scope.endpointPaths = {QStringLiteral("/ws/")};
    emit config->handToRunbook(fix);
    EXPECT_EQ(w->tabs()->currentWidget(), runbook);
    // What the runbook received: the file its next run patches, the runbook that applies the fix,
    // and the diff shown to the user.
    EXPECT_EQ(runbook->siteFile(), site);
    EXPECT_EQ(runbooks->currentData().toString(), QStringLiteral("nginx-websocket-fix"));
    EXPECT_TRUE(runbook->findChild<QLabel*>(QStringLiteral("bannerLabel"))->text().contains(site));
    const QString output = runbook->findChild<QPlainTextEdit*>(QStringLiteral("outputPlainTextEdit"))->toPlainText();
    EXPECT_TRUE(output.contains(QString::fromUtf8(diff)));
    // ...and what the user reviewed: the endpoint and the findings, planned again with that scope.
    EXPECT_TRUE(output.contains(QStringLiteral("endpoint /ws/"))) << output.toStdString();
    EXPECT_TRUE(output.contains(fix.findings.front()));
    ASSERT_TRUE(runbook->handedScope().has_value());
    EXPECT_EQ(runbook->handedScope()->endpointPaths, fix.scope.endpointPaths);
}

TEST(MainWindowWiring, ALiveMonitorSetsTheHeaderAndTheListEntry)
{
    QTemporaryDir dir;
    GuiApplication gui({QStringLiteral("socketscope"), QStringLiteral("--profiles"), dir.filePath(QStringLiteral("p.json"))},
                       keychainService());
    MainWindow* w = gui.window();
    w->show();
    auto* live = w->findChild<LivePanel*>();
    ASSERT_NE(live, nullptr);
    ASSERT_GT(live->startMonitor(), 0) << "a monitor for the selected profile (the Local demo)";
    auto* header = w->findChild<QLabel*>(QStringLiteral("verdictHeaderLabel"));
    auto* list = w->findChild<QListWidget*>(QStringLiteral("profileListWidget"));
    QDeadlineTimer deadline(20000);
    while (!header->text().contains(QStringLiteral("live monitor")) && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    EXPECT_TRUE(header->text().contains(QStringLiteral("Local demo")) && header->text().contains(QStringLiteral(" ok ")))
        << header->text().toStdString();
    EXPECT_TRUE(header->text().contains(QStringLiteral("live monitor"))) << header->text().toStdString();
    EXPECT_EQ(list->item(0)->text(), QStringLiteral("Local demo — ok"));
}
