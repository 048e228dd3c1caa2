// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ActivityLog.h"

namespace socketscope {

ActivityLog::ActivityLog(int capacity, QObject* parent)
    : QObject(parent), m_capacity(capacity > 0 ? capacity : 1)
{
    qRegisterMetaType<ActivityEntry>();
    m_ring.reserve(m_capacity);
}

void ActivityLog::add(ActivityEntry::Level level, const QString& source, const QString& message)
{
    ActivityEntry e;
    e.time = QDateTime::currentDateTime();
    e.level = level;
    e.source = source;
    e.message = message;
    {
        QMutexLocker lock(&m_mutex);
        e.id = m_nextId++;
        if (m_ring.size() < m_capacity) {
            m_ring.append(e);
        } else {
            m_ring[m_head] = e;
            m_head = (m_head + 1) % m_capacity;
        }
    }
    emit entryAdded(e);
}

QVector<ActivityEntry> ActivityLog::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    QVector<ActivityEntry> out;
    out.reserve(m_ring.size());
    for (int i = 0; i < m_ring.size(); ++i)
        out.append(m_ring[(m_head + i) % m_ring.size()]);
    return out;
}

} // namespace socketscope
