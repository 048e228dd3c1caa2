// SPDX-License-Identifier: GPL-3.0-or-later
// The CLI command table. Each feature implements its commands in src/cli/<Feature>Commands.cpp
// and adds its lines here.
#include "cli/CliContext.h"
#include "cli/Commands.h"

namespace socketscope::cli {

const QList<Command>& commands()
{
    static const QList<Command> table = {
        {"serve", "serve [--listen HOST:PORT] [--heartbeat S]   run the reference WebSocket endpoint", &cmdServe},
        {"logs", "logs PROFILE_OR_FILE [--remote PATH] [--follow] [--grep RE] [--problems] [-n] [-i] [-F] [-c]   print, grep, follow a log", &cmdLogs},
    };
    return table;
}

} // namespace socketscope::cli
