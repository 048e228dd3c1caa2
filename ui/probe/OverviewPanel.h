// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FeaturePanel.h"
#include "monitor/ProfileStates.h"
#include "probe/ProbeTypes.h"
#include "profiles/Profile.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QSet>
#include <QThread>

class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTimer;
class QTextBrowser;
class QTreeWidget;

namespace socketscope {

class Banner;
class NginxDumpReader;
class ProbeEngine;

// The "Overview" tab: "Probe now" (Ctrl+R) probes the profile's direct and public URLs through
// the core ProbeEngine (worker threads; the UI never waits), then shows where it breaks: a hop
// table, the verdict sentence, the evidence tree (copyable as text) and the advice. Results go to
// the application's ProfileStateModel, so a profile's last probe survives switching profiles;
// the panel renders the selected profile's entry.
class OverviewPanel : public FeaturePanel {
    Q_OBJECT
public:
    explicit OverviewPanel(AppContext& context, QWidget* parent = nullptr);
    ~OverviewPanel() override;
    void setProfile(const Profile* profile) override;
    QString title() const override { return tr("Overview"); }

    // Starts the probes for the current profile (no-op while probes run or without a profile).
    void probeNow();
    // Cancels running probes; their partial results are still shown.
    void cancelProbes();
    // The evidence of the last probe as plain text (what "Copy evidence" puts on the clipboard).
    QString evidenceText() const;
    // The selected profile's probe is running (another profile's may run too).
    bool isProbing() const;
    // What every probe runs with, as set here (echo count, hold, timeouts): "Probe all" uses the
    // same (profileProbeOptions()).
    ProbeOptions probeSettings() const;

signals:
    // The echo count or the hold changed.
    void probeSettingsChanged(const socketscope::ProbeOptions& settings);
    // All probes of a "Probe now" have reported.
    void probesFinished();

private:
    struct Running {
        QUuid profile;
        int hop = 0;
        int holdS = 0;             // the hold asked for
        QStringList phasesDone;    // phases finished so far, in order
        QString phase;             // the phase running now
        QDeadlineTimer holdEnds;   // while in "hold": when it ends
    };
    void onFinished(quint64 id, const ProbeResult& result);
    void render();
    void renderTable();
    void renderEvidence();
    void setBanner(const QString& text);
    ProbeOptions optionsFor(const QString& url) const;
    // The current profile's last (or running) probe, from the state model.
    ProbeRun run() const;
    bool profileProbing(const QUuid& profile) const;
    // The running probe of the selected profile's hop `hop`, or nullptr.
    const Running* runningHop(int hop) const;
    // "Probing public: hold — 7 s left" for the selected profile ("" when it is not probing).
    QString progressText() const;
    // Status label, hop table and the window's status bar while probes run (ticks each second
    // during a hold).
    void renderProgress();
    // Reads the profile's `nginx -T` on the dump worker (when the profile names an nginx it can
    // reach: runbook/NginxDump.h) unless it is cached or being read; render() follows its answer.
    void requestDump(const Profile& profile);
    void onDumped(const QUuid& profile, const QByteArray& dump, const QString& error);

    ProbeEngine* m_engine = nullptr;
    Profile m_profile;
    bool m_hasProfile = false;
    QHash<quint64, Running> m_running; // probe id → the profile and hop it answers
    QTimer* m_tick = nullptr;          // the countdown of a hold
    // `nginx -T` for the advice, read off the UI thread; cached per profile until its next probe.
    QThread m_dumpThread;
    NginxDumpReader* m_dumpReader = nullptr;
    QHash<QUuid, QByteArray> m_dumps;
    QHash<QUuid, QString> m_dumpErrors;
    QSet<QUuid> m_dumpsPending;

    QPushButton* m_probeButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QPushButton* m_copyButton = nullptr;
    QSpinBox* m_holdSpin = nullptr;
    QSpinBox* m_echoSpin = nullptr;
    QLabel* m_status = nullptr;
    Banner* m_banner = nullptr;
    QTableWidget* m_table = nullptr;
    QLabel* m_verdict = nullptr;
    QTreeWidget* m_evidence = nullptr;
    QTextBrowser* m_advice = nullptr;
};

} // namespace socketscope
