// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/LogScanner.h"

#include <algorithm>

namespace socketscope {

LogScanner::LogScanner(QStringList patterns, qsizetype maxPending)
    : m_patterns(std::move(patterns)), m_maxPending(std::max<qsizetype>(maxPending, 1024)), m_overlap(0)
{
    for (const QString& p : std::as_const(m_patterns))
        m_overlap = std::max(m_overlap, p.toUtf8().size() - 1);
}

QString LogScanner::match(const QByteArray& line) const
{
    const QString l = QString::fromUtf8(line);
    for (const QString& p : m_patterns)
        if (l.contains(p, Qt::CaseInsensitive))
            return p;
    return {};
}

QList<LogScanner::Hit> LogScanner::feed(const QByteArray& data)
{
    QList<Hit> hits;
    qsizetype start = 0;
    while (start < data.size()) {
        const qsizetype nl = data.indexOf('\n', start);
        const qsizetype end = nl < 0 ? data.size() : nl;
        m_pending += data.mid(start, end - start);
        if (nl >= 0) {
            if (const QString p = match(m_pending); !p.isEmpty())
                hits << Hit{p, QString::fromUtf8(m_pending).trimmed()};
            m_pending.clear();
        } else if (m_pending.size() > m_maxPending) {
            // A line without an end in sight: match what is here, keep only a tail shorter than
            // any pattern, so nothing is counted twice and no pattern is lost across the cut.
            if (const QString p = match(m_pending); !p.isEmpty())
                hits << Hit{p, QString::fromUtf8(m_pending.left(200)).trimmed() + QStringLiteral(" …")};
            m_pending = m_overlap > 0 ? m_pending.right(m_overlap) : QByteArray();
        }
        start = end + 1;
    }
    return hits;
}

} // namespace socketscope
