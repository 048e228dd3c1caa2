// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LineIndex.h"

#include <algorithm>

namespace socketscope::logs {

void LineIndex::clear()
{
    m_stream.clear();
    m_checkpoints.clear();
    m_lineCount = 0;
    m_endOffset = 0;
}

void LineIndex::appendLine(quint64 length)
{
    if (m_lineCount % kBlockLines == 0)
        m_checkpoints.push_back({m_endOffset, m_stream.size()});
    if (length <= 240) {
        m_stream.push_back(quint8(length));
    } else if (length <= 2287) {
        const quint64 v = length - 240;
        m_stream.push_back(quint8(241 + v / 256));
        m_stream.push_back(quint8(v % 256));
    } else if (length <= 67823) {
        const quint64 v = length - 2288;
        m_stream.push_back(249);
        m_stream.push_back(quint8(v >> 8));
        m_stream.push_back(quint8(v & 0xff));
    } else {
        m_stream.push_back(250);
        for (int i = 0; i < 8; ++i)
            m_stream.push_back(quint8(length >> (8 * i)));
    }
    ++m_lineCount;
    m_endOffset += length;
}

quint64 LineIndex::decode(const quint8* data, std::size_t& pos)
{
    const quint8 b0 = data[pos];
    if (b0 <= 240) {
        pos += 1;
        return b0;
    }
    if (b0 <= 248) {
        const quint64 v = 240 + 256 * quint64(b0 - 241) + data[pos + 1];
        pos += 2;
        return v;
    }
    if (b0 == 249) {
        const quint64 v = 2288 + (quint64(data[pos + 1]) << 8) + data[pos + 2];
        pos += 3;
        return v;
    }
    quint64 v = 0;
    for (int i = 0; i < 8; ++i)
        v |= quint64(data[pos + 1 + std::size_t(i)]) << (8 * i);
    pos += 9;
    return v;
}

LineSpan LineIndex::span(qint64 line) const
{
    if (line < 0 || line >= m_lineCount)
        return {};
    const Checkpoint& cp = m_checkpoints[std::size_t(line / kBlockLines)];
    std::size_t pos = cp.streamPos;
    quint64 offset = cp.offset;
    const quint8* data = m_stream.data();
    for (qint64 i = line % kBlockLines; i > 0; --i)
        offset += decode(data, pos);
    return {offset, decode(data, pos)};
}

qint64 LineIndex::lineAtOffset(quint64 offset) const
{
    if (offset >= m_endOffset || m_checkpoints.empty())
        return -1;
    auto it = std::upper_bound(m_checkpoints.begin(), m_checkpoints.end(), offset,
                               [](quint64 o, const Checkpoint& c) { return o < c.offset; });
    const std::size_t block = std::size_t(it - m_checkpoints.begin()) - 1;
    qint64 line = qint64(block) * kBlockLines;
    std::size_t pos = m_checkpoints[block].streamPos;
    quint64 start = m_checkpoints[block].offset;
    const quint8* data = m_stream.data();
    for (;;) {
        const quint64 len = decode(data, pos);
        if (offset < start + len)
            return line;
        start += len;
        ++line;
    }
}

std::size_t LineIndex::memoryBytes() const
{
    return m_stream.capacity() + m_checkpoints.capacity() * sizeof(Checkpoint);
}

void LineIndex::squeeze()
{
    m_stream.shrink_to_fit();
    m_checkpoints.shrink_to_fit();
}

LineIndex::Cursor::Cursor(const LineIndex& index, qint64 first) : m_index(&index), m_line(first)
{
    load();
}

void LineIndex::Cursor::load()
{
    if (m_line < 0 || m_line >= m_index->m_lineCount)
        return;
    const Checkpoint& cp = m_index->m_checkpoints[std::size_t(m_line / kBlockLines)];
    m_pos = cp.streamPos;
    m_start = cp.offset;
    const quint8* data = m_index->m_stream.data();
    for (qint64 i = m_line % kBlockLines; i > 0; --i)
        m_start += decode(data, m_pos);
    m_length = decode(data, m_pos);
}

void LineIndex::Cursor::next()
{
    ++m_line;
    if (m_line >= m_index->m_lineCount)
        return;
    m_start += m_length;
    m_length = decode(m_index->m_stream.data(), m_pos);
}

} // namespace socketscope::logs
