// SPDX-License-Identifier: GPL-3.0-or-later
// Chart replot cost at 1280x720 offscreen, each next to a reference measured in the same run:
//   1. 1 M points, adaptive sampling on   vs  an empty plot's replot
//   2. a full frame of 50 live series     vs  a frame of 1 live series
// Run: QT_QPA_PLATFORM=offscreen build/release/bench/ui_chart_bench
#include <QApplication>
#include <QElapsedTimer>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace {

struct Stats { double median, p95, max; };

Stats stats(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const auto at = [&v](double q) { return v[std::min(v.size() - 1, size_t(std::ceil(q * double(v.size()))) - 1)]; };
    return {at(0.5), at(0.95), v.back()};
}

double timeReplot(QCustomPlot& plot)
{
    QElapsedTimer t;
    t.start();
    plot.replot(QCustomPlot::rpImmediateRefresh);
    return double(t.nsecsElapsed()) / 1e6;
}

void setupPlot(QCustomPlot& plot)
{
    plot.resize(1280, 720);
    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    plot.xAxis->setTicker(ticker);
    plot.show();
}

void print(const char* what, const Stats& s, const Stats& ref, const char* refName)
{
    std::printf("%-44s median %7.2f ms  p95 %7.2f ms  max %7.2f ms   | reference (%s): median %6.2f ms p95 %6.2f ms\n",
                what, s.median, s.p95, s.max, refName, ref.median, ref.p95);
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IONBF, 0);
    constexpr int kRuns = 40;
    const double t0 = 1.7e9;

    // Reference: an empty plot with the same axes.
    QCustomPlot empty;
    setupPlot(empty);
    empty.xAxis->setRange(t0, t0 + 1e6);
    for (int i = 0; i < 5; ++i)
        timeReplot(empty);
    std::vector<double> emptyTimes;
    for (int i = 0; i < kRuns; ++i)
        emptyTimes.push_back(timeReplot(empty));
    const Stats emptyStats = stats(emptyTimes);
    std::printf("empty replot: median %.2f ms\n", emptyStats.median);

    // 1 M points, adaptive sampling (the default the charts rely on), RTT-like noise.
    QCustomPlot big;
    setupPlot(big);
    QCPGraph* g = big.addGraph();
    g->setAdaptiveSampling(true);
    g->setPen(QPen(QColor(0, 114, 178), 1)); // cosmetic 1 px: a wide antialiased pen over noise costs seconds
    {
        QVector<double> x(1000000), y(1000000);
        for (int i = 0; i < x.size(); ++i) {
            x[i] = t0 + i;
            y[i] = 1.0 + 0.3 * std::sin(i * 0.001) + 0.2 * double((qint64(i) * 7919) % 101) / 101.0 + ((i % 5000) == 0 ? 20 : 0);
        }
        g->setData(x, y, true);
    }
    big.xAxis->setRange(t0, t0 + 1e6);
    big.yAxis->setRange(0, 25);
    for (int i = 0; i < 3; ++i)
        timeReplot(big);
    std::vector<double> bigTimes;
    for (int i = 0; i < kRuns; ++i)
        bigTimes.push_back(timeReplot(big));
    print("replot 1M points, adaptive sampling", stats(bigTimes), emptyStats, "empty plot");
    big.setNotAntialiasedElements(QCP::aePlottables);
    bigTimes.clear();
    for (int i = 0; i < kRuns; ++i)
        bigTimes.push_back(timeReplot(big));
    print("  same, not antialiased", stats(bigTimes), emptyStats, "empty plot");

    // Live frames: each frame appends one point per series and replots the last hour.
    const auto liveFrames = [&](int series, bool antialiased) {
        QCustomPlot live;
        setupPlot(live);
        if (!antialiased)
            live.setNotAntialiasedElements(QCP::aePlottables);
        std::vector<QCPGraph*> graphs;
        for (int s = 0; s < series; ++s) {
            QCPGraph* lg = live.addGraph();
            lg->setPen(QPen(QColor::fromHsv((s * 37) % 360, 200, 200), 1));
            for (int i = 0; i < 3600; ++i)
                lg->addData(t0 + i, 1.0 + s * 0.1 + 0.05 * std::sin(i * 0.01 + s));
            graphs.push_back(lg);
        }
        live.yAxis->setRange(0, 7);
        std::vector<double> times;
        for (int f = 0; f < 200; ++f) {
            const double x = t0 + 3600 + f;
            QElapsedTimer t;
            t.start();
            for (int s = 0; s < series; ++s)
                graphs[size_t(s)]->addData(x, 1.0 + s * 0.1 + 0.05 * std::sin(x * 0.01 + s));
            live.xAxis->setRange(x - 3600, x);
            live.replot(QCustomPlot::rpImmediateRefresh);
            if (f >= 10)
                times.push_back(double(t.nsecsElapsed()) / 1e6);
        }
        return stats(times);
    };
    const Stats one = liveFrames(1, true);
    print("frame of 50 live series (1 h x 1 Hz each)", liveFrames(50, true), one, "1 series");
    const Stats oneFlat = liveFrames(1, false);
    print("  same, series not antialiased", liveFrames(50, false), oneFlat, "1 series");
    return 0;
}
