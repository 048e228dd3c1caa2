// SPDX-License-Identifier: GPL-3.0-or-later
// What the frame wires between panels, as a user sees it in the real window (offscreen): probing
// the Local demo from the Overview tab turns its list entry and the header to "ok"; handing a fix
// from the Config tab to the runbook opens the Runbook tab.
#include "AppContext.h"
#include "AppStartup.h"
#include "MainWindow.h"
#include "lab/Lab.h"
#include "monitor/LivePanel.h"
#include "nginx/ConfigPanel.h"
#include "probe/OverviewPanel.h"
#include "runbook/RunbookPanel.h"

#include <QDeadlineTimer>
#include <QLabel>
#include <QListWidget>
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
    emit config->handToRunbook(QStringLiteral("/etc/nginx/sites-available/neo4j"), QByteArray("fixed"), QByteArray("diff"));
    EXPECT_EQ(w->tabs()->currentWidget(), runbook);
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
