// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cli/CliContext.h"

namespace socketscope::cli {

// One function per command word; each lives in its feature's src/cli/*Commands.cpp.
int cmdServe(CliContext& ctx);
int cmdProfiles(CliContext& ctx);
int cmdProbe(CliContext& ctx);
int cmdDiagnose(CliContext& ctx);
int cmdLint(CliContext& ctx);
int cmdFix(CliContext& ctx);
int cmdSsh(CliContext& ctx);
int cmdSshFingerprint(CliContext& ctx);
int cmdLogs(CliContext& ctx);
int cmdMonitor(CliContext& ctx);
int cmdRunbook(CliContext& ctx);
int cmdExporter(CliContext& ctx);
// `profiles export-modules` (ExportModulesCommand.cpp), dispatched by cmdProfiles.
int cmdProfilesExportModules(CliContext& ctx, const QStringList& args);
int cmdTimeouts(CliContext& ctx);
int cmdReloadTest(CliContext& ctx);

} // namespace socketscope::cli
