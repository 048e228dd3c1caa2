// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "monitor/ChartPalette.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QCPGraph;
class QTimer;

namespace socketscope {

struct Monitor;

// The live charts of one monitor: echo/ping RTT with median line and min–max band, handshake
// phases, and the connection-state timeline with close and diagnosis markers. They only draw what
// the monitor's SampleBuffer hands them; refreshes are coalesced and replots queued.
class MonitorCharts : public QWidget {
    Q_OBJECT
public:
    enum class Range { FiveMinutes, OneHour, Day, All };

    explicit MonitorCharts(QWidget* parent = nullptr);
    // Shows a monitor (borrowed; must outlive the chart or be cleared with nullptr).
    void setMonitor(const Monitor* monitor);
    const Monitor* monitor() const { return m_monitor; }
    // New samples or events: refresh soon (coalesced to one rebuild per ~100 ms).
    void scheduleRefresh();
    // Rebuilds the plotted data for the current range now and queues a replot.
    void refreshNow();
    void setRange(Range range);
    Range range() const { return m_range; }
    // Live follow: the x range tracks "now". Turned off when the user pans or zooms into the past.
    void setFollowing(bool follow);
    bool following() const { return m_following; }

    QCustomPlot* rttPlot() const { return m_rtt; }
    QCustomPlot* phasesPlot() const { return m_phases; }
    QCustomPlot* timelinePlot() const { return m_timeline; }
    // Points in the echo median line (what a test or status line checks).
    int rttPointCount() const;
    // The marker labels drawn on the timeline (e.g. "close 1006 server_fin", "→ backend_down").
    QStringList markerLabels() const;
    // The labels drawn on the timeline (overlapping ones aggregated: "close 1006 server_fin ×3").
    QStringList timelineLabels() const;
    // The timeline state drawn at a time (seconds since the epoch): "up", "degraded", "down" or "".
    QString timelineStateAt(double tS) const;
    // The newest state span's state, "" when none.
    QString latestTimelineState() const;
    // The hover text for a time on the timeline: nearest marker's evidence, else the probe's.
    QString evidenceText(double tS, double tolS) const;
    // Saves the three charts as BASE-rtt/-phases/-timeline .png (or .pdf). Paths in *written.
    Status saveImages(const QString& dir, const QString& base, bool pdf, int width, int height,
                      QStringList* written = nullptr);

signals:
    void followingChanged(bool follow);

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Marker {
        double t = 0;
        QString label;
        QString text;
        bool close = false;
    };
    QCustomPlot* makePlot(const QString& yLabel);
    void placeLegendAbove(QCustomPlot* plot);
    void setupGraphs();
    void applyPalette();
    void onXRangeChanged(QCustomPlot* source);
    void showHover(QCustomPlot* plot, QMouseEvent* event);
    double rangeSeconds() const;
    void rebuild(double lower, double upper);

    const Monitor* m_monitor = nullptr;
    QComboBox* m_rangeCombo = nullptr;
    QCheckBox* m_followCheck = nullptr;
    QCustomPlot* m_rtt = nullptr;
    QCustomPlot* m_phases = nullptr;
    QCustomPlot* m_timeline = nullptr;
    QCPGraph* m_bandLow = nullptr;
    QCPGraph* m_bandHigh = nullptr;
    QCPGraph* m_echo = nullptr;
    QCPGraph* m_p95 = nullptr;
    QCPGraph* m_ping = nullptr;
    QList<QCPGraph*> m_phaseGraphs;
    QCPGraph* m_up = nullptr;
    QCPGraph* m_degraded = nullptr;
    QCPGraph* m_down = nullptr;
    QCPGraph* m_closeMarks = nullptr;
    QCPGraph* m_causeMarks = nullptr;
    QList<Marker> m_markers;
    QTimer* m_refreshTimer = nullptr;
    ChartPalette m_palette;
    Range m_range = Range::FiveMinutes;
    bool m_following = true;
    bool m_syncing = false;
    bool m_userMoving = false;
    double m_dataLower = 0, m_dataUpper = 0;
};

} // namespace socketscope
