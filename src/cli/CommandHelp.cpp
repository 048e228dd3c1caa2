// SPDX-License-Identifier: GPL-3.0-or-later
// `socketscope-cli COMMAND --help`: each command's usage and options, one table. `profiles` and
// `runbook` print their own (their subcommands have their own usage lines). Every command of the
// dispatch table (Commands.cpp) must answer: tests/cli/CommandHelpTest.cpp walks that table.
#include "cli/CommandHelp.h"

namespace socketscope::cli {

namespace {

constexpr const char* kProbeOptions =
    "probe options:\n"
    "  --origin ORIGIN            Origin header of the upgrade request\n"
    "  -H, --header 'NAME: VALUE' extra handshake header (repeatable)\n"
    "  --subprotocol P            offer a subprotocol (repeatable)\n"
    "  --header-file FILE         extra headers, one 'Name: value' per line (for credentials:\n"
    "                             never on the command line)\n"
    "  --ca FILE                  trust this CA certificate (PEM)\n"
    "  --insecure                 accept any certificate (says so in the report)\n"
    "  --pin PIN                  pin the server's key or certificate (sha256/..., PEM file)\n"
    "  --cert FILE --key FILE     client certificate and key\n"
    "  --proxy URL                http://HOST:PORT (CONNECT) or socks5://HOST:PORT\n"
    "  --basic-user USER          HTTP basic auth; the password comes from --password-stdin\n"
    "  --password-stdin           read the basic-auth password from standard input\n"
    "  --bearer-stdin             read a bearer token from standard input\n"
    "  --echo N                   echo round trips (default 1; 0: none)\n"
    "  --size BYTES               bytes per echo message (default 32)\n"
    "  --binary                   binary echo frames\n"
    "  --no-deflate               do not offer permessage-deflate\n"
    "  --ping-interval S          send pings every S seconds while holding\n"
    "  --hold S                   stay connected and idle S seconds (catches idle timeouts)\n"
    "  --timeout S                per-phase timeout (never bounds --hold)\n"
    "  --connect-timeout S        TCP connect timeout\n"
    "  --slow S                   slow_response threshold (default 1.0)\n"
    "  --max-frame BYTES          largest frame accepted (default 16 MiB)\n"
    "  --page-origin ORIGIN       the page's origin, to detect mixed content\n"
    "  --bolt                     speak Neo4j Bolt after the upgrade (alias of --app bolt)\n"
    "  --app NAME                 application protocol: auto, none, echo, bolt, socketio,\n"
    "                             graphql-transport-ws, graphql-ws, mqtt\n"
    "  --app-namespace NS, --app-path PATH, --app-event E, --app-query Q,\n"
    "  --app-payload JSON, --app-payload-stdin, --app-version V\n"
    "                             the application protocol's settings\n"
    "  --json                     one JSON object instead of text\n";

struct HelpEntry {
    const char* name;
    const char* text;
    bool probeOptions;
};

const HelpEntry kHelp[] = {
    {"serve",
     "usage: socketscope-cli serve [--listen HOST:PORT] [--heartbeat S]\n\n"
     "Runs the reference WebSocket endpoint (/ws/echo, /ws/health, /health) until interrupted.\n\n"
     "options:\n"
     "  --listen HOST:PORT   where to listen (default 127.0.0.1:9000)\n"
     "  --heartbeat S        seconds between the endpoint's heartbeat messages (default 10)\n",
     false},
    {"probe",
     "usage: socketscope-cli probe URL [probe options]\n\n"
     "Opens a WebSocket to URL (ws:// or wss://), times each phase, echoes, optionally holds the\n"
     "connection idle, and names the cause of any failure.\n\n",
     true},
    {"diagnose",
     "usage: socketscope-cli diagnose --direct URL --via URL [probe options]\n\n"
     "Probes the upstream directly and through the proxy, then names the faulty hop. Both hops speak\n"
     "the same application protocol (--app); the application level of both is compared too (JSON\n"
     "app_comparison): a proxy that changes it while both upgrades work is the faulty hop.\n\n"
     "options:\n"
     "  --direct URL   the upstream's own WebSocket URL\n"
     "  --via URL      the same endpoint through the reverse proxy\n\n",
     true},
    {"monitor",
     "usage: socketscope-cli monitor URL [--interval S] [--count N] [--csv FILE] [--json] [--long-lived] [probe options]\n\n"
     "Probes every interval; one CSV row (or JSON line) per probe on standard output.\n\n"
     "options:\n"
     "  --interval S    seconds between probes (0.2 to 86400, default 5)\n"
     "  --count N       stop after N probes (0: until interrupted)\n"
     "  --csv FILE      also write the rows to FILE (flushed per probe)\n"
     "  --long-lived    also hold one idle connection and report how it dies (on standard error)\n\n",
     true},
    {"lint",
     "usage: socketscope-cli lint nginx|haproxy FILE [options]\n\n"
     "Checks a proxy configuration for WebSocket problems (rules WS001-WS010, NG001, HA001-HA002).\n\n"
     "options:\n"
     "  --json              findings as JSON\n"
     "  --dump              print the parsed configuration\n"
     "  --threshold S       idle-timeout threshold in seconds\n"
     "  --nginx-T           FILE is the output of `nginx -T`\n"
     "  --endpoint PATH     the WebSocket endpoint's path (checks the location that serves it)\n"
     "  --prefix DIR        nginx prefix for relative includes\n"
     "  --suggested S       the idle timeout the advice suggests\n"
     "  --mark LOCATION     treat this location as a WebSocket endpoint (repeatable)\n"
     "  --no-include        do not follow include directives\n"
     "  --nginx-version V   the running nginx's version (`nginx -v`): messages name its defaults;\n"
     "                      with --nginx-T it is also read from a `nginx version:` line before the dump\n"
     "  --haproxy-version V the running HAProxy's version (`haproxy -v`)\n",
     false},
    {"fix",
     "usage: socketscope-cli fix nginx|haproxy FILE [--diff | -o OUT] [options]\n\n"
     "Writes the minimal fix for the findings of `lint`.\n\n"
     "options:\n"
     "  --diff              print a unified diff instead of the fixed file\n"
     "  -o, --output OUT    write the fixed file to OUT\n"
     "  --threshold S       idle-timeout threshold in seconds\n"
     "  --rules R,...       fix only these rules\n"
     "  --nginx-T           FILE is the output of `nginx -T`\n"
     "  --endpoint PATH     the WebSocket endpoint's path\n"
     "  --no-comment        do not mark changed lines with a comment\n"
     "  --nginx-version V   the running nginx's version (`nginx -v`; 1.29.7+ defaults to HTTP/1.1)\n",
     false},
    {"ssh",
     "usage: socketscope-cli ssh PROFILE|USER@HOST[:PORT] [options] -- COMMAND...\n\n"
     "Runs a command over SSH. Exit status: the command's, 255 on an SSH failure.\n\n"
     "options:\n"
     "  --key FILE                 private key file\n"
     "  --jump USER@HOST[:PORT]    connect through a jump host\n"
     "  --accept-new-host-key      trust an unknown host key (never a changed one)\n"
     "  --password-stdin           read the SSH password from standard input\n"
     "  --sudo                     run the command with sudo\n"
     "  --sudo-password-stdin      read the sudo password from standard input\n"
     "  --timeout S                how long the command may run\n"
     "  --host H, --port N, --user U   override the profile's (or the argument's) target\n",
     false},
    {"ssh-fingerprint",
     "usage: socketscope-cli ssh-fingerprint PROFILE|USER@HOST[:PORT] [--json]\n\n"
     "Shows the server's host key fingerprint and its known_hosts status.\n\n"
     "options:\n"
     "  --json    as JSON\n"
     "  --host H, --port N, --user U, --key FILE, --jump J, --accept-new-host-key, --password-stdin\n"
     "            as for `ssh`\n",
     false},
    {"logs",
     "usage: socketscope-cli logs PROFILE_OR_FILE [options]\n\n"
     "Prints, greps or follows a log file, local or on the profile's server.\n\n"
     "options:\n"
     "  --remote PATH              the log on the profile's server (over SSH)\n"
     "  --log NAME                 one of the profile's logs: error, access, app, haproxy; read\n"
     "                             with the profile's format for it (over SSH, or on this machine\n"
     "                             when the profile has no SSH access)\n"
     "  --source NAME              the log's format for --problems (auto: detected)\n"
     "  -f, --follow               keep printing new lines\n"
     "  -e, --grep RE              only lines matching RE\n"
     "  -i, --ignore-case          case-insensitive --grep\n"
     "  -F, --fixed-strings        --grep is a plain string\n"
     "  -n, --line-numbers         prefix line numbers\n"
     "  -c, --count                print the number of matching lines\n"
     "  --lines N                  only the last N lines\n"
     "  --problems                 only lines a rule marks as a problem, with a summary\n"
     "  --explain                  after the summary: each rule's meaning, advice and probe cause\n"
     "  --rules FILE|DIR           your own rules for --problems (default: log-rules.json and\n"
     "                             log-rules.d/*.json in the config directory)\n"
     "  --accept-new-host-key, --password-stdin, --sudo, --sudo-password-stdin\n"
     "                             as for `ssh`\n",
     false},
    {"timeouts",
     "usage: socketscope-cli timeouts [--profile P] [--hop NAME=URL]... [--max S] [--resolution S]\n"
     "                                [--server-data-path PATH] [--nginx-error-log FILE] [--haproxy-log FILE]\n"
     "                                [--accept-new-host-key] [--no-keepalive] [probe options] [--json]\n\n"
     "Maps which hop of the chain cuts an idle WebSocket first, after how long, idle or lifetime cap,\n"
     "how the client sees it, and which traffic keeps the hop alive. The hops run from the client to\n"
     "the backend: the profile's public URL, each --hop, the profile's direct URL. Exit 1: a hop cut\n"
     "below --max (or failed).\n\n"
     "options:\n"
     "  --profile P                the profile whose public and direct URLs are the outer and inner hops\n"
     "  --hop NAME=URL             a hop between them, in order from the client (repeatable)\n"
     "  --max S                    hold idle connections at most S seconds (default 900)\n"
     "  --resolution S             stop narrowing a cutoff down at this width (default 1, at least 0.1)\n"
     "  --server-data-path PATH    where the server sends on its own, for the server_data keepalive row\n"
     "                             (default /ws/health)\n"
     "  --nginx-error-log FILE     nginx's error log, read for its timeout lines (a remote profile's:\n"
     "                             over SSH)\n"
     "  --haproxy-log FILE         HAProxy's log, read for its timeout lines (cD/sD)\n"
     "  --accept-new-host-key      trust an unknown SSH host key when reading a remote log\n"
     "  --no-keepalive             skip the keepalive matrix\n"
     "  --timeout S                also the pong deadline after each hold (default 3 here)\n\n",
     true},
    {"reload-test",
     "usage: socketscope-cli reload-test --profile P [--sockets N] [--window S] [--local]\n"
     "                                   [--sudo-password-stdin] [--accept-new-host-key] [probe options] [--json]\n\n"
     "Do live WebSockets survive a proxy reload? Opens N sockets to the profile's public URL, runs the\n"
     "profile's reload command over its SSH target (or here with --local), opens one new connection\n"
     "and watches the old sockets. Exit 1: sockets cut or the new connection failed.\n\n"
     "options:\n"
     "  --profile P                the profile (its public URL and reload command) — required\n"
     "  --sockets N                sockets to keep open across the reload (1 to 1000, default 5)\n"
     "  --window S                 seconds to watch them after the reload (default 10)\n"
     "  --local                    run the reload command on this machine instead of over SSH\n"
     "  --sudo-password-stdin      read the sudo password from standard input (else asked, hidden)\n"
     "  --accept-new-host-key      trust an unknown SSH host key (never a changed one)\n\n",
     true},
    {"exporter",
     "usage: socketscope-cli exporter [--listen HOST:PORT] [--modules FILE] [--allow PATTERN]... [--concurrency N]\n\n"
     "A blackbox-style Prometheus exporter: GET /probe?target=URL&module=NAME answers one probe's\n"
     "metrics, GET /metrics the exporter's own. Runs until stopped; exit 1 when the address cannot be\n"
     "bound.\n\n"
     "options:\n"
     "  --listen HOST:PORT   where to serve HTTP (default 127.0.0.1:9470; port 0 picks one)\n"
     "  --modules FILE       the modules file (JSON; default: the built-in module `default` only);\n"
     "                       `socketscope-cli profiles export-modules` writes one from your profiles\n"
     "  --allow PATTERN      a target must match one such pattern, else 403 (repeatable; default:\n"
     "                       every ws:// and wss:// target)\n"
     "  --concurrency N      probes run at once (1 to 1024, default 8)\n",
     false},
};

} // namespace

std::optional<QString> commandHelp(const QString& name)
{
    for (const HelpEntry& e : kHelp) {
        if (name != QLatin1String(e.name))
            continue;
        QString text = QString::fromUtf8(e.text);
        if (e.probeOptions)
            text += QString::fromUtf8(kProbeOptions);
        text += QStringLiteral("\nExit status: 0 ok, 1 a problem was found, 2 usage or input error.\n");
        return text;
    }
    return std::nullopt;
}

bool asksForHelp(const QStringList& args)
{
    for (const QString& a : args) {
        if (a == QLatin1String("--"))
            return false; // what follows belongs to a remote command
        if (a == QLatin1String("--help") || a == QLatin1String("-h"))
            return true;
    }
    return false;
}

} // namespace socketscope::cli
