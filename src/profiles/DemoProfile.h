// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "profiles/Profile.h"

namespace socketscope {

class ProfileStore;

namespace DemoProfile {
// The name of the built-in demo profile.
QString name();
// Makes sure the store holds the "Local demo" profile pointing at `echoUrl` (the in-process
// reference server, whose port changes at each start): creates it when the store is empty,
// updates its URL otherwise. A read-only store gets it for this session only (never written).
// Returns the demo profile's id (null when the store has profiles but no demo: the user deleted it).
Result<QUuid> ensure(ProfileStore& store, const QString& echoUrl);
} // namespace DemoProfile

} // namespace socketscope
