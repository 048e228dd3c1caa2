// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "logs/ByteRegex.h"
#include "logs/LiteralFinder.h"
#include "logs/LogFile.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>
#include <vector>

namespace socketscope::logs {

// What the user typed in the search bar.
struct SearchQuery {
    QString pattern;
    bool regex = false;          // PCRE2 syntax (as QRegularExpression), applied to each line
    bool caseSensitive = true;
};

// A compiled search, run on raw bytes (never on decoded lines). A pattern without regex
// metacharacters (or a literal typed with regex off) is searched as a literal (SIMD scan,
// ASCII case folding for case-insensitive ASCII needles). Anything else runs on PCRE2's 8-bit
// JIT (ByteRegex): when the pattern contains a required literal, only the lines holding it are
// given to the regex. Every match lies within one line. Immutable after compile(): safe to use
// from several threads.
class LineMatcher {
public:
    LineMatcher() = default;
    // Fails with a message naming the position of a regex syntax error.
    static Result<LineMatcher> compile(const SearchQuery& query);

    const SearchQuery& query() const { return m_query; }
    // True when the pattern is empty (matches nothing; callers show every line instead).
    bool isEmpty() const { return m_query.pattern.isEmpty(); }
    // Whether one line (raw bytes, without its terminator) matches. A line on which the regex
    // gives up (too complex) does not match; searchLines() reports that case as an error.
    bool matches(QByteArrayView line) const;
    // The [start, length) ranges that match in a decoded line, for painting.
    QList<QPair<qsizetype, qsizetype>> spans(QStringView line) const;

    // How the pattern is run (internal, used by searchLines()).
    enum class Kind { Literal, Regex };
    Kind kind() const { return m_kind; }
    // Literal kind: the needle; Regex kind: the prefilter (may be empty).
    const LiteralFinder& literal() const { return m_literal; }
    const ByteRegex& regex() const { return m_regex; }

private:
    SearchQuery m_query;
    Kind m_kind = Kind::Literal;
    LiteralFinder m_literal;
    ByteRegex m_regex;
};

struct SearchStats {
    qint64 bytesScanned = 0;
    bool cancelled = false;
    // Set when the search stopped on an error (e.g. the pattern is too complex for a line):
    // the lines reported so far are right, the rest of the range was not searched.
    QString error;
};

// Called for each matching line with its raw bytes without the '\n' (a CR before it is kept, so
// printing them reproduces the file), in ascending line order, on the calling thread.
using MatchSink = std::function<void(qint64 line, QByteArrayView text)>;

// How a big range is spread over threads: consecutive segments of about segmentBytes bytes
// (cut at line starts) are searched in parallel and their results delivered in line order.
struct SearchParallelism {
    int threads = 0;                            // 0: QThread::idealThreadCount()
    qint64 segmentBytes = 16 * 1024 * 1024;     // ranges under 2 segments run on the caller's thread
};

// Blocking (worker thread or CLI): appends to `out`, in ascending order, the numbers of the
// lines in [from, to) that match. Reads the file in ~4 MiB blocks; progress in bytes.
// `cancelled` and `progress` are called on the calling thread only.
SearchStats searchLines(const LogFile& file, const LineMatcher& matcher, qint64 from, qint64 to,
                        std::vector<qint64>& out, const CancelFn& cancelled = {},
                        const ProgressFn& progress = {}, const MatchSink& onMatch = {},
                        const SearchParallelism& parallel = {});

// Blocking (the CLI's --grep on a whole local file): the same search without a line index.
// The file is read in segments (in parallel when it is big), line numbers are counted on the
// way, and matches reach onMatch in line order on the calling thread; *matched counts them.
// Fails when the file cannot be read; a pattern too complex for a line ends the search with
// SearchStats::error, as in searchLines().
Result<SearchStats> grepFile(const QString& path, const LineMatcher& matcher, qint64* matched,
                             const MatchSink& onMatch = {}, const SearchParallelism& parallel = {});

} // namespace socketscope::logs
