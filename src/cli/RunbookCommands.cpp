// SPDX-License-Identifier: GPL-3.0-or-later
// socketscope-cli runbook list | run | rollback | export-ansible | audit
#include "cli/ArgParser.h"
#include "cli/CommandHelp.h"
#include "cli/Commands.h"
#include "cli/ProfileLookup.h"
#include "cli/TerminalPrompt.h"
#include "runbook/AnsibleExport.h"
#include "runbook/AuditTrail.h"
#include "runbook/RunbookConnect.h"
#include "runbook/RunbookEngine.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QTextStream>


#ifdef _WIN32
#include <io.h>
#define SS_ISATTY(fd) _isatty(fd)
#else
#include <unistd.h>
#define SS_ISATTY(fd) isatty(fd)
#endif

namespace socketscope::cli {

namespace {

const char* const kUsage
    = "usage: socketscope-cli runbook list [--json]\n"
      "       socketscope-cli runbook run NAME --profile P [--dry-run] [--yes] [--resume] [--sudo-password-stdin]\n"
      "                                   [--monitor-seconds S] [--reload-sockets N] [--reload-window S] [--json] [--local]\n"
      "                                   [--audit FILE]\n"
      "       socketscope-cli runbook rollback --profile P [--yes] [--force] [--sudo-password-stdin] [--json] "
      "[--local] [--audit FILE]\n"
      "       socketscope-cli runbook export-ansible NAME [--profile P] [--output FILE]\n"
      "       socketscope-cli runbook audit --profile P [--run ID]\n"
      "       socketscope-cli runbook record-ansible RESULT.json [--plan PLAN.json] [--audit FILE]\n";

int usage(CliContext& ctx, const QString& message)
{
    if (!message.isEmpty())
        *ctx.err << "runbook: " << message << '\n';
    *ctx.err << kUsage;
    return ExitUsage;
}

Result<Profile> lookupProfile(CliContext& ctx, const QString& name)
{
    return loadProfileForCli(ctx, name);
}

QString stateWord(StepState s)
{
    switch (s) {
    case StepState::Pending: return QStringLiteral("pending");
    case StepState::Running: return QStringLiteral("running");
    case StepState::Ok: return QStringLiteral("ok");
    case StepState::Failed: return QStringLiteral("FAILED");
    case StepState::Skipped: return QStringLiteral("skipped");
    case StepState::RolledBack: return QStringLiteral("rolled back");
    }
    return {};
}

QJsonObject runJson(const RunbookEngine& engine, bool ok, const QString& summary)
{
    const RunState s = engine.state();
    QJsonArray steps;
    for (int i = 0; i < engine.runbook().steps.size() && i < s.steps.size(); ++i) {
        const RunbookStep& st = engine.runbook().steps.at(i);
        steps.append(QJsonObject{{QStringLiteral("id"), st.id},
                                 {QStringLiteral("title"), st.title},
                                 {QStringLiteral("state"), stepStateId(s.steps.at(i).state)},
                                 {QStringLiteral("message"), s.steps.at(i).message}});
    }
    return {{QStringLiteral("run"), s.id},
            {QStringLiteral("runbook"), s.runbook},
            {QStringLiteral("profile"), s.profileName},
            {QStringLiteral("host"), s.host},
            {QStringLiteral("dry_run"), s.dryRun},
            {QStringLiteral("ok"), ok},
            {QStringLiteral("outcome"), s.outcome},
            {QStringLiteral("summary"), summary},
            {QStringLiteral("final_probe"), s.finalProbeCause},
            {QStringLiteral("reload_survival"), s.reloadSurvival.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s.reloadSurvival)},
            {QStringLiteral("site_file"), s.siteFile},
            {QStringLiteral("backup"), s.backupPath},
            {QStringLiteral("backup_sha256"), s.backupSha256},
            {QStringLiteral("audit"), s.auditPath},
            {QStringLiteral("conflict_diff"), s.conflictDiff},
            {QStringLiteral("saved_before_rollback"), QJsonArray::fromStringList(s.savedBeforeRollback)},
            {QStringLiteral("steps"), steps}};
}

int cmdList(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    p.addFlag(QStringLiteral("--json"));
    if (!p.parse(args) || !p.positionals().isEmpty())
        return usage(ctx, p.error());
    QStringList errors;
    const QList<Runbook> list = Runbooks::all(&errors);
    if (p.isSet(QStringLiteral("--json"))) {
        QJsonArray a;
        for (const Runbook& rb : list) {
            QJsonArray steps;
            for (const RunbookStep& s : rb.steps)
                steps.append(QJsonObject{{QStringLiteral("id"), s.id}, {QStringLiteral("title"), s.title},
                                         {QStringLiteral("kind"), s.kind}, {QStringLiteral("changes_server"), s.changesServer}});
            a.append(QJsonObject{{QStringLiteral("name"), rb.name}, {QStringLiteral("title"), rb.title},
                                 {QStringLiteral("builtin"), rb.builtin}, {QStringLiteral("source"), rb.source},
                                 {QStringLiteral("steps"), steps}});
        }
        *ctx.out << QJsonDocument(QJsonObject{{QStringLiteral("runbooks"), a}, {QStringLiteral("errors"), QJsonArray::fromStringList(errors)}})
                        .toJson(QJsonDocument::Indented);
    } else {
        for (const Runbook& rb : list) {
            *ctx.out << rb.name << "  " << rb.title << (rb.builtin ? QString() : QStringLiteral("  (%1)").arg(rb.source)) << '\n';
            int n = 1;
            for (const RunbookStep& s : rb.steps)
                *ctx.out << "    " << n++ << ". " << s.title << (s.changesServer ? QStringLiteral("  [changes the server]") : QString())
                         << (s.manual ? QStringLiteral("  [manual]") : QString()) << '\n';
        }
        *ctx.out << "User runbooks are read from " << Runbooks::userDirectory() << '\n';
    }
    for (const QString& e : std::as_const(errors))
        *ctx.err << "runbook: " << e << '\n';
    return errors.isEmpty() ? ExitOk : ExitFinding;
}

int cmdExport(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    p.addValue(QStringLiteral("--profile"));
    p.addValue(QStringLiteral("--output"), QStringLiteral("-o"));
    if (!p.parse(args) || p.positionals().size() != 1)
        return usage(ctx, p.error().isEmpty() ? QStringLiteral("export-ansible needs one runbook NAME") : p.error());
    Result<Runbook> rb = Runbooks::find(p.positionals().first());
    if (!rb)
        return usage(ctx, rb.error());
    std::optional<Profile> profile;
    if (p.isSet(QStringLiteral("--profile"))) {
        Result<Profile> pr = lookupProfile(ctx, p.value(QStringLiteral("--profile")));
        if (!pr)
            return usage(ctx, pr.error());
        profile = pr.value();
    }
    Result<QString> yaml = AnsibleExport::playbook(rb.value(), profile ? &*profile : nullptr);
    if (!yaml) {
        *ctx.err << "runbook: " << yaml.error() << '\n';
        return ExitFinding;
    }
    const QString out = p.value(QStringLiteral("--output"));
    if (out.isEmpty()) {
        *ctx.out << yaml.value();
        return ExitOk;
    }
    QSaveFile f(out);
    if (!f.open(QIODevice::WriteOnly) || f.write(yaml->toUtf8()) < 0 || !f.commit()) {
        *ctx.err << "runbook: cannot write " << out << ": " << f.errorString() << '\n';
        return ExitUsage;
    }
    *ctx.out << "wrote " << out << '\n';
    return ExitOk;
}

int cmdAudit(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    p.addValue(QStringLiteral("--profile"));
    p.addValue(QStringLiteral("--run"));
    if (!p.parse(args) || !p.positionals().isEmpty() || !p.isSet(QStringLiteral("--profile")))
        return usage(ctx, p.error().isEmpty() ? QStringLiteral("audit needs --profile P") : p.error());
    RunStore store;
    QString path;
    const QList<RunState> runs = store.runsFor(p.value(QStringLiteral("--profile")));
    for (const RunState& r : runs)
        if (!p.isSet(QStringLiteral("--run")) || r.id == p.value(QStringLiteral("--run"))) {
            path = r.auditPath;
            break;
        }
    if (path.isEmpty()) {
        *ctx.err << "runbook: no run found for profile " << p.value(QStringLiteral("--profile")) << '\n';
        return ExitFinding;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *ctx.err << "runbook: cannot read " << path << ": " << f.errorString() << '\n';
        return ExitFinding;
    }
    *ctx.out << QString::fromUtf8(f.readAll());
    return ExitOk;
}

// One host's result of the exported playbook (the JSON its last task writes on the controller)
// → a run in the run store and its audit trail, in the desktop run's format, so that
// `runbook audit --profile P` shows fleet runs and desktop runs alike.
int cmdRecordAnsible(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    p.addValue(QStringLiteral("--audit"));
    p.addValue(QStringLiteral("--plan"));
    if (!p.parse(args) || p.positionals().size() != 1)
        return usage(ctx, p.error().isEmpty() ? QStringLiteral("record-ansible needs one RESULT.json") : p.error());
    QFile f(p.positionals().first());
    if (!f.open(QIODevice::ReadOnly)) {
        *ctx.err << "runbook: cannot read " << f.fileName() << ": " << f.errorString() << '\n';
        return ExitUsage;
    }
    QJsonParseError perr;
    const QJsonObject r = QJsonDocument::fromJson(f.readAll(), &perr).object();
    const auto str = [&r](const char* key) { return r.value(QLatin1String(key)).toString(); };
    // Ansible writes templated booleans as true or as "True".
    const auto flag = [&r](const char* key) {
        const QJsonValue v = r.value(QLatin1String(key));
        return v.isBool() ? v.toBool() : v.toString().compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
    };
    // The plan `fix nginx … --json` wrote on the controller: the diff and rules come from there,
    // never through Ansible variables.
    QJsonObject plan;
    if (p.isSet(QStringLiteral("--plan"))) {
        QFile pf(p.value(QStringLiteral("--plan")));
        if (pf.open(QIODevice::ReadOnly))
            plan = QJsonDocument::fromJson(pf.readAll()).object();
    }
    if (perr.error != QJsonParseError::NoError || str("run").isEmpty() || str("profile").isEmpty()) {
        *ctx.err << "runbook: " << f.fileName()
                 << ": not a playbook result (a JSON object with \"run\" and \"profile\")\n";
        return ExitUsage;
    }
    RunStore store;
    RunState s;
    s.id = str("run");
    s.runbook = str("runbook").isEmpty() ? QStringLiteral("nginx-websocket-fix") : str("runbook");
    s.profileName = str("profile");
    s.host = QStringLiteral("ansible: ") + str("host");
    s.startedAt = QDateTime::fromString(str("started"), Qt::ISODate);
    if (!s.startedAt.isValid())
        s.startedAt = QDateTime::currentDateTimeUtc();
    s.updatedAt = QDateTime::currentDateTimeUtc();
    s.outcome = str("outcome");
    s.siteFile = str("site_file");
    s.errorLog = str("error_log");
    s.originalSha256 = str("sha256_before");
    s.newSha256 = str("sha256_after");
    s.diff = plan.value(QLatin1String("diff")).toString();
    s.backupPath = str("backup");
    s.backupSha256 = str("backup_sha256");
    s.finalProbeCause = str("final_probe");
    s.nothingToChange = flag("nothing_to_change");
    s.patchStarted = flag("written");
    s.reloadAttempted = flag("reloaded");
    for (const QJsonValue& v : plan.value(QLatin1String("fixed_rules")).toArray())
        s.findings << QStringLiteral("fixed: %1").arg(v.toString());
    s.auditPath = store.auditPath(s.id);
    AuditTrail audit;
    if (const Status st = audit.open(s.auditPath, s.id, s.profileName, s.runbook, p.value(QStringLiteral("--audit")));
        !st) {
        *ctx.err << "runbook: " << st.error() << '\n';
        return ExitFinding;
    }
    const QString via = QStringLiteral("ansible-playbook");
    audit.append(
        { {}, QStringLiteral("run"), QStringLiteral("run through Ansible on %1 (%2)").arg(str("host"), via), {}, {}, {},
            {}, {}, {}, QJsonObject { { QStringLiteral("driver"), via }, { QStringLiteral("host"), str("host") } } });
    for (const QJsonValue& v : r.value(QLatin1String("commands")).toArray()) {
        const QJsonObject c = v.toObject();
        AuditEvent e;
        e.step = c.value(QLatin1String("step")).toString();
        e.event = QStringLiteral("command");
        e.command = c.value(QLatin1String("command")).toString();
        const QJsonValue rc = c.value(QLatin1String("exit_status"));
        const int status = rc.isDouble() ? rc.toInt() : rc.toString().toInt();
        if (status < 0)
            continue; // not run
        e.exitStatus = status;
        e.output = AuditTrail::excerpt(c.value(QLatin1String("output")).toString().toUtf8());
        audit.append(e);
    }
    if (s.nothingToChange)
        audit.append({ QStringLiteral("plan"), QStringLiteral("note"),
            QStringLiteral("the config already has what a WebSocket needs: nothing to change"), {}, {}, {}, s.siteFile,
            s.originalSha256, s.originalSha256, {} });
    if (!s.backupPath.isEmpty())
        audit.append({ QStringLiteral("backup"), QStringLiteral("file"),
            QStringLiteral("backup written and verified by SHA-256"), {}, {}, {}, s.backupPath, s.originalSha256,
            s.backupSha256, QJsonObject { { QStringLiteral("backup"), s.backupPath } } });
    if (s.patchStarted)
        audit.append({ QStringLiteral("patch"), QStringLiteral("file"), QStringLiteral("replaced with the planned fix"),
            {}, {}, {}, s.siteFile, s.originalSha256, s.newSha256,
            QJsonObject { { QStringLiteral("fixed_rules"), plan.value(QLatin1String("fixed_rules")) } } });
    if (!s.finalProbeCause.isEmpty())
        audit.append({ QStringLiteral("verify"), QStringLiteral("probe"),
            QStringLiteral("final probe through the proxy: %1").arg(s.finalProbeCause), {}, {}, {}, {}, {}, {},
            QJsonObject { { QStringLiteral("cause"), s.finalProbeCause } } });
    const QJsonObject rollback = r.value(QLatin1String("rollback")).toObject();
    if (!rollback.isEmpty())
        audit.append({ QStringLiteral("rollback"), QStringLiteral("file"),
            QStringLiteral("backup restored after: %1").arg(str("failure")), {}, {}, {}, s.siteFile, s.newSha256,
            rollback.value(QLatin1String("sha256")).toString(), rollback });
    audit.append({ {}, QStringLiteral("run"),
        QStringLiteral("outcome: %1%2")
            .arg(s.outcome, str("failure").isEmpty() ? QString() : QStringLiteral(" (%1)").arg(str("failure"))),
        {}, {}, {}, {}, {}, {}, QJsonObject { { QStringLiteral("outcome"), s.outcome } } });
    if (const Status st = store.save(s); !st) {
        *ctx.err << "runbook: " << st.error() << '\n';
        return ExitFinding;
    }
    *ctx.out << "recorded run " << s.id << " (" << s.outcome << ") in " << s.auditPath << '\n';
    return ExitOk;
}

SshPrompts sshPrompts(const ArgParser& p)
{
    return terminalSshPrompts(p.isSet(QStringLiteral("--accept-new-host-key")));
}

// Runs (or resumes, or rolls back) with an engine that lives until the event loop ends.
int startEngine(CliContext& ctx, const QStringList& args, bool rollbackMode)
{
    ArgParser p;
    p.addValue(QStringLiteral("--profile"));
    p.addFlag(QStringLiteral("--dry-run"));
    p.addFlag(QStringLiteral("--yes"), QStringLiteral("-y"));
    p.addFlag(QStringLiteral("--resume"));
    p.addFlag(QStringLiteral("--sudo-password-stdin"));
    p.addFlag(QStringLiteral("--accept-new-host-key"));
    p.addValue(QStringLiteral("--monitor-seconds"));
    p.addValue(QStringLiteral("--reload-sockets"));
    p.addValue(QStringLiteral("--reload-window"));
    p.addFlag(QStringLiteral("--json"));
    p.addFlag(QStringLiteral("--local"));
    p.addValue(QStringLiteral("--audit"));
    p.addFlag(QStringLiteral("--force"));
    if (!p.parse(args))
        return usage(ctx, p.error());
    if (!rollbackMode && p.isSet(QStringLiteral("--force")))
        return usage(ctx, QStringLiteral("--force applies only to rollback"));
    if (!p.isSet(QStringLiteral("--profile")))
        return usage(ctx, QStringLiteral("--profile P is required"));
    if (rollbackMode ? !p.positionals().isEmpty() : p.positionals().size() != 1)
        return usage(ctx, rollbackMode ? QStringLiteral("rollback takes no NAME: it restores the profile's last backup")
                                       : QStringLiteral("run needs one runbook NAME"));
    const auto monitor = p.number(QStringLiteral("--monitor-seconds"), 60);
    if (!monitor || *monitor < 0)
        return usage(ctx, QStringLiteral("--monitor-seconds needs a number of seconds >= 0"));
    const auto reloadSockets = p.number(QStringLiteral("--reload-sockets"), 5);
    const auto reloadWindow = p.number(QStringLiteral("--reload-window"), 10);
    if (!reloadSockets || *reloadSockets < 0 || *reloadSockets > 1000 || !reloadWindow || *reloadWindow <= 0)
        return usage(ctx, QStringLiteral("--reload-sockets needs 0..1000 (0: no reload survival) and --reload-window a positive number of seconds"));
    Result<Profile> profile = lookupProfile(ctx, p.value(QStringLiteral("--profile")));
    if (!profile)
        return usage(ctx, profile.error());

    RunStore store;
    std::optional<QString> existingRun;
    QString runbookName = rollbackMode ? QString() : p.positionals().first();
    if (rollbackMode) {
        const auto last = store.latestWithBackup(profile->name);
        if (!last) {
            *ctx.err << "runbook: no run with a backup for profile " << profile->name << " in " << store.dir() << '\n';
            return ExitFinding;
        }
        existingRun = last->id;
        runbookName = last->runbook;
    } else if (p.isSet(QStringLiteral("--resume"))) {
        const auto last = store.latestUnfinished(profile->name, runbookName);
        if (!last) {
            *ctx.err << "runbook: no unfinished run of " << runbookName << " for profile " << profile->name << " to resume\n";
            return ExitFinding;
        }
        existingRun = last->id;
    }
    Result<Runbook> rb = Runbooks::find(runbookName);
    if (!rb)
        return usage(ctx, rb.error());

    SecretBytes sudoPassword;
    if (p.isSet(QStringLiteral("--sudo-password-stdin"))) {
        QByteArray typed = ctx.readStdin();
        sudoPassword = SecretBytes::take(typed);
    }
    const bool json = p.isSet(QStringLiteral("--json"));
    const bool yes = p.isSet(QStringLiteral("--yes"));
    const bool canAsk = !p.isSet(QStringLiteral("--sudo-password-stdin")) && SS_ISATTY(0);

    EngineOptions options;
    options.dryRun = p.isSet(QStringLiteral("--dry-run"));
    options.autoConfirm = yes;
    options.monitorSeconds = int(*monitor);
    options.reloadSockets = int(*reloadSockets);
    options.reloadWindowS = *reloadWindow;
    options.sudoPassword = sudoPassword;
    options.auditCopy = p.value(QStringLiteral("--audit"));
    options.forceRollback = rollbackMode && p.isSet(QStringLiteral("--force"));

    auto* engine = new RunbookEngine(rb.value(), profile.value(), QCoreApplication::instance());
    Result<HostFactory> factory = p.isSet(QStringLiteral("--local")) ? RunbookConnect::localFactory(profile.value(), sudoPassword)
                                                                       : RunbookConnect::sshFactory(profile.value(), sudoPassword, sshPrompts(p));
    sudoPassword.clear();
    if (!factory) {
        *ctx.err << "runbook: " << factory.error() << '\n';
        delete engine;
        return ExitUsage;
    }
    engine->setHostFactory(factory.value());
    engine->setOptions(options);
    options.sudoPassword.clear();
    const Status st = existingRun ? engine->resumeRun(*existingRun) : engine->begin();
    if (!st) {
        *ctx.err << "runbook: " << st.error() << '\n';
        delete engine;
        return ExitFinding;
    }
    QTextStream* out = ctx.out;
    QTextStream* err = ctx.err;
    const QList<RunbookStep> steps = rb->steps;
    if (!json) {
        *out << (options.dryRun ? "Dry run of " : "Running ") << rb->title << " on profile " << profile->name
             << "  (run " << engine->state().id << ")\n";
        out->flush();
    }
    QObject::connect(engine, &RunbookEngine::stepStateChanged, engine, [=](int i, StepState s, const QString& message) {
        if (json || s == StepState::Running)
            return;
        *out << "[" << stateWord(s) << "] " << steps.at(i).title << (message.isEmpty() ? QString() : QStringLiteral(" — ") + message) << '\n';
        out->flush();
    });
    QObject::connect(engine, &RunbookEngine::output, engine, [=](int, const QString& text) {
        if (json || text.isEmpty())
            return;
        for (const QString& line : text.split(QLatin1Char('\n')))
            *out << "    " << line << '\n';
        out->flush();
    });
    QObject::connect(engine, &RunbookEngine::confirmationRequested, engine, [=](int, const QString& title, const QString& details) {
        if (!canAsk) {
            *err << "runbook: \"" << title << "\" changes the server; re-run with --yes to confirm (or run it at a terminal)\n";
            err->flush();
            engine->answerConfirmation(false);
            return;
        }
        *err << "\n" << details << "\n\n" << title << " changes the server. Go ahead? [y/N] ";
        err->flush();
        QTextStream in(stdin);
        const QString answer = in.readLine().trimmed().toLower();
        engine->answerConfirmation(answer == QLatin1String("y") || answer == QLatin1String("yes"));
    });
    CliContext* c = &ctx;
    QObject::connect(engine, &RunbookEngine::finished, engine, [=](bool ok, const QString& summary) {
        const RunState s = engine->state();
        bool success = ok;
        if (!options.dryRun && !rollbackMode && rb->name == QLatin1String("nginx-websocket-fix"))
            success = ok && s.finalProbeCause == QLatin1String("ok"); // exit 0 only when the proxy really works
        if (json) {
            *out << QJsonDocument(runJson(*engine, success, summary)).toJson(QJsonDocument::Indented);
        } else {
            *out << (success ? "OK: " : "NOT OK: ") << summary << '\n';
            if (s.hasBackup())
                *out << "Backup: " << s.backupPath << "  (roll back: socketscope-cli runbook rollback --profile " << s.profileName << ")\n";
            *out << "Audit trail: " << s.auditPath << '\n';
        }
        out->flush();
        c->finish(success ? ExitOk : ExitFinding);
    });
    if (rollbackMode)
        engine->rollback();
    else
        engine->runAll();
    return ExitAsync;
}

} // namespace

int cmdRunbook(CliContext& ctx)
{
    if (ctx.args.isEmpty())
        return usage(ctx, {});
    const QString sub = ctx.args.first();
    const QStringList rest = ctx.args.mid(1);
    // `help`, or --help / -h anywhere (`runbook run --help`): the usage of every subcommand.
    if (sub == QLatin1String("help") || asksForHelp(ctx.args)) {
        *ctx.out << kUsage;
        return ExitOk;
    }
    if (sub == QLatin1String("list"))
        return cmdList(ctx, rest);
    if (sub == QLatin1String("run"))
        return startEngine(ctx, rest, false);
    if (sub == QLatin1String("rollback"))
        return startEngine(ctx, rest, true);
    if (sub == QLatin1String("export-ansible"))
        return cmdExport(ctx, rest);
    if (sub == QLatin1String("audit"))
        return cmdAudit(ctx, rest);
    if (sub == QLatin1String("record-ansible"))
        return cmdRecordAnsible(ctx, rest);
    return usage(ctx, QStringLiteral("unknown subcommand '%1'").arg(sub));
}

} // namespace socketscope::cli
