// SPDX-License-Identifier: GPL-3.0-or-later
// What each step kind of a runbook does. The control flow around them (confirmations, dry run,
// failure handling, automatic rollback, state saving) lives in RunbookWorker.cpp.
#include "runbook/RunbookWorker.h"

#include "remote/LocalHost.h"
#include "nginx/UnifiedDiff.h"
#include "runbook/NginxFacts.h"

#include <QDateTime>
#include <QDir>
#include <QScopeGuard>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QThread>

namespace socketscope {

using NginxFacts::sha256Hex;

static QString q(const QString& s) { return LocalHost::shellWord(s); }

static QString firstUsefulLine(const QByteArray& output)
{
    const QList<QByteArray> lines = output.split('\n');
    for (const QByteArray& l : lines)
        if (l.contains("[emerg]") || l.contains("[alert]") || l.contains("[crit]"))
            return QString::fromUtf8(l.trimmed());
    for (auto it = lines.crbegin(); it != lines.crend(); ++it)
        if (!it->trimmed().isEmpty())
            return QString::fromUtf8(it->trimmed());
    return {};
}

static QString modeString(const FileInfo& fi)
{
    return QStringLiteral("%1:%2 %3").arg(fi.owner, fi.group).arg(fi.mode, 4, 8, QLatin1Char('0'));
}

// ---------------------------------------------------------------- Preflight

Status RunbookWorker::stepPreflight()
{
    const QString enabled = param(QStringLiteral("enabledLink"));
    const QString site = param(QStringLiteral("siteFile"));
    if (enabled.isEmpty() && site.isEmpty())
        return Status::failure(tr("the profile names neither the nginx site file (nginx.siteFile) nor its sites-enabled entry (nginx.enabledLink)"));
    QString real;
    if (!enabled.isEmpty()) {
        Result<FileInfo> e = m_host->stat(enabled, true);
        if (!e)
            return Status::failure(e.error());
        if (!e->exists)
            return Status::failure(tr("%1 does not exist: the site is not enabled").arg(enabled));
        if (!e->isSymlink)
            return Status::failure(tr("%1 is a plain file, not a symlink into sites-available: nginx loads every file in "
                                      "sites-enabled, so a backup or an edit next to it becomes live configuration "
                                      "(the \"duplicate default server\" accident). Move it to sites-available and link it "
                                      "(ln -s ../sites-available/NAME %1), then run again.").arg(enabled));
        real = e->symlinkTarget;
        say(tr("%1 → %2").arg(enabled, real));
        if (!site.isEmpty()) {
            Result<FileInfo> s = m_host->stat(site, true);
            if (!s)
                return Status::failure(s.error());
            const QString siteReal = s->isSymlink ? s->symlinkTarget : site;
            if (QFileInfo(siteReal).absoluteFilePath() != QFileInfo(real).absoluteFilePath())
                return Status::failure(tr("the profile's site file %1 is not the file %2 points to (%3): fix nginx.siteFile "
                                          "or nginx.enabledLink in the profile").arg(site, enabled, real));
        }
    } else {
        Result<FileInfo> s = m_host->stat(site, true);
        if (!s)
            return Status::failure(s.error());
        if (!s->exists)
            return Status::failure(tr("the site file %1 does not exist").arg(site));
        if (!s->isSymlink && QFileInfo(site).absoluteDir().dirName() == QLatin1String("sites-enabled"))
            return Status::failure(tr("%1 is a plain file in sites-enabled, not a symlink into sites-available: a backup "
                                      "next to it would be loaded by nginx. Move it to sites-available and link it, then run again.").arg(site));
        real = s->isSymlink ? s->symlinkTarget : site;
    }
    Result<FileInfo> realInfo = m_host->stat(real, true);
    if (!realInfo || !realInfo->exists)
        return Status::failure(tr("cannot read the site file %1: %2").arg(real, realInfo ? tr("it does not exist") : realInfo.error()));
    Result<QByteArray> text = m_host->readFile(real, true);
    if (!text)
        return Status::failure(text.error());
    m_original = text.value();
    const QString sha = sha256Hex(m_original);
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.siteFile = real;
        m_state.enabledLink = enabled;
        m_state.originalSha256 = sha;
    }
    if (const Status st = m_store.saveBlob(m_store.originalPath(snapshot().id), m_original); !st)
        return st;
    auditFile(tr("read the site file"), real, sha, {}, {{QStringLiteral("owner_mode"), modeString(*realInfo)}});
    say(tr("site file %1: %2 bytes, %3, sha256 %4").arg(real).arg(m_original.size()).arg(modeString(*realInfo), sha));

    // What nginx loads: the full dump names the main config, every include glob, the pid file.
    // The dump and `nginx -V` are built from the nginx binary and its -p/-c/-e/-g options, read
    // from the test command as words: nothing else of that shell line ever runs here.
    const QString testCommand = param(QStringLiteral("testCommand"));
    const Result<NginxFacts::NginxInvocation> invocation = NginxFacts::parseNginxCommand(testCommand);
    QString dumpCmd;
    QByteArray dump;
    std::optional<NginxFacts::NginxBuild> build;
    if (!invocation) {
        say(tr("warning: %1: the include globs, pid file and error log are not read from nginx, and the backup "
               "location is checked by directory name only").arg(invocation.error()));
    } else {
        dumpCmd = NginxFacts::dumpCommand(*invocation);
        Result<CommandResult> r = exec(dumpCmd, true);
        if (r && r->exitStatus == 0)
            dump = r->stdOut;
        else
            say(tr("warning: %1 failed; the backup location is checked by directory name only").arg(dumpCmd));
        Result<CommandResult> v = exec(NginxFacts::versionCommand(*invocation), true);
        if (v && v->exitStatus == 0)
            build = NginxFacts::parseVersionOutput(v->stdOut + v->stdErr);
        // The findings of "Lint and plan" name what this nginx defaults to (proxy_http_version).
        if (build && !build->version.isEmpty() && m_fixer)
            m_fixer->setServerVersion(build->version);
    }
    // nginx resolves relative pid and log paths against its prefix: -p, else the compiled-in one.
    const QString prefix = invocation && !invocation->prefix.isEmpty() ? invocation->prefix : build ? build->prefix : QString();
    auto resolved = [&prefix](const QString& path) {
        if (!QDir::isRelativePath(path))
            return path;
        return prefix.isEmpty() ? QString() : NginxFacts::resolveAgainstPrefix(path, prefix);
    };
    const QStringList includes = NginxFacts::includePatterns(dump);
    QString pidFile = NginxFacts::directivePath(dump, QStringLiteral("pid"));
    if (pidFile.isEmpty() && invocation)
        pidFile = NginxFacts::directivePath(invocation->globals.toUtf8(), QStringLiteral("pid"));
    if (pidFile.isEmpty() && !dump.isEmpty() && build)
        pidFile = build->pidPath; // no `pid` directive: the compiled-in --pid-path
    pidFile = resolved(pidFile);
    QString errorLog = param(QStringLiteral("errorLog"));
    if (errorLog.isEmpty())
        errorLog = resolved(NginxFacts::directivePath(dump, QStringLiteral("error_log")));
    if (errorLog.isEmpty())
        errorLog = QStringLiteral("/var/log/nginx/error.log");
    if (!dump.isEmpty() && !dump.contains(QStringLiteral("# configuration file %1:").arg(enabled.isEmpty() ? real : enabled).toUtf8()))
        say(tr("warning: nginx's configuration dump does not list %1: is this the site nginx serves?").arg(enabled.isEmpty() ? real : enabled));
    if (!includes.isEmpty())
        say(tr("nginx includes: %1").arg(includes.join(QLatin1String(", "))));

    // The logs.
    Result<FileInfo> el = m_host->stat(errorLog, true);
    if (!el || !el->exists)
        return Status::failure(tr("cannot find the nginx error log at %1 (needed to prove a reload took effect): set "
                                  "logs.nginxErrorLog in the profile").arg(errorLog));
    say(tr("nginx error log: %1").arg(errorLog));
    const QString appLog = param(QStringLiteral("appLog"));
    if (!appLog.isEmpty()) {
        Result<FileInfo> al = m_host->stat(appLog, true);
        if (!al || !al->exists)
            return Status::failure(tr("the application log %1 does not exist: check where the service really logs "
                                      "(the Neo4j incident's logs were not where the plan said)").arg(appLog));
        say(tr("application log: %1").arg(appLog));
    } else {
        say(tr("no application log in the profile: Monitor follows the nginx error log only"));
    }
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.dumpCommand = dumpCmd;
        m_state.includePatterns = includes;
        m_state.pidFile = pidFile;
        m_state.errorLog = errorLog;
        m_state.appLog = appLog;
    }

    // Is nginx running? systemd where the reload goes through it, else the pid file, else ps.
    const bool viaSystemd = m_profile.nginx.reloadCommand.contains(QLatin1String("systemctl"));
    if (viaSystemd) {
        Result<CommandResult> r = exec(QStringLiteral("[ -d /run/systemd/system ] && systemctl is-active nginx"), false);
        if (!r || r->exitStatus != 0)
            return Status::failure(tr("nginx is not active according to systemd: %1").arg(r ? firstUsefulLine(r->stdOut + r->stdErr) : r.error()));
        say(tr("nginx: active (systemd)"));
    } else if (!pidFile.isEmpty()) {
        qint64 master = 0;
        Result<QSet<qint64>> workers = nginxWorkers(&master);
        if (!workers)
            return Status::failure(tr("nginx does not seem to run: %1").arg(workers.error()));
        say(tr("nginx: master %1 with %2 worker(s) (pid file %3)").arg(master).arg(workers->size()).arg(pidFile));
    } else {
        Result<CommandResult> r = exec(QStringLiteral("ps -e -o comm= | grep -c '^nginx'"), false);
        if (!r || r->exitStatus != 0)
            return Status::failure(tr("no nginx process is running"));
        say(tr("nginx: running (process list)"));
    }
    const QString service = param(QStringLiteral("serviceName"));
    if (!service.isEmpty()) {
        Result<CommandResult> r = exec(QStringLiteral("if [ -d /run/systemd/system ] && systemctl cat -- %1 >/dev/null 2>&1; then systemctl is-active -- %1; "
                                                      "else ps -e -o comm= -o args= | grep -v grep | grep -c -- %1; fi").arg(q(service)), false);
        if (!r || r->exitStatus != 0)
            return Status::failure(tr("the service \"%1\" is not running: fixing the proxy will not help until it is").arg(service));
        say(tr("service %1: running").arg(service));
    }

    // The probe matrix: direct must work, through the proxy is what we fix.
    const QString direct = param(QStringLiteral("directUrl"));
    const QString proxied = param(QStringLiteral("publicUrl"));
    if (m_options.dryRun) {
        say(tr("would probe %1 (direct) and %2 (through the proxy); a dry run sends nothing so that no log changes")
                .arg(direct.isEmpty() ? tr("nothing") : direct, proxied));
        return Status::success();
    }
    if (!direct.isEmpty()) {
        const ProbeResult d = probe(direct, 0);
        say(tr("direct %1: %2").arg(direct, d.cause));
        if (!d.httpStatus || *d.httpStatus != 101)
            return Status::failure(tr("the service does not answer directly at %1 (%2): fix it before touching the proxy").arg(direct, d.cause));
    }
    QString proxiedCause;
    if (!proxied.isEmpty()) {
        const ProbeResult p = probe(proxied, 0);
        proxiedCause = p.cause;
        say(tr("through the proxy %1: %2").arg(proxied, p.cause));
        QMutexLocker lock(&m_stateMutex);
        m_state.proxiedCauseBefore = p.cause;
    }
    setStep(m_current, StepState::Ok, tr("%1; nginx running%2%3")
                                          .arg(QFileInfo(real).fileName(), direct.isEmpty() ? QString() : tr("; direct ok"),
                                               proxiedCause.isEmpty() ? QString() : tr("; through the proxy: %1").arg(proxiedCause)));
    return Status::success();
}

// ---------------------------------------------------------------- Lint and plan

Status RunbookWorker::stepPlan()
{
    const RunState s = snapshot();
    if (m_original.isEmpty() && s.originalSha256.isEmpty())
        return Status::failure(tr("Preflight has not read the site file yet"));
    if (!m_localOriginalMissing.isEmpty())
        return Status::failure(tr("%1: cannot plan on it; roll back, or start a new run").arg(m_localOriginalMissing));
    if (!m_fixer)
        return Status::failure(tr("this build has no nginx config fixer, so no fix can be planned"));
    Result<FixPlan> plan = m_fixer->plan(m_original, s.siteFile);
    if (!plan)
        return Status::failure(tr("cannot plan a fix for %1: %2").arg(s.siteFile, plan.error()));
    for (const QString& f : plan->findings)
        say(tr("finding: %1").arg(f));
    for (const QString& f : plan->leftOut)
        say(tr("left out in the Config tab (not changed): %1").arg(f));
    std::optional<double> cutoff = plan->oldIdleCutoffS;
    if (!cutoff)
        cutoff = NginxFacts::maxProxyReadTimeout(m_original);
    if (!cutoff)
        cutoff = 60.0; // nginx's default proxy_read_timeout
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.findings = plan->findings;
        m_state.oldIdleCutoffS = cutoff;
    }
    if (plan->newText == m_original) {
        {
            QMutexLocker lock(&m_stateMutex);
            m_state.nothingToChange = true;
        }
        setStep(m_current, StepState::Ok, tr("the config already has what a WebSocket needs: nothing to change"));
        return Status::success();
    }
    m_new = plan->newText;
    const QString newSha = sha256Hex(m_new);
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.newSha256 = newSha;
        m_state.diff = plan->diff;
        m_state.nothingToChange = false;
    }
    if (const Status st = m_store.saveBlob(m_store.newPath(s.id), m_new); !st)
        return st;
    say(plan->diff);
    setStep(m_current, StepState::Ok, tr("%n finding(s); the fix changes the file (sha256 %1)", nullptr, int(plan->findings.size())).arg(newSha.left(12)));
    return Status::success();
}

// ---------------------------------------------------------------- Backup

Result<QStringList> RunbookWorker::realPaths(const QStringList& paths)
{
    using R = Result<QStringList>;
    if (paths.isEmpty())
        return QStringList{};
    // readlink -m: every symlink resolved, missing components allowed (a backup directory that
    // does not exist yet); -z: one NUL-terminated answer per path, an empty one when it fails.
    QString cmd = QStringLiteral("for p in");
    for (const QString& p : paths)
        cmd += QLatin1Char(' ') + q(p);
    cmd += QStringLiteral("; do readlink -m -z -- \"$p\" || printf '\\0'; done");
    Result<CommandResult> r = exec(cmd, true);
    if (!r)
        return R::failure(r.error());
    const QList<QByteArray> parts = r->stdOut.split('\0');
    if (r->exitStatus != 0 || parts.size() < paths.size())
        return R::failure(tr("readlink failed: %1").arg(firstUsefulLine(r->stdErr)));
    QStringList out;
    for (qsizetype i = 0; i < paths.size(); ++i) {
        if (parts.at(i).isEmpty())
            return R::failure(tr("cannot resolve %1").arg(paths.at(i)));
        out << QString::fromUtf8(parts.at(i));
    }
    return out;
}

QString RunbookWorker::backupDirectory(QString* why)
{
    const RunState s = snapshot();
    QStringList candidates;
    const QString configured = param(QStringLiteral("backupDir"));
    if (!configured.isEmpty())
        candidates << configured;
    else
        candidates << QFileInfo(s.siteFile).absolutePath() << param(QStringLiteral("fallbackDir"));
    candidates.removeAll(QString());
    // Compared as the server resolves them: `include live/*` with live -> sites-available loads
    // every file in sites-available, whatever the path text says.
    QStringList globDirs;
    for (const QString& p : s.includePatterns)
        globDirs << QFileInfo(p).path();
    const Result<QStringList> real = realPaths(globDirs + candidates);
    if (!real) {
        *why = tr("cannot resolve the real paths of the backup directory and of nginx's include directories on the "
                  "server (%1): refusing to guess where a backup is safe").arg(real.error());
        return {};
    }
    QStringList patterns = s.includePatterns;
    for (qsizetype i = 0; i < s.includePatterns.size(); ++i)
        patterns << real->at(i) + QLatin1Char('/') + QFileInfo(s.includePatterns.at(i)).fileName();
    patterns.removeDuplicates();
    const QString siteName = QFileInfo(s.siteFile).fileName();
    QStringList reasons;
    for (qsizetype c = 0; c < candidates.size(); ++c) {
        const QString dir = QDir::cleanPath(candidates.at(c));
        const QString realDir = real->at(globDirs.size() + c);
        const QString shown = realDir == dir ? dir : tr("%1 (really %2)").arg(dir, realDir);
        QString reason;
        for (const QString& d : {dir, realDir}) {
            switch (NginxFacts::backupDirRisk(d, siteName, patterns)) {
            case NginxFacts::BackupDirRisk::LoadsEveryFile:
                reason = tr("%1 is a directory nginx loads every file from").arg(shown);
                break;
            case NginxFacts::BackupDirRisk::Included:
                reason = tr("nginx includes files from %1").arg(shown);
                break;
            case NginxFacts::BackupDirRisk::None:
                break;
            }
            if (!reason.isEmpty())
                break;
        }
        if (reason.isEmpty())
            return realDir;
        reasons << reason;
    }
    *why = tr("no safe place for the backup: %1. Set nginx.backupDir in the profile to a directory nginx does not include.")
               .arg(reasons.join(QLatin1String("; ")));
    return {};
}

// DIR/NAME.TAG.YYYYMMDD_HHMMSS, or .1, .2, … when taken: the name is claimed by an exclusive
// create (set -C), so an existing file (an earlier backup) is never overwritten.
QString RunbookWorker::copyAsideCommand(const QString& source, const QString& dir, const QString& tag)
{
    const QString base = dir + QLatin1Char('/') + QFileInfo(source).fileName() + QLatin1Char('.') + tag + QLatin1Char('.')
                         + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd_HHmmss"));
    return QStringLiteral("mkdir -p -- ") + q(dir) + QStringLiteral(" && b=") + q(base)
           + QStringLiteral(" && n=$b && i=0 && while ! (set -C; : > \"$n\") 2>/dev/null; do "
                            "if [ ! -e \"$n\" ] && [ ! -L \"$n\" ]; then (set -C; : > \"$n\"); exit 1; fi; i=$((i+1)); "
                            "if [ \"$i\" -gt 99 ]; then echo \"no free name next to $b\" >&2; exit 1; fi; n=$b.$i; done "
                            "&& { cp -p -- ")
           + q(source) + QStringLiteral(" \"$n\" || { rm -f -- \"$n\"; exit 1; }; } && printf '%s' \"$n\"");
}

Result<QString> RunbookWorker::copyAside(const QString& source, const QString& dir, const QString& tag, const QString& expectedSha)
{
    using R = Result<QString>;
    Result<CommandResult> r = exec(copyAsideCommand(source, dir, tag), true);
    if (!r)
        return R::failure(r.error());
    if (r->exitStatus != 0 || r->stdOut.isEmpty())
        return R::failure(firstUsefulLine(r->stdErr + r->stdOut));
    const QString path = QString::fromUtf8(r->stdOut);
    Result<QByteArray> copied = m_host->readFile(path, true);
    if (!copied)
        return R::failure(tr("cannot read the copy %1 back: %2").arg(path, copied.error()));
    const QString sha = sha256Hex(copied.value());
    if (sha != expectedSha)
        return R::failure(tr("the copy %1 has sha256 %2, not %3: %4 changed meanwhile").arg(path, sha, expectedSha, source));
    return path;
}

Status RunbookWorker::replaceIfUnchanged(const QString& path, const QByteArray& data, const QString& expectedSha, bool* changed)
{
    *changed = false;
    // One shell command from upload to move: the checksum is compared right before the `mv`, so a
    // change made by someone else after our last read is never overwritten (exit 3).
    const QString script =
        QStringLiteral("p=") + q(path) + QStringLiteral("; want=") + q(expectedSha)
        + QStringLiteral("; set -e; d=$(dirname -- \"$p\"); b=$(basename -- \"$p\"); t=$(mktemp \"$d/.$b.socketscope.XXXXXX\"); "
                         "trap 'rm -f -- \"$t\"' EXIT; cat > \"$t\"; chown --reference=\"$p\" -- \"$t\"; "
                         "chmod --reference=\"$p\" -- \"$t\"; now=$(sha256sum < \"$p\"); now=${now%% *}; "
                         "if [ \"$now\" != \"$want\" ]; then echo \"$p changed meanwhile (sha256 $now)\" >&2; exit 3; fi; "
                         "mv -f -- \"$t\" \"$p\"; trap - EXIT");
    Result<CommandResult> r = exec(script, true, data);
    if (!r)
        return Status::failure(r.error());
    if (r->exitStatus == 3)
        *changed = true;
    if (r->exitStatus != 0)
        return Status::failure(firstUsefulLine(r->stdErr + r->stdOut));
    return Status::success();
}

Status RunbookWorker::stepBackup()
{
    const RunState s = snapshot();
    if (s.siteFile.isEmpty() || s.originalSha256.isEmpty())
        return Status::failure(tr("Preflight has not read the site file yet"));
    QString why;
    const QString dir = backupDirectory(&why);
    if (dir.isEmpty())
        return Status::failure(why);
    if (m_options.dryRun) {
        change(copyAsideCommand(s.siteFile, dir, QStringLiteral("backup")), true);
        say(tr("would check the copy's SHA-256 against %1").arg(s.originalSha256));
        return Status::success();
    }
    if (!confirm(m_current, tr("Copy %1\n  to %2/%3.backup.DATE_TIME\n(outside every directory nginx includes; an existing "
                               "file is never overwritten; verified by SHA-256)").arg(s.siteFile, dir, QFileInfo(s.siteFile).fileName())))
        return Status::failure(tr("not confirmed: nothing was changed"));
    const Result<QString> path = copyAside(s.siteFile, dir, QStringLiteral("backup"), s.originalSha256);
    if (!path)
        return Status::failure(tr("cannot write the backup in %1: %2. The config was not touched.").arg(dir, path.error()));
    const QString sha = s.originalSha256;
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.backupPath = *path;
        m_state.backupSha256 = sha;
    }
    save();
    auditFile(tr("backup written and verified"), *path, s.originalSha256, sha, {{QStringLiteral("backup_path"), *path}});
    emit backupCreated(*path);
    setStep(m_current, StepState::Ok, tr("%1 (sha256 verified)").arg(*path));
    return Status::success();
}

// ---------------------------------------------------------------- Patch

Status RunbookWorker::stepPatch()
{
    const RunState s = snapshot();
    if (m_new.isEmpty())
        return Status::failure(tr("no fix was planned (run Lint and plan first)"));
    if (m_options.dryRun) {
        say(tr("would upload %1 bytes to a temporary file next to %2 and move it into place keeping owner and mode, "
               "after checking the file is still sha256 %3:").arg(m_new.size()).arg(s.siteFile, s.originalSha256));
        say(s.diff);
        return Status::success();
    }
    if (!confirm(m_current, tr("Replace %1 with the planned fix:\n\n%2").arg(s.siteFile, s.diff)))
        return Status::failure(tr("not confirmed: nothing was changed"));
    Result<QByteArray> current = m_host->readFile(s.siteFile, true);
    if (!current)
        return Status::failure(tr("cannot re-read %1 before writing: %2").arg(s.siteFile, current.error()));
    const QString curSha = sha256Hex(current.value());
    if (curSha == s.newSha256 && s.patchStarted) {
        say(tr("the fix is already in place (an interrupted run wrote it)"));
        return Status::success();
    }
    if (curSha != s.originalSha256) {
        m_suppressRollback = true;
        auditFile(tr("refused: the file changed on the server since it was read"), s.siteFile, s.originalSha256, curSha);
        return Status::failure(tr("%1 changed on the server since it was read (sha256 %2 → %3): someone else edited it. "
                                  "Refusing to overwrite their change; run the runbook again to plan on the new text.")
                                   .arg(s.siteFile, s.originalSha256.left(12), curSha.left(12)));
    }
    Result<FileInfo> before = m_host->stat(s.siteFile, true);
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.patchStarted = true;
    }
    save();
    bool changed = false;
    if (const Status st = replaceIfUnchanged(s.siteFile, m_new, s.originalSha256, &changed); !st) {
        if (changed) {
            m_suppressRollback = true;
            auditFile(tr("refused: the file changed on the server right before the move"), s.siteFile, s.originalSha256, {});
            return Status::failure(tr("%1 changed on the server since it was read (%2): someone else edited it. Refusing to "
                                      "overwrite their change; run the runbook again to plan on the new text.").arg(s.siteFile, st.error()));
        }
        return Status::failure(tr("writing %1 failed: %2").arg(s.siteFile, st.error()));
    }
    Result<QByteArray> after = m_host->readFile(s.siteFile, true);
    if (!after)
        return Status::failure(tr("cannot read %1 back after writing: %2").arg(s.siteFile, after.error()));
    const QString afterSha = sha256Hex(after.value());
    if (afterSha != s.newSha256)
        return Status::failure(tr("after writing, %1 has sha256 %2, not the planned %3").arg(s.siteFile, afterSha, s.newSha256));
    Result<FileInfo> info = m_host->stat(s.siteFile, true);
    QJsonObject extra;
    if (info && before) {
        extra.insert(QStringLiteral("owner_mode"), modeString(*info));
        if (modeString(*info) != modeString(*before))
            say(tr("warning: owner/mode changed from %1 to %2").arg(modeString(*before), modeString(*info)));
    }
    auditFile(tr("replaced atomically (temporary file + move)"), s.siteFile, s.originalSha256, afterSha, extra);
    setStep(m_current, StepState::Ok, tr("%1 replaced (sha256 %2 → %3)").arg(s.siteFile, s.originalSha256.left(12), afterSha.left(12)));
    return Status::success();
}

// ---------------------------------------------------------------- Test

Status RunbookWorker::runTest(QString* output)
{
    QString cmd = param(QStringLiteral("command"));
    if (cmd.isEmpty())
        cmd = m_profile.nginx.testCommand;
    if (m_options.dryRun) {
        say(tr("would run: %1").arg(cmd));
        return Status::success();
    }
    Result<CommandResult> r = exec(cmd, true);
    if (!r)
        return Status::failure(r.error());
    *output = QString::fromUtf8(r->stdOut + r->stdErr);
    if (r->exitStatus != 0)
        return Status::failure(firstUsefulLine(r->stdErr + r->stdOut));
    return Status::success();
}

Status RunbookWorker::restoreOriginal(const QString& why)
{
    const RunState s = snapshot();
    // What to restore: the backup on the server, checked against the checksum recorded when it was
    // made (the run state and the audit trail); else the local copy of the original.
    QByteArray content;
    QString source;
    Result<QByteArray> backup = m_host->readFile(s.backupPath, true);
    const bool backupIntact = backup && !s.backupSha256.isEmpty() && sha256Hex(backup.value()) == s.backupSha256
                              && s.backupSha256 == s.originalSha256;
    if (backupIntact) {
        content = backup.value();
        source = s.backupPath;
    } else if (!m_original.isEmpty() && sha256Hex(m_original) == s.originalSha256) {
        say(tr("warning: the backup %1 is unreadable or changed (%2); restoring from the local copy of the original")
                .arg(s.backupPath, backup ? tr("checksum differs") : backup.error()));
        content = m_original;
        source = tr("the local copy of the original");
    } else {
        return Status::failure(tr("neither the backup %1 nor a local copy of the original is usable").arg(s.backupPath));
    }
    const QString target = sha256Hex(content);
    Result<QByteArray> current = m_host->readFile(s.siteFile, true);
    if (!current)
        return Status::failure(tr("cannot read %1 to check what it holds before restoring: %2. Nothing was changed.")
                                   .arg(s.siteFile, current.error()));
    const QString curSha = sha256Hex(current.value());
    if (curSha == target) {
        say(tr("%1 already matches the backup").arg(s.siteFile));
        return Status::success();
    }
    // Only what this run wrote is ours to undo: anything else is someone's later edit.
    if (s.newSha256.isEmpty() || curSha != s.newSha256) {
        const QByteArray ours = !m_new.isEmpty() && sha256Hex(m_new) == s.newSha256 ? m_new : QByteArray();
        QString diff = QString::fromUtf8(nginx::UnifiedDiff::unified(ours, current.value(), s.siteFile + tr(" (written by this run)"),
                                                                     s.siteFile + tr(" (on the server now)")));
        if (ours.isEmpty())
            diff.prepend(tr("(the text this run wrote, sha256 %1, is not available here: the diff shows the whole current file)\n")
                             .arg(s.newSha256.isEmpty() ? tr("none") : s.newSha256));
        {
            QMutexLocker lock(&m_stateMutex);
            m_state.conflictDiff = diff;
        }
        say(tr("%1 changed since this run wrote it (sha256 %2 expected, %3 now):").arg(s.siteFile, s.newSha256.isEmpty() ? tr("none") : s.newSha256.left(12), curSha.left(12)));
        say(diff);
        if (!m_options.forceRollback) {
            auditFile(tr("rollback refused: the file changed since the run wrote it"), s.siteFile, s.newSha256, curSha);
            return Status::failure(tr("%1 changed since this run wrote it: someone else edited it. Refusing to roll back over "
                                      "their change (the diff is above). To restore the backup anyway: socketscope-cli runbook rollback --force "
                                      "(the current bytes are saved next to the backup first).").arg(s.siteFile));
        }
        say(tr("--force: restoring anyway; the current bytes are saved first"));
    }
    const QString saveDir = QFileInfo(s.backupPath).absolutePath();
    if (m_options.dryRun) {
        change(copyAsideCommand(s.siteFile, saveDir, QStringLiteral("before-rollback")), true);
        say(tr("would restore %1 from %2").arg(s.siteFile, source));
        return Status::success();
    }
    // Whatever is there now is saved before anything is restored (verified by SHA-256).
    const Result<QString> saved = copyAside(s.siteFile, saveDir, QStringLiteral("before-rollback"), curSha);
    if (!saved)
        return Status::failure(tr("cannot save the current %1 before restoring it: %2. Nothing was restored.").arg(s.siteFile, saved.error()));
    auditFile(tr("current bytes saved before the rollback"), *saved, curSha, curSha, {{QStringLiteral("saved_path"), *saved}});
    say(tr("saved the current %1 as %2").arg(s.siteFile, *saved));
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.savedBeforeRollback << *saved;
    }
    save();
    bool changed = false;
    if (const Status st = replaceIfUnchanged(s.siteFile, content, curSha, &changed); !st)
        return Status::failure(tr("cannot restore %1: %2 — the backup is intact at %3").arg(s.siteFile, st.error(), s.backupPath));
    Result<QByteArray> after = m_host->readFile(s.siteFile, true);
    const QString afterSha = after ? sha256Hex(after.value()) : QString();
    if (afterSha != target)
        return Status::failure(tr("restoring %1 did not take (sha256 %2); the backup is intact at %3").arg(s.siteFile, afterSha, s.backupPath));
    auditFile(tr("restored from the backup (%1)").arg(why), s.siteFile, curSha, afterSha,
              {{QStringLiteral("backup_path"), s.backupPath}, {QStringLiteral("saved_path"), *saved}});
    say(tr("restored %1 from %2").arg(s.siteFile, source));
    return Status::success();
}

Status RunbookWorker::stepTest()
{
    QString out;
    const Status st = runTest(&out);
    if (st) {
        if (!m_options.dryRun)
            setStep(m_current, StepState::Ok, tr("the configuration passes the test"));
        return st;
    }
    say(tr("nginx -t fails on the new config: %1 — restoring the backup now").arg(st.error()));
    const Status restored = restoreOriginal(tr("nginx -t failed"));
    QString again;
    const Status retest = restored ? runTest(&again) : restored;
    return Status::failure(tr("nginx -t failed on the new config (%1); %2")
                               .arg(st.error(), !restored ? restored.error()
                                                          : retest ? tr("the backup was restored and nginx -t passes again")
                                                                   : tr("the backup was restored but nginx -t still fails: %1").arg(retest.error())));
}

// ---------------------------------------------------------------- Reload

// Commands below are built by concatenation, never by chained .arg(): a path holding "%1" would be
// substituted by the next .arg() (a log path "err%1.log" turned "head -c 1048576" into "head -c %3").
Result<qint64> RunbookWorker::remoteSize(const QString& path)
{
    Result<CommandResult> r = exec(QStringLiteral("wc -c < ") + q(path), true);
    if (!r)
        return Result<qint64>::failure(r.error());
    bool ok = false;
    const qint64 n = r->stdOut.trimmed().toLongLong(&ok);
    if (r->exitStatus != 0 || !ok)
        return Result<qint64>::failure(tr("cannot read the size of %1: %2").arg(path, firstUsefulLine(r->stdErr)));
    return n;
}

Result<QPair<QString, qint64>> RunbookWorker::logPosition(const QString& path)
{
    using R = Result<QPair<QString, qint64>>;
    Result<CommandResult> r = exec(QStringLiteral("stat -L -c '%i %s' -- ") + q(path), true);
    if (!r)
        return R::failure(r.error());
    const QList<QByteArray> f = r->stdOut.trimmed().split(' ');
    bool ok = false;
    const qint64 size = f.value(1).toLongLong(&ok);
    if (r->exitStatus != 0 || f.size() != 2 || !ok)
        return R::failure(firstUsefulLine(r->stdErr + r->stdOut));
    return qMakePair(QString::fromLatin1(f.at(0)), size);
}

Result<QByteArray> RunbookWorker::readSince(const QString& path, qint64 offset, qint64 maxBytes)
{
    // One dd, no pipe: its exit status is the read's (in `tail | head` a failed tail exits 0).
    const QString cmd = QStringLiteral("dd bs=65536 iflag=skip_bytes,count_bytes status=none skip=") + QString::number(offset)
                        + QStringLiteral(" count=") + QString::number(maxBytes) + QLatin1Char(' ') + q(QStringLiteral("if=") + path);
    Result<CommandResult> r = exec(cmd, true);
    if (!r)
        return Result<QByteArray>::failure(r.error());
    if (r->exitStatus != 0)
        return Result<QByteArray>::failure(tr("cannot read %1: %2").arg(path, firstUsefulLine(r->stdErr)));
    return r->stdOut;
}

Result<QSet<qint64>> RunbookWorker::nginxWorkers(qint64* master)
{
    const bool wasQuiet = m_quiet;
    m_quiet = true;
    auto restore = qScopeGuard([this, wasQuiet] { m_quiet = wasQuiet; });
    const QString pidFile = snapshot().pidFile;
    *master = 0;
    if (!pidFile.isEmpty()) {
        Result<CommandResult> r = exec(QStringLiteral("cat -- %1").arg(q(pidFile)), true);
        if (!r || r->exitStatus != 0)
            return Result<QSet<qint64>>::failure(tr("cannot read nginx's pid file %1").arg(pidFile));
        *master = r->stdOut.trimmed().toLongLong();
    } else {
        Result<CommandResult> r = exec(QStringLiteral("ps -e -o pid= -o args= | grep 'nginx: master process' | grep -v grep"), false);
        const QList<QByteArray> lines = r ? r->stdOut.trimmed().split('\n') : QList<QByteArray>{};
        if (lines.size() != 1 || lines.first().isEmpty())
            return Result<QSet<qint64>>::failure(tr("cannot tell which nginx master to watch (%1 found); set `pid` in nginx.conf").arg(lines.size()));
        *master = lines.first().simplified().split(' ').first().toLongLong();
    }
    if (*master <= 0)
        return Result<QSet<qint64>>::failure(tr("nginx's pid file %1 holds no process id").arg(pidFile));
    Result<CommandResult> ps = exec(QStringLiteral("ps -e -o pid= -o ppid= -o args="), false);
    if (!ps || ps->exitStatus != 0)
        return Result<QSet<qint64>>::failure(tr("cannot list processes"));
    // Workers that are shutting down (after a reload, kept for open connections) accept nothing new.
    QSet<qint64> workers = NginxFacts::childPids(ps->stdOut, *master);
    const QHash<qint64, QString> args = NginxFacts::processArgs(ps->stdOut);
    for (auto it = workers.begin(); it != workers.end();)
        it = args.value(*it).contains(QLatin1String("shutting down")) ? workers.erase(it) : std::next(it);
    if (workers.isEmpty())
        return Result<QSet<qint64>>::failure(tr("nginx master %1 has no worker processes (is it running?)").arg(*master));
    return workers;
}

static QString pidList(const QSet<qint64>& pids)
{
    QList<qint64> l(pids.begin(), pids.end());
    std::sort(l.begin(), l.end());
    QStringList s;
    for (qint64 p : l)
        s << QString::number(p);
    return s.join(QLatin1Char(','));
}

Status RunbookWorker::reloadAndConfirm(const QString& command, int settleSeconds)
{
    const RunState s = snapshot();
    if (m_options.dryRun) {
        say(tr("would run: %1").arg(command));
        say(tr("would then read %1 from its current end for new [emerg]/[alert] lines and check that nginx's workers changed").arg(s.errorLog));
        return Status::success();
    }
    Result<qint64> offset = remoteSize(s.errorLog);
    if (!offset)
        return Status::failure(tr("refusing to reload without a way to check it: %1").arg(offset.error()));
    qint64 master = 0;
    Result<QSet<qint64>> before = nginxWorkers(&master);
    if (!before)
        return Status::failure(tr("refusing to reload without a way to check it: %1").arg(before.error()));
    m_reloadMaster = master;
    m_reloadOldWorkers = *before;
    say(tr("before the reload: master %1, workers %2, %3 at %4 bytes").arg(QString::number(master), pidList(*before), s.errorLog, QString::number(*offset)));
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.reloadAttempted = true;
    }
    save();
    m_reloadClock.start();
    Result<CommandResult> r = exec(command, true);
    if (!r)
        return Status::failure(r.error());
    if (r->exitStatus != 0)
        return Status::failure(tr("%1 exited with %2: %3").arg(command).arg(r->exitStatus).arg(firstUsefulLine(r->stdErr + r->stdOut)));
    QElapsedTimer clock;
    clock.start();
    QString changedNote;
    m_quiet = true;
    auto unquiet = qScopeGuard([this] { m_quiet = false; });
    while (true) {
        Result<QByteArray> fresh = readSince(s.errorLog, *offset, 1024 * 1024);
        if (!fresh) // a reload nobody could check is not a reload that worked
            return Status::failure(tr("unverified: %1 — whether nginx accepted the new configuration cannot be told").arg(fresh.error()));
        {
            const QStringList bad = NginxFacts::emergencyLines(fresh.value());
            if (!bad.isEmpty()) {
                // nginx retries a failed bind() for a few seconds, logging each attempt: wait until
                // it is done so that a following reload (the rollback's) is judged on its own lines.
                qint64 lastSize = -1;
                QElapsedTimer quiet;
                quiet.start();
                QElapsedTimer cap;
                cap.start();
                while (quiet.elapsed() < 1500 && cap.elapsed() < 8000 && !cancelled()) {
                    const Result<qint64> size = remoteSize(s.errorLog);
                    if (size && *size != lastSize) {
                        lastSize = *size;
                        quiet.restart();
                    }
                    QThread::msleep(250);
                }
                m_quiet = false;
                for (const QString& l : bad)
                    say(tr("error log: %1").arg(l));
                return Status::failure(tr("the reload command exited 0, but nginx refused the new configuration and keeps "
                                          "running the old one: %1").arg(bad.first()));
            }
        }
        if (!changedNote.isEmpty())
            break;
        qint64 masterNow = 0;
        Result<QSet<qint64>> now = nginxWorkers(&masterNow);
        if (now) {
            const QSet<qint64> fresh2 = QSet<qint64>(*now).subtract(*before);
            const bool oldStillAccepting = QSet<qint64>(*now).intersects(*before);
            if (masterNow != master)
                changedNote = tr("nginx restarted (master %1 → %2)").arg(master).arg(masterNow);
            else if (!fresh2.isEmpty() && !oldStillAccepting)
                changedNote = tr("new workers %1 replaced %2").arg(pidList(fresh2), pidList(*before));
            if (!changedNote.isEmpty())
                continue; // one more look at the error log after the switch
        }
        if (cancelled())
            return Status::failure(tr("cancelled while waiting for the reload to take effect"));
        if (clock.elapsed() > qint64(settleSeconds) * 1000)
            return Status::failure(tr("the reload command exited 0, but nginx's workers did not change within %1 s: nginx "
                                      "still runs the old configuration").arg(settleSeconds));
        QThread::msleep(250);
    }
    m_quiet = false;
    say(tr("the reload took effect: %1; no [emerg]/[alert] in %2 since the reload").arg(changedNote, s.errorLog));
    AuditEvent e;
    e.step = m_current >= 0 ? m_runbook.steps.at(m_current).id : QString();
    e.event = QStringLiteral("reload");
    e.message = changedNote;
    e.path = s.errorLog;
    e.extra.insert(QStringLiteral("error_log_offset"), double(*offset));
    m_audit.append(e);
    m_lastNote = tr("took effect: %1").arg(changedNote);
    return Status::success();
}

Status RunbookWorker::stepReload()
{
    const QString cmd = param(QStringLiteral("command"));
    const int settle = qMax(1, m_params.value(QStringLiteral("settleSeconds"), 10).toInt());
    if (!m_options.dryRun && !confirm(m_current, tr("Run: %1\nthen check that nginx really switched to the new configuration.").arg(cmd)))
        return Status::failure(tr("not confirmed"));
    QString survival;
    const Status st = reloadWithSurvival(cmd, settle, &survival);
    if (st && !m_options.dryRun)
        setStep(m_current, StepState::Ok, survival.isEmpty() ? m_lastNote : m_lastNote + QStringLiteral("; ") + survival);
    return st;
}

} // namespace socketscope
