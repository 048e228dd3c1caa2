// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/MappedScan.h"

#include <QFile>

#if defined(Q_OS_UNIX)
#include <csetjmp>
#include <csignal>
#include <fcntl.h>
#include <mutex>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace socketscope::logs {

#if defined(Q_OS_UNIX)
namespace {
constexpr qint64 kWindow = 64LL * 1024 * 1024;
thread_local sigjmp_buf* t_recover = nullptr;
struct sigaction g_previous {};
std::once_flag g_installed;

// A SIGBUS while a thread scans a mapping means the file shrank under it: jump back out.
// Any other SIGBUS goes to the previous handler (or the default action).
void onSigbus(int sig, siginfo_t* info, void* context)
{
    if (t_recover)
        siglongjmp(*t_recover, 1);
    if ((g_previous.sa_flags & SA_SIGINFO) && g_previous.sa_sigaction) {
        g_previous.sa_sigaction(sig, info, context);
    } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN) {
        g_previous.sa_handler(sig);
    } else {
        ::signal(SIGBUS, SIG_DFL);
        ::raise(SIGBUS);
    }
}

void installHandler()
{
    struct sigaction sa {};
    sa.sa_sigaction = onSigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGBUS, &sa, &g_previous);
}

// Runs scan() with SIGBUS recovery; false when the mapping went away under it. Kept free of
// objects with destructors: the jump must not skip any.
bool guardedScan(const std::function<void(const char*, qint64, qint64)>& scan, const char* data, qint64 length, qint64 at)
{
    sigjmp_buf recover;
    if (sigsetjmp(recover, 1) != 0) {
        t_recover = nullptr;
        return false;
    }
    t_recover = &recover;
    scan(data, length, at);
    t_recover = nullptr;
    return true;
}
} // namespace

MappedScanResult scanMapped(const QString& path, qint64 offset, qint64 length,
                            const std::function<void(const char*, qint64, qint64)>& scan, const std::function<bool()>& commit)
{
    std::call_once(g_installed, installHandler);
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return MappedScanResult::Unavailable;
    const qint64 page = qint64(::sysconf(_SC_PAGESIZE));
    MappedScanResult result = MappedScanResult::Done;
    for (qint64 at = offset; at < offset + length;) {
        const qint64 aligned = at - at % page;
        const qint64 end = qMin(offset + length, aligned + kWindow);
        const std::size_t mapLength = std::size_t(end - aligned);
        int flags = MAP_SHARED;
#if defined(MAP_POPULATE)
        flags |= MAP_POPULATE;
#endif
        void* map = ::mmap(nullptr, mapLength, PROT_READ, flags, fd, off_t(aligned));
        if (map == MAP_FAILED) {
            result = at == offset ? MappedScanResult::Unavailable : MappedScanResult::FileShrank;
            break;
        }
        ::madvise(map, mapLength, MADV_SEQUENTIAL);
        const bool scanned = guardedScan(scan, static_cast<const char*>(map) + (at - aligned), end - at, at);
        ::munmap(map, mapLength);
        if (!scanned) {
            result = MappedScanResult::FileShrank;
            break;
        }
        if (!commit()) {
            result = MappedScanResult::Cancelled;
            break;
        }
        at = end;
    }
    ::close(fd);
    return result;
}

MappedRange::MappedRange(const QString& path, qint64 offset, qint64 length)
{
    if (offset < 0 || length <= 0)
        return;
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    const qint64 page = qint64(::sysconf(_SC_PAGESIZE));
    const qint64 aligned = offset - offset % page;
    const std::size_t mapLength = std::size_t(offset + length - aligned);
    int flags = MAP_SHARED;
#if defined(MAP_POPULATE)
    flags |= MAP_POPULATE; // one call fills the page tables (warm cache: no fault per 64 KiB)
#endif
    void* map = ::mmap(nullptr, mapLength, PROT_READ, flags, fd, off_t(aligned));
    ::close(fd); // the map keeps the file
    if (map == MAP_FAILED)
        return;
    ::madvise(map, mapLength, MADV_SEQUENTIAL);
    m_base = map;
    m_baseLength = mapLength;
    m_data = static_cast<const char*>(map) + (offset - aligned);
    m_length = length;
}

MappedRange::~MappedRange()
{
    if (m_base)
        ::munmap(m_base, m_baseLength);
}

bool readGuarded(void (*fn)(void*), void* context)
{
    std::call_once(g_installed, installHandler);
    // No signal mask to restore on the way back (the handler runs with SA_NODEFER and an empty
    // sa_mask), so sigsetjmp need not save it: no system call per guarded read.
    sigjmp_buf recover;
    sigjmp_buf* const outer = t_recover;
    if (sigsetjmp(recover, 0) != 0) {
        t_recover = outer;
        return false;
    }
    t_recover = &recover;
    fn(context);
    t_recover = outer;
    return true;
}
#else
MappedScanResult scanMapped(const QString&, qint64, qint64, const std::function<void(const char*, qint64, qint64)>&,
                            const std::function<bool()>&)
{
    return MappedScanResult::Unavailable;
}

MappedRange::MappedRange(const QString& path, qint64 offset, qint64 length)
{
    if (offset < 0 || length <= 0)
        return;
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::ReadOnly))
        return;
    uchar* map = file->map(offset, length);
    if (!map)
        return;
    m_file = std::move(file);
    m_data = reinterpret_cast<const char*>(map);
    m_length = length;
}

MappedRange::~MappedRange() = default; // closing the QFile unmaps

bool readGuarded(void (*fn)(void*), void* context)
{
    fn(context);
    return true;
}
#endif

} // namespace socketscope::logs
