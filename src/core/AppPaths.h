// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace socketscope {

// Platform locations (Qt's QStandardPaths): ~/.config/SocketScope on Linux,
// ~/Library/Preferences/SocketScope on macOS, %LOCALAPPDATA%/SocketScope on Windows.
namespace AppPaths {
// Directory for the profile store and user runbooks; created on demand.
QString configDir();
// Directory for run state, audit trails and exports; created on demand.
QString dataDir();
// The default profile store file: configDir()/profiles.json.
QString defaultProfilesFile();
} // namespace AppPaths

} // namespace socketscope
