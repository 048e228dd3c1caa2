// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "cli/ListenAddress.h"
#include "server/ReferenceServer.h"

#include <QCoreApplication>
#include <QHostAddress>

namespace socketscope::cli {

int cmdServe(CliContext& ctx)
{
    ArgParser p;
    p.addValue(QStringLiteral("--listen"));
    p.addValue(QStringLiteral("--heartbeat"));
    if (!p.parse(ctx.args) || !p.positionals().isEmpty()) {
        *ctx.err << "serve: " << (p.error().isEmpty() ? QStringLiteral("unexpected argument") : p.error()) << '\n';
        return ExitUsage;
    }
    const QString listen = p.value(QStringLiteral("--listen"), QStringLiteral("127.0.0.1:9000"));
    QHostAddress address;
    quint16 port = 0;
    if (!parseListenAddress(listen, &address, &port)) {
        *ctx.err << "serve: --listen needs HOST:PORT with a numeric address, e.g. 127.0.0.1:9000\n";
        return ExitUsage;
    }
    const auto heartbeat = p.number(QStringLiteral("--heartbeat"), 10);
    if (!heartbeat || *heartbeat <= 0) {
        *ctx.err << "serve: --heartbeat needs a positive number of seconds\n";
        return ExitUsage;
    }
    auto* server = new ReferenceServer(QCoreApplication::instance());
    server->setHeartbeatInterval(int(*heartbeat * 1000));
    const Status st = server->listen(address, port);
    if (!st) {
        *ctx.err << "serve: " << st.error() << '\n';
        return ExitFinding;
    }
    const QString base = QStringLiteral("%1:%2").arg(server->address().toString()).arg(server->port());
    *ctx.out << "SocketScope reference endpoint listening on " << base << '\n'
             << "  ws://" << base << "/ws/echo    welcome, then echo\n"
             << "  ws://" << base << "/ws/health  heartbeat every " << *heartbeat << " s, with pings\n"
             << "  http://" << base << "/health     HTTP 200\n";
    ctx.out->flush();
    return ExitAsync; // runs until killed
}

} // namespace socketscope::cli
