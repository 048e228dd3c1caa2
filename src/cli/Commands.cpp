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
        {"probe", "probe URL [--origin O] [-H 'N: v']... [--subprotocol P] [--ca F] [--insecure] [--proxy URL] [--echo N] [--size B] [--ping-interval S] [--hold S] [--bolt] [--app NAME] [--app-namespace NS] [--app-event E] [--app-query Q] [--app-payload JSON] [--app-version V] [--no-deflate] [--timeout S] [--json]   probe a WebSocket endpoint", &cmdProbe},
        {"diagnose", "diagnose --direct URL --via URL [probe options] [--json]   name the faulty hop", &cmdDiagnose},
        {"lint", "lint nginx|haproxy FILE [--dump] [--threshold S] [--json] [--nginx-T] [--endpoint PATH] [--prefix DIR]   check a proxy config for WebSockets", &cmdLint},
        {"fix", "fix nginx|haproxy FILE [--diff | -o OUT] [--threshold S] [--rules R,..] [--nginx-T] [--endpoint PATH]   write the minimal fix", &cmdFix},
        {"ssh", "ssh PROFILE|USER@HOST[:PORT] [--key F] [--jump J] [--accept-new-host-key] [--password-stdin] [--sudo [--sudo-password-stdin]] [--timeout S] -- COMMAND...   run a command over SSH (exit: the command's status, 255 on SSH failure)", &cmdSsh},
        {"ssh-fingerprint", "ssh-fingerprint PROFILE|USER@HOST[:PORT] [--json]   show the server's host key fingerprint and its known_hosts status", &cmdSshFingerprint},
        {"logs", "logs PROFILE_OR_FILE [--remote PATH] [--follow] [--grep RE] [--problems] [-n] [-i] [-F] [-c]   print, grep, follow a log", &cmdLogs},
        {"monitor", "monitor URL [--interval S] [--count N] [--csv FILE] [--json] [--long-lived] [probe options]   probe every interval; one CSV row (or JSON line) per probe", &cmdMonitor},
        {"timeouts", "timeouts [--profile P] [--hop NAME=URL]... [--max S] [--resolution S] [--server-data-path PATH] [--nginx-error-log FILE] [--no-keepalive] [probe options] [--json]   which hop cuts an idle WebSocket first, after how long, and what keeps it alive (exit 1: a cut below --max)", &cmdTimeouts},
        {"reload-test", "reload-test --profile P [--sockets N] [--window S] [--local] [--sudo-password-stdin] [--accept-new-host-key] [probe options] [--json]   do live sockets survive a proxy reload? (runs the profile's reload command over its SSH target, or here with --local; exit 1: sockets cut or new connections failed)", &cmdReloadTest},
        {"runbook", "runbook list|run NAME --profile P|rollback --profile P|export-ansible NAME   guided fixes (backup, patch, test, reload, verify, rollback)", &cmdRunbook},
        {"exporter", "exporter [--listen HOST:PORT] [--modules FILE] [--allow PATTERN]... [--concurrency N]   Prometheus exporter: GET /probe?target=URL&module=NAME, GET /metrics", &cmdExporter},
    };
    return table;
}

} // namespace socketscope::cli
