// SPDX-License-Identifier: GPL-3.0-or-later
// `ssh` and `ssh-fingerprint`: run a command on a profile's server / show its host key, with
// the same strict host-key checking as the GUI. Secrets come from stdin flags or a hidden prompt.
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "cli/TerminalPrompt.h"
#include "cli/ProfileLookup.h"
#include "ssh/KnownHosts.h"
#include "ssh/SshWorker.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>
#include <memory>


namespace socketscope::cli {

namespace {

// Like OpenSSH: 255 when the SSH layer failed (connect, host key, auth); otherwise the remote
// command's own exit status.
constexpr int ExitSshFailure = 255;

// Keeps the worker thread alive for an asynchronous command; joined when the app quits.
class WorkerHolder : public QObject {
public:
    explicit WorkerHolder(const SshTarget& target)
        : QObject(QCoreApplication::instance()), thread(std::make_unique<SshWorkerThread>(target)) {}
    ~WorkerHolder() override { thread.reset(); }
    std::unique_ptr<SshWorkerThread> thread;
};

void addTargetOptions(ArgParser& p)
{
    p.addValue(QStringLiteral("--host"));
    p.addValue(QStringLiteral("--port"));
    p.addValue(QStringLiteral("--user"));
    p.addValue(QStringLiteral("--key"));
    p.addValue(QStringLiteral("--jump"));
    p.addFlag(QStringLiteral("--accept-new-host-key"));
    p.addFlag(QStringLiteral("--password-stdin"));
}

// The target of a profile (by name or id) or of "user@host[:port]", then adjusted by
// --host/--port/--user/--key/--jump.
Result<SshTarget> resolveTarget(const CliContext& ctx, const ArgParser& p, const QString& spec)
{
    using R = Result<SshTarget>;
    SshTarget t;
    bool fromProfile = false;
    if (!spec.isEmpty()) {
        Result<Profile> profile = loadProfileForCli(ctx, spec);
        if (profile) {
            if (!profile->ssh.isConfigured())
                return R::failure(QStringLiteral("profile \"%1\" has no SSH access configured").arg(profile->name));
            t = SshTarget::fromProfile(profile->ssh);
            fromProfile = true;
        } else if (spec.contains(QLatin1Char('@'))) {
            std::optional<SshTarget> parsed = SshTarget::parseJump(spec, QString());
            if (!parsed)
                return R::failure(QStringLiteral("\"%1\" is not USER@HOST[:PORT]").arg(spec));
            t = *parsed;
        } else {
            return R::failure(profile.error() + QStringLiteral(" (or give USER@HOST[:PORT])"));
        }
    }
    if (p.isSet(QStringLiteral("--host")))
        t.host = p.value(QStringLiteral("--host"));
    if (p.isSet(QStringLiteral("--user")))
        t.user = p.value(QStringLiteral("--user"));
    if (p.isSet(QStringLiteral("--port"))) {
        bool ok = false;
        const int port = p.value(QStringLiteral("--port")).toInt(&ok);
        if (!ok || port < 1 || port > 65535)
            return R::failure(QStringLiteral("--port needs a number from 1 to 65535"));
        t.port = port;
    }
    if (t.user.isEmpty())
        t.user = qEnvironmentVariable("USER");
    if (p.isSet(QStringLiteral("--key"))) {
        t.keyFile = p.value(QStringLiteral("--key"));
        t.auth = SshTarget::Auth::KeyFile;
    } else if (!fromProfile) {
        t.auth = SshTarget::Auth::Auto;
    }
    if (p.isSet(QStringLiteral("--jump")))
        t.jumpHost = p.value(QStringLiteral("--jump"));
    if (t.host.isEmpty())
        return R::failure(QStringLiteral("no host: give USER@HOST[:PORT] or --host"));
    return t;
}

void writeRaw(FILE* f, const QByteArray& bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), f);
    std::fflush(f);
}

} // namespace

int cmdSsh(CliContext& ctx)
{
    ArgParser p;
    addTargetOptions(p);
    p.addFlag(QStringLiteral("--sudo"));
    p.addFlag(QStringLiteral("--sudo-password-stdin"));
    p.addValue(QStringLiteral("--timeout"));
    const qsizetype dashes = ctx.args.indexOf(QStringLiteral("--"));
    const QStringList own = dashes < 0 ? ctx.args : ctx.args.mid(0, dashes);
    const QStringList remote = dashes < 0 ? QStringList() : ctx.args.mid(dashes + 1);
    if (!p.parse(own) || p.positionals().size() > 1 || remote.isEmpty()) {
        *ctx.err << "ssh: " << (p.error().isEmpty() ? QStringLiteral("usage: ssh USER@HOST[:PORT] [options] -- COMMAND...") : p.error()) << '\n';
        return ExitUsage;
    }
    Result<SshTarget> target = resolveTarget(ctx, p, p.positionals().value(0));
    if (!target) {
        *ctx.err << "ssh: " << target.error() << '\n';
        return ExitUsage;
    }
    const auto timeout = p.number(QStringLiteral("--timeout"), 3600);
    if (!timeout || *timeout <= 0) {
        *ctx.err << "ssh: --timeout needs a positive number of seconds\n";
        return ExitUsage;
    }
    const bool sudo = p.isSet(QStringLiteral("--sudo"));

    // Secrets from stdin: the login password on the first line, the sudo password on the next
    // (or the only line when just --sudo-password-stdin is given). Never argv or environment.
    const bool pwStdin = p.isSet(QStringLiteral("--password-stdin"));
    SshCredentials credentials = sshCredentialsFromStdin(ctx, pwStdin, p.isSet(QStringLiteral("--sudo-password-stdin")));
    if (pwStdin && target->auth == SshTarget::Auth::Auto && target->keyFile.isEmpty())
        target->auth = SshTarget::Auth::Password;
    if (pwStdin && target->auth == SshTarget::Auth::Agent)
        target->auth = SshTarget::Auth::Auto; // the profile says agent; the password is the fallback

    auto* holder = new WorkerHolder(*target);
    SshWorker* w = holder->thread->worker();
    w->setAcceptNewHostKeys(p.isSet(QStringLiteral("--accept-new-host-key")));
    w->setCredentials(credentials);
    QObject::connect(w, &SshWorker::secretNeeded, holder, [w](const SecretRequest& r) { w->answerSecret(promptHidden(r.prompt)); });
    QObject::connect(w, &SshWorker::output, holder, [&ctx](quint64, const QByteArray& chunk, bool isStderr) {
        ctx.out->flush();
        ctx.err->flush();
        writeRaw(isStderr ? stderr : stdout, chunk);
    });
    QObject::connect(w, &SshWorker::commandFinished, holder, [&ctx](quint64, const CommandResult& r) {
        if (r.timedOut) {
            *ctx.err << "ssh: the command timed out and was killed\n";
            ctx.finish(ExitSshFailure);
            return;
        }
        ctx.finish(r.exitStatus < 0 ? ExitSshFailure : r.exitStatus);
    });
    QObject::connect(w, &SshWorker::failed, holder, [&ctx](quint64, const QString& error) {
        *ctx.err << "ssh: " << error << '\n';
        ctx.finish(ExitSshFailure);
    });
    CommandOptions o;
    o.sudo = sudo;
    o.timeoutMs = int(*timeout * 1000);
    w->run(remote.join(QLatin1Char(' ')), o);
    return ExitAsync;
}

int cmdSshFingerprint(CliContext& ctx)
{
    ArgParser p;
    addTargetOptions(p);
    p.addFlag(QStringLiteral("--json"));
    if (!p.parse(ctx.args) || p.positionals().size() > 1) {
        *ctx.err << "ssh-fingerprint: " << (p.error().isEmpty() ? QStringLiteral("unexpected argument") : p.error()) << '\n';
        return ExitUsage;
    }
    Result<SshTarget> target = resolveTarget(ctx, p, p.positionals().value(0));
    if (!target) {
        *ctx.err << "ssh-fingerprint: " << target.error() << '\n';
        return ExitUsage;
    }
    const bool json = p.isSet(QStringLiteral("--json"));
    auto* holder = new WorkerHolder(*target);
    SshWorker* w = holder->thread->worker();
    const QStringList files = KnownHosts::filesFor(*target);
    QObject::connect(w, &SshWorker::hostKeyFetched, holder, [&ctx, json, files](quint64, const HostKeyInfo& info) {
        const QString status = HostKeyInfo::statusName(info.status);
        if (json) {
            QJsonObject o{{QStringLiteral("host"), info.host},
                          {QStringLiteral("keyType"), info.keyType},
                          {QStringLiteral("fingerprint"), info.fingerprint},
                          {QStringLiteral("status"), status},
                          {QStringLiteral("knownIn"), info.knownIn}};
            if (info.status == HostKeyInfo::Status::Changed) {
                o.insert(QStringLiteral("oldKeyType"), info.oldKeyType);
                o.insert(QStringLiteral("oldFingerprint"), info.oldFingerprint);
            }
            *ctx.out << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
        } else {
            *ctx.out << "host         " << info.host << '\n'
                     << "key type     " << info.keyType << '\n'
                     << "fingerprint  " << info.fingerprint << '\n'
                     << "status       " << status;
            if (!info.knownIn.isEmpty())
                *ctx.out << " (" << info.knownIn << ')';
            else if (info.status == HostKeyInfo::Status::Unknown)
                *ctx.out << " (not in " << files.join(QStringLiteral(", ")) << ')';
            *ctx.out << '\n';
            if (info.status == HostKeyInfo::Status::Changed || info.status == HostKeyInfo::Status::Revoked)
                *ctx.out << '\n' << info.changedKeyMessage() << '\n';
        }
        ctx.finish(info.status == HostKeyInfo::Status::Known ? ExitOk : ExitFinding);
    });
    QObject::connect(w, &SshWorker::failed, holder, [&ctx](quint64, const QString& error) {
        *ctx.err << "ssh-fingerprint: " << error << '\n';
        ctx.finish(ExitSshFailure);
    });
    w->fetchHostKey();
    return ExitAsync;
}

} // namespace socketscope::cli
