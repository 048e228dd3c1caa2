// SPDX-License-Identifier: GPL-3.0-or-later
// The Live tab against real servers: the in-process reference endpoint, and a real nginx in front of it.
#include "MonitorLabFixture.h"

#include "AppContext.h"
#include "core/ActivityLog.h"
#include "monitor/LivePanel.h"
#include "monitor/MonitorCharts.h"
#include "monitor/MonitorManager.h"

#include <QDateTime>
#include <QApplication>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>
#include <qcustomplot.h>

using namespace socketscope;

namespace {

MonitorSpec fastSpec(const QString& url, bool longLived)
{
    MonitorSpec spec;
    spec.name = QStringLiteral("lab");
    spec.options = MonitorSpec::defaultOptions(url);
    spec.intervalS = 0.3;
    spec.longLived = longLived;
    return spec;
}

// Drags a widget horizontally with the left button, as a user pans a chart.
void drag(QWidget* w, QPoint from, QPoint to)
{
    const auto send = [w](QEvent::Type type, QPoint pos, Qt::MouseButton button, Qt::MouseButtons buttons) {
        QMouseEvent e(type, QPointF(pos), QPointF(w->mapToGlobal(pos)), button, buttons, Qt::NoModifier);
        QApplication::sendEvent(w, &e);
    };
    send(QEvent::MouseButtonPress, from, Qt::LeftButton, Qt::LeftButton);
    for (int i = 1; i <= 4; ++i)
        send(QEvent::MouseMove, from + (to - from) * i / 4, Qt::NoButton, Qt::LeftButton);
    send(QEvent::MouseButtonRelease, to, Qt::LeftButton, Qt::NoButton);
}

// Where screenshots go when SOCKETSCOPE_SCREENSHOT_DIR is set (docs/screenshots is made this way).
void maybeScreenshot(QWidget& w, const char* name)
{
    const QString dir = qEnvironmentVariable("SOCKETSCOPE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        w.grab().save(dir + QLatin1Char('/') + QString::fromLatin1(name));
}

} // namespace

TEST(MonitorLive, MonitorAgainstLabEndpointFillsTheChart)
{
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    ActivityLog activity;
    AppContext ctx;
    ctx.activity = &activity;
    LivePanel panel(ctx);
    panel.resize(1280, 800);
    panel.show();
    const int id = panel.startMonitor(fastSpec(server.echoUrl(), true));
    ASSERT_GT(id, 0);
    MonitorCharts* charts = panel.charts();
    ASSERT_TRUE(QTest::qWaitFor([&] { return charts->rttPointCount() >= 3; }, 15000))
        << "echo points drawn: " << charts->rttPointCount();
    const int first = charts->rttPointCount();
    ASSERT_TRUE(QTest::qWaitFor([&] { return charts->rttPointCount() > first; }, 10000)) << "the chart keeps filling";
    EXPECT_EQ(panel.stateWord(id), QStringLiteral("ok"));
    EXPECT_EQ(charts->latestTimelineState(), QStringLiteral("up"));
    const Monitor* m = panel.manager()->monitor(id);
    EXPECT_EQ(m->buffer.causeName(m->buffer.raw(0).causeIndex), QStringLiteral("ok"));
    EXPECT_GT(m->buffer.raw(0).echoMedian, 0.0f);
    EXPECT_TRUE(charts->following());
    // Zooming into the past stops live follow.
    charts->setRange(MonitorCharts::Range::FiveMinutes);
    const QPoint centre = charts->rttPlot()->rect().center();
    drag(charts->rttPlot(), centre, centre + QPoint(400, 0));
    EXPECT_FALSE(charts->following()) << "dragging the view into the past turns live follow off";
    charts->setFollowing(true);
    if (!qEnvironmentVariableIsEmpty("SOCKETSCOPE_SCREENSHOT_DIR")) {
        // For the documentation picture: a few dozen probes, the last 15 s in view.
        ASSERT_TRUE(QTest::qWaitFor([&] { return m->buffer.rawCount() >= 45; }, 60000));
        charts->setFollowing(false);
        const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
        charts->rttPlot()->xAxis->setRange(now - 15, now + 0.5);
        charts->refreshNow();
        QTest::qWait(200); // let the queued replot paint before grabbing (screenshot only)
        maybeScreenshot(panel, "live.png");
    }
}

TEST(MonitorLive, StoppingTheBackendTurnsTheTimelineRedWithTheCloseMarker)
{
    monitortest::ProxiedEndpoint lab;
    LAB_REQUIRE(lab::NginxLab::skipReason());
    ASSERT_TRUE(lab.ok) << lab::readAll(lab.nginx.errorLog()).toStdString();
    AppContext ctx;
    LivePanel panel(ctx);
    panel.resize(1280, 800);
    panel.show();
    QSignalSpy verdicts(&panel, &FeaturePanel::verdictChanged);
    const int id = panel.startMonitor(fastSpec(lab.url(), true));
    MonitorCharts* charts = panel.charts();
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel.stateWord(id) == QLatin1String("ok") && lab.backend.connectionCount() >= 1; }, 15000));
    ASSERT_TRUE(QTest::qWaitFor([&] { return charts->latestTimelineState() == QLatin1String("up"); }, 5000));

    lab.backend.close(); // the backend goes away: nginx drops the tunnel and answers 502 from now on
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel.stateWord(id) == QLatin1String("down"); }, 15000))
        << "state: " << panel.stateWord(id).toStdString();
    ASSERT_TRUE(QTest::qWaitFor([&] { return charts->latestTimelineState() == QLatin1String("down"); }, 5000))
        << "timeline: " << charts->latestTimelineState().toStdString();
    const Monitor* m = panel.manager()->monitor(id);
    const Sample& last = m->buffer.raw(m->buffer.rawCount() - 1);
    EXPECT_EQ(last.httpStatus, 502);
    // The window's header and the profile's dot follow: the panel's verdict went ok, then down
    // with the probe's cause in words.
    ASSERT_GE(verdicts.size(), 2);
    EXPECT_EQ(verdicts.first().at(0).toString(), QStringLiteral("ok"));
    EXPECT_EQ(verdicts.last().at(0).toString(), QStringLiteral("down"));
    EXPECT_TRUE(verdicts.last().at(1).toString().contains(QStringLiteral("502"))) << verdicts.last().at(1).toString().toStdString();
    // The long-lived connection's end is on the timeline: abnormal closure, the server side cut TCP.
    ASSERT_TRUE(QTest::qWaitFor([&] { return !charts->markerLabels().isEmpty(); }, 5000));
    EXPECT_TRUE(charts->markerLabels().contains(QStringLiteral("close 1006 server_fin")))
        << charts->markerLabels().join(QStringLiteral("; ")).toStdString();
    // Hovering the marker shows the evidence of that close.
    MonitorEvent close;
    for (int i = 0; i < m->events.size(); ++i) // the upgraded connection's close (the marker), not a later refused probe's
        if (m->events.at(i).kind == MonitorEvent::Kind::ConnectionClosed && m->events.at(i).httpStatus == 101)
            close = m->events.at(i);
    const QString hover = charts->evidenceText(double(close.timeMs) / 1000.0, 0.5);
    EXPECT_TRUE(hover.contains(QStringLiteral("1006"))) << hover.toStdString();
}
