// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The "All profiles" dashboard's core: one tile per profile from the ProfileStateModel, sorted by
// severity, and "Probe all", which probes every profile on a ProbeEngine's worker threads with a
// limit on how many probes run at once. GUI-free: the dashboard widget only renders the tiles.

#include "monitor/ProfileStates.h"
#include "profiles/Profile.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUuid>

namespace socketscope {

class ProbeEngine;

// One tile: what the console knows about a profile, in the words the header uses.
struct ProfileTile {
    QUuid id;
    QString name;
    QString state;        // ok / degraded / down / unknown (the profile's headline)
    QString cause;        // the cause id behind the state (the monitor's, else the worst hop's); "" when none
    QString sentence;     // the headline sentence
    QDateTime lastProbe;  // when the last probe finished; invalid: never probed
    bool probing = false;
};

// Orders states for the dashboard: down (0) before degraded, unknown, ok (3).
int stateSeverity(const QString& state);

// One tile per profile, the most severe first (then by name, case-insensitively).
QList<ProfileTile> dashboardTiles(const QList<Profile>& profiles, const ProfileStateModel& states);

// The hops a "Probe now" of a profile probes: the direct upstream (when set), then the public URL
// (demoUrl stands in for the built-in demo's public URL when not empty). Empty: nothing to probe.
QList<ProbeHop> probeHopsFor(const Profile& profile, const QString& demoUrl = {});
// A hop as the Overview's table and the Live matrix both show it: its name, then host:port
// ("public  example.com:443").
QString hopTitle(const QString& name, const QString& url);

// "Probe all": probes every profile's hops on the engine (worker threads; nothing here blocks),
// at most concurrency() profiles at once (each with its one or two hops), and reports each hop to
// the state model as a "Probe now" does. A profile whose probe is already running is skipped; a
// queued profile's state is untouched until its probe starts.
class ProbeAllRunner : public QObject {
    Q_OBJECT
public:
    // engine and states must outlive the runner (or be destroyed with it).
    ProbeAllRunner(ProbeEngine* engine, ProfileStateModel* states, QObject* parent = nullptr);
    ~ProbeAllRunner() override;

    // The most profiles probed at once (at least 1; default 4).
    void setConcurrency(int n);
    int concurrency() const { return m_concurrency; }
    // The settings every hop is probed with (echo count, hold, timeouts; the main window keeps
    // them equal to the Overview's); the URL and the profile's own settings are filled in by
    // profileProbeOptions(), as for a "Probe now".
    void setBaseOptions(const ProbeOptions& options) { m_base = options; }
    const ProbeOptions& baseOptions() const { return m_base; }

    // Queues every profile (that has a URL and is not probing); returns how many were queued
    // (0 while a previous "Probe all" runs).
    int start(const QList<Profile>& profiles, const QString& demoUrl = {});
    // Cancels the running probes (their partial results are kept) and drops the queued profiles.
    void cancel();
    bool isRunning() const { return !m_queue.isEmpty() || !m_running.isEmpty(); }
    // The most profiles that were probed at the same time during the last run.
    int peakInFlight() const { return m_peak; }

signals:
    // profilesDone of profilesTotal profiles have every hop reported.
    void progress(int profilesDone, int profilesTotal);
    // Every queued profile has reported (or the run was cancelled).
    void finished();

private:
    struct Queued {
        QUuid profile;
        QList<ProbeHop> hops;
        QList<ProbeOptions> options; // one per hop
    };
    struct Running {
        QUuid profile;
        int hop = 0;
    };
    void pump();
    void onFinished(quint64 id, const ProbeResult& result);
    int profilesInFlight() const;

    QPointer<ProbeEngine> m_engine;
    QPointer<ProfileStateModel> m_states;
    ProbeOptions m_base;
    int m_concurrency = 4;
    QList<Queued> m_queue;
    QHash<quint64, Running> m_running;
    int m_total = 0;
    int m_done = 0;
    int m_peak = 0;
};

} // namespace socketscope
