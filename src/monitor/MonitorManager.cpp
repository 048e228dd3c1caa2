// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/MonitorManager.h"

#include "diagnosis/Diagnosis.h"
#include "monitor/ProbeLauncher.h"

#include <QTimer>

#include <cmath>
#include <limits>

namespace socketscope {

struct MonitorManager::Runtime {
    Monitor m;
    QTimer* timer = nullptr;        // periodic ticks
    QTimer* reconnect = nullptr;    // long-lived connection back-off
    quint64 periodicProbe = 0;
    quint64 longProbe = 0;
};

namespace {

constexpr double kMinIntervalS = 0.2;

int intervalMs(double s) { return int(std::lround(std::max(s, kMinIntervalS) * 1000.0)); }

ProbeEvidence evidenceOf(const ProbeResult& r)
{
    ProbeEvidence e;
    e.timeMs = r.startedAt.isValid() ? r.startedAt.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
    e.cause = r.cause;
    e.statusLine = r.statusLine;
    e.errorString = r.errorString;
    e.evidence = r.evidence;
    e.advice = r.advice;
    return e;
}

QString closedByText(ClosedBy c)
{
    switch (c) {
    case ClosedBy::ServerFrame: return QStringLiteral("the server (close frame)");
    case ClosedBy::ServerFin: return QStringLiteral("the server (TCP FIN, no close frame)");
    case ClosedBy::ServerReset: return QStringLiteral("the server (TCP reset)");
    case ClosedBy::Client: return QStringLiteral("us");
    case ClosedBy::None: break;
    }
    return QStringLiteral("nobody seen");
}

} // namespace

MonitorVerdict monitorVerdict(const Monitor& m)
{
    if (m.stopped)
        return {MonitorState::Stopped, m.lastCause, QObject::tr("stopped — the charts and events stay until you clear them")};
    if (m.paused)
        return {MonitorState::Paused, m.lastCause, QObject::tr("paused")};
    if (m.buffer.rawCount() == 0)
        return {MonitorState::Unknown, QString(), QObject::tr("waiting for the first probe")};
    const Sample& last = m.buffer.raw(m.buffer.rawCount() - 1);
    const QString cause = m.buffer.causeName(last.causeIndex);
    const QString sentence = m.lastSentence.isEmpty() ? cause : m.lastSentence;
    if (!last.upgraded() && !last.ok())
        return {MonitorState::Down, cause, sentence};
    if (m.longLivedBroken) {
        for (int i = m.events.size() - 1; i >= 0; --i) {
            const MonitorEvent& e = m.events.at(i);
            if (e.kind != MonitorEvent::Kind::ConnectionClosed)
                continue;
            QString cut = e.cause;
            if (cut.isEmpty() || cut == QLatin1String("ok"))
                cut = e.closeCode == 0 || e.closeCode == 1006 ? QStringLiteral("abnormal_closure") : QStringLiteral("server_closed");
            return {MonitorState::Degraded, cut, e.text};
        }
    }
    if (!last.ok())
        return {MonitorState::Degraded, cause, sentence};
    return {MonitorState::Ok, cause, sentence};
}

QVector<StateSpan> monitorStateSpans(const Monitor& m, qint64 fromMs, qint64 toMs, qint64 gapMs, int maxPoints)
{
    // Cut intervals: from an early close to the next close that held the whole time (or on).
    QVector<std::pair<double, double>> cuts;
    for (int i = 0; i < m.events.size(); ++i) {
        const MonitorEvent& e = m.events.at(i);
        if (e.kind != MonitorEvent::Kind::ConnectionClosed)
            continue;
        const bool fullHold = e.httpStatus == 101 && e.heldS >= m.spec.longLivedMaxS - 1.0;
        const double t = double(e.timeMs) / 1000.0;
        if (fullHold) {
            if (!cuts.isEmpty() && cuts.last().second > t)
                cuts.last().second = t;
        } else if (cuts.isEmpty() || cuts.last().second <= t) {
            cuts.append({t, std::numeric_limits<double>::infinity()});
        }
    }
    const QVector<StateSpan> spans = m.buffer.stateSpans(fromMs, toMs, gapMs, maxPoints);
    if (cuts.isEmpty())
        return spans;
    QVector<StateSpan> out;
    for (const StateSpan& s : spans) {
        if (s.state != StateSpan::State::Up) {
            out.append(s);
            continue;
        }
        double from = s.fromS;
        for (const auto& [cutFrom, cutTo] : cuts) {
            if (cutTo <= from || cutFrom >= s.toS)
                continue;
            if (cutFrom > from) {
                StateSpan up = s;
                up.fromS = from;
                up.toS = cutFrom;
                out.append(up);
            }
            StateSpan cut = s;
            cut.state = StateSpan::State::Degraded;
            cut.fromS = std::max(from, cutFrom);
            cut.toS = std::min(s.toS, cutTo);
            out.append(cut);
            from = cut.toS;
        }
        if (from < s.toS) {
            StateSpan up = s;
            up.fromS = from;
            out.append(up);
        }
    }
    return out;
}

const ProbeEvidence* Monitor::evidenceNear(qint64 timeMs, qint64 toleranceMs) const
{
    const ProbeEvidence* best = nullptr;
    qint64 bestDist = toleranceMs + 1;
    for (int i = 0; i < recent.size(); ++i) {
        const qint64 d = std::abs(recent.at(i).timeMs - timeMs);
        if (d < bestDist) {
            bestDist = d;
            best = &recent.at(i);
        }
    }
    return best;
}

MonitorManager::MonitorManager(ProbeLauncher* launcher, QObject* parent)
    : QObject(parent), m_launcher(launcher)
{
    qRegisterMetaType<socketscope::Sample>();
    qRegisterMetaType<socketscope::MonitorEvent>();
    qRegisterMetaType<socketscope::MonitorState>();
    connect(m_launcher, &ProbeLauncher::finished, this, &MonitorManager::onFinished);
}

MonitorManager::~MonitorManager()
{
    if (!m_launcher)
        return;
    for (const auto& rt : std::as_const(m_monitors))
        cancelProbes(*rt);
}

int MonitorManager::add(const MonitorSpec& spec)
{
    const int id = m_nextId++;
    auto rt = std::make_shared<Runtime>();
    rt->m.id = id;
    rt->m.spec = spec;
    rt->m.spec.intervalS = std::max(spec.intervalS, kMinIntervalS);
    rt->m.buffer = SampleBuffer(m_capacity);
    rt->timer = new QTimer(this);
    rt->timer->setInterval(intervalMs(rt->m.spec.intervalS));
    connect(rt->timer, &QTimer::timeout, this, [this, id] { tick(id); });
    rt->reconnect = new QTimer(this);
    rt->reconnect->setSingleShot(true);
    connect(rt->reconnect, &QTimer::timeout, this, [this, id] { startLongLived(id); });
    m_monitors.insert(id, rt);
    emit monitorAdded(id);
    MonitorEvent ev;
    ev.kind = MonitorEvent::Kind::Started;
    ev.text = tr("Monitoring %1 every %2 s").arg(spec.options.url).arg(rt->m.spec.intervalS);
    addEvent(*rt, ev);
    rt->timer->start();
    tick(id);
    if (spec.longLived)
        startLongLived(id);
    return id;
}

void MonitorManager::remove(int id)
{
    const auto rt = m_monitors.take(id);
    if (!rt)
        return;
    cancelProbes(*rt);
    delete rt->timer;
    delete rt->reconnect;
    emit monitorRemoved(id);
}

void MonitorManager::pause(int id)
{
    const auto rt = m_monitors.value(id);
    if (!rt || rt->m.paused)
        return;
    rt->m.paused = true;
    rt->timer->stop();
    rt->reconnect->stop();
    cancelProbes(*rt);
    MonitorEvent ev;
    ev.kind = MonitorEvent::Kind::Paused;
    ev.text = tr("Paused");
    addEvent(*rt, ev);
    updateState(*rt);
}

void MonitorManager::stop(int id)
{
    const auto rt = m_monitors.value(id);
    if (!rt || rt->m.stopped)
        return;
    rt->m.stopped = true;
    rt->m.paused = true;
    rt->timer->stop();
    rt->reconnect->stop();
    cancelProbes(*rt);
    MonitorEvent ev;
    ev.kind = MonitorEvent::Kind::Stopped;
    ev.text = tr("Stopped");
    addEvent(*rt, ev);
    updateState(*rt);
}

void MonitorManager::resume(int id)
{
    const auto rt = m_monitors.value(id);
    if (!rt || !rt->m.paused)
        return;
    rt->m.paused = false;
    rt->m.stopped = false;
    MonitorEvent ev;
    ev.kind = MonitorEvent::Kind::Resumed;
    ev.text = tr("Resumed");
    addEvent(*rt, ev);
    updateState(*rt);
    rt->timer->start();
    tick(id);
    if (rt->m.spec.longLived)
        startLongLived(id);
}

void MonitorManager::setInterval(int id, double seconds)
{
    const auto rt = m_monitors.value(id);
    if (!rt || !std::isfinite(seconds))
        return;
    rt->m.spec.intervalS = std::max(seconds, kMinIntervalS);
    rt->timer->setInterval(intervalMs(rt->m.spec.intervalS));
    MonitorEvent ev;
    ev.kind = MonitorEvent::Kind::IntervalChanged;
    ev.text = tr("Interval set to %1 s").arg(rt->m.spec.intervalS);
    addEvent(*rt, ev);
}

QList<int> MonitorManager::ids() const
{
    QList<int> out = m_monitors.keys();
    std::sort(out.begin(), out.end());
    return out;
}

const Monitor* MonitorManager::monitor(int id) const
{
    const auto rt = m_monitors.value(id);
    return rt ? &rt->m : nullptr;
}

int MonitorManager::findByProfile(const QString& profileId) const
{
    for (const auto& rt : m_monitors)
        if (!profileId.isEmpty() && rt->m.spec.profileId == profileId)
            return rt->m.id;
    return 0;
}

void MonitorManager::tick(int id)
{
    const auto rt = m_monitors.value(id);
    if (!rt || rt->m.paused)
        return;
    if (rt->periodicProbe != 0) {
        ++rt->m.skippedTicks; // never overlap probes of one monitor
        return;
    }
    if (!m_launcher)
        return;
    rt->periodicProbe = m_launcher->start(rt->m.spec.options);
    m_probeOwner.insert(rt->periodicProbe, id);
}

void MonitorManager::startLongLived(int id)
{
    const auto rt = m_monitors.value(id);
    if (!rt || rt->m.paused || !rt->m.spec.longLived || rt->longProbe != 0 || !m_launcher)
        return;
    ProbeOptions o = rt->m.spec.options;
    // Idle on purpose: no pings, so a proxy's idle timeout shows up as a close.
    o.echoCount = 1;
    o.pingIntervalS = 0;
    o.holdS = rt->m.spec.longLivedMaxS;
    rt->longProbe = m_launcher->start(o);
    m_probeOwner.insert(rt->longProbe, id);
}

void MonitorManager::cancelProbes(Runtime& rt)
{
    for (quint64* p : {&rt.periodicProbe, &rt.longProbe}) {
        if (*p == 0)
            continue;
        m_probeOwner.remove(*p); // its late finished() is ignored
        if (m_launcher)
            m_launcher->cancel(*p);
        *p = 0;
    }
}

void MonitorManager::onFinished(quint64 probeId, const ProbeResult& result)
{
    const auto owner = m_probeOwner.find(probeId);
    if (owner == m_probeOwner.end())
        return;
    const auto rt = m_monitors.value(owner.value());
    m_probeOwner.erase(owner);
    if (!rt)
        return;
    if (probeId == rt->periodicProbe) {
        rt->periodicProbe = 0;
        handlePeriodic(*rt, result);
    } else if (probeId == rt->longProbe) {
        rt->longProbe = 0;
        handleLongLived(*rt, result);
    }
}

void MonitorManager::handlePeriodic(Runtime& rt, const ProbeResult& r)
{
    Monitor& m = rt.m;
    const Sample s = sampleFromResult(r, m.buffer.internCause(r.cause));
    m.buffer.append(s);
    m.recent.push(evidenceOf(r));
    ++m.probesDone;
    emit sampleAdded(m.id, s);
    if (!m.lastCause.isEmpty() && r.cause != m.lastCause) {
        MonitorEvent ev;
        ev.timeMs = s.timeMs;
        ev.kind = MonitorEvent::Kind::CauseChanged;
        ev.cause = r.cause;
        ev.previousCause = m.lastCause;
        ev.httpStatus = s.httpStatus;
        ev.closeCode = s.closeCode;
        ev.closedBy = r.closedBy;
        ev.text = tr("Diagnosis changed: %1 → %2").arg(m.lastCause, r.cause);
        ev.evidence = r.evidence;
        ev.advice = r.advice;
        addEvent(rt, ev);
    }
    m.lastCause = r.cause;
    m.lastSentence = causeSentence(r);
    updateState(rt);
    emit probeFinished(m.id, r);
}

void MonitorManager::handleLongLived(Runtime& rt, const ProbeResult& r)
{
    Monitor& m = rt.m;
    MonitorEvent ev;
    ev.timeMs = (r.startedAt.isValid() ? r.startedAt.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch())
                + qint64(std::lround(r.heldS * 1000.0));
    if (r.startedAt.isValid() && r.heldS <= 0)
        ev.timeMs = QDateTime::currentMSecsSinceEpoch();
    ev.kind = MonitorEvent::Kind::ConnectionClosed;
    ev.cause = r.cause;
    ev.closeCode = r.closeCode.value_or(0);
    ev.closedBy = r.closedBy;
    ev.heldS = r.heldS;
    ev.httpStatus = r.httpStatus.value_or(0);
    ev.evidence = r.evidence;
    ev.advice = r.advice;
    const bool upgraded = r.httpStatus && *r.httpStatus == 101;
    const bool fullHold = r.ok && r.heldS >= m.spec.longLivedMaxS - 1.0;
    if (!upgraded) {
        ev.text = tr("Long-lived connection could not open: %1%2")
                      .arg(r.cause, r.httpStatus ? tr(" (HTTP %1)").arg(*r.httpStatus) : QString());
    } else if (fullHold) {
        ev.text = tr("Long-lived connection stayed open %1 s; reconnecting").arg(r.heldS, 0, 'f', 1);
    } else {
        ev.text = tr("Long-lived connection closed after %1 s: code %2, closed by %3 (%4)")
                      .arg(r.heldS, 0, 'f', 1)
                      .arg(ev.closeCode ? QString::number(ev.closeCode) : QStringLiteral("none"),
                           closedByText(r.closedBy), r.cause);
    }
    m.longLivedBroken = !fullHold;
    addEvent(rt, ev);
    updateState(rt);
    if (!m.paused)
        rt.reconnect->start(intervalMs(m.spec.intervalS));
}

void MonitorManager::addEvent(Runtime& rt, MonitorEvent ev)
{
    if (ev.timeMs == 0)
        ev.timeMs = QDateTime::currentMSecsSinceEpoch();
    rt.m.events.push(ev);
    emit eventAdded(rt.m.id, ev);
}

void MonitorManager::updateState(Runtime& rt)
{
    Monitor& m = rt.m;
    const MonitorVerdict v = monitorVerdict(m);
    const bool stateChanges = v.state != m.state;
    if (!stateChanges && v.cause == m.cause && v.reason == m.reason)
        return;
    m.state = v.state;
    m.cause = v.cause;
    m.reason = v.reason;
    if (stateChanges) {
        MonitorEvent ev;
        ev.kind = MonitorEvent::Kind::StateChanged;
        ev.cause = v.cause;
        ev.text = tr("State: %1").arg(monitorStateId(v.state));
        addEvent(rt, ev);
        emit stateChanged(m.id, v.state);
    }
    emit verdictChanged(m.id);
}

} // namespace socketscope
