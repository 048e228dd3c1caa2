// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "cli/CliContext.h"
#include "core/Result.h"
#include "profiles/Profile.h"

namespace socketscope::cli {

// The profile store file a command uses: the global --profiles FILE, else the platform default.
QString profilesFileFor(const CliContext& ctx);

// Loads the store named by ctx.profilesFile (or the default) and returns the profile called
// `name` (case-insensitive; a profile id works too). Fails with a message naming the file when
// the store cannot be read, or listing the known names when there is no such profile.
// Commands print the error and exit with ExitUsage.
Result<Profile> loadProfileForCli(const CliContext& ctx, const QString& name);

} // namespace socketscope::cli
