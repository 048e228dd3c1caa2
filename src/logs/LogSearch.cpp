// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LogSearch.h"

#include <QFile>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <deque>
#include <future>

namespace socketscope::logs {

namespace {
constexpr quint64 kBlockBytes = 4 * 1024 * 1024;
// A prefilter literal shorter than this is in too many lines to be worth it: the regex then
// scans whole blocks itself (JIT start-of-match optimisations).
constexpr qsizetype kMinPrefilterBytes = 3;

bool isAscii(QByteArrayView s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
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

// Escapes every ASCII punctuation byte so PCRE2 reads the text literally.
QString escapeForRegex(const QString& text)
{
    QString out;
    out.reserve(text.size() * 2);
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        const bool alnum = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
        if (u < 0x80 && !alnum)
            out += QLatin1Char('\\');
        out += c;
    }
    return out;
}

QString tooComplexMessage(qint64 line)
{
    return QStringLiteral("The pattern is too complex for line %1: matching it backtracks too much (a nested "
                          "repetition such as (a+)+ can take forever). Simplify it, e.g. (a+)+ → a+.")
        .arg(line + 1);
}
} // namespace

Result<LineMatcher> LineMatcher::compile(const SearchQuery& query)
{
    LineMatcher m;
    m.m_query = query;
    if (query.pattern.isEmpty())
        return m;
    const bool noCase = !query.caseSensitive;
    QByteArray literal;
    bool wholeLiteral = false;
    if (query.regex) {
        // Compiled first in any case, so a syntax error is reported even for a plain-looking pattern.
        auto re = ByteRegex::compile(query.pattern, query.caseSensitive);
        if (!re)
            return Result<LineMatcher>::failure(re.error());
        m.m_regex = *re;
        const ByteRegex::Literal required = ByteRegex::requiredLiteral(query.pattern.toUtf8());
        literal = required.bytes;
        wholeLiteral = required.whole;
    } else {
        literal = query.pattern.toUtf8();
        wholeLiteral = true;
    }
    // Ignoring case outside ASCII needs Unicode case folding: that is the regex engine's job.
    const bool foldable = !noCase || isAscii(literal);
    if (wholeLiteral && foldable) {
        m.m_kind = Kind::Literal;
        m.m_regex = ByteRegex();
        m.m_literal = LiteralFinder(literal, noCase);
        return m;
    }
    m.m_kind = Kind::Regex;
    if (!query.regex) {
        auto re = ByteRegex::compile(escapeForRegex(query.pattern), query.caseSensitive);
        if (!re)
            return Result<LineMatcher>::failure(re.error());
        m.m_regex = *re;
        return m;
    }
    if (!wholeLiteral && literal.size() >= kMinPrefilterBytes && foldable)
        m.m_literal = LiteralFinder(literal, noCase);
    return m;
}

bool LineMatcher::matches(QByteArrayView line) const
{
    if (isEmpty())
        return false;
    const char* data = line.data();
    const auto n = std::size_t(line.size());
    if (m_kind == Kind::Literal)
        return m_literal.find(data, n) != nullptr;
    if (!m_literal.isEmpty() && !m_literal.find(data, n))
        return false;
    return m_regex.find(data, n, 0, nullptr) == ByteRegex::Outcome::Match;
}

QList<QPair<qsizetype, qsizetype>> LineMatcher::spans(QStringView line) const
{
    QList<QPair<qsizetype, qsizetype>> out;
    if (isEmpty())
        return out;
    if (m_kind == Kind::Literal) {
        const QString needle = QString::fromUtf8(m_literal.needle());
        const Qt::CaseSensitivity cs = m_literal.noCase() ? Qt::CaseInsensitive : Qt::CaseSensitive;
        qsizetype from = 0;
        while ((from = line.indexOf(needle, from, cs)) >= 0) {
            out.append({from, needle.size()});
            from += qMax<qsizetype>(1, needle.size());
        }
        return out;
    }
    // The same engine as the search, on the line's UTF-8, with byte offsets mapped back to UTF-16.
    const QByteArray utf8 = line.toUtf8();
    std::vector<qsizetype> unitAt(std::size_t(utf8.size()) + 1, 0);
    qsizetype unit = 0;
    for (qsizetype i = 0; i < utf8.size();) {
        const auto lead = static_cast<unsigned char>(utf8[i]);
        const qsizetype len = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        for (qsizetype k = 0; k < len && i + k < utf8.size(); ++k)
            unitAt[std::size_t(i + k)] = unit;
        i += len;
        unit += len == 4 ? 2 : 1;
    }
    unitAt[std::size_t(utf8.size())] = qMin(unit, line.size());
    const auto n = std::size_t(utf8.size());
    std::size_t from = 0;
    ByteRegex::Hit hit;
    while (from <= n && m_regex.find(utf8.constData(), n, from, &hit) == ByteRegex::Outcome::Match) {
        if (hit.end > hit.start) {
            const qsizetype s = unitAt[hit.start];
            out.append({s, unitAt[hit.end] - s});
            from = hit.end;
        } else {
            from = hit.start + 1;
            while (from < n && (static_cast<unsigned char>(utf8[qsizetype(from)]) & 0xC0) == 0x80)
                ++from; // an empty match: step over one whole character
        }
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

// Where the lines of a block are searched: its bytes and line ends, or a copy without the
// CR of each CRLF (so that "$" matches before it, as the line without its ending).
struct Text {
    const char* data = nullptr;
    qsizetype size = 0;
    const std::vector<qsizetype>* ends = nullptr;
    qsizetype lineStart(std::size_t li) const { return li == 0 ? 0 : (*ends)[li - 1]; }
    qsizetype lineEnd(std::size_t li) const { return qMin((*ends)[li], size); }
    qsizetype contentEndOf(std::size_t li) const { return contentEnd(data, lineStart(li), lineEnd(li)); }
};

using ReportFn = std::function<void(std::size_t li)>;

void searchLiteral(const Text& t, const LiteralFinder& finder, const ReportFn& report)
{
    const qsizetype needle = finder.needle().size();
    if (finder.isEmpty() || finder.needle().contains('\n'))
        return;
    qsizetype pos = 0;
    std::size_t li = 0;
    while (pos < t.size) {
        const char* hit = finder.find(t.data + pos, std::size_t(t.size - pos));
        if (!hit)
            return;
        const qsizetype off = hit - t.data;
        li = std::size_t(std::upper_bound(t.ends->begin() + qptrdiff(li), t.ends->end(), off) - t.ends->begin());
        if (li >= t.ends->size())
            return;
        if (off + needle <= t.contentEndOf(li)) {
            report(li);
            pos = t.lineEnd(li);
            ++li;
        } else {
            pos = off + 1; // the hit ran into the terminator; look further along the line
        }
    }
}

// Runs the regex on line li alone. False: too complex.
bool lineMatches(const Text& t, std::size_t li, const ByteRegex& re, bool* matched)
{
    const qsizetype start = t.lineStart(li);
    const auto outcome = re.find(t.data + start, std::size_t(t.contentEndOf(li) - start), 0, nullptr);
    *matched = outcome == ByteRegex::Outcome::Match;
    return outcome != ByteRegex::Outcome::TooComplex;
}

// Returns the line (in the block) on which the regex gave up, or -1.
qint64 searchRegexPrefiltered(const Text& t, const LineMatcher& m, const ReportFn& report)
{
    const LiteralFinder& finder = m.literal();
    qsizetype pos = 0;
    std::size_t li = 0;
    while (pos < t.size) {
        const char* hit = finder.find(t.data + pos, std::size_t(t.size - pos));
        if (!hit)
            return -1;
        const qsizetype off = hit - t.data;
        li = std::size_t(std::upper_bound(t.ends->begin() + qptrdiff(li), t.ends->end(), off) - t.ends->begin());
        if (li >= t.ends->size())
            return -1;
        if (off + finder.needle().size() > t.contentEndOf(li)) {
            pos = off + 1;
            continue;
        }
        bool matched = false;
        if (!lineMatches(t, li, m.regex(), &matched))
            return qint64(li);
        if (matched)
            report(li);
        pos = t.lineEnd(li);
        ++li;
    }
    return -1;
}

qint64 searchRegexPerLine(const Text& t, std::size_t li, const ByteRegex& re, const ReportFn& report)
{
    for (; li < t.ends->size(); ++li) {
        bool matched = false;
        if (!lineMatches(t, li, re, &matched))
            return qint64(li);
        if (matched)
            report(li);
    }
    return -1;
}

// The whole block is one subject (one call finds the next matching line, however far), and
// each match is checked to lie within its line.
qint64 searchRegexBlock(const Text& t, const ByteRegex& re, const ReportFn& report)
{
    const auto n = std::size_t(t.size);
    std::size_t pos = 0;
    std::size_t li = 0;
    ByteRegex::Hit hit;
    while (pos <= n && li < t.ends->size()) {
        const auto outcome = re.find(t.data, n, pos, &hit);
        if (outcome == ByteRegex::Outcome::NoMatch)
            return -1;
        if (outcome == ByteRegex::Outcome::TooComplex) // the limit counts for the whole block: line by line
            return searchRegexPerLine(t, li, re, report);
        li = std::size_t(std::upper_bound(t.ends->begin() + qptrdiff(li), t.ends->end(), qsizetype(hit.start))
                         - t.ends->begin());
        if (li >= t.ends->size())
            return -1;
        bool matched = hit.end <= std::size_t(t.contentEndOf(li));
        // The block match ran into the line ending or beyond: the line alone decides.
        if (!matched && !lineMatches(t, li, re, &matched))
            return qint64(li);
        if (matched)
            report(li);
        pos = std::size_t(t.lineEnd(li));
        ++li;
    }
    return -1;
}

// Searches one block; returns the block line on which the regex gave up, or -1.
qint64 searchBlock(const Block& b, const LineMatcher& m, QByteArray& scratch, std::vector<qsizetype>& scratchEnds,
                   const ReportFn& report)
{
    Text t{b.bytes.constData(), b.bytes.size(), &b.ends};
    if (m.kind() == LineMatcher::Kind::Literal) {
        searchLiteral(t, m.literal(), report);
        return -1;
    }
    if (!m.literal().isEmpty())
        return searchRegexPrefiltered(t, m, report);
    if (b.bytes.contains("\r\n")) {
        scratch.resize(b.bytes.size());
        scratchEnds.clear();
        qsizetype out = 0;
        qsizetype start = 0;
        for (const qsizetype end : b.ends) {
            const qsizetype stop = qMin(end, b.bytes.size());
            const qsizetype content = contentEnd(b.bytes.constData(), start, stop);
            std::memcpy(scratch.data() + out, b.bytes.constData() + start, std::size_t(content - start));
            out += content - start;
            if (stop > start && b.bytes.at(stop - 1) == '\n')
                scratch[out++] = '\n';
            scratchEnds.push_back(out);
            start = stop;
        }
        t = Text{scratch.constData(), out, &scratchEnds};
    }
    return searchRegexBlock(t, m.regex(), report);
}

using EmitFn = std::function<void(qint64 line, QByteArrayView text)>;

// Lines [from, to) on this thread, block by block.
SearchStats searchRange(const LogFile& file, const LineMatcher& matcher, qint64 from, qint64 to,
                        const std::function<bool()>& stop, const std::function<void(qint64)>& blockDone,
                        const EmitFn& emitMatch)
{
    SearchStats stats;
    QFile f(file.path());
    if (!f.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return stats;
    Block block;
    QByteArray scratch;
    std::vector<qsizetype> scratchEnds;
    const ReportFn report = [&](std::size_t li) { emitMatch(block.firstLine + qint64(li), lineText(block, li)); };
    qint64 line = from;
    while (line < to) {
        if (stop && stop()) {
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
        const qint64 gaveUp = searchBlock(block, matcher, scratch, scratchEnds, report);
        stats.bytesScanned += block.bytes.size();
        if (blockDone)
            blockDone(stats.bytesScanned);
        if (gaveUp >= 0) {
            stats.error = tooComplexMessage(block.firstLine + gaveUp);
            break;
        }
        line = next;
    }
    return stats;
}

// What one segment found, kept until the segments before it have been delivered.
struct SegmentResult {
    std::vector<qint64> lines;
    QByteArray texts;                 // the matching lines' bytes, back to back (with a sink only)
    std::vector<qsizetype> textEnds;
    SearchStats stats;
};

} // namespace

SearchStats searchLines(const LogFile& file, const LineMatcher& matcher, qint64 from, qint64 to,
                        std::vector<qint64>& out, const CancelFn& cancelled, const ProgressFn& progress,
                        const MatchSink& onMatch, const SearchParallelism& parallel)
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
    const int threads = parallel.threads > 0 ? parallel.threads : QThread::idealThreadCount();
    const qint64 segmentBytes = qMax<qint64>(1, parallel.segmentBytes);

    const EmitFn direct = [&](qint64 line, QByteArrayView text) {
        out.push_back(line);
        if (onMatch)
            onMatch(line, text);
    };
    if (threads < 2 || rangeBytes < 2 * segmentBytes) {
        return searchRange(file, matcher, from, to, cancelled, [&](qint64 done) {
            if (progress)
                progress(done, rangeBytes);
        }, direct);
    }

    // Segments cut at the line holding each multiple of segmentBytes.
    std::vector<qint64> cuts{from};
    for (qint64 at = segmentBytes; at < rangeBytes; at += segmentBytes) {
        const qint64 line = file.lineAtOffset(rangeStart + quint64(at));
        if (line > cuts.back() && line < to)
            cuts.push_back(line);
    }
    cuts.push_back(to);

    std::atomic<bool> stop{false};
    std::deque<std::future<SegmentResult>> inflight;
    std::size_t next = 0;
    const bool keepTexts = bool(onMatch);
    auto launch = [&] {
        const qint64 segFrom = cuts[next];
        const qint64 segTo = cuts[next + 1];
        ++next;
        inflight.push_back(std::async(std::launch::async, [&file, &matcher, &stop, segFrom, segTo, keepTexts] {
            SegmentResult r;
            r.stats = searchRange(file, matcher, segFrom, segTo, [&stop] { return stop.load(); }, {},
                                  [&r, keepTexts](qint64 line, QByteArrayView text) {
                r.lines.push_back(line);
                if (keepTexts) {
                    r.texts.append(text);
                    r.textEnds.push_back(r.texts.size());
                }
            });
            return r;
        }));
    };
    const std::size_t segments = cuts.size() - 1;
    const std::size_t window = std::size_t(threads) + 1;
    while (inflight.size() < window && next < segments)
        launch();
    while (!inflight.empty()) {
        if (cancelled && cancelled()) {
            stats.cancelled = true;
            break;
        }
        SegmentResult r = inflight.front().get();
        inflight.pop_front();
        if (next < segments && r.stats.error.isEmpty())
            launch();
        out.insert(out.end(), r.lines.begin(), r.lines.end());
        if (onMatch) {
            qsizetype start = 0;
            for (std::size_t i = 0; i < r.lines.size(); ++i) {
                onMatch(r.lines[i], QByteArrayView(r.texts.constData() + start, r.textEnds[i] - start));
                start = r.textEnds[i];
            }
        }
        stats.bytesScanned += r.stats.bytesScanned;
        if (progress)
            progress(stats.bytesScanned, rangeBytes);
        if (!r.stats.error.isEmpty()) {
            stats.error = r.stats.error;
            break;
        }
    }
    stop = true;
    inflight.clear(); // waits for the segments still running
    return stats;
}

} // namespace socketscope::logs
