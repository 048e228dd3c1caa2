// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace socketscope::logs {

// Where one line lives in the file: its first byte and its length including the '\n'.
struct LineSpan {
    quint64 start = 0;
    quint64 length = 0;
};

// A compact index of line start offsets. Lines are stored as their byte lengths (including the
// terminating '\n') in a prefix varint stream: one byte for lines up to 240 bytes, two up to
// 2287, three up to 67823, nine beyond (so lines longer than 64 KiB cost nothing special).
// Every kBlockLines lines a checkpoint keeps the absolute start offset and the stream position,
// so a random lookup decodes at most kBlockLines - 1 varints. Typical logs cost 1–2 bytes a line.
// Not thread-safe by itself: LogFile guards it.
class LineIndex {
public:
    static constexpr qint64 kBlockLines = 256;

    // Forgets every line.
    void clear();
    // Appends one complete line of `length` bytes (including its '\n'); length must be >= 1.
    void appendLine(quint64 length);
    // Number of complete (newline-terminated) lines.
    qint64 lineCount() const { return m_lineCount; }
    // Offset just after the last complete line (where the next line starts).
    quint64 endOffset() const { return m_endOffset; }
    // Start and length of complete line `line` (0-based, < lineCount()).
    LineSpan span(qint64 line) const;
    // The complete line containing byte `offset` (offset < endOffset()); -1 when outside.
    qint64 lineAtOffset(quint64 offset) const;
    // Heap bytes held by the index (capacity, not just size).
    std::size_t memoryBytes() const;
    // Releases spare capacity (after a full indexing pass).
    void squeeze();

    // Walks lines sequentially from `first`: cheap per step (one varint), for scans.
    class Cursor {
    public:
        Cursor(const LineIndex& index, qint64 first);
        bool atEnd() const { return m_line >= m_index->m_lineCount; }
        qint64 line() const { return m_line; }
        LineSpan span() const { return {m_start, m_length}; }
        void next();

    private:
        void load();
        const LineIndex* m_index;
        qint64 m_line;
        std::size_t m_pos = 0;     // stream position of the varint of line m_line + 1
        quint64 m_start = 0;
        quint64 m_length = 0;
    };

private:
    struct Checkpoint {
        quint64 offset;            // start offset of the block's first line
        quint64 streamPos;         // position of that line's varint in m_stream
    };
    static quint64 decode(const quint8* data, std::size_t& pos);

    std::vector<quint8> m_stream;
    std::vector<Checkpoint> m_checkpoints;
    qint64 m_lineCount = 0;
    quint64 m_endOffset = 0;
};

} // namespace socketscope::logs
