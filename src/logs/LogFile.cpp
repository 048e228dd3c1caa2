// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LogFile.h"

#include "logs/FileIdentity.h"
#include "logs/MappedScan.h"

#include <QFile>

#include <cstring>
#include <vector>

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>
#define SOCKETSCOPE_SSE2_NEWLINES 1
#endif

namespace socketscope::logs {

namespace {
constexpr qint64 kReadBlock = 1024 * 1024;
constexpr qsizetype kHeadBytes = 1024;
constexpr qint64 kMapThreshold = 32 * 1024 * 1024; // big reads go through mmap (no copy)

QByteArray readAt(QFile& file, qint64 offset, qint64 length)
{
    QByteArray data;
    if (length <= 0 || !file.seek(offset))
        return data;
    data.resize(qsizetype(length));
    const qint64 got = file.read(data.data(), length);
    data.resize(qsizetype(qMax<qint64>(0, got)));
    return data;
}

// Calls f(offset) for every '\n' in [0, n). SSE2 (baseline on x86-64): 64 bytes per step turned
// into a bit mask, so short lines cost a few instructions instead of a memchr call each.
template <typename F>
void forEachNewline(const char* base, qsizetype n, F&& f)
{
    qsizetype i = 0;
#if defined(SOCKETSCOPE_SSE2_NEWLINES)
    const __m128i nl = _mm_set1_epi8('\n');
    auto bits = [&](qsizetype at) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(base + at));
        return quint64(unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl))));
    };
    for (; i + 64 <= n; i += 64) {
        quint64 mask = bits(i) | (bits(i + 16) << 16) | (bits(i + 32) << 32) | (bits(i + 48) << 48);
        while (mask) {
            f(i + qsizetype(__builtin_ctzll(mask)));
            mask &= mask - 1;
        }
    }
#endif
    while (i < n) {
        const void* hit = std::memchr(base + i, '\n', std::size_t(n - i));
        if (!hit)
            return;
        const qsizetype at = static_cast<const char*>(hit) - base;
        f(at);
        i = at + 1;
    }
}

QByteArray stripTerminator(QByteArray line, bool keepCarriageReturn)
{
    if (line.endsWith('\n'))
        line.chop(1);
    if (!keepCarriageReturn && line.endsWith('\r'))
        line.chop(1);
    return line;
}
} // namespace

LogFile::LogFile(QString path) : m_path(std::move(path)) {}

qint64 LogFile::lineCount() const
{
    QReadLocker lock(&m_lock);
    return lineCountLocked();
}

qint64 LogFile::indexedBytes() const
{
    QReadLocker lock(&m_lock);
    return m_indexedBytes;
}

LineSpan LogFile::spanLocked(qint64 line) const
{
    if (line < m_index.lineCount())
        return m_index.span(line);
    if (line == m_index.lineCount() && m_tailBytes > 0)
        return {m_index.endOffset(), quint64(m_tailBytes)};
    return {};
}

LineSpan LogFile::span(qint64 line) const
{
    QReadLocker lock(&m_lock);
    return spanLocked(line);
}

qint64 LogFile::lineAtOffset(quint64 offset) const
{
    QReadLocker lock(&m_lock);
    if (offset < m_index.endOffset())
        return m_index.lineAtOffset(offset);
    if (offset < quint64(m_indexedBytes))
        return m_index.lineCount();
    return -1;
}

void LogFile::resetLocked()
{
    m_index.clear();
    m_indexedBytes = 0;
    m_tailBytes = 0;
    m_head.clear();
    m_identity.clear();
}

Result<LogFile::UpdateResult> LogFile::update(const CancelFn& cancelled, const ProgressFn& progress)
{
    QMutexLocker serial(&m_updateMutex);
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return Result<UpdateResult>::failure(
            QStringLiteral("Cannot read %1: %2").arg(m_path, file.errorString()));
    const QByteArray identity = fileIdentity(m_path);
    const qint64 size = file.size();

    UpdateResult result;
    {
        // Truncated, rotated or rewritten: start over.
        QWriteLocker lock(&m_lock);
        bool replaced = m_invalidated.exchange(false) || size < m_indexedBytes;
        if (!replaced && !m_identity.isEmpty() && !identity.isEmpty() && identity != m_identity)
            replaced = true;
        if (!replaced && !m_head.isEmpty() && readAt(file, 0, m_head.size()) != m_head)
            replaced = true;
        if (replaced) {
            resetLocked();
            result.change = Change::Reset;
        }
        m_identity = identity;
    }

    quint64 lineStart;
    {
        QReadLocker lock(&m_lock);
        lineStart = m_index.endOffset();
    }
    const qint64 begin = qint64(lineStart);
    qint64 pos = begin;
    std::vector<char> buffer(std::size_t(qMin(kReadBlock, qMax<qint64>(size - begin, 1))));
    std::vector<quint64> lengths;
    if (size - pos >= kMapThreshold) {
        std::vector<quint64> windowLengths;
        qint64 scannedTo = pos;
        const MappedScanResult mapped = scanMapped(
            m_path, pos, size - pos,
            [&](const char* data, qint64 length, qint64 at) {
                windowLengths.clear();
                forEachNewline(data, qsizetype(length), [&](qsizetype i) {
                    const quint64 lineEnd = quint64(at) + quint64(i) + 1;
                    windowLengths.push_back(lineEnd - lineStart);
                    lineStart = lineEnd;
                });
                scannedTo = at + length;
            },
            [&] {
                {
                    QWriteLocker lock(&m_lock);
                    for (quint64 len : windowLengths)
                        m_index.appendLine(len);
                    m_indexedBytes = scannedTo;
                    m_tailBytes = scannedTo - qint64(m_index.endOffset());
                }
                pos = scannedTo;
                if (progress)
                    progress(pos - begin, size - begin);
                return !(cancelled && cancelled());
            });
        if (mapped == MappedScanResult::Cancelled)
            result.cancelled = true;
        QReadLocker lock(&m_lock);
        lineStart = m_index.endOffset(); // a window cut short left nothing committed
        pos = m_indexedBytes;
    }
    if (!file.seek(pos))
        return Result<UpdateResult>::failure(QStringLiteral("Cannot seek in %1").arg(m_path));
    while (pos < size && !result.cancelled) {
        if (cancelled && cancelled()) {
            result.cancelled = true;
            break;
        }
        const qint64 want = qMin<qint64>(qint64(buffer.size()), size - pos);
        const qint64 got = file.read(buffer.data(), want);
        if (got <= 0)
            break; // shrank under us; the next update() notices
        lengths.clear();
        forEachNewline(buffer.data(), qsizetype(got), [&](qsizetype at) {
            const quint64 lineEnd = quint64(pos) + quint64(at) + 1;
            lengths.push_back(lineEnd - lineStart);
            lineStart = lineEnd;
        });
        pos += got;
        {
            QWriteLocker lock(&m_lock);
            for (quint64 len : lengths)
                m_index.appendLine(len);
            m_indexedBytes = pos;
            m_tailBytes = pos - qint64(m_index.endOffset());
        }
        if (progress)
            progress(pos - begin, size - begin);
    }

    QWriteLocker lock(&m_lock);
    if (m_head.size() < kHeadBytes && m_indexedBytes > m_head.size())
        m_head = readAt(file, 0, qMin<qint64>(kHeadBytes, m_indexedBytes));
    if (!result.cancelled && pos >= size)
        m_index.squeeze();
    if (result.change == Change::None && pos > begin)
        result.change = Change::Appended;
    result.lineCount = lineCountLocked();
    return result;
}

QList<QByteArray> LogFile::readRawLines(qint64 first, qint64 count, qint64 maxLineBytes, bool keepCarriageReturn) const
{
    QList<QByteArray> lines;
    std::vector<LineSpan> spans;
    {
        QReadLocker lock(&m_lock);
        const qint64 total = lineCountLocked();
        first = qMax<qint64>(0, first);
        const qint64 last = qMin(total, first + count);
        if (first >= last)
            return lines;
        spans.reserve(std::size_t(last - first));
        const qint64 complete = qMin(last, m_index.lineCount());
        if (first < complete) {
            LineIndex::Cursor cursor(m_index, first);
            for (; cursor.line() < complete; cursor.next())
                spans.push_back(cursor.span());
        }
        for (qint64 l = qMax(first, complete); l < last; ++l)
            spans.push_back(spanLocked(l));
    }
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return lines;
    lines.reserve(qsizetype(spans.size()));
    const quint64 from = spans.front().start;
    const quint64 to = spans.back().start + spans.back().length;
    if (to - from <= quint64(16 * 1024 * 1024)) {
        const QByteArray block = readAt(file, qint64(from), qint64(to - from));
        for (const LineSpan& s : spans) {
            const qsizetype at = qsizetype(s.start - from);
            if (at >= block.size())
                break;
            QByteArray line = stripTerminator(block.mid(at, qMin<qsizetype>(qsizetype(s.length), block.size() - at)), keepCarriageReturn);
            if (maxLineBytes > 0 && line.size() > maxLineBytes)
                line.truncate(qsizetype(maxLineBytes));
            lines.append(line);
        }
        return lines;
    }
    for (const LineSpan& s : spans) {
        const qint64 want = maxLineBytes > 0 ? qMin<qint64>(qint64(s.length), maxLineBytes + 2) : qint64(s.length);
        QByteArray line = readAt(file, qint64(s.start), want);
        if (maxLineBytes > 0 && qint64(s.length) > want)
            line.truncate(qsizetype(maxLineBytes));
        else
            line = stripTerminator(line, keepCarriageReturn);
        lines.append(line);
    }
    return lines;
}

QString LogFile::decode(QByteArrayView raw)
{
    return QString::fromUtf8(raw);
}

QStringList LogFile::readLines(qint64 first, qint64 count) const
{
    QStringList out;
    const QList<QByteArray> raw = readRawLines(first, count, kDisplayLineBytes);
    out.reserve(raw.size());
    for (const QByteArray& line : raw) {
        QString text = decode(line);
        if (line.size() >= kDisplayLineBytes)
            text += QChar(0x2026); // cut: the rest is in the file, not on screen
        out.append(text);
    }
    return out;
}

double LogFile::indexBytesPerLine() const
{
    QReadLocker lock(&m_lock);
    const qint64 lines = lineCountLocked();
    return lines > 0 ? double(m_index.memoryBytes()) / double(lines) : 0.0;
}

std::size_t LogFile::indexMemoryBytes() const
{
    QReadLocker lock(&m_lock);
    return m_index.memoryBytes();
}

} // namespace socketscope::logs
