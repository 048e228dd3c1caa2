// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Internal to ProbeSession*.cpp: what the session's translation units share.

#include <algorithm>

namespace socketscope::probe_detail {

// A QTimer interval from seconds: at least 1 ms, at most ~23 days.
inline int msFromSeconds(double s) { return int(std::clamp(s * 1000.0, 1.0, 2.0e9)); }

} // namespace socketscope::probe_detail
