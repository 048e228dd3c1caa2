// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QtGlobal>

#include <functional>

namespace socketscope::logs {

enum class MappedScanResult { Done, Cancelled, Unavailable, FileShrank };

// Platform seam (POSIX): reads [offset, offset + length) of a file through read-only memory
// maps of up to 256 MiB, with no copy into user buffers (~2x a read() loop on a warm cache).
// `scan(data, length, fileOffset)` must only read the bytes (it runs guarded: if the file is
// truncated meanwhile, the SIGBUS is caught and FileShrank returned); `commit()` then runs
// unguarded and returns false to cancel. Unavailable where there is no mmap (callers read()).
MappedScanResult scanMapped(const QString& path, qint64 offset, qint64 length,
                            const std::function<void(const char* data, qint64 length, qint64 fileOffset)>& scan,
                            const std::function<bool()>& commit);

} // namespace socketscope::logs
