// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QVector>

namespace socketscope {

// A fixed-capacity ring: push() overwrites the oldest element once full. Storage is allocated
// once, up front, so memory never grows with time. Index 0 is the oldest element.
template <typename T>
class RingBuffer {
public:
    explicit RingBuffer(int capacity = 0) { reset(capacity); }
    // Drops everything and sets a new capacity (at least 1).
    void reset(int capacity)
    {
        m_data = QVector<T>(capacity < 1 ? 1 : capacity);
        m_head = 0;
        m_size = 0;
    }
    void push(const T& v)
    {
        const int cap = capacity();
        if (m_size < cap) {
            m_data[(m_head + m_size) % cap] = v;
            ++m_size;
        } else {
            m_data[m_head] = v;
            m_head = (m_head + 1) % cap;
        }
    }
    int size() const { return m_size; }
    int capacity() const { return int(m_data.size()); }
    bool isEmpty() const { return m_size == 0; }
    const T& at(int i) const { return m_data.at((m_head + i) % capacity()); }
    const T& last() const { return at(m_size - 1); }
    // Bytes held by the storage (what a memory budget counts).
    qsizetype storageBytes() const { return m_data.capacity() * qsizetype(sizeof(T)); }

private:
    QVector<T> m_data;
    int m_head = 0;
    int m_size = 0;
};

} // namespace socketscope
