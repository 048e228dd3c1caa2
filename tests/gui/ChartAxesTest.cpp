// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: at 1024×700 the Live charts' time labels crowded each other. The charts as wide as
// they are in a 1024 px window (at its narrowest, and as wide as at 1920), a real monitor against
// the in-process reference endpoint: between two time labels there is at least half a label of
// space (before: 17 px between 55 px labels at 780 px).
#include "AppContext.h"
#include "core/ActivityLog.h"
#include "monitor/LivePanel.h"
#include "monitor/MonitorCharts.h"
#include "monitor/MonitorManager.h"
#include "server/ReferenceServer.h"

#include <QApplication>
#include <QTest>
#include <qcustomplot.h>

#include <gtest/gtest.h>

#include <memory>

using namespace socketscope;

namespace {

// The narrowest space between two consecutive tick labels (spacing minus the widest label) as a
// share of the widest label: < 0 when two labels overlap.
double worstGap(QCustomPlot* plot)
{
    plot->replot(QCustomPlot::rpImmediateRefresh);
    const QVector<double> ticks = plot->xAxis->tickVector();
    const QVector<QString> labels = plot->xAxis->tickVectorLabels();
    const QFontMetrics fm(plot->xAxis->tickLabelFont());
    int widest = 0;
    for (const QString& label : labels)
        for (const QString& line : label.split(QLatin1Char('\n')))
            widest = std::max(widest, fm.horizontalAdvance(line));
    double worst = std::numeric_limits<double>::max();
    for (int i = 1; i < ticks.size(); ++i)
        worst = std::min(worst,
            (plot->xAxis->coordToPixel(ticks.at(i)) - plot->xAxis->coordToPixel(ticks.at(i - 1)) - widest)
                / std::max(1, widest));
    return worst;
}

// A Live tab as wide as in a 1024×700 window, monitoring the in-process reference endpoint every
// 0.3 s, with at least two RTT points drawn.
class ChartAxes : public ::testing::Test {
protected:
    void SetUp() override
    {
        ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
        ctx.activity = &activity;
        live = std::make_unique<LivePanel>(ctx);
        MonitorSpec spec;
        spec.name = QStringLiteral("axes");
        spec.options = MonitorSpec::defaultOptions(server.echoUrl());
        spec.intervalS = 0.3;
        live->resize(780, 560); // the Live tab in a 1024×700 window
        live->show();
        ASSERT_GT(live->startMonitor(spec), 0);
        charts = live->charts();
        ASSERT_TRUE(QTest::qWaitFor([&] { return charts->rttPointCount() >= 2; }, 15000));
    }

    ReferenceServer server;
    ActivityLog activity;
    AppContext ctx;
    std::unique_ptr<LivePanel> live;
    MonitorCharts* charts = nullptr;
};

} // namespace

TEST_F(ChartAxes, TimeLabelsNeverOverlapAtNarrowOrWideWidths)
{
    LivePanel& panel = *live;
    const int narrowest = panel.minimumSizeHint().width(); // the Live tab when the profile list is widened
    for (const MonitorCharts::Range range :
        { MonitorCharts::Range::FiveMinutes, MonitorCharts::Range::OneHour, MonitorCharts::Range::Day }) {
        charts->setRange(range);
        for (const int width : { narrowest, 780, 1400 }) {
            panel.resize(width, 560);
            QApplication::processEvents();
            for (QCustomPlot* plot : { charts->rttPlot(), charts->phasesPlot(), charts->timelinePlot() }) {
                // At least half a label of space between two labels (they used to nearly touch).
                const double gap = worstGap(plot);
                EXPECT_GE(gap, 0.5) << "panel " << width << " px, chart " << plot->width() << " px: labels "
                                    << plot->xAxis->tickVectorLabels()
                                           .join(QStringLiteral(" | "))
                                           .replace(QLatin1Char('\n'), QLatin1Char(' '))
                                           .toStdString();
                EXPECT_GE(plot->xAxis->tickVector().size(), 2) << "at least two times on the axis";
            }
        }
    }
}

// Issue 16: the legends sat inside the plot (top left) and covered the newest data, the tick
// labels and the axis label while a monitor ran. In a 1024×700 window (and at the Live tab's
// narrowest), with a real monitor running: each legend is shown, lies outside the axis rect
// (its margins with the tick and axis labels included) and inside its chart, uncut.
TEST_F(ChartAxes, LegendsStayOutsideThePlotArea)
{
    LivePanel& panel = *live;
    for (const int width : { panel.minimumSizeHint().width(), 780, 1400 }) {
        panel.resize(width, 560);
        QApplication::processEvents();
        for (QCustomPlot* plot : { charts->rttPlot(), charts->phasesPlot() }) {
            plot->replot(QCustomPlot::rpImmediateRefresh);
            const QRect legend = plot->legend->outerRect();
            const QRect axes = plot->axisRect()->outerRect();
            EXPECT_TRUE(plot->legend->visible());
            EXPECT_GT(legend.height(), 0);
            EXPECT_FALSE(legend.intersects(axes))
                << "panel " << width << " px: legend (" << legend.x() << "," << legend.y() << " " << legend.width() << "×"
                << legend.height() << ") over the axis rect (" << axes.x() << "," << axes.y() << " " << axes.width() << "×"
                << axes.height() << ")";
            EXPECT_TRUE(plot->rect().contains(legend)) << "panel " << width << " px: the legend is cut (" << legend.width()
                                                      << " px wide in a " << plot->width() << " px chart)";
        }
    }
}
