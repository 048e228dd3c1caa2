// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/MonitorTypes.h"
#include "monitor/RingBuffer.h"
#include "monitor/SampleBuffer.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <memory>

class QTimer;

namespace socketscope {

class ProbeLauncher;
struct Monitor;

// A monitor's headline: its state, the cause behind it and why, in one sentence.
struct MonitorVerdict {
    MonitorState state = MonitorState::Unknown;
    QString cause;
    QString reason;
};
// The one rule for a monitor's state, from its last periodic sample and its long-lived
// connection: stopped/paused as the user set it; down when the last probe could not upgrade;
// degraded when the long-lived connection was cut early (a cut is a cut, even while the short
// probes pass: its close is the cause) or the last probe found a problem after the upgrade;
// else ok. Never "degraded" with the cause "ok".
MonitorVerdict monitorVerdict(const Monitor& m);
// The state timeline by the same rule: the sample buffer's spans, with "up" time after an early
// close of the long-lived connection (until one survives its full hold) drawn as degraded.
QVector<StateSpan> monitorStateSpans(const Monitor& m, qint64 fromMs, qint64 toMs, qint64 gapMs, int maxPoints = 4000);

// One running monitor as the manager keeps it. Read-only for views.
struct Monitor {
    int id = 0;
    MonitorSpec spec;
    SampleBuffer buffer;
    RingBuffer<MonitorEvent> events{1000};
    RingBuffer<ProbeEvidence> recent{64};  // evidence of the last probes, for hover text
    MonitorState state = MonitorState::Unknown;
    QString cause;                          // the cause id behind `state` (monitorVerdict())
    QString reason;                         // `state` in one sentence (monitorVerdict())
    bool paused = false;
    bool stopped = false;                   // stopped by the user: no more probes, the session is kept
    QString lastCause;                      // of the last periodic probe
    QString lastSentence;                   // the last periodic probe in words
    bool longLivedBroken = false;           // the long-lived connection died early last time
    int skippedTicks = 0;                   // ticks skipped because the previous probe still ran
    int probesDone = 0;
    // The evidence recorded closest to a time (within toleranceMs), or nullptr.
    const ProbeEvidence* evidenceNear(qint64 timeMs, qint64 toleranceMs) const;
};

// Runs several monitors at once: each repeats a probe every interval, optionally keeps one
// long-lived connection open and records how it dies, and stores samples and events in bounded
// buffers. Everything is asynchronous (the launcher runs probes off the UI thread); outages are
// recorded as down samples, never raised as errors.
class MonitorManager : public QObject {
    Q_OBJECT
public:
    explicit MonitorManager(ProbeLauncher* launcher, QObject* parent = nullptr);
    ~MonitorManager() override;

    // Starts a monitor (first probe right away) and returns its id (> 0).
    int add(const MonitorSpec& spec);
    // Stops and forgets a monitor; running probes are cancelled.
    void remove(int id);
    // Stops probing (running probes are cancelled); samples are kept.
    void pause(int id);
    void resume(int id);
    // Stops the monitor for good (state "stopped"); its samples and events stay until remove().
    // resume() starts a stopped monitor again.
    void stop(int id);
    // Changes the interval (seconds, at least 0.2); takes effect from the next tick.
    void setInterval(int id, double seconds);
    QList<int> ids() const;
    const Monitor* monitor(int id) const;
    // The monitor for a profile id, or 0.
    int findByProfile(const QString& profileId) const;
    // Sample capacity for monitors added from now on.
    void setCapacity(const SampleBuffer::Capacity& capacity) { m_capacity = capacity; }

signals:
    void monitorAdded(int id);
    void monitorRemoved(int id);
    void sampleAdded(int id, const socketscope::Sample& sample);
    void eventAdded(int id, const socketscope::MonitorEvent& event);
    void stateChanged(int id, socketscope::MonitorState state);
    // The state, its cause or its reason changed (monitorVerdict()).
    void verdictChanged(int id);
    // A periodic probe finished (the full result, for views that show the latest evidence).
    void probeFinished(int id, const socketscope::ProbeResult& result);

private:
    struct Runtime;
    void tick(int id);
    void startLongLived(int id);
    void onFinished(quint64 probeId, const ProbeResult& result);
    void handlePeriodic(Runtime& rt, const ProbeResult& result);
    void handleLongLived(Runtime& rt, const ProbeResult& result);
    void addEvent(Runtime& rt, MonitorEvent ev);
    void updateState(Runtime& rt);
    void cancelProbes(Runtime& rt);

    QPointer<ProbeLauncher> m_launcher;    // may die first when both are children of one parent
    SampleBuffer::Capacity m_capacity;
    QHash<int, std::shared_ptr<Runtime>> m_monitors;
    QHash<quint64, int> m_probeOwner;       // probe id -> monitor id
    int m_nextId = 1;
};

} // namespace socketscope
