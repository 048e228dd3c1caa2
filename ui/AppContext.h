// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace socketscope {

class ActivityLog;
class ReferenceServer;
class ProfileStore;
class SecretStore;

// The long-lived core objects the window's panels share. Owned by the app's main(); panels only
// borrow them. Pointers are never null once the main window exists.
struct AppContext {
    ActivityLog* activity = nullptr;
    ReferenceServer* demoServer = nullptr;   // the "Local demo" endpoint, in-process
    ProfileStore* profiles = nullptr;
    SecretStore* secrets = nullptr;
};

} // namespace socketscope
