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
        {"profiles", "profiles list|show NAME|add NAME [...]|remove NAME|import FILE|export FILE|import-ssh-config [FILE]|set-secret NAME [--json]   manage server profiles (profiles help)", &cmdProfiles},
    };
    return table;
}

} // namespace socketscope::cli
