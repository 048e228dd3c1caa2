// SPDX-License-Identifier: GPL-3.0-or-later
// `timeouts`: the timeout map and keepalive matrix of issue 13 (flags, JSON fields, exit 0/1/2).
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "cli/ProbeCliOptions.h"
#include "cli/ProfileLookup.h"
#include "probe/ProbeEngine.h"
#include "probe/ProbeProfile.h"
#include "timeouts/TimeoutJson.h"
#include "timeouts/TimeoutMapper.h"

#include <QCoreApplication>
#include <QJsonDocument>


namespace socketscope::cli {

namespace {

constexpr double kDefaultPongTimeoutS = 3.0; // a ping after the hold must come back within this

QString usage()
{
    return QStringLiteral("usage: socketscope-cli timeouts [--profile P] [--hop NAME=URL]... [--max S] [--resolution S] "
                          "[--server-data-path PATH] [--nginx-error-log FILE] [--no-keepalive] [probe options] [--json]\n");
}

} // namespace

int cmdTimeouts(CliContext& ctx)
{
    ArgParser p;
    declareProbeOptions(p);
    for (const char* v : {"--profile", "--hop", "--max", "--resolution", "--server-data-path", "--nginx-error-log"})
        p.addValue(QString::fromLatin1(v));
    p.addFlag(QStringLiteral("--no-keepalive"));
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
    if (map.nginxErrorLog.isEmpty() && profile && profile->ssh.host.isEmpty())
        map.nginxErrorLog = profile->logs.nginxErrorLog; // a local profile: its log is readable here
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

} // namespace socketscope::cli
