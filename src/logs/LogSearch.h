// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "logs/LogFile.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QRegularExpression>
#include <QString>

#include <functional>
#include <vector>

namespace socketscope::logs {

// What the user typed in the search bar.
struct SearchQuery {
    QString pattern;
    bool regex = false;          // QRegularExpression (PCRE2) syntax, applied to each line
    bool caseSensitive = true;
};

// A compiled search. Literal patterns are matched on the raw bytes (memmem; ASCII case folding
// for case-insensitive ASCII needles); regular expressions and non-ASCII case-insensitive
// needles go through QRegularExpression on decoded text. Every match lies within one line.
// Immutable after compile(): safe to use from several threads.
class LineMatcher {
public:
    LineMatcher() = default;
    // Fails with a message naming the position of a regex syntax error.
    static Result<LineMatcher> compile(const SearchQuery& query);

    const SearchQuery& query() const { return m_query; }
    // True when the pattern is empty (matches nothing; callers show every line instead).
    bool isEmpty() const { return m_query.pattern.isEmpty(); }
    // Whether one line (raw bytes, without its terminator) matches.
    bool matches(QByteArrayView line) const;
    // The [start, length) ranges that match in a decoded line, for painting.
    QList<QPair<qsizetype, qsizetype>> spans(QStringView line) const;

    // Internal, used by searchLines().
    enum class Kind { Bytes, AsciiNoCase, Regex };
    Kind kind() const { return m_kind; }
    const QByteArray& needle() const { return m_needle; }
    const QRegularExpression& regex() const { return m_regex; }

private:
    SearchQuery m_query;
    Kind m_kind = Kind::Bytes;
    QByteArray m_needle;             // Bytes: UTF-8 pattern; AsciiNoCase: lower-cased pattern
    QRegularExpression m_regex;      // Regex kind (also non-ASCII case-insensitive literals)
};

struct SearchStats {
    qint64 bytesScanned = 0;
    bool cancelled = false;
};

// Called for each matching line with its raw bytes without the '\n' (a CR before it is kept, so
// printing them reproduces the file), straight from the read block.
using MatchSink = std::function<void(qint64 line, QByteArrayView text)>;

// Blocking (worker thread or CLI): appends to `out`, in ascending order, the numbers of the
// lines in [from, to) that match. Reads the file in ~4 MiB blocks; progress in bytes.
SearchStats searchLines(const LogFile& file, const LineMatcher& matcher, qint64 from, qint64 to,
                        std::vector<qint64>& out, const CancelFn& cancelled = {},
                        const ProgressFn& progress = {}, const MatchSink& onMatch = {});

} // namespace socketscope::logs
