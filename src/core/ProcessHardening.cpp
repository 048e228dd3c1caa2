// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ProcessHardening.h"

#include <QtGlobal>

#ifdef Q_OS_LINUX
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace socketscope::ProcessHardening {

#ifdef Q_OS_LINUX

bool disableCoreDumps()
{
    struct rlimit none {};
    const bool limit = ::setrlimit(RLIMIT_CORE, &none) == 0;
    const bool dumpable = ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0;
    return limit && dumpable;
}

bool coreDumpsDisabled()
{
    struct rlimit r {};
    return ::getrlimit(RLIMIT_CORE, &r) == 0 && r.rlim_cur == 0 && r.rlim_max == 0 && ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0;
}

// The system calls themselves: sanitizer runtimes replace mlock() with a stub that locks nothing.
bool lockMemory(const void* p, std::size_t n)
{
    return n > 0 && ::syscall(SYS_mlock, p, n) == 0;
}

void unlockMemory(const void* p, std::size_t n)
{
    if (n > 0)
        ::syscall(SYS_munlock, p, n);
}

#else

bool disableCoreDumps() { return false; }
bool coreDumpsDisabled() { return false; }
bool lockMemory(const void*, std::size_t) { return false; }
void unlockMemory(const void*, std::size_t) {}

#endif

} // namespace socketscope::ProcessHardening
