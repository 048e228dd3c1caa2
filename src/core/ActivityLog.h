// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDateTime>
#include <QMutex>
#include <QObject>
#include <QString>
#include <QVector>

namespace socketscope {

// One line of the operations log shown at the bottom of the window.
struct ActivityEntry {
    enum class Level { Info, Warning, Error };
    quint64 id = 0;           // monotonically increasing, survives wrap-around
    QDateTime time;           // local time
    Level level = Level::Info;
    QString source;           // "probe", "ssh", "runbook", ...
    QString message;          // never contains secrets (callers redact)
};

// A bounded, thread-safe ring buffer of activity entries. Any thread may add; the GUI
// model reads snapshots. Oldest entries are dropped once capacity is reached.
class ActivityLog : public QObject {
    Q_OBJECT
public:
    explicit ActivityLog(int capacity = 5000, QObject* parent = nullptr);

    // Appends an entry (thread-safe) and emits entryAdded.
    void add(ActivityEntry::Level level, const QString& source, const QString& message);
    void info(const QString& source, const QString& message) { add(ActivityEntry::Level::Info, source, message); }
    void warning(const QString& source, const QString& message) { add(ActivityEntry::Level::Warning, source, message); }
    void error(const QString& source, const QString& message) { add(ActivityEntry::Level::Error, source, message); }

    // Entries currently held, oldest first.
    QVector<ActivityEntry> snapshot() const;
    int capacity() const { return m_capacity; }

signals:
    void entryAdded(const socketscope::ActivityEntry& entry);

private:
    mutable QMutex m_mutex;
    QVector<ActivityEntry> m_ring;
    int m_capacity;
    int m_head = 0; // index of the oldest entry once the ring is full
    quint64 m_nextId = 1;
};

} // namespace socketscope

Q_DECLARE_METATYPE(socketscope::ActivityEntry)
