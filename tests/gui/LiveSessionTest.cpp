// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16, Live semantics: a cut long-lived connection makes the monitor degraded with the cut
// as its cause (never "degraded — ok"), the timeline shows it as degraded, the CSV export has the
// 1006 close, Stop keeps the session (charts, events, export) until Clear, and Export is offered
// only when there is something to export. Scripted probe results (see ScriptedLauncher.h): these
// check what the panel does with results; MonitorLiveTest runs the real thing through nginx.
#include "monitor/ScriptedLauncher.h"

#include "AppContext.h"
#include "lab/Lab.h"
#include "monitor/LivePanel.h"
#include "monitor/MonitorCharts.h"
#include "monitor/MonitorManager.h"
#include "profiles/Profile.h"

#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <gtest/gtest.h>
#include <qcustomplot.h>

using namespace socketscope;
using socketscope::scripted::ScriptedLauncher;

TEST(LiveSession, ACutIsACutAndStopKeepsTheSessionUntilCleared)
{
    ScriptedLauncher launcher;
    ProbeResult cut = scripted::okResult(1.0);
    cut.cause = QStringLiteral("abnormal_closure");
    cut.ok = false;
    cut.closeCode = 1006;
    cut.closedBy = ClosedBy::ServerFin;
    cut.heldS = 0.2; // the event is stamped start + held: keep it before the next samples
    // The periodic probe (first) is ok, the long-lived connection (second) is cut, then all ok.
    launcher.script = {scripted::okResult(1.0), cut, scripted::okResult(1.1)};
    AppContext ctx;
    LivePanel panel(ctx, nullptr, &launcher);
    panel.resize(1024, 700);
    panel.show();
    Profile p;
    p.name = QStringLiteral("chat");
    p.publicUrl = QStringLiteral("ws://127.0.0.1:9/ws/echo");
    panel.setProfile(&p);
    auto* exportButton = panel.findChild<QToolButton*>(QStringLiteral("exportToolButton"));
    ASSERT_NE(exportButton, nullptr);
    EXPECT_FALSE(exportButton->isEnabled()) << "nothing to export yet";
    EXPECT_FALSE(panel.charts()->rttPlot()->xAxis->tickLabels()) << "an empty chart shows no (epoch) time axis";

    MonitorSpec spec = MonitorSpec::fromProfile(p);
    spec.intervalS = 0.3;
    spec.longLived = true;
    spec.longLivedMaxS = 600;
    const int id = panel.startMonitor(spec);
    ASSERT_TRUE(QTest::qWaitFor([&] {
        const Monitor* m = panel.manager()->monitor(id);
        return m && m->longLivedBroken && m->buffer.rawCount() >= 3;
    }, 10000));
    const Monitor* m = panel.manager()->monitor(id);
    EXPECT_EQ(panel.stateWord(id), QStringLiteral("degraded"));
    const QString state = panel.findChild<QLabel*>(QStringLiteral("stateLabel"))->text();
    EXPECT_TRUE(state.contains(QStringLiteral("degraded"))) << state.toStdString();
    EXPECT_FALSE(state.endsWith(QStringLiteral("— ok"))) << state.toStdString();
    // The reason is the latest close of the long-lived connection (it reconnects after each).
    EXPECT_TRUE(state.contains(QStringLiteral("Long-lived connection closed after")) && state.contains(QStringLiteral("(abnormal_closure)")))
        << state.toStdString();
    // The timeline colours the time since the cut as degraded, although every probe was ok.
    MonitorCharts* charts = panel.charts();
    charts->refreshNow();
    ASSERT_TRUE(QTest::qWaitFor([&] { charts->refreshNow(); return charts->latestTimelineState() == QLatin1String("degraded"); }, 5000))
        << charts->latestTimelineState().toStdString();
    EXPECT_TRUE(exportButton->isEnabled());
    EXPECT_TRUE(charts->rttPlot()->xAxis->tickLabels());

    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("samples.csv"));
    ASSERT_TRUE(panel.exportSamplesCsv(csv).ok());
    EXPECT_TRUE(lab::readAll(csv).contains(",1006,server_fin,")) << lab::readAll(csv).constData();

    // Stop: no more probes, but the charts, the events and the export stay.
    auto* stop = panel.findChild<QPushButton*>(QStringLiteral("stopPushButton"));
    ASSERT_NE(stop, nullptr);
    stop->click();
    ASSERT_NE(panel.manager()->monitor(id), nullptr);
    EXPECT_EQ(panel.stateWord(id), QStringLiteral("stopped"));
    EXPECT_EQ(charts->monitor(), m);
    EXPECT_GT(panel.findChild<QListWidget*>(QStringLiteral("eventsListWidget"))->count(), 0);
    EXPECT_TRUE(exportButton->isEnabled());
    EXPECT_TRUE(panel.exportSamplesCsv(csv).ok());
    EXPECT_FALSE(stop->isEnabled());

    // Clear forgets the session; then there is nothing to export.
    panel.findChild<QPushButton*>(QStringLiteral("removePushButton"))->click();
    EXPECT_EQ(panel.manager()->monitor(id), nullptr);
    EXPECT_EQ(charts->monitor(), nullptr);
    EXPECT_FALSE(exportButton->isEnabled());
    EXPECT_FALSE(charts->rttPlot()->xAxis->tickLabels());
}

// Issue 16: the same close repeated close together is one label "… ×N", not a row of overlapping,
// clipped copies.
TEST(LiveSession, RepeatedClosesAggregateIntoOneLabel)
{
    ScriptedLauncher launcher;
    ProbeResult cut = scripted::okResult(1.0);
    cut.cause = QStringLiteral("abnormal_closure");
    cut.ok = false;
    cut.closeCode = 1006;
    cut.closedBy = ClosedBy::ServerFin;
    launcher.script = {cut};
    AppContext ctx;
    LivePanel panel(ctx, nullptr, &launcher);
    panel.resize(1024, 700);
    panel.show();
    MonitorSpec spec;
    spec.name = QStringLiteral("cut");
    spec.options = MonitorSpec::defaultOptions(QStringLiteral("ws://127.0.0.1:9/ws/echo"));
    spec.intervalS = 0.2;
    const int id = panel.startMonitor(spec);
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel.manager()->monitor(id)->buffer.rawCount() >= 5; }, 10000));
    panel.manager()->pause(id);
    MonitorCharts* charts = panel.charts();
    charts->refreshNow();
    const QStringList labels = charts->timelineLabels();
    EXPECT_EQ(labels.filter(QStringLiteral("close 1006 server_fin")).size(), 1) << labels.join(QStringLiteral("; ")).toStdString();
    EXPECT_FALSE(labels.filter(QStringLiteral("close 1006 server_fin ×")).isEmpty()) << labels.join(QStringLiteral("; ")).toStdString();
    // Not clipped: the newest close sits next to "now" at the right edge; its label stays whole
    // inside the plot (it was centred on the marker, half of it cut off).
    QCustomPlot* timeline = charts->timelinePlot();
    timeline->replot(QCustomPlot::rpImmediateRefresh);
    const QRect area = timeline->axisRect()->rect();
    int checked = 0;
    for (int i = 0; i < timeline->itemCount(); ++i) {
        auto* text = qobject_cast<QCPItemText*>(timeline->item(i));
        if (!text)
            continue;
        const QPointF left = text->topLeft->pixelPosition(), right = text->bottomRight->pixelPosition();
        EXPECT_GE(left.x(), area.left()) << text->text().toStdString();
        EXPECT_LE(right.x(), area.right() + 1) << text->text().toStdString() << ": " << right.x() << " > " << area.right();
        ++checked;
    }
    EXPECT_GT(checked, 0);
}

// Issue 16: the same red event again and again (the long-lived connection cut at every reconnect)
// filled the event list with copies. Consecutive repeats are one row "first–last  text ×N".
TEST(LiveSession, TheSameRedEventRepeatingIsOneRow)
{
    ScriptedLauncher launcher;
    ProbeResult cut = scripted::okResult(1.0);
    cut.cause = QStringLiteral("abnormal_closure");
    cut.ok = false;
    cut.closeCode = 1006;
    cut.closedBy = ClosedBy::ServerFin;
    launcher.script = {cut};
    AppContext ctx;
    LivePanel panel(ctx, nullptr, &launcher);
    panel.resize(1024, 700);
    panel.show();
    MonitorSpec spec;
    spec.name = QStringLiteral("cut");
    spec.options = MonitorSpec::defaultOptions(QStringLiteral("ws://127.0.0.1:9/ws/echo"));
    spec.intervalS = 0.2;
    spec.longLived = true;
    const int id = panel.startMonitor(spec);
    const auto closes = [&] {
        int n = 0;
        const Monitor* m = panel.manager()->monitor(id);
        for (int i = 0; i < m->events.size(); ++i)
            n += m->events.at(i).kind == MonitorEvent::Kind::ConnectionClosed;
        return n;
    };
    ASSERT_TRUE(QTest::qWaitFor([&] { return closes() >= 4; }, 10000));
    panel.manager()->pause(id);
    const int n = closes();
    auto* events = panel.findChild<QListWidget*>(QStringLiteral("eventsListWidget"));
    QStringList rows;
    for (int i = 0; i < events->count(); ++i)
        rows << events->item(i)->text();
    const QStringList closeRows = rows.filter(QStringLiteral("Long-lived connection closed"));
    ASSERT_EQ(closeRows.size(), 1) << rows.join(QStringLiteral("\n")).toStdString();
    EXPECT_TRUE(closeRows.first().endsWith(QStringLiteral("×%1").arg(n))) << closeRows.first().toStdString() << " for " << n;
    EXPECT_TRUE(closeRows.first().contains(QStringLiteral("–"))) << "first–last time: " << closeRows.first().toStdString();
    // Selecting the monitor again rebuilds the list from the events: the same one row.
    panel.selectMonitor(0);
    panel.selectMonitor(id);
    EXPECT_EQ(events->findItems(QStringLiteral("Long-lived connection closed"), Qt::MatchContains).size(), 1);
}
