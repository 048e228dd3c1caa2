// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The probe options every probing command accepts (`probe`, `diagnose`, `monitor`): one parser,
// shared, so the flags stay identical across commands. Implemented in ProbeCommands.cpp.

#include "cli/ArgParser.h"
#include "cli/CliContext.h"
#include "probe/ProbeTypes.h"

namespace socketscope {
class ProbeEngine;
}

namespace socketscope::cli {

// Declares --origin, -H/--header, --subprotocol, --ca, --insecure, --proxy, --echo, --size,
// --ping-interval, --hold, --timeout, --connect-timeout, --pin, --cert, --key, --basic-user,
// --password-stdin, --bearer-stdin, --bolt, --binary, --page-origin, --slow, --max-frame, --json,
// --app, --app-namespace, --app-path, --app-event, --app-query, --app-payload, --app-payload-stdin,
// --app-version.
void declareProbeOptions(ArgParser& p);
// Fills options from the parsed flags (secrets from standard input); false with *error on a usage error.
bool readProbeOptions(ArgParser& p, CliContext& ctx, ProbeOptions* o, QString* error);
// Checks a ws:// or wss:// URL argument; false with *error naming what is wrong.
bool checkUrlArg(const QString& url, QString* error);
// A ProbeEngine deleted when the event loop is about to return (ProbeCommands.cpp).
ProbeEngine* makeEngine();

} // namespace socketscope::cli
