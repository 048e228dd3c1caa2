// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/UnifiedDiff.h"

#include <vector>

namespace socketscope::nginx {

namespace {

QList<QByteArray> splitLines(const QByteArray& text, bool* endsWithNewline)
{
    QList<QByteArray> lines = text.split('\n');
    *endsWithNewline = text.endsWith('\n');
    if (*endsWithNewline || text.isEmpty())
        lines.removeLast();
    return lines;
}

// Above this many cells the middle part is shown as one replaced block instead of an LCS.
constexpr qint64 kMaxLcsCells = 4'000'000;

} // namespace

QList<DiffLine> UnifiedDiff::compare(const QByteArray& a, const QByteArray& b)
{
    bool na = false;
    bool nb = false;
    const QList<QByteArray> x = splitLines(a, &na);
    const QList<QByteArray> y = splitLines(b, &nb);
    qsizetype pre = 0;
    while (pre < x.size() && pre < y.size() && x.at(pre) == y.at(pre))
        ++pre;
    qsizetype suf = 0;
    while (suf < x.size() - pre && suf < y.size() - pre && x.at(x.size() - 1 - suf) == y.at(y.size() - 1 - suf))
        ++suf;
    QList<DiffLine> out;
    for (qsizetype i = 0; i < pre; ++i)
        out.append({DiffLine::Op::Equal, int(i + 1), int(i + 1), x.at(i)});
    const qsizetype n = x.size() - pre - suf;
    const qsizetype m = y.size() - pre - suf;
    auto removed = [&](qsizetype i) { out.append({DiffLine::Op::Removed, int(pre + i + 1), 0, x.at(pre + i)}); };
    auto added = [&](qsizetype j) { out.append({DiffLine::Op::Added, 0, int(pre + j + 1), y.at(pre + j)}); };
    if (qint64(n + 1) * qint64(m + 1) > kMaxLcsCells) {
        // Too big for an exact LCS: a greedy walk that re-synchronises on the nearest matching
        // line within a window. Exact for the fixer's edits (local insertions/replacements).
        constexpr qsizetype kWindow = 256;
        qsizetype i = 0;
        qsizetype j = 0;
        while (i < n && j < m) {
            if (x.at(pre + i) == y.at(pre + j)) {
                out.append({DiffLine::Op::Equal, int(pre + i + 1), int(pre + j + 1), x.at(pre + i)});
                ++i;
                ++j;
                continue;
            }
            qsizetype addRun = -1; // y[j..j+addRun) inserted, then x[i] matches
            for (qsizetype k = 1; k < kWindow && j + k < m; ++k) {
                if (y.at(pre + j + k) == x.at(pre + i)) {
                    addRun = k;
                    break;
                }
            }
            qsizetype delRun = -1; // x[i..i+delRun) removed, then y[j] matches
            for (qsizetype k = 1; k < kWindow && i + k < n; ++k) {
                if (x.at(pre + i + k) == y.at(pre + j)) {
                    delRun = k;
                    break;
                }
            }
            if (addRun > 0 && (delRun < 0 || addRun <= delRun)) {
                for (qsizetype k = 0; k < addRun; ++k)
                    added(j++);
            } else if (delRun > 0) {
                for (qsizetype k = 0; k < delRun; ++k)
                    removed(i++);
            } else {
                removed(i++);
                added(j++);
            }
        }
        while (i < n)
            removed(i++);
        while (j < m)
            added(j++);
    } else {
        // lcs[i][j] = LCS length of x[pre+i..] and y[pre+j..]
        std::vector<int> lcs(size_t((n + 1) * (m + 1)), 0);
        auto at = [&](qsizetype i, qsizetype j) -> int& { return lcs[size_t(i * (m + 1) + j)]; };
        for (qsizetype i = n - 1; i >= 0; --i) {
            for (qsizetype j = m - 1; j >= 0; --j)
                at(i, j) = x.at(pre + i) == y.at(pre + j) ? at(i + 1, j + 1) + 1 : qMax(at(i + 1, j), at(i, j + 1));
        }
        qsizetype i = 0;
        qsizetype j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && x.at(pre + i) == y.at(pre + j)) {
                out.append({DiffLine::Op::Equal, int(pre + i + 1), int(pre + j + 1), x.at(pre + i)});
                ++i;
                ++j;
            } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
                removed(i++);
            } else {
                added(j++);
            }
        }
    }
    for (qsizetype k = 0; k < suf; ++k) {
        const qsizetype xi = x.size() - suf + k;
        const qsizetype yi = y.size() - suf + k;
        out.append({DiffLine::Op::Equal, int(xi + 1), int(yi + 1), x.at(xi)});
    }
    return out;
}

QByteArray UnifiedDiff::unified(const QByteArray& a, const QByteArray& b, const QString& oldName,
                                const QString& newName, int context)
{
    if (a == b)
        return {};
    const QList<DiffLine> lines = compare(a, b);
    QByteArray out = "--- " + oldName.toUtf8() + "\n+++ " + newName.toUtf8() + "\n";
    const qsizetype total = lines.size();
    qsizetype i = 0;
    while (i < total) {
        // find next change
        qsizetype first = i;
        while (first < total && lines.at(first).op == DiffLine::Op::Equal)
            ++first;
        if (first >= total)
            break;
        qsizetype start = qMax<qsizetype>(i, first - context);
        if (start < 0)
            start = 0;
        // extend the hunk while changes are within 2*context lines of each other
        qsizetype end = first;
        qsizetype lastChange = first;
        while (end < total) {
            if (lines.at(end).op != DiffLine::Op::Equal)
                lastChange = end;
            else if (end - lastChange > 2 * context)
                break;
            ++end;
        }
        end = qMin(total, lastChange + 1 + context);
        int oldStart = 0, newStart = 0, oldCount = 0, newCount = 0;
        QByteArray body;
        for (qsizetype k = start; k < end; ++k) {
            const DiffLine& d = lines.at(k);
            if (d.op != DiffLine::Op::Added) {
                if (!oldStart)
                    oldStart = d.oldLine;
                ++oldCount;
            }
            if (d.op != DiffLine::Op::Removed) {
                if (!newStart)
                    newStart = d.newLine;
                ++newCount;
            }
            body += (d.op == DiffLine::Op::Equal ? ' ' : d.op == DiffLine::Op::Removed ? '-' : '+') + d.text + '\n';
        }
        if (!oldStart) { // pure insertion: the line before it
            for (qsizetype k = start - 1; k >= 0 && !oldStart; --k)
                oldStart = lines.at(k).oldLine;
        }
        if (!newStart) {
            for (qsizetype k = start - 1; k >= 0 && !newStart; --k)
                newStart = lines.at(k).newLine;
        }
        out += "@@ -" + QByteArray::number(oldStart) + ',' + QByteArray::number(oldCount) + " +"
               + QByteArray::number(newStart) + ',' + QByteArray::number(newCount) + " @@\n" + body;
        i = end;
    }
    return out;
}

} // namespace socketscope::nginx
