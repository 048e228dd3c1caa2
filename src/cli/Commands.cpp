// SPDX-License-Identifier: GPL-3.0-or-later
// The CLI command table. Each feature implements its commands in src/cli/<Feature>Commands.cpp
// and adds its lines here.
#include "cli/CliContext.h"
#include "cli/Commands.h"

namespace socketscope::cli {

const QList<Command>& commands()
{
    static const QList<Command> table = {
        {"runbook", "runbook list|run NAME --profile P|rollback --profile P|export-ansible NAME   guided fixes (backup, patch, test, reload, verify, rollback)", &cmdRunbook},
        {"serve", "serve [--listen HOST:PORT] [--heartbeat S]   run the reference WebSocket endpoint", &cmdServe},
    };
    return table;
}

} // namespace socketscope::cli
