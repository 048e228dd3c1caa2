// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "monitor/MonitorTypes.h"
#include "probe/ProbeTypes.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QUuid>

namespace socketscope {

class MonitorManager;

// One hop of a "Probe now" (the direct upstream or the public URL) and its result.
struct ProbeHop {
    QString name;   // "direct" / "public"
    QString url;
    ProbeResult result;
    bool done = false;
};

// The last "Probe now" of a profile: its hops and, once every hop reported, its verdict.
struct ProbeRun {
    QList<ProbeHop> hops;
    QDateTime finishedAt;  // invalid while running (or never probed)
    QString state;         // ok / degraded / down (once finished)
    QString sentence;      // the verdict in one sentence
    bool running() const;
    bool finished() const { return finishedAt.isValid(); }
};

// What the console knows about one profile. Every view (header, list dot and word, Overview,
// Live) renders this for the selected profile, so two places never disagree.
struct ProfileState {
    ProbeRun probe;
    bool monitored = false;                      // a monitor for this profile exists (running or not)
    MonitorState monitorState = MonitorState::Unknown;
    QString monitorCause;
    QString monitorReason;
    QDateTime lastChange;                        // when any of the above last changed

    // The headline: a running monitor's verdict (live), else the last probe's, else unknown.
    struct Headline {
        QString state;      // ok / degraded / down / unknown
        QString sentence;
    };
    Headline headline() const;
};

// The per-profile state model of the console, owned by the application (not by a widget). It
// takes probe results from whoever probes and follows the monitors of a MonitorManager; the last
// probe of each profile is kept in a small JSON file of the app data dir (never profiles.json),
// so it survives switching profiles and restarts.
class ProfileStateModel : public QObject {
    Q_OBJECT
public:
    // file: where the last probes persist ("" = memory only).
    explicit ProfileStateModel(const QString& file = {}, QObject* parent = nullptr);
    ~ProfileStateModel() override;

    // Reads the file (a missing file is an empty model; an unreadable one is an error and is
    // never overwritten by this model).
    Status load();
    QString filePath() const { return m_file; }
    // The default file: AppPaths::dataDir()/profile-state.json.
    static QString defaultFile();

    // The state of a profile (an empty state when nothing is known).
    ProfileState state(const QUuid& profile) const;

    // A probe of these hops started for a profile (its previous result is replaced).
    void beginProbe(const QUuid& profile, const QList<ProbeHop>& hops);
    // A hop of the profile's running probe reported; the verdict is computed (and saved) once
    // every hop has reported.
    void setHopResult(const QUuid& profile, int hop, const ProbeResult& result);
    // Forgets a profile (deleted).
    void forget(const QUuid& profile);

    // Follows the monitors of a manager whose spec names a profile id.
    void attach(MonitorManager* manager);

    // The verdict of finished hops (one hop: its cause; two: which hop fails).
    static void computeVerdict(ProbeRun& run);

signals:
    void changed(const QUuid& profile);

private:
    void updateFromMonitor(int monitorId);
    void save() const;

    QString m_file;
    bool m_readOnly = false;
    QHash<QUuid, ProfileState> m_states;
    QPointer<MonitorManager> m_manager;
    QHash<int, QUuid> m_monitorProfile; // monitor id -> profile
};

} // namespace socketscope
