// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/RunState.h"

#include "core/AppPaths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>

namespace socketscope {

QString stepStateId(StepState s)
{
    switch (s) {
    case StepState::Pending: return QStringLiteral("pending");
    case StepState::Running: return QStringLiteral("running");
    case StepState::Ok: return QStringLiteral("ok");
    case StepState::Failed: return QStringLiteral("failed");
    case StepState::Skipped: return QStringLiteral("skipped");
    case StepState::RolledBack: return QStringLiteral("rolled_back");
    }
    return QStringLiteral("pending");
}

StepState stepStateFromId(const QString& id)
{
    for (StepState s : {StepState::Pending, StepState::Running, StepState::Ok, StepState::Failed, StepState::Skipped,
                        StepState::RolledBack})
        if (stepStateId(s) == id)
            return s;
    return StepState::Pending;
}

QJsonObject RunState::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("version"), 1);
    o.insert(QStringLiteral("id"), id);
    o.insert(QStringLiteral("runbook"), runbook);
    o.insert(QStringLiteral("profile"), profileName);
    o.insert(QStringLiteral("profile_id"), profileId);
    o.insert(QStringLiteral("host"), host);
    o.insert(QStringLiteral("started_at"), startedAt.toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("updated_at"), updatedAt.toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("dry_run"), dryRun);
    o.insert(QStringLiteral("outcome"), outcome);
    QJsonArray stepArray;
    for (const StepRecord& s : steps)
        stepArray.append(QJsonObject{{QStringLiteral("state"), stepStateId(s.state)}, {QStringLiteral("message"), s.message}});
    o.insert(QStringLiteral("steps"), stepArray);
    o.insert(QStringLiteral("site_file"), siteFile);
    o.insert(QStringLiteral("enabled_link"), enabledLink);
    o.insert(QStringLiteral("error_log"), errorLog);
    o.insert(QStringLiteral("app_log"), appLog);
    o.insert(QStringLiteral("pid_file"), pidFile);
    o.insert(QStringLiteral("dump_command"), dumpCommand);
    o.insert(QStringLiteral("include_patterns"), QJsonArray::fromStringList(includePatterns));
    o.insert(QStringLiteral("original_sha256"), originalSha256);
    o.insert(QStringLiteral("new_sha256"), newSha256);
    o.insert(QStringLiteral("diff"), diff);
    o.insert(QStringLiteral("findings"), QJsonArray::fromStringList(findings));
    if (oldIdleCutoffS)
        o.insert(QStringLiteral("old_idle_cutoff_s"), *oldIdleCutoffS);
    o.insert(QStringLiteral("proxied_cause_before"), proxiedCauseBefore);
    o.insert(QStringLiteral("backup_path"), backupPath);
    o.insert(QStringLiteral("backup_sha256"), backupSha256);
    o.insert(QStringLiteral("nothing_to_change"), nothingToChange);
    o.insert(QStringLiteral("patch_started"), patchStarted);
    o.insert(QStringLiteral("reload_attempted"), reloadAttempted);
    o.insert(QStringLiteral("final_probe_cause"), finalProbeCause);
    if (!reloadSurvival.isEmpty())
        o.insert(QStringLiteral("reload_survival"), reloadSurvival);
    o.insert(QStringLiteral("audit_path"), auditPath);
    o.insert(QStringLiteral("conflict_diff"), conflictDiff);
    o.insert(QStringLiteral("saved_before_rollback"), QJsonArray::fromStringList(savedBeforeRollback));
    return o;
}

static QStringList toStringList(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& e : v.toArray())
        out << e.toString();
    return out;
}

RunState RunState::fromJson(const QJsonObject& o)
{
    RunState s;
    s.id = o.value(QLatin1String("id")).toString();
    s.runbook = o.value(QLatin1String("runbook")).toString();
    s.profileName = o.value(QLatin1String("profile")).toString();
    s.profileId = o.value(QLatin1String("profile_id")).toString();
    s.host = o.value(QLatin1String("host")).toString();
    s.startedAt = QDateTime::fromString(o.value(QLatin1String("started_at")).toString(), Qt::ISODateWithMs);
    s.updatedAt = QDateTime::fromString(o.value(QLatin1String("updated_at")).toString(), Qt::ISODateWithMs);
    s.dryRun = o.value(QLatin1String("dry_run")).toBool();
    s.outcome = o.value(QLatin1String("outcome")).toString(QStringLiteral("running"));
    for (const QJsonValue& v : o.value(QLatin1String("steps")).toArray()) {
        const QJsonObject so = v.toObject();
        s.steps << StepRecord{stepStateFromId(so.value(QLatin1String("state")).toString()),
                              so.value(QLatin1String("message")).toString()};
    }
    s.siteFile = o.value(QLatin1String("site_file")).toString();
    s.enabledLink = o.value(QLatin1String("enabled_link")).toString();
    s.errorLog = o.value(QLatin1String("error_log")).toString();
    s.appLog = o.value(QLatin1String("app_log")).toString();
    s.pidFile = o.value(QLatin1String("pid_file")).toString();
    s.dumpCommand = o.value(QLatin1String("dump_command")).toString();
    s.includePatterns = toStringList(o.value(QLatin1String("include_patterns")));
    s.originalSha256 = o.value(QLatin1String("original_sha256")).toString();
    s.newSha256 = o.value(QLatin1String("new_sha256")).toString();
    s.diff = o.value(QLatin1String("diff")).toString();
    s.findings = toStringList(o.value(QLatin1String("findings")));
    if (o.contains(QLatin1String("old_idle_cutoff_s")))
        s.oldIdleCutoffS = o.value(QLatin1String("old_idle_cutoff_s")).toDouble();
    s.proxiedCauseBefore = o.value(QLatin1String("proxied_cause_before")).toString();
    s.backupPath = o.value(QLatin1String("backup_path")).toString();
    s.backupSha256 = o.value(QLatin1String("backup_sha256")).toString();
    s.nothingToChange = o.value(QLatin1String("nothing_to_change")).toBool();
    s.patchStarted = o.value(QLatin1String("patch_started")).toBool();
    s.reloadAttempted = o.value(QLatin1String("reload_attempted")).toBool();
    s.finalProbeCause = o.value(QLatin1String("final_probe_cause")).toString();
    s.reloadSurvival = o.value(QLatin1String("reload_survival")).toObject();
    s.auditPath = o.value(QLatin1String("audit_path")).toString();
    s.conflictDiff = o.value(QLatin1String("conflict_diff")).toString();
    s.savedBeforeRollback = toStringList(o.value(QLatin1String("saved_before_rollback")));
    return s;
}

RunStore::RunStore(QString dir) : m_dir(dir.isEmpty() ? AppPaths::dataDir() + QStringLiteral("/runs") : std::move(dir))
{
    QDir().mkpath(m_dir);
    QFile::setPermissions(m_dir, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
}

QString RunStore::statePath(const QString& runId) const { return m_dir + QLatin1Char('/') + runId + QStringLiteral(".json"); }
QString RunStore::auditPath(const QString& runId) const { return m_dir + QLatin1Char('/') + runId + QStringLiteral(".audit.jsonl"); }
QString RunStore::originalPath(const QString& runId) const { return m_dir + QLatin1Char('/') + runId + QStringLiteral(".original"); }
QString RunStore::newPath(const QString& runId) const { return m_dir + QLatin1Char('/') + runId + QStringLiteral(".new"); }

Status RunStore::saveBlob(const QString& path, const QByteArray& data) const
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Status::failure(QObject::tr("cannot write %1: %2").arg(path, f.errorString()));
    f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    f.write(data);
    if (!f.commit())
        return Status::failure(QObject::tr("cannot write %1: %2").arg(path, f.errorString()));
    return Status::success();
}

Result<QByteArray> RunStore::loadBlob(const QString& path) const
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<QByteArray>::failure(QObject::tr("cannot read %1: %2").arg(path, f.errorString()));
    return f.readAll();
}

Status RunStore::save(const RunState& state) const
{
    return saveBlob(statePath(state.id), QJsonDocument(state.toJson()).toJson(QJsonDocument::Indented));
}

Result<RunState> RunStore::load(const QString& runId) const
{
    Result<QByteArray> data = loadBlob(statePath(runId));
    if (!data)
        return Result<RunState>::failure(data.error());
    QJsonParseError pe{};
    const QJsonDocument d = QJsonDocument::fromJson(data.value(), &pe);
    if (!d.isObject())
        return Result<RunState>::failure(QObject::tr("the run state %1 is damaged: %2").arg(statePath(runId), pe.errorString()));
    return RunState::fromJson(d.object());
}

QList<RunState> RunStore::runsFor(const QString& profile, const QString& runbook) const
{
    QList<RunState> out;
    const QStringList files = QDir(m_dir).entryList({QStringLiteral("*.json")}, QDir::Files);
    for (const QString& f : files) {
        Result<RunState> s = load(f.chopped(5));
        if (!s || s->dryRun)
            continue;
        if (s->profileName.compare(profile, Qt::CaseInsensitive) != 0 && s->profileId != profile)
            continue;
        if (!runbook.isEmpty() && s->runbook != runbook)
            continue;
        out << s.value();
    }
    std::sort(out.begin(), out.end(), [](const RunState& a, const RunState& b) { return a.startedAt > b.startedAt; });
    return out;
}

std::optional<RunState> RunStore::latestUnfinished(const QString& profile, const QString& runbook) const
{
    for (const RunState& s : runsFor(profile, runbook))
        if (!s.isFinished())
            return s;
    return std::nullopt;
}

std::optional<RunState> RunStore::latestWithBackup(const QString& profile) const
{
    for (const RunState& s : runsFor(profile))
        if (s.hasBackup())
            return s;
    return std::nullopt;
}

QString RunStore::newRunId(const QString& profileName)
{
    QString slug = profileName.toLower();
    slug.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    slug = slug.left(32);
    return QStringLiteral("%1-%2-%3")
        .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss")), slug.isEmpty() ? QStringLiteral("run") : slug)
        .arg(QRandomGenerator::global()->generate() & 0xffff, 4, 16, QLatin1Char('0'));
}

} // namespace socketscope
