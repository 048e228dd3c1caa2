// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/NginxDump.h"

#include "remote/RemoteHost.h"
#include "runbook/NginxFacts.h"
#include "runbook/RunbookConnect.h"

namespace socketscope {

std::optional<NginxDumpSource> nginxDumpSource(const Profile& profile)
{
    const QString test = profile.nginx.testCommand.trimmed();
    const bool ownTest = !test.isEmpty() && test != NginxLayout().testCommand;
    // Without SSH the nginx must be this machine's, and the profile must say so: every profile
    // has the default test command, and a remote endpoint's proxy is not the local nginx.
    if (!profile.ssh.isConfigured() && profile.nginx.siteFile.trimmed().isEmpty() && !ownTest)
        return std::nullopt;
    const Result<NginxFacts::NginxInvocation> nginx = NginxFacts::parseNginxCommand(test.isEmpty() ? NginxLayout().testCommand : test);
    if (!nginx)
        return std::nullopt;
    NginxDumpSource s;
    s.command = NginxFacts::dumpCommand(nginx.value());
    s.overSsh = profile.ssh.isConfigured();
    s.sudo = test.startsWith(QLatin1String("sudo ")) || profile.ssh.sudoWithoutPassword;
    return s;
}

Result<QByteArray> readNginxDump(RemoteHost& host, const NginxDumpSource& source, const std::atomic_bool* cancel)
{
    CommandOptions options;
    options.timeoutMs = 20000;
    options.sudo = source.sudo;
    options.cancel = cancel;
    Result<CommandResult> run = host.run(source.command, options);
    if (!run)
        return Result<QByteArray>::failure(run.error());
    const CommandResult& r = run.value();
    if (r.timedOut)
        return Result<QByteArray>::failure(QObject::tr("%1 timed out on %2").arg(source.command, host.describe()));
    if (r.exitStatus != 0 || !r.stdOut.contains("# configuration file ")) {
        const QString said = QString::fromUtf8(r.stdErr.isEmpty() ? r.stdOut : r.stdErr).trimmed().section(QLatin1Char('\n'), 0, 0);
        return Result<QByteArray>::failure(QObject::tr("%1 on %2 exited %3: %4").arg(source.command, host.describe()).arg(r.exitStatus).arg(said));
    }
    return r.stdOut;
}

void NginxDumpReader::read(const Profile& profile)
{
    const std::optional<NginxDumpSource> source = nginxDumpSource(profile);
    if (!source) {
        emit dumped(profile.id, {}, tr("the profile names no nginx to read"));
        return;
    }
    // No secrets and no prompts: a background read for the advice never asks the user anything.
    const Result<HostFactory> factory = source->overSsh ? RunbookConnect::sshFactory(profile, SecretBytes())
                                                        : RunbookConnect::localFactory(profile, SecretBytes());
    if (!factory) {
        emit dumped(profile.id, {}, factory.error());
        return;
    }
    Result<std::unique_ptr<RemoteHost>> host = factory.value()();
    if (!host) {
        emit dumped(profile.id, {}, host.error());
        return;
    }
    const Result<QByteArray> dump = readNginxDump(*host.value(), *source);
    emit dumped(profile.id, dump ? dump.value() : QByteArray(), dump ? QString() : dump.error());
}

} // namespace socketscope
