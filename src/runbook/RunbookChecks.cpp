// SPDX-License-Identifier: GPL-3.0-or-later
// The step kinds that observe rather than change: Verify (probe through the proxy), Monitor
// (follow the logs) and the generic command step. The others live in RunbookSteps.cpp.
#include "runbook/RunbookWorker.h"

#include "probe/ProbeProfile.h"

#include "remote/LocalHost.h"
#include "runbook/LogScanner.h"
#include "runbook/NginxFacts.h"

#include <QDateTime>
#include <QDir>
#include <QScopeGuard>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QThread>

namespace socketscope {

namespace {

// The last non-empty line of a command's output.
QString lastLine(const QByteArray& output)
{
    const QList<QByteArray> lines = output.split('\n');
    for (auto it = lines.crbegin(); it != lines.crend(); ++it)
        if (!it->trimmed().isEmpty())
            return QString::fromUtf8(it->trimmed());
    return {};
}

} // namespace

// ---------------------------------------------------------------- Verify and Monitor

ProbeResult RunbookWorker::probe(const QString& url, double holdS)
{
    ProbeOptions o;
    o.url = url;
    // The profile's Origin, headers and TLS options (a private CA behind wss://) apply to Verify too.
    // So does its application protocol (Bolt, Socket.IO, ...; auto-detected when unset): Verify
    // never demands an echo from an application that does not echo.
    applyProfile(o, m_profile);
    o.holdS = holdS;
    o.timeoutS = 10;
    if (holdS > 0)
        say(tr("probing %1: upgrade, application check (%2), idle hold %3 s")
                .arg(url, appProtocolName(o.app != AppProtocolId::Auto ? o.app : (o.bolt ? AppProtocolId::Bolt : AppProtocolId::Auto)))
                .arg(holdS));
    const ProbeResult r = m_prober->probe(o, &m_cancel);
    AuditEvent e;
    e.step = m_current >= 0 ? m_runbook.steps.at(m_current).id : QString();
    e.event = QStringLiteral("probe");
    e.message = r.evidence.join(QLatin1String("; "));
    e.extra.insert(QStringLiteral("url"), url);
    e.extra.insert(QStringLiteral("cause"), r.cause);
    e.extra.insert(QStringLiteral("app"), r.app.protocol);
    e.extra.insert(QStringLiteral("hold_s"), holdS);
    if (r.httpStatus)
        e.extra.insert(QStringLiteral("http_status"), *r.httpStatus);
    if (r.idleCutoffS)
        e.extra.insert(QStringLiteral("idle_cutoff_s"), *r.idleCutoffS);
    m_audit.append(e);
    return r;
}

Status RunbookWorker::stepVerify()
{
    const RunState s = snapshot();
    const QString url = param(QStringLiteral("url"));
    if (url.isEmpty())
        return Status::failure(tr("the profile has no public URL to probe through the proxy"));
    double hold = m_params.value(QStringLiteral("holdSeconds")).toDouble();
    const double maxHold = m_params.value(QStringLiteral("maxHoldSeconds"), 120).toDouble();
    if (hold <= 0)
        hold = s.oldIdleCutoffS.value_or(60.0) + 2.0;
    hold = qMin(hold, maxHold);
    if (m_options.dryRun) {
        say(tr("would probe %1: upgrade, application check, idle hold %2 s (longer than the old cutoff of %3 s)")
                .arg(url).arg(hold).arg(s.oldIdleCutoffS.value_or(60.0)));
        return Status::success();
    }
    const ProbeResult r = probe(url, hold);
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.finalProbeCause = r.cause;
    }
    for (const QString& ev : r.evidence)
        say(ev);
    if (!r.ok)
        return Status::failure(tr("through the proxy: %1%2").arg(r.cause, r.evidence.isEmpty() ? QString() : QStringLiteral(" — ") + r.evidence.last()));
    setStep(m_current, StepState::Ok, tr("through the proxy: ok (upgrade, %1, held idle %2 s)").arg(r.app.protocol).arg(r.heldS, 0, 'f', 1));
    return Status::success();
}

Status RunbookWorker::stepMonitor()
{
    const RunState s = snapshot();
    const double seconds = m_params.value(QStringLiteral("seconds")).toDouble();
    QStringList patterns;
    for (const QVariant& v : m_params.value(QStringLiteral("patterns")).toList())
        patterns << v.toString();
    QStringList files{s.errorLog};
    if (!s.appLog.isEmpty())
        files << s.appLog;
    if (seconds <= 0) {
        setStep(m_current, StepState::Skipped, tr("monitoring skipped (0 s)"));
        return Status::success();
    }
    if (m_options.dryRun) {
        say(tr("would follow %1 for %2 s counting: %3").arg(files.join(QLatin1String(", "))).arg(seconds).arg(patterns.join(QLatin1String(" | "))));
        return Status::success();
    }
    // A log that cannot be read proves nothing: any read failure (permission, a deleted or replaced
    // file) fails the step as unverified instead of passing it.
    auto unverified = [&](const QString& file, const QString& why) {
        return Status::failure(tr("unverified: cannot follow %1 (%2), so Monitor cannot say the logs are clean").arg(file, why));
    };
    QList<QPair<QString, qint64>> positions;
    for (const QString& f : files) {
        Result<QPair<QString, qint64>> pos = logPosition(f);
        if (!pos)
            return unverified(f, pos.error());
        positions << *pos;
    }
    say(tr("following %1 for %2 s").arg(files.join(QLatin1String(", "))).arg(seconds));
    QList<LogScanner> scanners;
    for (qsizetype i = 0; i < files.size(); ++i)
        scanners << LogScanner(patterns);
    QMap<QString, int> counts;
    QStringList samples;
    QElapsedTimer clock;
    clock.start();
    m_quiet = true;
    auto unquiet = qScopeGuard([this] { m_quiet = false; });
    bool last = false;
    while (!last) {
        last = clock.elapsed() >= qint64(seconds * 1000);
        for (int i = 0; i < files.size(); ++i) {
            const QString& file = files.at(i);
            Result<QPair<QString, qint64>> pos = logPosition(file);
            if (!pos)
                return unverified(file, pos.error());
            if (pos->first != positions.at(i).first)
                return unverified(file, tr("it was rotated or replaced while being followed: lines written to the old file "
                                           "are not seen"));
            if (pos->second < positions.at(i).second) { // truncated in place (copytruncate)
                say(tr("%1 was truncated; following it from its start").arg(file));
                positions[i].second = 0;
                scanners[i].reset();
            }
            Result<QByteArray> fresh = readSince(file, positions.at(i).second, 4 * 1024 * 1024);
            if (!fresh)
                return unverified(file, fresh.error());
            positions[i].second += fresh->size();
            for (const LogScanner::Hit& h : scanners[i].feed(fresh.value())) {
                ++counts[h.pattern];
                if (samples.size() < 20)
                    samples << QFileInfo(file).fileName() + QStringLiteral(": ") + h.line;
                emit output(m_current, m_audit.redactor().redact(QStringLiteral("⚠ ") + file + QStringLiteral(": ") + h.line));
            }
        }
        if (cancelled())
            return Status::failure(tr("monitoring cancelled"));
        if (!last)
            QThread::msleep(1000);
    }
    m_quiet = false;
    AuditEvent e;
    e.step = m_runbook.steps.at(m_current).id;
    e.event = QStringLiteral("monitor");
    QJsonObject c;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        c.insert(it.key(), it.value());
    e.extra.insert(QStringLiteral("counts"), c);
    e.extra.insert(QStringLiteral("seconds"), seconds);
    e.output = samples.join(QLatin1Char('\n'));
    m_audit.append(e);
    if (!counts.isEmpty()) {
        QStringList parts;
        for (auto it = counts.cbegin(); it != counts.cend(); ++it)
            parts << QStringLiteral("\"%1\" ×%2").arg(it.key()).arg(it.value());
        return Status::failure(tr("problem lines in %1 s: %2").arg(seconds).arg(parts.join(QLatin1String(", "))));
    }
    setStep(m_current, StepState::Ok, tr("no problem pattern in %1 s of %2").arg(seconds).arg(files.join(QLatin1String(", "))));
    return Status::success();
}

// ---------------------------------------------------------------- command

Status RunbookWorker::stepCommand()
{
    const RunbookStep& step = m_runbook.steps.at(m_current);
    const QString cmd = param(QStringLiteral("command"));
    const bool sudo = m_params.value(QStringLiteral("sudo"), false).toBool();
    if (cmd.isEmpty())
        return Status::failure(tr("the step has no \"command\" parameter"));
    if (m_options.dryRun) {
        // A runbook's own command is not known to be read-only, whatever the step declares: a dry
        // run only says it.
        say(tr("would run: %1%2").arg(sudo && m_sudo ? QStringLiteral("sudo ") : QString(), cmd));
        return Status::success();
    }
    if (step.changesServer && !confirm(m_current, tr("Run: %1").arg(cmd)))
        return Status::failure(tr("not confirmed"));
    Result<CommandResult> r = exec(cmd, sudo);
    if (!r)
        return Status::failure(r.error());
    if (r->exitStatus != 0)
        return Status::failure(tr("exit status %1: %2").arg(r->exitStatus).arg(lastLine(r->stdErr + r->stdOut)));
    return Status::success();
}

} // namespace socketscope
