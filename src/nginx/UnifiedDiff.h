// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace socketscope::nginx {

// One line of a line-by-line comparison (for side-by-side views and unified diffs).
struct DiffLine {
    enum class Op { Equal, Removed, Added };
    Op op = Op::Equal;
    int oldLine = 0;     // 1-based, 0 for Added
    int newLine = 0;     // 1-based, 0 for Removed
    QByteArray text;     // without the newline
};

class UnifiedDiff {
public:
    // The line-level edit script turning a into b (common prefix/suffix trimmed, LCS in between).
    static QList<DiffLine> compare(const QByteArray& a, const QByteArray& b);
    // A unified diff ("--- a/PATH", "+++ b/PATH", @@ hunks) with `context` lines; empty when equal.
    static QByteArray unified(const QByteArray& a, const QByteArray& b, const QString& oldName,
                              const QString& newName, int context = 3);
};

} // namespace socketscope::nginx
