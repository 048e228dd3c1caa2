// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LogSearch.h"

#include <QFile>

#include <algorithm>
#include <cstring>
#include <functional>

namespace socketscope::logs {

namespace {
constexpr quint64 kBlockBytes = 4 * 1024 * 1024;

inline char asciiLower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c;
}

void lowerInPlace(char* data, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        data[i] = asciiLower(data[i]);
}

bool isAscii(const QString& s)
{
    return std::all_of(s.cbegin(), s.cend(), [](QChar c) { return c.unicode() < 0x80; });
}

// The end of a line's content inside a block: before "\n" or "\r\n".
qsizetype contentEnd(const char* buf, qsizetype start, qsizetype end)
{
    if (end > start && buf[end - 1] == '\n')
        --end;
    if (end > start && buf[end - 1] == '\r')
        --end;
    return end;
}

// Platform seam: glibc/BSD memmem is SIMD-accelerated; elsewhere Boyer-Moore-Horspool.
const char* findBytes(const char* hay, std::size_t hayLen, const QByteArray& needle)
{
#if defined(__GLIBC__) || defined(__APPLE__) || defined(__FreeBSD__)
    return static_cast<const char*>(::memmem(hay, hayLen, needle.constData(), std::size_t(needle.size())));
#else
    const std::boyer_moore_horspool_searcher searcher(needle.cbegin(), needle.cend());
    const char* end = hay + hayLen;
    const char* hit = std::search(hay, end, searcher);
    return hit == end ? nullptr : hit;
#endif
}
} // namespace

Result<LineMatcher> LineMatcher::compile(const SearchQuery& query)
{
    LineMatcher m;
    m.m_query = query;
    if (query.pattern.isEmpty())
        return m;
    if (!query.regex && query.caseSensitive) {
        m.m_kind = Kind::Bytes;
        m.m_needle = query.pattern.toUtf8();
        return m;
    }
    if (!query.regex && isAscii(query.pattern)) {
        m.m_kind = Kind::AsciiNoCase;
        m.m_needle = query.pattern.toUtf8();
        lowerInPlace(m.m_needle.data(), std::size_t(m.m_needle.size()));
        return m;
    }
    m.m_kind = Kind::Regex;
    QRegularExpression::PatternOptions options = QRegularExpression::MultilineOption;
    if (!query.caseSensitive)
        options |= QRegularExpression::CaseInsensitiveOption;
    m.m_regex = QRegularExpression(query.regex ? query.pattern : QRegularExpression::escape(query.pattern), options);
    if (!m.m_regex.isValid())
        return Result<LineMatcher>::failure(
            QStringLiteral("Invalid regular expression at offset %1: %2")
                .arg(m.m_regex.patternErrorOffset())
                .arg(m.m_regex.errorString()));
    m.m_regex.optimize();
    return m;
}

bool LineMatcher::matches(QByteArrayView line) const
{
    switch (m_kind) {
    case Kind::Bytes:
        if (m_needle.isEmpty())
            return false;
        return findBytes(line.data(), std::size_t(line.size()), m_needle) != nullptr;
    case Kind::AsciiNoCase: {
        if (m_needle.isEmpty())
            return false;
        QByteArray lowered(line.data(), line.size());
        lowerInPlace(lowered.data(), std::size_t(lowered.size()));
        return findBytes(lowered.constData(), std::size_t(lowered.size()), m_needle) != nullptr;
    }
    case Kind::Regex:
        return m_regex.match(QString::fromUtf8(line)).hasMatch();
    }
    return false;
}

QList<QPair<qsizetype, qsizetype>> LineMatcher::spans(QStringView line) const
{
    QList<QPair<qsizetype, qsizetype>> out;
    if (isEmpty())
        return out;
    if (m_kind == Kind::Regex) {
        auto it = m_regex.globalMatch(line);
        while (it.hasNext()) {
            const QRegularExpressionMatch match = it.next();
            if (match.capturedLength() > 0)
                out.append({match.capturedStart(), match.capturedLength()});
        }
        return out;
    }
    const Qt::CaseSensitivity cs = m_kind == Kind::Bytes ? Qt::CaseSensitive : Qt::CaseInsensitive;
    qsizetype from = 0;
    while ((from = line.indexOf(m_query.pattern, from, cs)) >= 0) {
        out.append({from, m_query.pattern.size()});
        from += qMax<qsizetype>(1, m_query.pattern.size());
    }
    return out;
}

namespace {

// One block of whole lines read from the file: bytes plus each line's end offset in them.
struct Block {
    qint64 firstLine = 0;
    quint64 startOffset = 0;
    std::vector<qsizetype> ends;     // relative end (exclusive, incl. terminator) of each line
    QByteArray bytes;
};

// Collects the spans of lines [first, to) up to ~kBlockBytes (at least one line).
qint64 collectBlock(const LogFile& file, qint64 first, qint64 to, Block& block)
{
    block.firstLine = first;
    block.ends.clear();
    return file.withIndex([&](const LineIndex& index, qint64 count, quint64 indexed) {
        const qint64 last = qMin(to, count);
        qint64 line = first;
        if (line >= last)
            return line;
        quint64 start = 0;
        if (line < index.lineCount()) {
            LineIndex::Cursor cursor(index, line);
            start = cursor.span().start;
            block.startOffset = start;
            for (; line < last && line < index.lineCount(); cursor.next(), ++line) {
                const LineSpan s = cursor.span();
                const quint64 end = s.start + s.length;
                if (!block.ends.empty() && end - start > kBlockBytes)
                    return line;
                block.ends.push_back(qsizetype(end - start));
            }
        } else {
            start = index.endOffset();
            block.startOffset = start;
        }
        if (line < last) { // the last line, still without its '\n'
            block.ends.push_back(qsizetype(indexed - start));
            ++line;
        }
        return line;
    });
}

// The raw text of line li of a block, without its '\n'.
QByteArrayView lineText(const Block& b, std::size_t li)
{
    const qsizetype start = li == 0 ? 0 : b.ends[li - 1];
    qsizetype end = qMin(b.ends[li], b.bytes.size());
    if (end > start && b.bytes.at(end - 1) == '\n')
        --end;
    return QByteArrayView(b.bytes.constData() + start, end - start);
}

void report(const Block& b, std::size_t li, std::vector<qint64>& out, const MatchSink& onMatch)
{
    out.push_back(b.firstLine + qint64(li));
    if (onMatch)
        onMatch(b.firstLine + qint64(li), lineText(b, li));
}

// `hay` is the block's bytes, or an ASCII-lowered copy of them for case-insensitive needles.
void searchBytes(const Block& b, const QByteArray& hay, const LineMatcher& m, std::vector<qint64>& out, const MatchSink& onMatch)
{
    const char* buf = hay.constData();
    const qsizetype n = hay.size();
    const QByteArray& needle = m.needle();
    if (needle.isEmpty() || needle.contains('\n'))
        return;
    qsizetype pos = 0;
    std::size_t li = 0;
    while (pos < n) {
        const char* hit = findBytes(buf + pos, std::size_t(n - pos), needle);
        if (!hit)
            return;
        const qsizetype off = hit - buf;
        li = std::size_t(std::upper_bound(b.ends.begin() + qptrdiff(li), b.ends.end(), off) - b.ends.begin());
        if (li >= b.ends.size())
            return;
        const qsizetype lineStart = li == 0 ? 0 : b.ends[li - 1];
        const qsizetype lineEnd = qMin(b.ends[li], n);
        if (off + needle.size() <= contentEnd(buf, lineStart, lineEnd)) {
            report(b, li, out, onMatch);
            pos = lineEnd;
            ++li;
        } else {
            pos = off + 1; // the hit ran into the terminator; look further along the line
        }
    }
}

bool lineMatchesRegex(const QRegularExpression& re, QStringView text)
{
    return re.match(text).hasMatch();
}

void searchRegexPerLine(const Block& b, const LineMatcher& m, std::vector<qint64>& out, const MatchSink& onMatch)
{
    const char* buf = b.bytes.constData();
    qsizetype start = 0;
    for (std::size_t li = 0; li < b.ends.size(); ++li) {
        const qsizetype end = qMin(b.ends[li], b.bytes.size());
        const QString text = QString::fromUtf8(buf + start, contentEnd(buf, start, end) - start);
        if (lineMatchesRegex(m.regex(), text))
            report(b, li, out, onMatch);
        start = end;
    }
}

void searchRegex(const Block& b, const LineMatcher& m, std::vector<qint64>& out, const MatchSink& onMatch)
{
    QString text = QString::fromUtf8(b.bytes);
    text.replace(QLatin1String("\r\n"), QLatin1String("\n"));
    // Line boundaries in UTF-16 units; invalid bytes could in theory hide a '\n' from the
    // decoder, so fall back to line-by-line decoding when the counts disagree.
    std::vector<qsizetype> ends;
    ends.reserve(b.ends.size());
    for (qsizetype i = text.indexOf(QLatin1Char('\n')); i >= 0; i = text.indexOf(QLatin1Char('\n'), i + 1))
        ends.push_back(i + 1);
    if (ends.size() + 1 == b.ends.size() && !b.bytes.endsWith('\n'))
        ends.push_back(text.size());
    if (ends.size() != b.ends.size()) {
        searchRegexPerLine(b, m, out, onMatch);
        return;
    }
    const QRegularExpression& re = m.regex();
    qsizetype pos = 0;
    std::size_t li = 0;
    while (pos <= text.size() && li < ends.size()) {
        // The text came from fromUtf8: valid UTF-16, so skip PCRE's O(n) check on every call.
        const QRegularExpressionMatch match = re.match(text, pos, QRegularExpression::NormalMatch,
                                                       QRegularExpression::DontCheckSubjectStringMatchOption);
        if (!match.hasMatch())
            return;
        const qsizetype at = match.capturedStart();
        li = std::size_t(std::upper_bound(ends.begin() + qptrdiff(li), ends.end(), at) - ends.begin());
        if (li >= ends.size())
            return;
        const qsizetype lineStart = li == 0 ? 0 : ends[li - 1];
        qsizetype lineEnd = ends[li];
        if (lineEnd > lineStart && text.at(lineEnd - 1) == QLatin1Char('\n'))
            --lineEnd;
        // The block match may have spanned lines: the line alone decides.
        const bool inside = match.capturedEnd() <= lineEnd;
        if (inside || lineMatchesRegex(re, QStringView(text).mid(lineStart, lineEnd - lineStart)))
            report(b, li, out, onMatch);
        pos = ends[li];
        ++li;
    }
}

} // namespace

SearchStats searchLines(const LogFile& file, const LineMatcher& matcher, qint64 from, qint64 to,
                        std::vector<qint64>& out, const CancelFn& cancelled, const ProgressFn& progress,
                        const MatchSink& onMatch)
{
    SearchStats stats;
    if (matcher.isEmpty())
        return stats;
    from = qMax<qint64>(0, from);
    to = qMin(to, file.lineCount());
    if (from >= to)
        return stats;
    const quint64 rangeStart = file.span(from).start;
    const LineSpan lastSpan = file.span(to - 1);
    const qint64 rangeBytes = qint64(lastSpan.start + lastSpan.length - rangeStart);

    QFile f(file.path());
    if (!f.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return stats;
    Block block;
    QByteArray lowered;
    qint64 line = from;
    while (line < to) {
        if (cancelled && cancelled()) {
            stats.cancelled = true;
            break;
        }
        const qint64 next = collectBlock(file, line, to, block);
        if (next <= line || block.ends.empty())
            break;
        const qsizetype length = block.ends.back();
        block.bytes.resize(length);
        if (!f.seek(qint64(block.startOffset)))
            break;
        const qint64 got = f.read(block.bytes.data(), length);
        if (got < length)
            block.bytes.resize(qsizetype(qMax<qint64>(0, got)));
        switch (matcher.kind()) {
        case LineMatcher::Kind::Bytes:
            searchBytes(block, block.bytes, matcher, out, onMatch);
            break;
        case LineMatcher::Kind::AsciiNoCase:
            lowered = block.bytes;
            lowerInPlace(lowered.data(), std::size_t(lowered.size()));
            searchBytes(block, lowered, matcher, out, onMatch);
            break;
        case LineMatcher::Kind::Regex:
            searchRegex(block, matcher, out, onMatch);
            break;
        }
        stats.bytesScanned += block.bytes.size();
        if (progress)
            progress(stats.bytesScanned, rangeBytes);
        line = next;
    }
    return stats;
}

} // namespace socketscope::logs
