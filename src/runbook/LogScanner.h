// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Counts problem patterns in a log that is read in pieces (Monitor): complete lines are matched
// as they arrive; the unfinished last line waits for its end in a bounded buffer.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace socketscope {

class LogScanner {
public:
    struct Hit {
        QString pattern;
        QString line;
    };
    // maxPending: the most bytes kept of a line whose end has not arrived yet.
    explicit LogScanner(QStringList patterns, qsizetype maxPending = 64 * 1024);
    // Feeds the next bytes of the log; returns the lines (or cut pieces of an over-long line) that
    // matched, one hit per line (the first pattern that matches, case-insensitive).
    QList<Hit> feed(const QByteArray& data);
    // The log was truncated or replaced: forget the unfinished line.
    void reset() { m_pending.clear(); }
    qsizetype pending() const { return m_pending.size(); }

private:
    QString match(const QByteArray& line) const;

    QStringList m_patterns;
    qsizetype m_maxPending;
    qsizetype m_overlap;  // longest pattern - 1: kept when an over-long line is cut
    QByteArray m_pending;
};

} // namespace socketscope
