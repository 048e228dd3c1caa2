// SPDX-License-Identifier: GPL-3.0-or-later
// `exporter`: the blackbox-style Prometheus exporter (issue 12).
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "cli/ListenAddress.h"
#include "exporter/ExporterServer.h"
#include "probe/ProbeEngine.h"

#include <QCoreApplication>

namespace socketscope::cli {

int cmdExporter(CliContext& ctx)
{
    ArgParser p;
    p.addValue(QStringLiteral("--listen"));
    p.addValue(QStringLiteral("--modules"));
    p.addValue(QStringLiteral("--allow"));
    p.addValue(QStringLiteral("--concurrency"));
    const char* usage = "usage: socketscope-cli exporter [--listen HOST:PORT] [--modules FILE] [--allow PATTERN]... "
                        "[--concurrency N]\n";
    if (!p.parse(ctx.args) || !p.positionals().isEmpty()) {
        *ctx.err << "exporter: " << (p.error().isEmpty() ? QStringLiteral("unexpected argument") : p.error()) << '\n'
                 << usage;
        return ExitUsage;
    }
    QHostAddress address;
    quint16 port = 0;
    if (!parseListenAddress(p.value(QStringLiteral("--listen"), QStringLiteral("127.0.0.1:9470")), &address, &port)) {
        *ctx.err << "exporter: --listen needs HOST:PORT with a numeric address, e.g. 127.0.0.1:9470\n";
        return ExitUsage;
    }
    ExporterSettings settings;
    const auto concurrency = p.number(QStringLiteral("--concurrency"), settings.concurrency);
    if (!concurrency || *concurrency < 1 || *concurrency > 1024 || *concurrency != double(int(*concurrency))) {
        *ctx.err << "exporter: --concurrency needs a whole number from 1 to 1024\n";
        return ExitUsage;
    }
    settings.concurrency = int(*concurrency);
    TargetAllowList allow;
    for (const QString& pattern : p.values(QStringLiteral("--allow"))) {
        QString error;
        if (!allow.add(pattern, &error)) {
            *ctx.err << "exporter: " << error << '\n';
            return ExitUsage;
        }
    }
    ModuleSet modules = ModuleSet::builtin();
    if (p.isSet(QStringLiteral("--modules"))) {
        auto loaded = ModuleSet::load(p.value(QStringLiteral("--modules")));
        if (!loaded) {
            *ctx.err << "exporter: " << loaded.error() << '\n';
            return ExitUsage;
        }
        modules = *loaded;
    }
    // The server goes before the engine it uses, both while the application is still whole.
    auto* engine = new ProbeEngine;
    auto* server = new ExporterServer(engine, modules, allow, settings);
    QObject::connect(
        QCoreApplication::instance(), &QCoreApplication::aboutToQuit, QCoreApplication::instance(), [engine, server] {
            delete server;
            delete engine;
        });
    const Status st = server->listen(address, port);
    if (!st) {
        *ctx.err << "exporter: " << st.error() << '\n';
        return ExitFinding;
    }
    *ctx.out << "SocketScope exporter listening on http://" << server->address().toString() << ':' << server->port()
             << '\n'
             << "  /probe?target=URL&module=NAME   modules: " << modules.names().join(QStringLiteral(", ")) << '\n'
             << "  /metrics                        concurrency " << settings.concurrency
             << (allow.isEmpty() ? QStringLiteral(", every ws:// and wss:// target allowed")
                                 : QStringLiteral(", --allow patterns apply"))
             << '\n';
    ctx.out->flush();
    return ExitAsync; // runs until killed
}

} // namespace socketscope::cli
