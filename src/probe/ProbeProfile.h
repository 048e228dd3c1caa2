// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "probe/ProbeTypes.h"
#include "profiles/Profile.h"

namespace socketscope {

// Copies what a profile says about reaching its endpoints — Origin, extra headers, subprotocols,
// the application protocol (app, or Bolt), TLS options (CA, pin, client certificate, insecure) — into probe options. The URL, echo,
// hold and timeouts stay the caller's.
void applyProfile(ProbeOptions& options, const Profile& profile);

} // namespace socketscope
