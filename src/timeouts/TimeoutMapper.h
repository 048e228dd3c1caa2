// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "timeouts/TimeoutTypes.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>

namespace socketscope {

class ProbeEngine;

// The timeout map (issue 13): for every hop at once, on the probe engine's worker threads,
//  - the idle cutoff: idle probes held for a ladder of holds (resolution × 2^k up to --max), all
//    started together. A cut the client sees (close frame, FIN, RST) is timed directly on the probe
//    it kills; a silent drop (a ping after the hold never comes back) is bisected: each round starts
//    up to 32 overlapping probes spread over the interval that is left, until it is ≤ the resolution;
//  - idle or lifetime: one probe with traffic flowing (client pings and data) from the start; if it
//    dies at the same age, traffic does not reset the timer;
//  - then the keepalive matrix on the hop that cuts first: none, client pings, client data, server data.
// Public calls on the mapper's thread; finished() follows start() exactly once (also after cancel()).
class TimeoutMapper : public QObject {
    Q_OBJECT
public:
    // The engine must outlive the mapper's run; it may be shared with other users.
    explicit TimeoutMapper(ProbeEngine* engine, QObject* parent = nullptr);
    ~TimeoutMapper() override;

    void start(const TimeoutMapOptions& options);
    // Stops every probe now; finished() reports what was measured, with cancelled = true.
    void cancel();
    bool isRunning() const { return m_running; }

signals:
    void progress(const QString& message);
    void finished(const socketscope::TimeoutMapResult& result);

private:
    enum class Role { Idle, Active, Keepalive };
    struct Running {
        Role role = Role::Idle;
        int hop = -1;
        double holdS = 0;
        KeepaliveTraffic traffic = KeepaliveTraffic::None;
    };
    struct HopRun;

    void onProbeFinished(quint64 id, const ProbeResult& r);
    void onIdle(int hop, double holdS, const ProbeResult& r);
    void onActive(int hop, const ProbeResult& r);
    void onKeepalive(KeepaliveTraffic traffic, const ProbeResult& r);
    quint64 launch(Role role, int hop, double holdS, KeepaliveTraffic traffic = KeepaliveTraffic::None);
    void nextIdleRound(int hop);
    void idleSettled(int hop);
    void decideKind(int hop);
    void hopDone(int hop);
    // Starts the keepalive matrix as soon as the first cut is certain; completes when all is done.
    void settle();
    void computeFirstCut(bool doneOnly);
    double tolerance(double cutS) const;
    void cancelHopProbes(int hop, Role role, double aboveHoldS = -1);
    void startKeepalive();
    void complete();
    double nowS() const;
    double margin(double cutS) const;

    QPointer<ProbeEngine> m_engine;
    TimeoutMapOptions m_options;
    TimeoutMapResult m_result;
    QList<HopRun*> m_hops;
    QHash<quint64, Running> m_probes;
    QElapsedTimer m_clock;
    qint64 m_errorLogStart = -1;
    bool m_running = false;
    bool m_keepaliveStarted = false;
    int m_keepalivePending = 0;
};

} // namespace socketscope
