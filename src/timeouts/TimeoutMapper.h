// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "timeouts/CutLogs.h"
#include "timeouts/TimeoutTypes.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QThread>

namespace socketscope {

class ProbeEngine;

// The timeout map (issue 13): for every hop at once, on the probe engine's worker threads,
//  - the idle cutoff: idle probes held for a ladder of holds (resolution × √2^k up to --max), all
//    started together. A cut the client sees (close frame, FIN, RST) is timed directly on the probe
//    it kills. A silent drop (a ping after the hold never comes back) is bracketed by the ladder and
//    narrowed by the staggered pool: one more idle probe opened every 0.75 resolution step from the
//    start, whose holds all end together when the ladder first meets the drop — by then their idle
//    ages span the bracket one resolution apart, so one pong deadline later the cutoff is known.
//    What is still wider than the resolution is bisected: up to 32 overlapping probes per round;
//  - idle or lifetime: one probe with traffic flowing (client pings and data) from the start; if it
//    dies at the same age, traffic does not reset the timer;
//  - the keepalive matrix (none, client pings, client data, server data): four probes per hop from
//    the start, whose holds end at the hop's cutoff plus a margin once it is known; the rows of the
//    hop that cuts first are reported.
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
    bool isRunning() const { return m_running || m_awaitingLogs; }

signals:
    void progress(const QString& message);
    // How many hops are measured (idle cutoff, kind, keepalive rows) out of all of them.
    void hopsDone(int done, int total);
    void finished(const socketscope::TimeoutMapResult& result);

private:
    enum class Role { Idle, Stagger, Active, Keepalive };
    struct Running {
        Role role = Role::Idle;
        int hop = -1;
        double holdS = 0;
        KeepaliveTraffic traffic = KeepaliveTraffic::None;
    };
    struct HopRun;

    void onProbeFinished(quint64 id, const ProbeResult& r);
    void onIdle(int hop, double holdS, bool stagger, const ProbeResult& r);
    void onActive(int hop, const ProbeResult& r);
    void onKeepalive(int hop, KeepaliveTraffic traffic, const ProbeResult& r);
    void launchStagger(int hop);
    void endStagger(int hop);
    void stopIdle(int hop);
    void idleProgress(int hop);
    void endKeepalive(int hop);
    quint64 launch(Role role, int hop, double holdS, KeepaliveTraffic traffic = KeepaliveTraffic::None);
    void nextIdleRound(int hop);
    void idleSettled(int hop);
    void decideKind(int hop);
    void hopDone(int hop);
    // Completes when every hop is done.
    void settle();
    void computeFirstCut();
    double tolerance(double cutS) const;
    void cancelHopProbes(int hop, Role role, double aboveHoldS = -1);
    void complete();
    // The logs that name the cut: their sizes at the start, what they gained at the end (worker thread).
    void startLogJob(bool tails);
    void onLogJob(bool tails, const QList<qint64>& sizes, const QList<QByteArray>& texts, const QString& error);
    void finish();
    double nowS() const;
    double margin(double cutS) const;

    QPointer<ProbeEngine> m_engine;
    TimeoutMapOptions m_options;
    TimeoutMapResult m_result;
    QList<HopRun*> m_hops;
    QHash<quint64, Running> m_probes;
    QElapsedTimer m_clock;
    QList<CutLog> m_logs;
    QList<qint64> m_logSizes;
    bool m_logSizesKnown = false;
    bool m_awaitingLogs = false;
    QString m_logError;
    QPointer<QThread> m_logThread;
    quint64 m_generation = 0;
    bool m_running = false;
};

} // namespace socketscope
