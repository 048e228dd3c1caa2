// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QtGlobal>

#include <functional>
#include <memory>

class QFile;

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

// A read-only memory map of [offset, offset + length) of a file: POSIX mmap (page tables filled
// up front, sequential read-ahead), elsewhere QFile::map (Windows refuses to truncate a mapped
// file, so nothing can vanish under it there). On POSIX a truncation while the map lives makes
// reading the lost pages raise SIGBUS: read the bytes only inside readGuarded().
class MappedRange {
public:
    MappedRange(const QString& path, qint64 offset, qint64 length);
    ~MappedRange();
    MappedRange(const MappedRange&) = delete;
    MappedRange& operator=(const MappedRange&) = delete;

    // False when the file cannot be mapped (not a regular file, no such file, no mmap): callers
    // read() instead.
    bool isValid() const { return m_data != nullptr; }
    const char* data() const { return m_data; }
    qint64 size() const { return m_length; }

private:
    const char* m_data = nullptr;
    qint64 m_length = 0;
    void* m_base = nullptr;        // POSIX: the page-aligned map
    std::size_t m_baseLength = 0;
    std::unique_ptr<QFile> m_file; // elsewhere: the file QFile::map() maps
};

// Runs fn(context) so that a SIGBUS raised by reading a mapping (the file shrank under it) ends
// fn early and returns false instead of killing the process; true when fn returned normally.
// fn is left by a jump: it must not allocate, take locks, or own objects with non-trivial
// destructors (prepare those before the call, e.g. reserve the vectors it fills). Thread-safe.
bool readGuarded(void (*fn)(void* context), void* context);

} // namespace socketscope::logs
