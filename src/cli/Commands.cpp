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
        {"ssh", "ssh USER@HOST[:PORT] [--key F] [--jump J] [--accept-new-host-key] [--password-stdin] [--sudo [--sudo-password-stdin]] [--timeout S] -- COMMAND...   run a command over SSH (exit: the command's status, 255 on SSH failure)", &cmdSsh},
        {"ssh-fingerprint", "ssh-fingerprint USER@HOST[:PORT] [--json]   show the server's host key fingerprint and its known_hosts status", &cmdSshFingerprint},
    };
    return table;
}

} // namespace socketscope::cli
