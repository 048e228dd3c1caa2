// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The runbook engine: a state machine in core that runs a Runbook's steps against one server
// through a blocking RemoteHost, on its own worker thread. The GUI and the CLI only drive it:
// public calls are queued onto the worker, progress comes back as signals, cancel() is immediate.

#include "core/Result.h"
#include "core/SecretBytes.h"
#include "profiles/Profile.h"
#include "runbook/Runbook.h"
#include "runbook/RunState.h"

#include <QObject>
#include <QThread>

#include <functional>
#include <memory>

namespace socketscope {

class ConfigFixer;
class RemoteHost;
class RunbookProber;
class RunbookWorker;

// Opens the connection to the server. Called on the engine's worker thread (libssh sessions
// belong to one thread), once per engine, when the first step needs the server.
using HostFactory = std::function<Result<std::unique_ptr<RemoteHost>>()>;

struct EngineOptions {
    bool dryRun = false;        // every step says what it would run and change; nothing changes
    bool autoConfirm = false;   // CLI --yes: server-changing steps run without asking
    int monitorSeconds = 60;    // Monitor step duration (0: skip monitoring)
    SecretBytes sudoPassword;   // only for redaction here: the RemoteHost holds its own copy
    QString runsDir;            // empty: AppPaths::dataDir()/runs
    QString auditCopy;          // CLI --audit FILE: a second copy of the audit trail
    int commandTimeoutMs = 60000;
    // A rollback restores the backup even when the file changed since the run wrote it (CLI
    // --force); the current bytes are saved next to the backup first either way.
    bool forceRollback = false;
    // Reload survival (issue 13): live sockets opened through the profile's public URL before
    // Reload and watched for reloadWindowS after it (0 sockets: not measured). It reports; it
    // never blocks or fails the reload.
    int reloadSockets = 5;
    double reloadWindowS = 10;
};

class RunbookEngine : public QObject {
    Q_OBJECT
public:
    RunbookEngine(Runbook runbook, Profile profile, QObject* parent = nullptr);
    // Cancels what runs, waits for the worker thread, closes the connection.
    ~RunbookEngine() override;

    // Configuration, before begin()/resumeRun().
    void setHostFactory(HostFactory factory);
    void setConfigFixer(std::unique_ptr<ConfigFixer> fixer);
    void setProber(std::unique_ptr<RunbookProber> prober);
    void setOptions(const EngineOptions& options);

    // Starts a new run (state and audit trail created locally). Fails when the run directory or
    // the audit file cannot be written.
    Status begin();
    // Continues a saved run (after a crash or a dropped connection): its steps keep their state,
    // an interrupted step runs again from a safe point.
    Status resumeRun(const QString& runId);

    const Runbook& runbook() const { return m_runbook; }
    const Profile& profile() const { return m_profile; }
    // A snapshot of the run state (thread-safe).
    RunState state() const;
    bool isBusy() const;

public slots:
    // Runs every non-manual step from the first one not done; stops at a failure (after the
    // automatic rollback where the failed step asks for one).
    void runAll();
    // Runs one step (its preconditions must hold).
    void runStep(int index);
    // Restores the backup, tests, reloads and verifies. Needs a backup.
    void rollback();
    // Stops the current step as soon as possible (thread-safe, immediate).
    void cancel();
    // Answers confirmationRequested (thread-safe).
    void answerConfirmation(bool approved);

signals:
    void stepStateChanged(int index, socketscope::StepState state, const QString& message);
    // Live output of a step (commands, their output, findings, diffs), secrets redacted.
    void output(int index, const QString& text);
    // A server-changing step waits for answerConfirmation(); details hold the commands and diff.
    void confirmationRequested(int index, const QString& title, const QString& details);
    void backupCreated(const QString& path);
    void busyChanged(bool busy);
    // A runAll/runStep/rollback call ended. ok: every step it ran succeeded.
    void finished(bool ok, const QString& summary);

private:
    Status startWorker(const std::optional<QString>& resumeId);

    Runbook m_runbook;
    Profile m_profile;
    EngineOptions m_options;
    HostFactory m_hostFactory;
    std::unique_ptr<ConfigFixer> m_fixer;
    std::unique_ptr<RunbookProber> m_prober;
    RunbookWorker* m_worker = nullptr;
    QThread* m_thread = nullptr;
};

} // namespace socketscope
