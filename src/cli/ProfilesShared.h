// SPDX-License-Identifier: GPL-3.0-or-later
// What the `profiles` subcommands share (internal to src/cli/: ProfilesCommands.cpp, ProfilesExchange.cpp).
#pragma once

#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "profiles/Profile.h"

#include <QJsonValue>
#include <QStringList>

namespace socketscope {
class ProfileStore;
}

namespace socketscope::cli::profiles {

void printJson(CliContext& ctx, const QJsonValue& v);
// "profiles: MESSAGE (see: socketscope-cli profiles help)" on stderr; returns ExitUsage.
int usageError(CliContext& ctx, const QString& message);
// Parses the command's options (adds --json); positional count must be within [minPos, maxPos].
bool parseArgs(CliContext& ctx, ArgParser& p, const QStringList& args, int minPos, int maxPos, int* rc);
// Loads the store; on failure prints why (naming the file) and returns false.
bool loadStore(CliContext& ctx, ProfileStore& store);
// "user@host:port", empty when the profile has no SSH.
QString sshSummary(const SshAccess& s);

// The exchange subcommands (ProfilesExchange.cpp).
int cmdExport(CliContext& ctx, const QStringList& args);
int cmdExportInventory(CliContext& ctx, const QStringList& args);
int cmdImport(CliContext& ctx, const QStringList& args);
int cmdImportSshConfig(CliContext& ctx, const QStringList& args);

} // namespace socketscope::cli::profiles
