// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/MonitorCharts.h"

#include "monitor/MonitorManager.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace socketscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kCloseY = 0.5;
constexpr double kCauseY = 0.85;

double nowS() { return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0; }

QString closeLabel(int code, ClosedBy by)
{
    return QStringLiteral("close %1 %2").arg(code ? QString::number(code) : QStringLiteral("—"), closedById(by));
}

} // namespace

MonitorCharts::MonitorCharts(QWidget* parent)
    : QWidget(parent), m_rangeCombo(new QComboBox(this)), m_followCheck(new QCheckBox(tr("&Follow live"), this)),
      m_refreshTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("monitorChartsWidget"));
    m_rangeCombo->setObjectName(QStringLiteral("rangeComboBox"));
    m_rangeCombo->addItems({tr("5 min"), tr("1 h"), tr("24 h"), tr("All")});
    m_followCheck->setObjectName(QStringLiteral("followCheckBox"));
    m_followCheck->setChecked(true);
    m_followCheck->setToolTip(tr("Keep the newest samples in view; turns off when you pan or zoom into the past"));

    m_rtt = makePlot(tr("RTT ms"));
    m_phases = makePlot(tr("handshake ms"));
    m_timeline = makePlot(QString());
    m_timeline->setMaximumHeight(110);
    m_timeline->setMinimumHeight(80);

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Range:"), this));
    controls->addWidget(m_rangeCombo);
    controls->addWidget(m_followCheck);
    controls->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_rtt, 3);
    layout->addWidget(m_phases, 2);
    layout->addWidget(m_timeline, 1);

    setupGraphs();
    applyPalette();

    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(100);
    connect(m_refreshTimer, &QTimer::timeout, this, &MonitorCharts::refreshNow);
    connect(m_rangeCombo, &QComboBox::currentIndexChanged, this, [this](int i) { setRange(Range(i)); });
    connect(m_followCheck, &QCheckBox::toggled, this, &MonitorCharts::setFollowing);
    for (QCustomPlot* p : {m_rtt, m_phases, m_timeline}) {
        connect(p->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this,
                [this, p](const QCPRange&) { onXRangeChanged(p); });
        connect(p, &QCustomPlot::mousePress, this, [this](QMouseEvent*) { m_userMoving = true; });
        connect(p, &QCustomPlot::mouseRelease, this, [this](QMouseEvent*) { m_userMoving = false; });
        connect(p, &QCustomPlot::mouseWheel, this, [this](QWheelEvent*) {
            m_userMoving = true;
            QTimer::singleShot(0, this, [this] { m_userMoving = false; });
        });
        connect(p, &QCustomPlot::mouseMove, this, [this, p](QMouseEvent* e) { showHover(p, e); });
    }
    refreshNow(); // the empty state (no epoch axes) from the start
}

QCustomPlot* MonitorCharts::makePlot(const QString& yLabel)
{
    auto* plot = new QCustomPlot(this);
    plot->setMinimumHeight(120);
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->axisRect()->setRangeDrag(Qt::Horizontal);
    plot->axisRect()->setRangeZoom(Qt::Horizontal);
    plot->setNoAntialiasingOnDrag(true);
    plot->setPlottingHint(QCP::phCacheLabels, true);
    auto ticker = QSharedPointer<QCPAxisTickerDateTime>::create();
    ticker->setDateTimeFormat(QStringLiteral("HH:mm:ss\nMMM d"));
    ticker->setDateTimeSpec(Qt::LocalTime);
    plot->xAxis->setTicker(ticker);
    // As many time labels as the width holds with room around each (the ticker rounds the step
    // to a nice one, which can bring labels closer): at 1024 px they never crowd each other.
    connect(plot, &QCustomPlot::beforeReplot, plot, [plot, ticker] {
        const int label = QFontMetrics(plot->xAxis->tickLabelFont()).horizontalAdvance(QStringLiteral("00:00:00"));
        const int axis = plot->axisRect()->width() > 0 ? plot->axisRect()->width() : plot->width() - 72;
        ticker->setTickCount(std::clamp(axis / std::max(1, 3 * label), 1, 8));
    });
    plot->yAxis->setLabel(yLabel);
    // The same fixed left margin on every chart keeps their time axes aligned above each other.
    // A small fixed top margin (room for half the top tick label): the legend row is above.
    plot->axisRect()->setAutoMargins(QCP::msRight | QCP::msBottom);
    plot->axisRect()->setMargins(QMargins(72, 8, 0, 0));
    return plot;
}

void MonitorCharts::placeLegendAbove(QCustomPlot* plot)
{
    // The legend in a row of its own above the axis rect, its entries side by side: it never
    // covers the data, the tick labels or the axis label, however narrow the chart (issue 16).
    // The row keeps its height while the legend is hidden, so the plot does not jump.
    QCPLegend* legend = plot->legend;
    plot->axisRect()->insetLayout()->take(legend);
    plot->axisRect()->insetLayout()->simplify();
    auto* row = new QCPLayoutGrid;
    row->setObjectName(QStringLiteral("legendRow"));
    plot->plotLayout()->insertRow(0);
    plot->plotLayout()->addElement(0, 0, row);
    plot->plotLayout()->setRowStretchFactor(0, 0.001);
    row->setMargins(QMargins(72, 2, 0, 0)); // starts where the axis rect does
    row->addElement(0, 0, legend);
    // An empty stretching cell to the right keeps the legend at its natural width, left-aligned
    // (a text element: unlike an empty grid, it has no maximum width that would cap the plot's).
    row->addElement(0, 1, new QCPTextElement(plot));
    row->setColumnStretchFactor(0, 0.001);
    legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    legend->setFont(font());
    legend->setIconSize(QSize(18, 8));
    legend->setRowSpacing(0);
    legend->setColumnSpacing(10);
    legend->setSizeConstraintRect(QCPLayoutElement::scrOuterRect);
    legend->setVisible(true);
    // One line when the chart is wide enough, else two columns: the legend never sets the
    // chart's (and so the window's) minimum width.
    const auto arrange = [legend](int wrap) {
        legend->setWrap(wrap);
        legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
        legend->setMaximumSize(legend->minimumOuterSizeHint());
        return legend->minimumOuterSizeHint().width();
    };
    const int twoColumns = arrange(2);
    const int oneLine = arrange(0);
    plot->setMinimumWidth(72 + twoColumns + 8);
    connect(plot, &QCustomPlot::beforeReplot, plot, [plot, legend, arrange, oneLine] {
        const int wrap = plot->width() >= 72 + oneLine + 8 ? 0 : 2;
        if (legend->wrap() != wrap)
            arrange(wrap);
    });
}

void MonitorCharts::setupGraphs()
{
    // RTT: min–max band (the probe's echo spread), p95, echo median, ping median.
    m_bandLow = m_rtt->addGraph();
    m_bandHigh = m_rtt->addGraph();
    m_bandHigh->setChannelFillGraph(m_bandLow);
    m_bandHigh->setName(tr("echo min–max"));
    m_bandLow->removeFromLegend();
    m_p95 = m_rtt->addGraph();
    m_p95->setName(tr("echo p95"));
    m_echo = m_rtt->addGraph();
    m_echo->setName(tr("echo median"));
    m_ping = m_rtt->addGraph();
    m_ping->setName(tr("ping"));
    placeLegendAbove(m_rtt);

    for (const QString& name : {tr("DNS"), tr("TCP"), tr("TLS"), tr("upgrade")}) {
        QCPGraph* g = m_phases->addGraph();
        g->setName(name);
        m_phaseGraphs.append(g);
    }
    placeLegendAbove(m_phases);

    m_up = m_timeline->addGraph();
    m_degraded = m_timeline->addGraph();
    m_down = m_timeline->addGraph();
    for (QCPGraph* g : {m_up, m_degraded, m_down})
        g->setLineStyle(QCPGraph::lsStepLeft);
    m_closeMarks = m_timeline->addGraph();
    m_causeMarks = m_timeline->addGraph();
    for (QCPGraph* g : {m_closeMarks, m_causeMarks})
        g->setLineStyle(QCPGraph::lsNone);
    m_timeline->yAxis->setRange(0, 1.05);
    m_timeline->yAxis->setTicks(false);
    m_timeline->yAxis->setTickLabels(false);
    m_timeline->yAxis->setLabel(tr("state"));
}

void MonitorCharts::applyPalette()
{
    m_palette = ChartPalette::from(palette());
    const ChartPalette& p = m_palette;
    for (QCustomPlot* plot : {m_rtt, m_phases, m_timeline})
        p.applyTo(plot);
    m_bandLow->setPen(QPen(p.band, 1));
    m_bandHigh->setPen(QPen(p.band, 1));
    m_bandHigh->setBrush(QBrush(p.band));
    m_p95->setPen(QPen(p.p95, 1, Qt::DashLine));
    m_echo->setPen(QPen(p.echo, 2));
    m_ping->setPen(QPen(p.ping, 1.5));
    const QList<QColor> phaseColors = {p.dns, p.tcp, p.tls, p.upgrade};
    for (int i = 0; i < m_phaseGraphs.size(); ++i)
        m_phaseGraphs[i]->setPen(QPen(phaseColors[i], 1.5));
    const auto fill = [](QCPGraph* g, QColor c) {
        g->setPen(QPen(c, 1));
        c.setAlpha(200);
        g->setBrush(QBrush(c));
    };
    fill(m_up, p.up);
    fill(m_degraded, p.degraded);
    fill(m_down, p.down);
    m_closeMarks->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssTriangleInverted, p.marker, p.background, 11));
    m_causeMarks->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDiamond, p.marker, p.marker, 8));
    for (QCustomPlot* plot : {m_rtt, m_phases, m_timeline})
        plot->replot(QCustomPlot::rpQueuedReplot);
}

void MonitorCharts::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyPalette();
}

void MonitorCharts::setMonitor(const Monitor* monitor)
{
    m_monitor = monitor;
    m_dataLower = m_dataUpper = 0;
    refreshNow();
}

void MonitorCharts::scheduleRefresh()
{
    if (!m_refreshTimer->isActive())
        m_refreshTimer->start();
}

void MonitorCharts::setRange(Range range)
{
    m_range = range;
    if (m_rangeCombo->currentIndex() != int(range))
        m_rangeCombo->setCurrentIndex(int(range));
    setFollowing(true); // picking a range means "show me the latest <range>"
    refreshNow();
}

void MonitorCharts::setFollowing(bool follow)
{
    if (m_following == follow)
        return;
    m_following = follow;
    m_followCheck->setChecked(follow);
    emit followingChanged(follow);
    if (follow)
        refreshNow();
}

double MonitorCharts::rangeSeconds() const
{
    switch (m_range) {
    case Range::FiveMinutes: return 300;
    case Range::OneHour: return 3600;
    case Range::Day: return 86400;
    case Range::All: break;
    }
    if (!m_monitor || m_monitor->buffer.totalAppended() == 0)
        return 300;
    qint64 oldest = m_monitor->buffer.oldestMs(Tier::TenMinutes);
    if (oldest == 0)
        oldest = m_monitor->buffer.oldestMs(Tier::Raw);
    return std::max(60.0, nowS() - double(oldest) / 1000.0 + 5);
}

void MonitorCharts::refreshNow()
{
    m_refreshTimer->stop();
    double lower = m_rtt->xAxis->range().lower;
    double upper = m_rtt->xAxis->range().upper;
    if (m_following || upper - lower < 1) {
        const double span = rangeSeconds();
        upper = nowS() + span * 0.02;
        lower = upper - span;
        m_syncing = true;
        for (QCustomPlot* p : {m_rtt, m_phases, m_timeline})
            p->xAxis->setRange(lower, upper);
        m_syncing = false;
    }
    rebuild(lower, upper);
}

void MonitorCharts::onXRangeChanged(QCustomPlot* source)
{
    if (m_syncing)
        return;
    const QCPRange r = source->xAxis->range();
    m_syncing = true;
    for (QCustomPlot* p : {m_rtt, m_phases, m_timeline})
        if (p != source)
            p->xAxis->setRange(r);
    m_syncing = false;
    if (m_userMoving && m_following && r.upper < nowS() - 0.05 * r.size())
        setFollowing(false);
    if (r.lower < m_dataLower || r.upper > m_dataUpper)
        rebuild(r.lower, r.upper); // panned beyond what is loaded
    for (QCustomPlot* p : {m_rtt, m_phases, m_timeline})
        p->replot(QCustomPlot::rpQueuedReplot);
}

void MonitorCharts::rebuild(double lower, double upper)
{
    const double span = upper - lower;
    m_dataLower = lower - span * 0.5;
    m_dataUpper = upper + span * 0.5;
    for (QCPGraph* g : m_rtt->axisRect()->graphs())
        g->data()->clear();
    for (QCPGraph* g : m_phases->axisRect()->graphs())
        g->data()->clear();
    for (QCPGraph* g : m_timeline->axisRect()->graphs())
        g->data()->clear();
    m_timeline->clearItems();
    m_rtt->clearItems();
    m_markers.clear();
    // Without a monitor there is no time to show: no axis labels (they would read 00:00 Jan 1 or
    // an arbitrary "now"), a sentence saying what to do instead.
    for (QCustomPlot* p : {m_rtt, m_phases, m_timeline})
        p->xAxis->setTickLabels(m_monitor != nullptr);
    // Nothing to name yet: no legend (its row above the plot stays, so nothing jumps).
    m_rtt->legend->setVisible(m_monitor != nullptr);
    m_phases->legend->setVisible(m_monitor != nullptr);
    if (!m_monitor) {
        auto* hint = new QCPItemText(m_rtt);
        hint->setObjectName(QStringLiteral("emptyChartHint"));
        hint->position->setType(QCPItemPosition::ptAxisRectRatio);
        hint->position->setCoords(0.5, 0.5);
        hint->setPositionAlignment(Qt::AlignCenter);
        hint->setText(tr("No monitor for this profile yet:\npress Monitor profile (Ctrl+M)."));
        hint->setColor(m_palette.text);
    }

    if (m_monitor) {
        const SampleBuffer& buf = m_monitor->buffer;
        const auto from = qint64(m_dataLower * 1000), to = qint64(m_dataUpper * 1000);
        const int maxPoints = std::max(500, m_rtt->width() * 2);
        const SeriesData echo = buf.series(Metric::Echo, from, to, maxPoints);
        m_bandLow->setData(echo.t, echo.min, true);
        m_bandHigh->setData(echo.t, echo.max, true);
        m_echo->setData(echo.t, echo.median, true);
        if (echo.tier != Tier::Raw)
            m_p95->setData(echo.t, echo.p95, true);
        const SeriesData ping = buf.series(Metric::Ping, from, to, maxPoints);
        m_ping->setData(ping.t, ping.median, true);
        const Metric phases[] = {Metric::Dns, Metric::Connect, Metric::Tls, Metric::Upgrade};
        for (int i = 0; i < 4; ++i) {
            const SeriesData d = buf.series(phases[i], from, to, maxPoints);
            m_phaseGraphs[i]->setData(d.t, d.median, true);
        }

        // State bars: each span drawn in its state's graph, broken by NaN elsewhere.
        const auto gapMs = qint64(m_monitor->spec.intervalS * 1000 * 2.5);
        for (const StateSpan& s : monitorStateSpans(*m_monitor, from, to, gapMs, maxPoints)) {
            QCPGraph* g = s.state == StateSpan::State::Up ? m_up : s.state == StateSpan::State::Degraded ? m_degraded : m_down;
            g->addData(s.fromS, 1);
            g->addData(s.toS, 1);
            g->addData(s.toS, kNaN);
        }
        // Markers: closes of the long-lived connection and of probes the server cut, diagnosis changes.
        for (int i = 0; i < m_monitor->events.size(); ++i) {
            const MonitorEvent& e = m_monitor->events.at(i);
            if (e.timeMs < from || e.timeMs > to)
                continue;
            const QString details = e.evidence.isEmpty() ? QString() : QStringLiteral("\n• ") + e.evidence.join(QStringLiteral("\n• "));
            const QString head = isoWithOffset(e.timeMs) + QLatin1Char('\n') + e.text + details;
            if (e.kind == MonitorEvent::Kind::ConnectionClosed && e.httpStatus == 101)
                m_markers.append({double(e.timeMs) / 1000.0, closeLabel(e.closeCode, e.closedBy), head, true});
            else if (e.kind == MonitorEvent::Kind::CauseChanged)
                m_markers.append({double(e.timeMs) / 1000.0, QStringLiteral("→ ") + e.cause, head, false});
        }
        for (int i = 0; i < buf.rawCount(); ++i) {
            const Sample& s = buf.raw(i);
            const ClosedBy by = s.closedBy();
            if (s.timeMs < from || s.timeMs > to || s.ok() || by == ClosedBy::None || by == ClosedBy::Client)
                continue;
            m_markers.append({double(s.timeMs) / 1000.0, closeLabel(s.closeCode, by),
                              isoWithOffset(s.timeMs) + QLatin1Char('\n') + tr("Probe cut by the server: %1").arg(buf.causeName(s.causeIndex)),
                              true});
        }
        int labelled = 0;
        // Labels that would overlap aggregate: the same label nearby becomes "… ×N", another one
        // nearby stays unlabelled (its marker is still hoverable).
        struct Placed {
            QCPItemText* item;
            double px;
            int count;
            bool close;
            QString text;
        };
        QList<Placed> placed;
        constexpr double kMinLabelGapPx = 110;
        for (qsizetype i = m_markers.size() - 1; i >= 0; --i) {
            const Marker& mk = m_markers.at(i);
            (mk.close ? m_closeMarks : m_causeMarks)->addData(mk.t, mk.close ? kCloseY : kCauseY);
            if (labelled >= 12 || mk.t < lower || mk.t > upper)
                continue; // label only the newest visible markers: the rest stay hoverable
            const double px = m_timeline->xAxis->coordToPixel(mk.t);
            bool merged = false, crowded = false;
            for (Placed& pl : placed) {
                if (pl.close != mk.close || std::abs(pl.px - px) >= kMinLabelGapPx)
                    continue;
                if (pl.text == mk.label) {
                    pl.item->setText(QStringLiteral("%1 ×%2").arg(mk.label).arg(++pl.count));
                    merged = true;
                } else {
                    crowded = true;
                }
                break;
            }
            if (merged || crowded)
                continue;
            ++labelled;
            auto* label = new QCPItemText(m_timeline);
            placed.append({label, px, 1, mk.close, mk.label});
            label->position->setType(QCPItemPosition::ptPlotCoords);
            label->position->setCoords(mk.t, mk.close ? kCloseY - 0.1 : kCauseY - 0.1);
            label->setPositionAlignment(Qt::AlignTop | Qt::AlignHCenter);
            label->setText(mk.label);
            label->setColor(m_palette.text);
            label->setBrush(QBrush(m_palette.background));
            label->setPadding(QMargins(2, 0, 2, 0));
            label->setClipToAxisRect(true);
        }
        // A label centred on a marker near an edge (the newest close sits next to "now") would
        // be cut by the axis rect: it grows inwards from its marker instead.
        const QRect area = m_timeline->axisRect()->rect();
        for (const Placed& pl : std::as_const(placed)) {
            const QFontMetrics fm(pl.item->font());
            const double half = (fm.horizontalAdvance(pl.item->text()) + 4) / 2.0;
            Qt::Alignment h = Qt::AlignHCenter;
            if (area.width() > 0 && pl.px + half > area.right())
                h = Qt::AlignRight;
            else if (area.width() > 0 && pl.px - half < area.left())
                h = Qt::AlignLeft;
            pl.item->setPositionAlignment(Qt::AlignTop | h);
        }

        bool found = false;
        const QCPRange yr = m_bandHigh->getValueRange(found, QCP::sdBoth, QCPRange(lower, upper));
        const QCPRange pr = m_ping->getValueRange(found, QCP::sdBoth, QCPRange(lower, upper));
        m_rtt->yAxis->setRange(0, std::max({1.0, yr.upper, pr.upper}) * 1.15);
        double phaseMax = 1.0;
        for (QCPGraph* g : m_phaseGraphs) {
            bool f = false;
            const QCPRange r = g->getValueRange(f, QCP::sdBoth, QCPRange(lower, upper));
            if (f)
                phaseMax = std::max(phaseMax, r.upper);
        }
        m_phases->yAxis->setRange(0, phaseMax * 1.15);
    }
    for (QCustomPlot* p : {m_rtt, m_phases, m_timeline})
        p->replot(QCustomPlot::rpQueuedReplot);
}

int MonitorCharts::rttPointCount() const
{
    return m_echo->data()->size();
}

QStringList MonitorCharts::markerLabels() const
{
    QStringList out;
    for (const Marker& m : m_markers)
        out.append(m.label);
    return out;
}

QStringList MonitorCharts::timelineLabels() const
{
    QStringList out;
    for (int i = 0; i < m_timeline->itemCount(); ++i)
        if (auto* text = qobject_cast<QCPItemText*>(m_timeline->item(i)))
            out.append(text->text());
    return out;
}

QString MonitorCharts::timelineStateAt(double tS) const
{
    const std::pair<QCPGraph*, const char*> graphs[] = {{m_up, "up"}, {m_degraded, "degraded"}, {m_down, "down"}};
    for (const auto& [g, name] : graphs) {
        const auto* d = g->data().data();
        for (auto it = d->constBegin(); it != d->constEnd(); ++it) {
            auto next = it + 1;
            if (next == d->constEnd())
                break;
            if (!std::isnan(it->value) && !std::isnan(next->value) && it->key <= tS && tS <= next->key)
                return QString::fromLatin1(name);
        }
    }
    return {};
}

QString MonitorCharts::latestTimelineState() const
{
    double best = -1;
    QString state;
    const std::pair<QCPGraph*, const char*> graphs[] = {{m_up, "up"}, {m_degraded, "degraded"}, {m_down, "down"}};
    for (const auto& [g, name] : graphs) {
        if (g->data()->isEmpty())
            continue;
        const double end = (g->data()->constEnd() - 1)->key;
        if (end > best) {
            best = end;
            state = QString::fromLatin1(name);
        }
    }
    return state;
}

QString MonitorCharts::evidenceText(double tS, double tolS) const
{
    const Marker* nearest = nullptr;
    for (const Marker& m : m_markers)
        if (std::abs(m.t - tS) <= tolS && (!nearest || std::abs(m.t - tS) < std::abs(nearest->t - tS)))
            nearest = &m;
    if (nearest)
        return nearest->text;
    if (!m_monitor)
        return {};
    const auto toleranceMs = qint64(m_monitor->spec.intervalS * 600 + tolS * 1000);
    if (const ProbeEvidence* e = m_monitor->evidenceNear(qint64(tS * 1000), toleranceMs)) {
        QStringList lines = {isoWithOffset(e->timeMs), tr("cause: %1").arg(e->cause)};
        if (!e->statusLine.isEmpty())
            lines << e->statusLine;
        if (!e->errorString.isEmpty())
            lines << e->errorString;
        for (const QString& ev : e->evidence)
            lines << QStringLiteral("• ") + ev;
        for (const QString& a : e->advice)
            lines << tr("advice: %1").arg(a);
        return lines.join(QLatin1Char('\n'));
    }
    const QString st = timelineStateAt(tS);
    return st.isEmpty() ? QString() : tr("state: %1").arg(st);
}

void MonitorCharts::showHover(QCustomPlot* plot, QMouseEvent* event)
{
    if (event->buttons() != Qt::NoButton)
        return; // dragging
    const double x = event->position().x();
    const double t = plot->xAxis->pixelToCoord(x);
    const double tol = std::abs(plot->xAxis->pixelToCoord(x + 8) - t);
    QString text = evidenceText(t, tol);
    if (plot != m_timeline && !text.isEmpty()) {
        const double y = plot->yAxis->pixelToCoord(event->position().y());
        text = tr("%1 ms at cursor\n").arg(y, 0, 'f', 2) + text;
    }
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, plot);
}

Status MonitorCharts::saveImages(const QString& dir, const QString& base, bool pdf, int width, int height,
                                 QStringList* written)
{
    if (!QDir().mkpath(dir))
        return Status::failure(tr("Cannot create the folder %1").arg(dir));
    const std::pair<QCustomPlot*, const char*> plots[] = {{m_rtt, "rtt"}, {m_phases, "phases"}, {m_timeline, "timeline"}};
    for (const auto& [plot, name] : plots) {
        const int h = plot == m_timeline ? std::max(120, height / 3) : height;
        const QString path = QDir(dir).filePath(QStringLiteral("%1-%2.%3").arg(base, QString::fromLatin1(name),
                                                                              pdf ? QStringLiteral("pdf") : QStringLiteral("png")));
        const bool ok = pdf ? plot->savePdf(path, width, h) : plot->savePng(path, width, h);
        if (!ok)
            return Status::failure(tr("Cannot write the chart image %1").arg(path));
        if (written)
            written->append(path);
    }
    return Status::success();
}

} // namespace socketscope
