// SPDX-License-Identifier: GPL-3.0-or-later
// `monitor`: headless recording of a probe repeated every interval (issue: live dashboard).
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "cli/ProbeCliOptions.h"
#include "monitor/EngineProbeLauncher.h"
#include "monitor/MonitorExport.h"
#include "monitor/MonitorManager.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <memory>

namespace socketscope::cli {

namespace {

constexpr auto kUsage = "usage: socketscope-cli monitor URL [--interval S] [--count N] [--csv FILE] [--json] "
                        "[--long-lived] [probe options]\n";

} // namespace

int cmdMonitor(CliContext& ctx)
{
    ArgParser p;
    declareProbeOptions(p); // the probe's options apply too (incl. --json)
    p.addValue(QStringLiteral("--interval"));
    p.addValue(QStringLiteral("--count"));
    p.addValue(QStringLiteral("--csv"));
    p.addFlag(QStringLiteral("--long-lived"));
    if (!p.parse(ctx.args) || p.positionals().size() != 1) {
        *ctx.err << "monitor: " << (p.error().isEmpty() ? QStringLiteral("needs exactly one URL") : p.error()) << '\n' << kUsage;
        return ExitUsage;
    }
    MonitorSpec spec;
    spec.options = MonitorSpec::defaultOptions(p.positionals().first());
    const ProbeOptions defaults = spec.options;
    QString error;
    if (!checkUrlArg(spec.options.url, &error) || !readProbeOptions(p, ctx, &spec.options, &error)) {
        *ctx.err << "monitor: " << error << '\n';
        return ExitUsage;
    }
    // A monitor echoes, pings and holds briefly unless told otherwise.
    if (!p.isSet(QStringLiteral("--echo")))
        spec.options.echoCount = defaults.echoCount;
    if (!p.isSet(QStringLiteral("--ping-interval")))
        spec.options.pingIntervalS = defaults.pingIntervalS;
    if (!p.isSet(QStringLiteral("--hold")))
        spec.options.holdS = defaults.holdS;
    if (!p.isSet(QStringLiteral("--timeout")))
        spec.options.timeoutS = defaults.timeoutS;
    const auto interval = p.number(QStringLiteral("--interval"), 5);
    const auto count = p.number(QStringLiteral("--count"), 0);
    if (!interval || !count) {
        *ctx.err << "monitor: " << p.error() << '\n';
        return ExitUsage;
    }
    if (*interval < 0.2 || *interval > 86400) {
        *ctx.err << "monitor: --interval needs seconds between 0.2 and 86400\n";
        return ExitUsage;
    }
    if (*count < 0 || *count > 1e9 || *count != std::floor(*count)) {
        *ctx.err << "monitor: --count needs a whole number of probes (0: until interrupted)\n";
        return ExitUsage;
    }
    spec.intervalS = *interval;
    spec.name = spec.options.url;
    spec.longLived = p.isSet(QStringLiteral("--long-lived"));
    const bool json = p.isSet(QStringLiteral("--json"));
    const int wanted = int(*count);

    std::shared_ptr<QFile> csv;
    if (p.isSet(QStringLiteral("--csv"))) {
        csv = std::make_shared<QFile>(p.value(QStringLiteral("--csv")));
        if (!csv->open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) {
            *ctx.err << "monitor: cannot write " << csv->fileName() << ": " << csv->errorString() << '\n';
            return ExitUsage;
        }
        csv->write((monitorexport::csvHeader() + QLatin1Char('\n')).toUtf8());
        csv->flush();
    }
    if (!json) {
        *ctx.out << monitorexport::csvHeader() << '\n';
        ctx.out->flush();
    }

    auto* launcher = new EngineProbeLauncher(nullptr, QCoreApplication::instance());
    auto* manager = new MonitorManager(launcher, QCoreApplication::instance());
    auto failures = std::make_shared<int>(0);
    auto done = std::make_shared<int>(0);
    QObject::connect(manager, &MonitorManager::probeFinished, manager,
                     [&ctx, manager, csv, json, wanted, failures, done](int id, const ProbeResult& r) {
        const Monitor* m = manager->monitor(id);
        const Sample& s = m->buffer.raw(m->buffer.rawCount() - 1);
        const QString row = monitorexport::csvRow(s, r.cause, m->spec.name);
        if (csv) {
            csv->write((row + QLatin1Char('\n')).toUtf8());
            csv->flush(); // a row on disk per probe: the recording survives an interrupt
        }
        if (json) {
            QJsonObject o = monitorexport::sampleJson(s, r.cause, m->spec.name);
            if (!r.evidence.isEmpty())
                o[QStringLiteral("evidence")] = QJsonArray::fromStringList(r.evidence);
            *ctx.out << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) << '\n';
        } else {
            *ctx.out << row << '\n';
        }
        ctx.out->flush();
        if (!r.ok)
            ++*failures;
        if (wanted > 0 && ++*done >= wanted) {
            manager->pause(id);
            ctx.finish(*failures ? ExitFinding : ExitOk);
        }
    });
    QObject::connect(manager, &MonitorManager::eventAdded, manager, [&ctx, json](int, const MonitorEvent& e) {
        if (e.kind != MonitorEvent::Kind::ConnectionClosed)
            return;
        // Long-lived connection ends go to stderr so stdout stays one row per probe.
        *ctx.err << isoWithOffset(e.timeMs) << ' ' << e.text << '\n';
        ctx.err->flush();
        Q_UNUSED(json)
    });
    manager->add(spec);
    return ExitAsync;
}

} // namespace socketscope::cli
