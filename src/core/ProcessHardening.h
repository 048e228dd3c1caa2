// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The platform seam for keeping secrets out of places the process does not control: core dumps,
// debuggers of the same user, swap. Linux implements it; elsewhere every call is a no-op that
// reports false.

#include <cstddef>

namespace socketscope::ProcessHardening {

// Called first thing in main() of the app and the CLI: no core dump (RLIMIT_CORE 0) and not
// dumpable (PR_SET_DUMPABLE 0: no core, no ptrace or /proc/PID/mem by the same user).
// True when both took effect.
bool disableCoreDumps();
// True when the process may not dump core (RLIMIT_CORE is 0 and it is not dumpable).
bool coreDumpsDisabled();
// Locks [p, p+n) in RAM (mlock); false when the platform or the limit does not allow it.
bool lockMemory(const void* p, std::size_t n);
void unlockMemory(const void* p, std::size_t n);

} // namespace socketscope::ProcessHardening
