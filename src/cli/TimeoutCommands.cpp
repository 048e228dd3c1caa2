// SPDX-License-Identifier: GPL-3.0-or-later
// `timeouts`: the timeout map and keepalive matrix of issue 13 (flags, JSON fields, exit 0/1/2).
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "cli/ProbeCliOptions.h"
#include "cli/ProfileLookup.h"
#include "probe/ProbeEngine.h"
#include "probe/ProbeProfile.h"
#include "cli/TerminalPrompt.h"
#include "runbook/NginxWorkerWatch.h"
#include "remote/LocalHost.h"
#include "runbook/RunbookConnect.h"
#include "timeouts/ReloadTester.h"
#include "timeouts/TimeoutJson.h"
#include "timeouts/TimeoutMapper.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>


namespace socketscope::cli {

namespace {

constexpr double kDefaultPongTimeoutS = 3.0; // a ping after the hold must come back within this

QString usage()
{
    return QStringLiteral("usage: socketscope-cli timeouts [--profile P] [--hop NAME=URL]... [--max S] [--resolution S] "
                          "[--server-data-path PATH] [--nginx-error-log FILE] [--haproxy-log FILE] [--accept-new-host-key] "
                          "[--no-keepalive] [probe options] [--json]\n");
}

} // namespace

int cmdTimeouts(CliContext& ctx)
{
    ArgParser p;
    declareProbeOptions(p);
    for (const char* v : {"--profile", "--hop", "--max", "--resolution", "--server-data-path", "--nginx-error-log", "--haproxy-log"})
        p.addValue(QString::fromLatin1(v));
    p.addFlag(QStringLiteral("--no-keepalive"));
    p.addFlag(QStringLiteral("--accept-new-host-key"));
    if (!p.parse(ctx.args) || !p.positionals().isEmpty()) {
        *ctx.err << "timeouts: " << (p.error().isEmpty() ? QStringLiteral("unexpected argument %1").arg(p.positionals().value(0)) : p.error())
                 << '\n' << usage();
        return ExitUsage;
    }
    TimeoutMapOptions map;
    QString error;
    // The hops, from the client to the backend: the profile's public URL, each --hop, its direct URL.
    std::optional<Profile> profile;
    if (p.isSet(QStringLiteral("--profile"))) {
        Result<Profile> loaded = loadProfileForCli(ctx, p.value(QStringLiteral("--profile")));
        if (!loaded) {
            *ctx.err << "timeouts: " << loaded.error() << '\n';
            return ExitUsage;
        }
        profile = loaded.value();
    }
    if (profile && !profile->publicUrl.isEmpty())
        map.hops << TimeoutHop{QStringLiteral("public"), profile->publicUrl};
    for (const QString& h : p.values(QStringLiteral("--hop"))) {
        const qsizetype eq = h.indexOf(QLatin1Char('='));
        const QString name = h.left(eq).trimmed(), url = h.mid(eq + 1).trimmed();
        if (eq <= 0 || url.isEmpty()) {
            *ctx.err << "timeouts: --hop needs NAME=URL, got '" << h << "'\n";
            return ExitUsage;
        }
        if (!checkUrlArg(url, &error)) {
            *ctx.err << "timeouts: --hop " << name << ": " << error << '\n';
            return ExitUsage;
        }
        for (const TimeoutHop& known : std::as_const(map.hops)) {
            if (known.name == name) {
                *ctx.err << "timeouts: two hops are called '" << name << "'\n";
                return ExitUsage;
            }
        }
        map.hops << TimeoutHop{name, url};
    }
    if (profile && !profile->directUrl.isEmpty())
        map.hops << TimeoutHop{QStringLiteral("direct"), profile->directUrl};
    if (map.hops.isEmpty()) {
        *ctx.err << "timeouts: no hop to map: give --profile P (its public and direct URLs) and/or --hop NAME=URL\n" << usage();
        return ExitUsage;
    }
    if (!readProbeOptions(p, ctx, &map.probe, &error)) {
        *ctx.err << "timeouts: " << error << '\n';
        return ExitUsage;
    }
    if (profile)
        applyProfile(map.probe, *profile);
    if (!p.isSet(QStringLiteral("--timeout")))
        map.probe.timeoutS = kDefaultPongTimeoutS;
    const auto maxS = p.number(QStringLiteral("--max"), 900);
    const auto resolution = p.number(QStringLiteral("--resolution"), 1);
    if (!maxS || !resolution || *maxS <= 0 || *resolution < 0.1 || *resolution > *maxS) {
        *ctx.err << "timeouts: --max needs a positive number of seconds and --resolution at least 0.1 s and at most --max\n";
        return ExitUsage;
    }
    map.maxS = *maxS;
    map.resolution = *resolution;
    if (p.isSet(QStringLiteral("--server-data-path")))
        map.serverDataPath = p.value(QStringLiteral("--server-data-path"));
    map.keepalive = !p.isSet(QStringLiteral("--no-keepalive"));
    map.nginxErrorLog = p.value(QStringLiteral("--nginx-error-log"));
    map.haproxyLog = p.value(QStringLiteral("--haproxy-log"));
    if (profile && !profile->ssh.host.isEmpty() && !p.isSet(QStringLiteral("--nginx-error-log"))) {
        // A remote profile: its nginx error log (and --haproxy-log) are read on its server, over
        // SSH with the profile's login, from where they stood when the map started.
        map.nginxErrorLog = profile->logs.nginxErrorLog;
        if (!map.nginxErrorLog.isEmpty() || !map.haproxyLog.isEmpty()) {
            Result<HostFactory> factory = RunbookConnect::sshFactory(*profile, SecretBytes(),
                                                                     terminalSshPrompts(p.isSet(QStringLiteral("--accept-new-host-key"))));
            if (!factory) {
                *ctx.err << "timeouts: " << factory.error() << '\n';
                return ExitUsage;
            }
            map.logHost = factory.value();
        }
    } else if (map.nginxErrorLog.isEmpty() && profile) {
        map.nginxErrorLog = profile->logs.nginxErrorLog; // a local profile: its log is readable here
    }
    const bool json = p.isSet(QStringLiteral("--json"));

    ProbeEngine* engine = makeEngine();
    auto* mapper = new TimeoutMapper(engine, engine);
    if (!json) {
        QObject::connect(mapper, &TimeoutMapper::progress, mapper, [&ctx](const QString& m) {
            *ctx.err << m << '\n';
            ctx.err->flush();
        });
    }
    QObject::connect(mapper, &TimeoutMapper::finished, mapper, [&ctx, json](const TimeoutMapResult& r) {
        if (json)
            *ctx.out << QString::fromUtf8(QJsonDocument(timeoutMapToJson(r)).toJson(QJsonDocument::Indented));
        else
            *ctx.out << timeoutMapToText(r);
        ctx.out->flush();
        bool cut = false;
        for (const HopTimeout& h : r.hops)
            cut = cut || h.cutS().has_value();
        bool failed = false;
        for (const HopTimeout& h : r.hops)
            failed = failed || !h.error.isEmpty();
        ctx.finish(cut || failed || r.cancelled ? ExitFinding : ExitOk);
    });
    mapper->start(map);
    return ExitAsync;
}

int cmdReloadTest(CliContext& ctx)
{
    ArgParser p;
    declareProbeOptions(p);
    for (const char* v : {"--profile", "--sockets", "--window"})
        p.addValue(QString::fromLatin1(v));
    p.addFlag(QStringLiteral("--local"));
    p.addFlag(QStringLiteral("--sudo-password-stdin"));
    p.addFlag(QStringLiteral("--accept-new-host-key"));
    const char* const usageLine = "usage: socketscope-cli reload-test --profile P [--sockets N] [--window S] [--local] "
                                  "[--sudo-password-stdin] [--accept-new-host-key] [probe options] [--json]\n";
    if (!p.parse(ctx.args) || !p.positionals().isEmpty() || !p.isSet(QStringLiteral("--profile"))) {
        *ctx.err << "reload-test: " << (p.error().isEmpty() ? QStringLiteral("needs --profile P") : p.error()) << '\n' << usageLine;
        return ExitUsage;
    }
    Result<Profile> profile = loadProfileForCli(ctx, p.value(QStringLiteral("--profile")));
    if (!profile) {
        *ctx.err << "reload-test: " << profile.error() << '\n';
        return ExitUsage;
    }
    const bool local = p.isSet(QStringLiteral("--local"));
    if (profile->publicUrl.isEmpty() || profile->nginx.reloadCommand.isEmpty()) {
        *ctx.err << "reload-test: the profile needs a public URL and a reload command\n";
        return ExitUsage;
    }
    ReloadTestOptions o;
    QString error;
    if (!readProbeOptions(p, ctx, &o.probe, &error)) {
        *ctx.err << "reload-test: " << error << '\n';
        return ExitUsage;
    }
    applyProfile(o.probe, *profile);
    o.probe.url = profile->publicUrl;
    if (!p.isSet(QStringLiteral("--timeout")))
        o.probe.timeoutS = kDefaultPongTimeoutS;
    const auto sockets = p.number(QStringLiteral("--sockets"), 5);
    const auto window = p.number(QStringLiteral("--window"), 10);
    if (!sockets || !window || *sockets < 1 || *sockets > 1000 || *window <= 0) {
        *ctx.err << "reload-test: --sockets 1..1000 and a positive --window in seconds\n";
        return ExitUsage;
    }
    o.sockets = int(*sockets);
    o.windowS = *window;
    // The reload goes where the runbook's Reload goes: this machine with --local, else the
    // profile's SSH target; sudo with the password on its stdin (never argv or environment), or
    // `sudo -n` when the profile says its user needs none.
    SecretBytes sudoPassword;
    if (p.isSet(QStringLiteral("--sudo-password-stdin"))) {
        QByteArray typed = ctx.readStdin();
        sudoPassword = SecretBytes::take(typed);
    }
    Result<HostFactory> factory = local ? RunbookConnect::localFactory(*profile, sudoPassword)
                                        : RunbookConnect::sshFactory(*profile, sudoPassword,
                                                                     terminalSshPrompts(p.isSet(QStringLiteral("--accept-new-host-key"))));
    sudoPassword.clear();
    if (!factory) {
        *ctx.err << "reload-test: " << factory.error() << '\n';
        return ExitUsage;
    }
    useHostForReload(o, factory.value(), *profile);
    const bool json = p.isSet(QStringLiteral("--json"));
    ProbeEngine* engine = makeEngine();
    auto* tester = new ReloadTester(engine, engine);
    if (!json) {
        QObject::connect(tester, &ReloadTester::progress, tester, [&ctx](const QString& m) {
            *ctx.err << m << '\n';
            ctx.err->flush();
        });
    }
    QObject::connect(tester, &ReloadTester::finished, tester, [&ctx, json](const ReloadTestResult& r) {
        if (json) {
            *ctx.out << QString::fromUtf8(QJsonDocument(reloadTestToJson(r)).toJson(QJsonDocument::Indented));
        } else {
            const QString who = r.drainFrom == DrainSource::Workers ? QStringLiteral("the old workers exited") : QStringLiteral("old sockets cut");
            *ctx.out << QStringLiteral("sockets: %1 (opened %2)\nsurvived the reload: %3 (watched %4 s)\ndrain: %5\n"
                                       "new connections during the drain: %6\n")
                            .arg(r.sockets).arg(r.opened).arg(r.survived).arg(r.windowS)
                            .arg(r.drainS ? QStringLiteral("%1 %2 s after the reload").arg(who).arg(*r.drainS, 0, 'f', 2)
                                          : r.drainFrom == DrainSource::Workers ? QStringLiteral("the old workers still drain at the end of the window")
                                                                                : QStringLiteral("none cut within the window"))
                            .arg(r.newConnectionsOk ? QStringLiteral("ok") : QStringLiteral("FAILED"));
            if (!r.drainNote.isEmpty())
                *ctx.out << "old workers not watched: " << r.drainNote << '\n';
            if (!r.reloadError.isEmpty())
                *ctx.out << "reload failed: " << r.reloadError << '\n';
            for (const QString& a : r.advice)
                *ctx.out << "  - " << a << '\n';
        }
        ctx.out->flush();
        const bool ok = r.reloadError.isEmpty() && r.newConnectionsOk && r.opened == r.sockets && r.survived == r.opened;
        ctx.finish(ok ? ExitOk : ExitFinding);
    });
    tester->start(o);
    return ExitAsync;
}

} // namespace socketscope::cli
