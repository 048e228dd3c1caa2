// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The saved state of one runbook run (AppPaths::dataDir()/runs/<id>.json, written atomically after
// every step), so that after a crash or a dropped connection the operator can resume or roll back.
// The original file's bytes are kept next to it (<id>.original): the backup is never lost.

#include "core/Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace socketscope {

enum class StepState { Pending, Running, Ok, Failed, Skipped, RolledBack };

// "pending", "running", "ok", "failed", "skipped", "rolled_back".
QString stepStateId(StepState s);
StepState stepStateFromId(const QString& id);

struct StepRecord {
    StepState state = StepState::Pending;
    QString message;          // last one-line outcome
};

struct RunState {
    QString id;               // "20260128T100149-neo4j-prod-3f2a"
    QString runbook;
    QString profileName;
    QString profileId;
    QString host;             // RemoteHost::describe()
    QDateTime startedAt;
    QDateTime updatedAt;
    bool dryRun = false;
    QString outcome = QStringLiteral("running"); // running, ok, failed, rolled_back, stopped, cancelled
    QList<StepRecord> steps;

    // Facts gathered by the steps (all paths are on the server).
    QString siteFile;          // the real file (symlink target)
    QString enabledLink;
    QString errorLog;
    QString appLog;
    QString pidFile;
    QString dumpCommand;       // nginx -T …
    QStringList includePatterns;
    QString originalSha256;
    QString newSha256;
    QString diff;
    QStringList findings;
    std::optional<double> oldIdleCutoffS;
    QString proxiedCauseBefore; // the probe through the proxy at Preflight
    QString backupPath;
    QString backupSha256;
    bool nothingToChange = false;
    bool patchStarted = false; // the file may differ from the original from here on
    bool reloadAttempted = false;
    QString finalProbeCause;
    // Reload survival around Reload: reloadTestToJson() of the live sockets (empty: not measured).
    QJsonObject reloadSurvival;
    QString auditPath;
    QString conflictDiff;              // a refused rollback: what the run wrote → what is there now
    QStringList savedBeforeRollback;   // copies of the file taken right before each restore

    QJsonObject toJson() const;
    static RunState fromJson(const QJsonObject& o);
    bool hasBackup() const { return !backupPath.isEmpty(); }
    // Done for good (ok, rolled back, a dry run); a failed, cancelled or interrupted run can resume.
    bool isFinished() const
    {
        return outcome == QLatin1String("ok") || outcome == QLatin1String("rolled_back") || outcome == QLatin1String("dry_run");
    }
};

// Where run states live and how they are found again.
class RunStore {
public:
    // dir: the runs directory; empty → AppPaths::dataDir()/runs.
    explicit RunStore(QString dir = {});
    QString dir() const { return m_dir; }
    QString statePath(const QString& runId) const;
    QString auditPath(const QString& runId) const;
    QString originalPath(const QString& runId) const; // the original file's bytes
    QString newPath(const QString& runId) const;      // the planned new bytes
    // Saves atomically (QSaveFile); the file is private to the user.
    Status save(const RunState& state) const;
    Result<RunState> load(const QString& runId) const;
    Status saveBlob(const QString& path, const QByteArray& data) const;
    Result<QByteArray> loadBlob(const QString& path) const;
    // Runs for a profile (by name or id), newest first; dry runs excluded.
    QList<RunState> runsFor(const QString& profile, const QString& runbook = {}) const;
    // The newest unfinished run, for --resume.
    std::optional<RunState> latestUnfinished(const QString& profile, const QString& runbook) const;
    // The newest run with a backup, for `runbook rollback`.
    std::optional<RunState> latestWithBackup(const QString& profile) const;
    // A new run id (time + profile + random suffix).
    static QString newRunId(const QString& profileName);

private:
    QString m_dir;
};

} // namespace socketscope
