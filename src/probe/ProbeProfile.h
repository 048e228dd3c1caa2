// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "probe/ProbeTypes.h"
#include "profiles/Profile.h"

namespace socketscope {

// Copies what a profile says about reaching its endpoints — Origin, extra headers, subprotocols,
// the application protocol (app, or Bolt), TLS options (CA, pin, client certificate, insecure) — into probe options. The URL, echo,
// hold and timeouts stay the caller's.
void applyProfile(ProbeOptions& options, const Profile& profile);

// The options a probe of one of a profile's URLs runs with, the same for "Probe now" (Overview)
// and "Probe all" (dashboard): `settings` carries what the user chose for every probe (echo count,
// hold, timeouts), the profile adds its own (applyProfile: Origin, headers, subprotocols, the
// application protocol, CA/pin/client certificate); a Bolt endpoint gets no echo.
ProbeOptions profileProbeOptions(const Profile& profile, const QString& url, const ProbeOptions& settings);

} // namespace socketscope
