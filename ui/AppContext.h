// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/ProfileStates.h"

#include <QCoreApplication>

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
    ProfileStateModel* states = nullptr;    // per-profile state: last probe, monitor verdict
};

// The context's state model; a context built without one (a panel tested alone) gets a
// memory-only model that lives as long as the application.
inline ProfileStateModel& profileStates(AppContext& context)
{
    if (!context.states)
        context.states = new ProfileStateModel(QString(), QCoreApplication::instance());
    return *context.states;
}

} // namespace socketscope
