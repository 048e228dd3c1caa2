// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to the runbook engine: the object that lives on the worker thread and does the
// blocking work. RunbookWorker.cpp holds the control flow (run all, one step, rollback, dry run,
// confirmations, state saving); RunbookSteps.cpp holds what each step kind does.

#include "runbook/AuditTrail.h"
#include "runbook/ConfigFixer.h"
#include "runbook/RunbookEngine.h"
#include "runbook/RunbookProber.h"
#include "remote/RemoteHost.h"

#include <QElapsedTimer>
#include <QMutex>
#include <QSet>
#include <QWaitCondition>

#include <atomic>

namespace socketscope {

class RunbookWorker : public QObject {
    Q_OBJECT
public:
    RunbookWorker(Runbook runbook, Profile profile, EngineOptions options, HostFactory factory,
                  std::unique_ptr<ConfigFixer> fixer, std::unique_ptr<RunbookProber> prober);
    ~RunbookWorker() override;

    // Prepares a new run or loads a saved one; called before the worker moves to its thread.
    Status prepare(const std::optional<QString>& resumeId);

    RunState snapshot() const;
    bool isBusy() const { return m_busy.load(); }
    void requestCancel() { m_cancel.store(true); m_confirmWait.wakeAll(); }
    void answer(bool approved);

public slots:
    void doRunAll();
    void doRunStep(int index);
    void doRollback();
    void shutdown();

signals:
    void stepStateChanged(int index, socketscope::StepState state, const QString& message);
    void output(int index, const QString& text);
    void confirmationRequested(int index, const QString& title, const QString& details);
    void backupCreated(const QString& path);
    void busyChanged(bool busy);
    void finished(bool ok, const QString& summary);

private:
    // -- control (RunbookWorker.cpp)
    bool beginCall();
    void endCall(bool ok, const QString& summary);
    bool executeStep(int index);            // true: ok or skipped
    bool preconditionsHold(int index, QString* why) const;
    bool confirm(int index, const QString& details);
    bool rollbackProcedure(int index, bool automatic);
    void markRolledBack();
    void setStep(int index, StepState s, const QString& message);
    void save();
    void finishOutcome();
    bool cancelled() const { return m_cancel.load(); }

    // -- helpers for the steps (RunbookWorker.cpp)
    Status ensureHost();
    void say(const QString& text);
    // Runs a command that reads (allowed in a dry run); audited.
    Result<CommandResult> exec(const QString& command, bool sudo, const QByteArray& stdinData = {}, int timeoutMs = 0);
    // Runs a command that changes the server; in a dry run only says what it would run.
    Result<CommandResult> change(const QString& command, bool sudo, const QByteArray& stdinData = {});
    void auditFile(const QString& message, const QString& path, const QString& before, const QString& after,
                   const QJsonObject& extra = {});
    QVariantMap params() const { return m_params; }
    QString param(const QString& key) const { return m_params.value(key).toString(); }

    // -- step kinds (RunbookSteps.cpp)
    Status stepPreflight();
    Status stepPlan();
    Status stepBackup();
    Status stepPatch();
    Status stepTest();
    Status stepReload();
    Status stepVerify();
    Status stepMonitor();
    Status stepCommand();
    // pieces shared by steps and the rollback
    Status restoreOriginal(const QString& why);
    Status runTest(QString* output);
    Status reloadAndConfirm(const QString& command, int settleSeconds);
    // Reload with the survival measurement around it (RunbookReloadSurvival.cpp): live sockets
    // before, reloadAndConfirm(), then the old workers' drain and a new connection; reported in
    // the output, the audit trail and the run state, never a reason to fail.
    Status reloadWithSurvival(const QString& command, int settleSeconds, QString* summary);
    Result<QSet<qint64>> nginxWorkers(qint64* master);
    Result<qint64> remoteSize(const QString& path);
    Result<QByteArray> readSince(const QString& path, qint64 offset, qint64 maxBytes);
    ProbeResult probe(const QString& url, double holdS);
    QString backupDirectory(QString* why);
    // Each path as the server resolves it (readlink -m), in order.
    Result<QStringList> realPaths(const QStringList& paths);
    // The command copying `source` into `dir` under a new name (never over an existing file).
    QString copyAsideCommand(const QString& source, const QString& dir, const QString& tag);
    // Runs it; the copy must have expectedSha. Returns the copy's path.
    Result<QString> copyAside(const QString& source, const QString& dir, const QString& tag, const QString& expectedSha);
    // Replaces `path` with data (temp file + move, owner and mode kept) only if the file still has
    // expectedSha right before the move; *changed tells that it did not.
    Status replaceIfUnchanged(const QString& path, const QByteArray& data, const QString& expectedSha, bool* changed);
    // The inode and size of a log file, for following it.
    Result<QPair<QString, qint64>> logPosition(const QString& path);

    Runbook m_runbook;
    Profile m_profile;
    EngineOptions m_options;
    HostFactory m_factory;
    std::unique_ptr<ConfigFixer> m_fixer;
    std::unique_ptr<RunbookProber> m_prober;
    std::unique_ptr<RemoteHost> m_host;
    RunStore m_store;
    AuditTrail m_audit;

    mutable QMutex m_stateMutex;
    RunState m_state;
    QByteArray m_original;   // the file as first read
    QByteArray m_new;        // the planned file
    QString m_localOriginalMissing; // why the run's local copy of the original is unusable (resume)
    bool m_sudo = true;      // act through sudo (`sudo -n` when profile.ssh.sudoWithoutPassword)

    int m_current = -1;      // the step running now
    QVariantMap m_params;    // its expanded parameters
    bool m_suppressRollback = false;
    bool m_quiet = false;
    QSet<qint64> m_reloadOldWorkers; // the workers before the last reload, and their master
    qint64 m_reloadMaster = 0;
    QElapsedTimer m_reloadClock;      // started as the reload command ran
    QString m_lastNote;      // the reload's proof, for the step's one-line result    // polling: commands are neither echoed nor audited one by one

    std::atomic_bool m_cancel{false};
    std::atomic_bool m_busy{false};
    QMutex m_confirmMutex;
    QWaitCondition m_confirmWait;
    int m_confirmAnswer = -1; // -1 pending, 0 no, 1 yes
};

} // namespace socketscope
