// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/RunbookWorker.h"

#include "remote/LocalHost.h"
#include "runbook/NginxFacts.h"

#include <QJsonArray>

namespace socketscope {

RunbookWorker::RunbookWorker(Runbook runbook, Profile profile, EngineOptions options, HostFactory factory,
                             std::unique_ptr<ConfigFixer> fixer, std::unique_ptr<RunbookProber> prober)
    : m_runbook(std::move(runbook)), m_profile(std::move(profile)), m_options(std::move(options)),
      m_factory(std::move(factory)), m_fixer(std::move(fixer)), m_prober(std::move(prober)), m_store(m_options.runsDir)
{
    // Always through sudo: a profile whose user needs no password for it means `sudo -n` (the
    // host's business), never "act without sudo" (a root-owned directory would then fail).
    m_sudo = true;
    m_audit.redactor().addSecret(m_options.sudoPassword.view());
    m_options.sudoPassword.clear();
}

RunbookWorker::~RunbookWorker()
{
    m_audit.redactor().clear();
}

void RunbookWorker::shutdown()
{
    m_host.reset();
}

Status RunbookWorker::prepare(const std::optional<QString>& resumeId)
{
    if (resumeId) {
        Result<RunState> loaded = m_store.load(*resumeId);
        if (!loaded)
            return Status::failure(loaded.error());
        if (loaded->runbook != m_runbook.name)
            return Status::failure(tr("run %1 belongs to runbook \"%2\", not \"%3\"").arg(*resumeId, loaded->runbook, m_runbook.name));
        m_state = loaded.value();
        while (m_state.steps.size() < m_runbook.steps.size())
            m_state.steps << StepRecord{};
        for (StepRecord& r : m_state.steps)
            if (r.state == StepState::Running)
                r = StepRecord{StepState::Pending, tr("interrupted; runs again on resume")};
        if (!m_state.originalSha256.isEmpty()) {
            Result<QByteArray> orig = m_store.loadBlob(m_store.originalPath(m_state.id));
            if (orig && NginxFacts::sha256Hex(orig.value()) == m_state.originalSha256) {
                m_original = orig.value();
            } else if (m_state.hasBackup() && m_state.backupSha256 == m_state.originalSha256) {
                // The backup on the server was verified against the same checksum when it was
                // made: a rollback restores from it (checked again before use).
                m_localOriginalMissing = orig ? tr("the local copy of the original differs from its checksum")
                                              : tr("the local copy of the original is missing (%1)").arg(orig.error());
            } else {
                return Status::failure(tr("the local copy of the original file for run %1 is missing or damaged (%2); "
                                          "the backup on the server is %3")
                                           .arg(m_state.id, orig ? tr("checksum differs") : orig.error(), m_state.backupPath));
            }
        }
        if (!m_state.newSha256.isEmpty()) {
            Result<QByteArray> nw = m_store.loadBlob(m_store.newPath(m_state.id));
            if (nw && NginxFacts::sha256Hex(nw.value()) == m_state.newSha256)
                m_new = nw.value();
        }
        m_state.outcome = QStringLiteral("running");
    } else {
        m_state.id = RunStore::newRunId(m_profile.name);
        m_state.runbook = m_runbook.name;
        m_state.profileName = m_profile.name;
        m_state.profileId = m_profile.id.toString(QUuid::WithoutBraces);
        m_state.startedAt = QDateTime::currentDateTime();
        m_state.dryRun = m_options.dryRun;
        for (int i = 0; i < m_runbook.steps.size(); ++i)
            m_state.steps << StepRecord{};
        m_state.auditPath = m_store.auditPath(m_state.id);
    }
    const Status st = m_audit.open(m_state.auditPath.isEmpty() ? m_store.auditPath(m_state.id) : m_state.auditPath,
                                   m_state.id, m_profile.name, m_runbook.name, m_options.auditCopy);
    if (!st)
        return st;
    AuditEvent e;
    e.event = QStringLiteral("run");
    e.message = resumeId ? tr("resumed run") : (m_options.dryRun ? tr("dry run started") : tr("run started"));
    e.extra.insert(QStringLiteral("dry_run"), m_options.dryRun);
    e.extra.insert(QStringLiteral("sudo"), m_sudo);
    m_audit.append(e);
    if (!m_localOriginalMissing.isEmpty()) {
        AuditEvent w;
        w.event = QStringLiteral("note");
        w.message = tr("%1: the backup on the server (sha256 %2) is the only copy of the original").arg(m_localOriginalMissing, m_state.backupSha256);
        m_audit.append(w);
    }
    save();
    return Status::success();
}

RunState RunbookWorker::snapshot() const
{
    QMutexLocker lock(&m_stateMutex);
    return m_state;
}

void RunbookWorker::save()
{
    RunState copy;
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.updatedAt = QDateTime::currentDateTime();
        copy = m_state;
    }
    if (const Status st = m_store.save(copy); !st)
        emit output(m_current, tr("warning: %1").arg(st.error()));
}

void RunbookWorker::setStep(int index, StepState s, const QString& message)
{
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.steps[index] = StepRecord{s, m_audit.redactor().redact(message)};
    }
    AuditEvent e;
    e.step = m_runbook.steps.at(index).id;
    e.event = QStringLiteral("step");
    e.message = message;
    e.extra.insert(QStringLiteral("state"), stepStateId(s));
    m_audit.append(e);
    save();
    emit stepStateChanged(index, s, m_audit.redactor().redact(message));
}

void RunbookWorker::answer(bool approved)
{
    QMutexLocker lock(&m_confirmMutex);
    m_confirmAnswer = approved ? 1 : 0;
    m_confirmWait.wakeAll();
}

bool RunbookWorker::confirm(int index, const QString& details)
{
    const RunbookStep& step = m_runbook.steps.at(index);
    bool approved = m_options.autoConfirm;
    if (!approved) {
        QMutexLocker lock(&m_confirmMutex);
        m_confirmAnswer = -1;
        emit confirmationRequested(index, step.title, m_audit.redactor().redact(details));
        while (m_confirmAnswer < 0 && !cancelled())
            m_confirmWait.wait(&m_confirmMutex, 200);
        approved = m_confirmAnswer == 1 && !cancelled();
    }
    AuditEvent e;
    e.step = step.id;
    e.event = QStringLiteral("confirm");
    e.message = approved ? (m_options.autoConfirm ? tr("approved in advance (--yes)") : tr("approved by the operator"))
                         : tr("declined");
    m_audit.append(e);
    return approved;
}

bool RunbookWorker::beginCall()
{
    if (m_busy.exchange(true)) {
        emit output(-1, tr("the runbook is busy; wait for the current step or cancel it"));
        return false;
    }
    m_cancel.store(false);
    emit busyChanged(true);
    return true;
}

void RunbookWorker::endCall(bool ok, const QString& summary)
{
    m_current = -1;
    save();
    m_busy.store(false);
    emit busyChanged(false);
    emit finished(ok, summary);
}

bool RunbookWorker::preconditionsHold(int index, QString* why) const
{
    QMutexLocker lock(&m_stateMutex);
    for (const QString& pre : m_runbook.steps.at(index).preconditions) {
        const int p = m_runbook.indexOf(pre);
        const StepState s = m_state.steps.at(p).state;
        if (s != StepState::Ok && s != StepState::Skipped) {
            *why = tr("needs \"%1\" to be done first (it is %2)").arg(m_runbook.steps.at(p).title, stepStateId(s));
            return false;
        }
    }
    return true;
}

void RunbookWorker::finishOutcome()
{
    QMutexLocker lock(&m_stateMutex);
    bool allDone = true;
    for (int i = 0; i < m_runbook.steps.size(); ++i) {
        if (m_runbook.steps.at(i).manual)
            continue;
        const StepState s = m_state.steps.at(i).state;
        if (s != StepState::Ok && s != StepState::Skipped)
            allDone = false;
    }
    if (allDone)
        m_state.outcome = m_options.dryRun ? QStringLiteral("dry_run") : QStringLiteral("ok");
}

void RunbookWorker::doRunAll()
{
    if (!beginCall())
        return;
    bool ok = true;
    QString summary;
    for (int i = 0; i < m_runbook.steps.size(); ++i) {
        const RunbookStep& step = m_runbook.steps.at(i);
        const StepState s = snapshot().steps.at(i).state;
        if (step.manual || s == StepState::Ok || s == StepState::Skipped)
            continue;
        if (cancelled()) {
            ok = false;
            summary = tr("cancelled before %1").arg(step.title);
            QMutexLocker lock(&m_stateMutex);
            m_state.outcome = QStringLiteral("cancelled");
            break;
        }
        if (!executeStep(i)) {
            ok = false;
            summary = tr("%1: %2").arg(step.title, snapshot().steps.at(i).message);
            break;
        }
    }
    if (ok) {
        finishOutcome();
        const RunState st = snapshot();
        summary = m_options.dryRun ? tr("dry run complete: nothing was changed")
                                   : tr("all steps done; through the proxy: %1").arg(st.finalProbeCause.isEmpty() ? tr("not probed") : st.finalProbeCause);
    }
    AuditEvent e;
    e.event = QStringLiteral("run");
    e.message = summary;
    e.extra.insert(QStringLiteral("outcome"), snapshot().outcome);
    m_audit.append(e);
    endCall(ok, summary);
}

void RunbookWorker::doRunStep(int index)
{
    if (index < 0 || index >= m_runbook.steps.size())
        return;
    if (!beginCall())
        return;
    bool ok = false;
    if (m_runbook.steps.at(index).kind == QLatin1String("rollback"))
        ok = rollbackProcedure(index, false);
    else
        ok = executeStep(index);
    finishOutcome();
    endCall(ok, tr("%1: %2").arg(m_runbook.steps.at(index).title, snapshot().steps.at(index).message));
}

void RunbookWorker::doRollback()
{
    if (!beginCall())
        return;
    int index = -1;
    for (int i = 0; i < m_runbook.steps.size(); ++i)
        if (m_runbook.steps.at(i).kind == QLatin1String("rollback"))
            index = i;
    bool ok = false;
    if (index < 0)
        emit output(-1, tr("this runbook has no rollback step"));
    else
        ok = rollbackProcedure(index, false);
    endCall(ok, index < 0 ? tr("no rollback step") : tr("Rollback: %1").arg(snapshot().steps.at(index).message));
}

bool RunbookWorker::executeStep(int index)
{
    const RunbookStep& step = m_runbook.steps.at(index);
    m_current = index;
    QString why;
    if (!preconditionsHold(index, &why)) {
        setStep(index, StepState::Pending, why);
        emit output(index, why);
        return false;
    }
    if (!m_options.dryRun && snapshot().nothingToChange && step.changesServer) {
        setStep(index, StepState::Skipped, tr("nothing to change"));
        return true;
    }
    if (!m_options.dryRun && snapshot().nothingToChange && step.kind == QLatin1String("test")) {
        setStep(index, StepState::Skipped, tr("nothing to change"));
        return true;
    }
    QVariantMap runValues{{QStringLiteral("monitorSeconds"), m_options.monitorSeconds},
                          {QStringLiteral("runId"), snapshot().id}};
    // A user `command` step's command line gets every profile value as one quoted shell word.
    const QStringList shellParams = step.kind == QLatin1String("command") ? QStringList{QStringLiteral("command")} : QStringList{};
    Result<QVariantMap> params = Runbooks::expandParams(step.params, m_profile, runValues, shellParams);
    if (!params) {
        setStep(index, StepState::Failed, params.error());
        return false;
    }
    m_params = params.value();
    m_suppressRollback = false;
    setStep(index, StepState::Running, m_options.dryRun ? tr("dry run") : tr("running"));
    emit output(index, QStringLiteral("── %1%2").arg(step.title, m_options.dryRun ? tr(" (dry run)") : QString()));

    Status st;
    if (const Status h = ensureHost(); !h) {
        st = h;
    } else if (step.kind == QLatin1String("preflight")) st = stepPreflight();
    else if (step.kind == QLatin1String("plan")) st = stepPlan();
    else if (step.kind == QLatin1String("backup")) st = stepBackup();
    else if (step.kind == QLatin1String("patch")) st = stepPatch();
    else if (step.kind == QLatin1String("test")) st = stepTest();
    else if (step.kind == QLatin1String("reload")) st = stepReload();
    else if (step.kind == QLatin1String("verify")) st = stepVerify();
    else if (step.kind == QLatin1String("monitor")) st = stepMonitor();
    else if (step.kind == QLatin1String("command")) st = stepCommand();
    else st = Status::failure(tr("step kind \"%1\" cannot run on its own").arg(step.kind));

    if (st) {
        const RunState s = snapshot();
        if (s.steps.at(index).state == StepState::Running)
            setStep(index, StepState::Ok, m_options.dryRun ? tr("dry run: nothing changed") : tr("done"));
        return true;
    }
    if (cancelled()) {
        setStep(index, StepState::Failed, tr("cancelled: %1").arg(st.error()));
        QMutexLocker lock(&m_stateMutex);
        m_state.outcome = QStringLiteral("cancelled");
        return false;
    }
    setStep(index, StepState::Failed, st.error());
    emit output(index, tr("✗ %1").arg(st.error()));
    const RunState s = snapshot();
    if (step.onFailure == OnFailure::Rollback && !m_options.dryRun && !m_suppressRollback && s.patchStarted && s.hasBackup()) {
        emit output(index, tr("rolling back automatically because %1 failed").arg(step.title));
        for (int i = 0; i < m_runbook.steps.size(); ++i)
            if (m_runbook.steps.at(i).kind == QLatin1String("rollback")) {
                rollbackProcedure(i, true);
                break;
            }
        m_current = index;
    } else {
        QMutexLocker lock(&m_stateMutex);
        m_state.outcome = QStringLiteral("failed");
    }
    return false;
}

void RunbookWorker::markRolledBack()
{
    for (int i = 0; i < m_runbook.steps.size(); ++i) {
        const QString& kind = m_runbook.steps.at(i).kind;
        const StepState s = snapshot().steps.at(i).state;
        if (s == StepState::Ok && (kind == QLatin1String("patch") || kind == QLatin1String("test") || kind == QLatin1String("reload")
                                   || kind == QLatin1String("verify")))
            setStep(i, StepState::RolledBack, tr("undone by the rollback"));
    }
}

bool RunbookWorker::rollbackProcedure(int index, bool automatic)
{
    m_current = index;
    const RunbookStep& step = m_runbook.steps.at(index);
    const RunState s = snapshot();
    if (!s.hasBackup()) {
        setStep(index, StepState::Failed, tr("no backup exists yet: nothing to roll back"));
        return false;
    }
    if (const Status h = ensureHost(); !h) {
        setStep(index, StepState::Failed, h.error());
        return false;
    }
    m_params.clear();
    setStep(index, StepState::Running, automatic ? tr("automatic rollback") : tr("rolling back"));
    emit output(index, QStringLiteral("── %1%2").arg(step.title, automatic ? tr(" (automatic)") : QString()));
    if (!automatic && !m_options.dryRun
        && !confirm(index, tr("Restore %1 from the backup %2, test, reload and verify.").arg(s.siteFile, s.backupPath))) {
        setStep(index, StepState::Pending, tr("not confirmed"));
        return false;
    }
    if (Status st = restoreOriginal(tr("rollback")); !st) {
        setStep(index, StepState::Failed, st.error());
        return false;
    }
    QString testOut;
    if (Status st = runTest(&testOut); !st) {
        setStep(index, StepState::Failed, tr("the restored file fails the test: %1").arg(st.error()));
        return false;
    }
    if (s.reloadAttempted) {
        const QString cmd = m_profile.nginx.reloadCommand;
        if (Status st = reloadAndConfirm(cmd, 10); !st) {
            setStep(index, StepState::Failed, tr("reload of the restored config: %1").arg(st.error()));
            return false;
        }
    } else {
        say(tr("no reload happened since the backup: nginx still runs the original configuration"));
    }
    if (m_options.dryRun) {
        setStep(index, StepState::Ok, tr("dry run: nothing changed"));
        return true;
    }
    const ProbeResult pr = probe(m_profile.publicUrl, 0);
    const bool sameAsBefore = pr.cause == QLatin1String("ok") || pr.cause == s.proxiedCauseBefore;
    if (!m_profile.publicUrl.isEmpty() && !sameAsBefore) {
        setStep(index, StepState::Failed, tr("restored, but the proxy now answers %1 (before the run: %2)").arg(pr.cause, s.proxiedCauseBefore));
        return false;
    }
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.patchStarted = false;
        m_state.reloadAttempted = false;
        m_state.outcome = QStringLiteral("rolled_back");
    }
    markRolledBack();
    setStep(index, StepState::Ok, tr("restored %1 from %2; nginx -t ok%3").arg(s.siteFile, s.backupPath,
                                                                               m_profile.publicUrl.isEmpty() ? QString() : tr("; through the proxy: %1").arg(pr.cause)));
    return true;
}

// ---------------------------------------------------------------- helpers

Status RunbookWorker::ensureHost()
{
    if (m_host)
        return Status::success();
    Result<std::unique_ptr<RemoteHost>> host = m_factory();
    if (!host)
        return Status::failure(tr("cannot reach the server: %1").arg(host.error()));
    m_host = std::move(host.value());
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.host = m_host->describe();
    }
    AuditEvent e;
    e.event = QStringLiteral("connect");
    // On this machine nothing connects anywhere: saying "connected to root@HOST" reads like SSH.
    // (LocalHost is the one transport that is not a connection.)
    const bool thisMachine = dynamic_cast<const LocalHost*>(m_host.get()) != nullptr;
    e.message = thisMachine ? tr("acting on this machine, no SSH connection: %1").arg(m_host->describe())
                            : tr("connected to %1").arg(m_host->describe());
    m_audit.append(e);
    say(e.message);
    return Status::success();
}

void RunbookWorker::say(const QString& text)
{
    emit output(m_current, m_audit.redactor().redact(text));
    AuditEvent e;
    e.step = m_current >= 0 ? m_runbook.steps.at(m_current).id : QString();
    e.event = QStringLiteral("note");
    e.message = text;
    m_audit.append(e);
}

Result<CommandResult> RunbookWorker::exec(const QString& command, bool sudo, const QByteArray& stdinData, int timeoutMs)
{
    if (!m_quiet)
        emit output(m_current, QStringLiteral("$ %1%2").arg(sudo && m_sudo ? QStringLiteral("sudo ") : QString(), m_audit.redactor().redact(command)));
    CommandOptions o;
    o.stdinData = stdinData;
    o.timeoutMs = timeoutMs > 0 ? timeoutMs : m_options.commandTimeoutMs;
    o.sudo = sudo && m_sudo;
    o.cancel = &m_cancel;
    const int index = m_current;
    // Redacted line by line per stream: a secret split across two chunks is still caught.
    Redactor::Stream outStream(m_audit.redactor()), errStream(m_audit.redactor());
    const auto show = [this, index](const QString& text) {
        if (!text.trimmed().isEmpty())
            emit output(index, text.trimmed());
    };
    if (!m_quiet)
        o.onOutput = [&](const QByteArray& chunk, bool isStderr) { show((isStderr ? errStream : outStream).push(chunk)); };
    Result<CommandResult> r = m_host->run(command, o);
    if (!m_quiet) {
        show(outStream.finish());
        show(errStream.finish());
    }
    if (m_quiet && r && r->exitStatus == 0)
        return r;
    AuditEvent e;
    e.step = m_current >= 0 ? m_runbook.steps.at(m_current).id : QString();
    e.event = QStringLiteral("command");
    e.command = command;
    e.extra.insert(QStringLiteral("sudo"), o.sudo);
    if (r) {
        e.exitStatus = r->exitStatus;
        // Redacted before the excerpt cuts it: a secret across the cut would escape otherwise.
        e.output = AuditTrail::excerpt(m_audit.redactor().redact(QString::fromUtf8(r->stdOut + r->stdErr)).toUtf8());
        if (r->timedOut)
            e.message = tr("timed out after %1 ms").arg(o.timeoutMs);
    } else {
        e.message = r.error();
    }
    m_audit.append(e);
    return r;
}

Result<CommandResult> RunbookWorker::change(const QString& command, bool sudo, const QByteArray& stdinData)
{
    if (m_options.dryRun) {
        say(tr("would run: %1%2").arg(sudo && m_sudo ? QStringLiteral("sudo ") : QString(), command));
        CommandResult r;
        r.exitStatus = 0;
        return r;
    }
    return exec(command, sudo, stdinData);
}

void RunbookWorker::auditFile(const QString& message, const QString& path, const QString& before, const QString& after,
                              const QJsonObject& extra)
{
    AuditEvent e;
    e.step = m_current >= 0 ? m_runbook.steps.at(m_current).id : QString();
    e.event = QStringLiteral("file");
    e.message = message;
    e.path = path;
    e.checksumBefore = before;
    e.checksumAfter = after;
    e.extra = extra;
    m_audit.append(e);
}

} // namespace socketscope
