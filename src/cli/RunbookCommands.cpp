// SPDX-License-Identifier: GPL-3.0-or-later
// socketscope-cli runbook list | run | rollback | export-ansible | audit
#include "cli/ArgParser.h"
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

const char* const kUsage =
    "usage: socketscope-cli runbook list [--json]\n"
    "       socketscope-cli runbook run NAME --profile P [--dry-run] [--yes] [--resume] [--sudo-password-stdin]\n"
    "                                   [--monitor-seconds S] [--json] [--local] [--audit FILE]\n"
    "       socketscope-cli runbook rollback --profile P [--yes] [--force] [--sudo-password-stdin] [--json] [--local] [--audit FILE]\n"
    "       socketscope-cli runbook export-ansible NAME [--profile P] [--output FILE]\n"
    "       socketscope-cli runbook audit --profile P [--run ID]\n";

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

// Like `ssh`: an unknown host key only with --accept-new-host-key (a changed one never); a
// missing login password, passphrase or sudo password asked on the terminal, hidden.
SshPrompts sshPrompts(const ArgParser& p)
{
    SshPrompts prompts;
    if (p.isSet(QStringLiteral("--accept-new-host-key")))
        prompts.hostKey = [](const HostKeyInfo&) { return HostKeyDecision::AcceptAndRemember; };
    prompts.secret = [](const SecretRequest& request) { return promptHidden(request.prompt); };
    return prompts;
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
    if (sub == QLatin1String("--help") || sub == QLatin1String("help")) {
        *ctx.out << kUsage;
        return ExitOk;
    }
    return usage(ctx, QStringLiteral("unknown subcommand '%1'").arg(sub));
}

} // namespace socketscope::cli
