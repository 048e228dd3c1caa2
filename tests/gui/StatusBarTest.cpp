// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: only the Overview told the window's status bar what runs. Now every panel reports
// through the same seam (FeaturePanel::activityChanged / announced): a monitor's start, state
// changes and stop, a runbook's step n of m and its result, whichever tab is shown. In the real
// main window (offscreen), against a real nginx (a monitor) and the runbook lab's nginx (a dry run).
#include "AppStartup.h"
#include "MainWindow.h"
#include "MonitorLabFixture.h"
#include "lab/RunbookLab.h"
#include "logs/LogSession.h"
#include "logs/LogsPanel.h"
#include "monitor/LivePanel.h"
#include "monitor/MonitorManager.h"
#include "profiles/ProfileListPanel.h"
#include "profiles/ProfileStore.h"
#include "runbook/RunbookEngine.h"
#include "runbook/RunbookPanel.h"

#include <QFile>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

QString keychainService()
{
    return QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

// Every message the status bar showed, in order.
struct StatusLog {
    QStringList seen;
    explicit StatusLog(QStatusBar* bar)
    {
        QObject::connect(bar, &QStatusBar::messageChanged, bar, [this](const QString& m) {
            if (!m.isEmpty())
                seen << m;
        });
    }
    QString all() const { return seen.join(QStringLiteral("\n")); }
};

} // namespace

TEST(StatusBar, AMonitorNamesItselfItsStateAndItsStop)
{
    monitortest::ProxiedEndpoint lab;
    LAB_REQUIRE(lab::NginxLab::skipReason());
    ASSERT_TRUE(lab.ok) << lab::readAll(lab.nginx.errorLog()).toStdString();
    QTemporaryDir dir;
    GuiApplication gui(
        { QStringLiteral("socketscope"), QStringLiteral("--profiles"), dir.filePath(QStringLiteral("p.json")) },
        keychainService());
    MainWindow* w = gui.window();
    w->show();
    QStatusBar* bar = w->statusBar();
    StatusLog log(bar);
    auto* live = w->findChild<LivePanel*>();
    ASSERT_NE(live, nullptr);
    // The Live tab is not the one shown: the status bar speaks for every panel.
    ASSERT_NE(w->findChild<QTabWidget*>(QStringLiteral("featureTabWidget"))->currentWidget(), live);

    MonitorSpec spec;
    spec.name = QStringLiteral("nginx lab");
    spec.options = MonitorSpec::defaultOptions(lab.url());
    spec.intervalS = 0.3;
    spec.longLived = false;
    const int id = live->startMonitor(spec);
    ASSERT_GT(id, 0);
    EXPECT_TRUE(log.all().contains(QStringLiteral("Monitor nginx lab started"))) << log.all().toStdString();
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return bar->currentMessage().contains(QStringLiteral("Monitoring nginx lab ok")); }, 15000))
        << bar->currentMessage().toStdString();

    lab.backend.close(); // nginx answers 502 from now on
    ASSERT_TRUE(QTest::qWaitFor(
        [&] { return bar->currentMessage().contains(QStringLiteral("Monitoring nginx lab down")); }, 15000))
        << bar->currentMessage().toStdString();
    EXPECT_TRUE(log.all().contains(QRegularExpression(QStringLiteral("Monitor nginx lab: down \\(\\w+\\)"))))
        << log.all().toStdString();

    live->manager()->stop(id);
    EXPECT_TRUE(bar->currentMessage().contains(QStringLiteral("Monitor nginx lab stopped")))
        << bar->currentMessage().toStdString();
    EXPECT_FALSE(bar->currentMessage().contains(QStringLiteral("Monitoring"))) << bar->currentMessage().toStdString();
}

TEST(StatusBar, ARunbookDryRunShowsItsStepsAndItsResult)
{
    lab::RunbookLab lab;
    QString error;
    if (!lab.start(&error))
        LAB_UNAVAILABLE(error);
    lab.profile().name = QStringLiteral("runbook lab");
    QTemporaryDir dir;
    GuiApplication gui(
        { QStringLiteral("socketscope"), QStringLiteral("--profiles"), dir.filePath(QStringLiteral("p.json")) },
        keychainService());
    MainWindow* w = gui.window();
    w->show();
    auto* runbook = w->findChild<RunbookPanel*>();
    ASSERT_NE(runbook, nullptr);
    runbook->setRunsDirectory(lab.runsDir());
    runbook->setMonitorSeconds(2);
    ASSERT_TRUE(gui.context().profiles->add(lab.profile()).ok());
    w->profileList()->selectProfile(lab.profile().id);
    ASSERT_TRUE(w->profileList()->currentProfile() && w->profileList()->currentProfile()->id == lab.profile().id);
    runbook->setActOnThisMachine(true);
    QStatusBar* bar = w->statusBar();
    StatusLog log(bar);

    runbook->findChild<QPushButton*>(QStringLiteral("dryRunPushButton"))->click();
    ASSERT_TRUE(runbook->engine());
    QSignalSpy done(runbook->engine(), &RunbookEngine::finished);
    ASSERT_TRUE(lab::waitForCount(done, 1, 60000));
    ASSERT_TRUE(done.first().at(0).toBool()) << done.first().at(1).toString().toStdString();
    // While it ran: "Dry run of <runbook> on runbook lab: step n of m — <step>", n counting up.
    const QRegularExpression step(QStringLiteral("Dry run of .+ on runbook lab: step (\\d+) of (\\d+) — \\S"));
    QList<int> steps;
    int total = 0;
    for (const QString& m : log.seen)
        if (const QRegularExpressionMatch match = step.match(m); match.hasMatch()) {
            steps << match.captured(1).toInt();
            total = match.captured(2).toInt();
        }
    ASSERT_GE(steps.size(), 2) << log.all().toStdString();
    EXPECT_EQ(steps.first(), 1);
    EXPECT_TRUE(std::is_sorted(steps.begin(), steps.end())) << log.all().toStdString();
    EXPECT_EQ(total, int(runbook->engine()->runbook().steps.size()));
    // Then its result, and nothing says it still runs.
    const QString now = bar->currentMessage();
    EXPECT_TRUE(now.contains(QStringLiteral("Dry run of")) && now.contains(QStringLiteral("on runbook lab finished ✔")))
        << now.toStdString();
    EXPECT_FALSE(now.contains(QStringLiteral("step "))) << now.toStdString();
}

TEST(StatusBar, IndexingALogShowsItsProgress)
{
    QTemporaryDir dir;
    const QString log = dir.filePath(QStringLiteral("error.log"));
    {
        QFile f(log);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 20000; ++i)
            f.write(QStringLiteral(
                "2026/12/03 09:%1:00 [error] 7#7: *%2 upstream timed out (110: Connection timed out) while "
                "proxying upgraded connection, client: 127.0.0.1\n")
                        .arg(i % 60, 2, 10, QLatin1Char('0'))
                        .arg(i)
                        .toUtf8());
    }
    GuiApplication gui(
        { QStringLiteral("socketscope"), QStringLiteral("--profiles"), dir.filePath(QStringLiteral("p.json")) },
        keychainService());
    MainWindow* w = gui.window();
    w->show();
    StatusLog status(w->statusBar());
    auto* logs = w->findChild<LogsPanel*>();
    ASSERT_NE(logs, nullptr);
    w->openLog(log);
    ASSERT_TRUE(
        QTest::qWaitFor([&] { return !logs->session().isIndexing() && logs->session().lineCount() == 20000; }, 30000));
    EXPECT_TRUE(status.all().contains(QRegularExpression(QStringLiteral("Indexing local file .*error\\.log — \\d+ %"))))
        << status.all().toStdString();
    EXPECT_FALSE(w->statusBar()->currentMessage().contains(QStringLiteral("Indexing"))) << "done: it no longer says so";
}
