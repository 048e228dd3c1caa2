// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <atomic>

#include "core/Result.h"
#include "logs/LineIndex.h"

#include <QByteArray>
#include <QList>
#include <QMutex>
#include <QReadWriteLock>
#include <QString>
#include <QStringList>

#include <functional>

namespace socketscope::logs {

using CancelFn = std::function<bool()>;                       // true: stop as soon as possible
using ProgressFn = std::function<void(qint64 done, qint64 total)>;

// A log file on the local disk with its line index. Bytes are never loaded into QStrings:
// update() reads the file in large blocks and records line offsets; only the lines asked for
// are read back and decoded (UTF-8, invalid bytes shown as U+FFFD, CRLF and LF both end a line).
// Thread-safe: one thread may update() while others read lines.
class LogFile {
public:
    explicit LogFile(QString path);

    QString path() const { return m_path; }

    enum class Change { None, Appended, Reset };
    struct UpdateResult {
        Change change = Change::None;
        bool cancelled = false;       // stopped early; call update() again to continue
        qint64 lineCount = 0;         // lines after the update
    };
    // Blocking (run it on a worker thread): indexes what was appended since the last call.
    // A file that shrank, or was replaced (other file identity or other first bytes), is
    // re-indexed from the start and reported as Reset. Errors: missing or unreadable file.
    Result<UpdateResult> update(const CancelFn& cancelled = {}, const ProgressFn& progress = {});
    // Thread-safe: the next update() starts over and reports Reset, whatever the file looks like
    // (its owner rewrote it in place, e.g. a bounded cache that dropped its oldest lines).
    void invalidate() { m_invalidated.store(true); }

    // Lines indexed so far, including a last line without its '\n'.
    qint64 lineCount() const;
    // Bytes of the file covered by the index.
    qint64 indexedBytes() const;
    // Where a line lives (length includes the terminator when there is one).
    LineSpan span(qint64 line) const;
    // The line containing byte `offset` (-1 when outside the indexed bytes).
    qint64 lineAtOffset(quint64 offset) const;

    // Raw bytes of lines [first, first + count) without "\n" / "\r\n" (keepCarriageReturn: only
    // the "\n" is removed, to reproduce the file byte for byte); each line is cut at
    // maxLineBytes (0: no limit). Lines past the end are not returned.
    QList<QByteArray> readRawLines(qint64 first, qint64 count, qint64 maxLineBytes = 0,
                                   bool keepCarriageReturn = false) const;
    // Decoded lines for display; very long lines are cut at 64 KiB with an ellipsis.
    QStringList readLines(qint64 first, qint64 count) const;
    // UTF-8 decoding that tolerates invalid bytes.
    static QString decode(QByteArrayView raw);

    // Index memory per line (the ≤ 2 bytes/line budget is checked against this).
    double indexBytesPerLine() const;
    std::size_t indexMemoryBytes() const;

    // Runs fn(const LineIndex&, qint64 lineCount, quint64 indexedBytes) under the read lock.
    template <typename F>
    auto withIndex(F&& fn) const
    {
        QReadLocker lock(&m_lock);
        return fn(m_index, lineCountLocked(), quint64(m_indexedBytes));
    }

    static constexpr qint64 kDisplayLineBytes = 64 * 1024;

private:
    qint64 lineCountLocked() const { return m_index.lineCount() + (m_tailBytes > 0 ? 1 : 0); }
    LineSpan spanLocked(qint64 line) const;
    void resetLocked();

    QString m_path;
    mutable QReadWriteLock m_lock;
    QMutex m_updateMutex;            // one update() at a time
    LineIndex m_index;
    qint64 m_indexedBytes = 0;
    qint64 m_tailBytes = 0;          // bytes after the last '\n' (a line still being written)
    QByteArray m_head;               // the first bytes seen, to notice a replaced file
    QByteArray m_identity;           // device+inode where the platform has them
    std::atomic<bool> m_invalidated{false};
};

} // namespace socketscope::logs
