// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LogSearch.h"

#include "logs/ByteScan.h"
#include "logs/MappedScan.h"

#include <QFile>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <deque>
#include <future>


namespace socketscope::logs {

namespace {
constexpr quint64 kBlockBytes = 4 * 1024 * 1024;
// A prefilter literal shorter than this is in too many lines to be worth it: the regex then
// scans whole blocks itself (JIT start-of-match optimisations).
constexpr qsizetype kMinPrefilterBytes = 3;
// grepFile's read size: small enough that what read() copied is still in L2 when searched.
constexpr qint64 kReadChunk = 512 * 1024;
// grepFile's unit of work on a mapped segment: small enough that the literal scan and the
// newline count that follows it find the bytes still in L2.
constexpr qsizetype kMapChunk = 256 * 1024;

bool isAscii(QByteArrayView s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
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

// The index of the last '\n' in [from, to) of buf, or -1.
qsizetype lastNewline(const char* buf, qsizetype from, qsizetype to)
{
#if defined(__GLIBC__)
    const void* p = ::memrchr(buf + from, '\n', std::size_t(to - from));
    return p ? static_cast<const char*>(p) - buf : -1;
#else
    for (qsizetype i = to - 1; i >= from; --i)
        if (buf[i] == '\n')
            return i;
    return -1;
#endif
}

// Whole lines in buf[0, n) (from a line start; the last may lack its '\n'). Line boundaries are
// found around each hit (memrchr/memchr), and line numbers by counting the '\n's skipped since
// the previous hit: nothing per line is done where nothing matches.
class LineScanner {
public:
    LineScanner(const char* buf, qsizetype n) : m_buf(buf), m_n(n) {}
    const char* data() const { return m_buf; }
    qsizetype size() const { return m_n; }
    // Line number (from 0 at buf) of the line starting at lineStart (>= the last one asked).
    qint64 lineAt(qsizetype lineStart)
    {
        m_line += countNewlines(m_buf + m_counted, lineStart - m_counted);
        m_counted = lineStart;
        return m_line;
    }
    // Start of the line holding offset `off`, knowing a line starts at `floor` <= off.
    qsizetype startOf(qsizetype floor, qsizetype off) const
    {
        const qsizetype nl = lastNewline(m_buf, floor, off);
        return nl < 0 ? floor : nl + 1;
    }
    // End of the line holding `off`: its '\n', or n.
    qsizetype endOf(qsizetype off) const
    {
        const void* p = std::memchr(m_buf + off, '\n', std::size_t(m_n - off));
        return p ? static_cast<const char*>(p) - m_buf : m_n;
    }
    // The end of the line's content [start, end): without a CR before its '\n'.
    qsizetype contentEndOf(qsizetype start, qsizetype end) const
    {
        return (end > start && m_buf[end - 1] == '\r') ? end - 1 : end;
    }

private:
    const char* m_buf;
    qsizetype m_n;
    qsizetype m_counted = 0;
    qint64 m_line = 0;
};

// A matching line: its number from 0 at the buffer's start, and its bytes without the '\n'.
using HitFn = std::function<void(qint64 relLine, QByteArrayView text)>;

void emitLine(LineScanner& s, qsizetype start, qsizetype end, const HitFn& hit)
{
    hit(s.lineAt(start), QByteArrayView(s.data() + start, end - start));
}

void searchLiteral(LineScanner& s, const LiteralFinder& finder, const HitFn& hit)
{
    const qsizetype needle = finder.needle().size();
    if (finder.isEmpty() || finder.needle().contains('\n'))
        return;
    const qsizetype n = s.size();
    qsizetype pos = 0;
    qsizetype floor = 0; // a line start <= pos
    while (pos < n) {
        const char* found = finder.find(s.data() + pos, std::size_t(n - pos));
        if (!found)
            return;
        const qsizetype off = found - s.data();
        const qsizetype start = s.startOf(floor, off);
        const qsizetype end = s.endOf(off);
        if (off + needle <= s.contentEndOf(start, end)) {
            emitLine(s, start, end, hit);
            pos = floor = end + 1;
        } else {
            floor = start;
            pos = off + 1; // the hit ran into the line ending; look further along the line
        }
    }
}

// Runs the regex on the line [start, end) alone. False: too complex.
bool lineMatches(const LineScanner& s, qsizetype start, qsizetype end, const ByteRegex& re, bool* matched)
{
    const qsizetype content = s.contentEndOf(start, end);
    const auto outcome = re.find(s.data() + start, std::size_t(content - start), 0, nullptr);
    *matched = outcome == ByteRegex::Outcome::Match;
    return outcome != ByteRegex::Outcome::TooComplex;
}

// Each returns the relative line on which the regex gave up, or -1.
qint64 searchRegexPrefiltered(LineScanner& s, const LineMatcher& m, const HitFn& hit)
{
    const LiteralFinder& finder = m.literal();
    const qsizetype n = s.size();
    qsizetype pos = 0;
    qsizetype floor = 0;
    while (pos < n) {
        const char* found = finder.find(s.data() + pos, std::size_t(n - pos));
        if (!found)
            return -1;
        const qsizetype off = found - s.data();
        const qsizetype start = s.startOf(floor, off);
        const qsizetype end = s.endOf(off);
        if (off + finder.needle().size() > s.contentEndOf(start, end)) {
            floor = start;
            pos = off + 1;
            continue;
        }
        bool matched = false;
        if (!lineMatches(s, start, end, m.regex(), &matched))
            return s.lineAt(start);
        if (matched)
            emitLine(s, start, end, hit);
        pos = floor = end + 1;
    }
    return -1;
}

qint64 searchRegexPerLine(LineScanner& s, qsizetype start, const ByteRegex& re, const HitFn& hit)
{
    while (start < s.size()) {
        const qsizetype end = s.endOf(start);
        bool matched = false;
        if (!lineMatches(s, start, end, re, &matched))
            return s.lineAt(start);
        if (matched)
            emitLine(s, start, end, hit);
        start = end + 1;
    }
    return -1;
}

// The whole buffer is one subject (one call finds the next matching line, however far), and
// each match is checked to lie within its line. With CRLF endings, line by line instead (so
// that "$" matches before the CR, as the line without its ending).
qint64 searchRegexBlock(LineScanner& s, const ByteRegex& re, const HitFn& hit)
{
    const qsizetype n = s.size();
    if (QByteArrayView(s.data(), n).contains("\r\n"))
        return searchRegexPerLine(s, 0, re, hit);
    qsizetype floor = 0;
    ByteRegex::Hit h;
    while (floor <= n) {
        const auto outcome = re.find(s.data(), std::size_t(n), std::size_t(floor), &h);
        if (outcome == ByteRegex::Outcome::NoMatch)
            return -1;
        if (outcome == ByteRegex::Outcome::TooComplex) // the limit counts for the whole buffer: line by line
            return searchRegexPerLine(s, floor, re, hit);
        const auto at = qsizetype(h.start);
        const qsizetype start = s.startOf(floor, at);
        if (start >= n)
            return -1; // an empty match after the last '\n': no line there
        const qsizetype end = s.endOf(at);
        bool matched = qsizetype(h.end) <= s.contentEndOf(start, end);
        // The match ran into the line ending or beyond: the line alone decides.
        if (!matched && !lineMatches(s, start, end, re, &matched))
            return s.lineAt(start);
        if (matched)
            emitLine(s, start, end, hit);
        floor = end + 1;
    }
    return -1;
}

// Searches whole lines in a buffer; returns the relative line on which the regex gave up, or -1.
qint64 searchBuffer(LineScanner& s, const LineMatcher& m, const HitFn& hit)
{
    if (m.kind() == LineMatcher::Kind::Literal) {
        searchLiteral(s, m.literal(), hit);
        return -1;
    }
    if (!m.literal().isEmpty())
        return searchRegexPrefiltered(s, m, hit);
    return searchRegexBlock(s, m.regex(), hit);
}

// One block of whole lines read from the file.
struct Block {
    qint64 firstLine = 0;
    quint64 startOffset = 0;
    qint64 length = 0;
    QByteArray bytes;
};

// Finds the extent of lines [first, to) up to ~kBlockBytes (at least one line); returns the
// line after the block.
qint64 collectBlock(const LogFile& file, qint64 first, qint64 to, Block& block)
{
    block.firstLine = first;
    block.length = 0;
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
                if (block.length > 0 && end - start > kBlockBytes)
                    return line;
                block.length = qint64(end - start);
            }
        } else {
            start = index.endOffset();
            block.startOffset = start;
        }
        if (line < last) { // the last line, still without its '\n'
            block.length = qint64(indexed - start);
            ++line;
        }
        return line;
    });
}

// Lines [from, to) of an indexed file on this thread, block by block.
SearchStats searchRange(const LogFile& file, const LineMatcher& matcher, qint64 from, qint64 to,
                        const std::function<bool()>& stop, const std::function<void(qint64)>& blockDone,
                        const MatchSink& emitMatch)
{
    SearchStats stats;
    QFile f(file.path());
    if (!f.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return stats;
    Block block;
    qint64 line = from;
    while (line < to) {
        if (stop && stop()) {
            stats.cancelled = true;
            break;
        }
        const qint64 next = collectBlock(file, line, to, block);
        if (next <= line || block.length <= 0)
            break;
        block.bytes.resize(qsizetype(block.length));
        if (!f.seek(qint64(block.startOffset)))
            break;
        const qint64 got = f.read(block.bytes.data(), block.length);
        if (got < block.length)
            block.bytes.resize(qsizetype(qMax<qint64>(0, got)));
        LineScanner scanner(block.bytes.constData(), block.bytes.size());
        const qint64 gaveUp = searchBuffer(scanner, matcher, [&](qint64 rel, QByteArrayView text) {
            emitMatch(block.firstLine + rel, text);
        });
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
    std::vector<qint64> lines;        // absolute, or relative to the segment (grepFile)
    std::vector<char> texts;          // the matching lines' bytes, back to back (with a sink only)
    std::vector<qsizetype> textEnds;
    qint64 newlines = 0;              // grepFile: lines in the segment
    qint64 gaveUp = -1;               // grepFile: relative line on which the regex gave up
    bool shrank = false;              // grepFile: the file lost bytes of this segment meanwhile
    SearchStats stats;
    bool failed() const { return gaveUp >= 0 || !stats.error.isEmpty(); }

    // Appends one line (never allocates when reserveFor() made room for it).
    void add(qint64 line, QByteArrayView text, bool keepTexts)
    {
        lines.push_back(line);
        if (keepTexts) {
            texts.insert(texts.end(), text.begin(), text.end());
            textEnds.push_back(qsizetype(texts.size()));
        }
    }
    // Room for every line of a chunk of `bytes` bytes to match (at most one line per byte).
    void reserveFor(qsizetype bytes, bool keepTexts)
    {
        auto grow = [](auto& v, std::size_t more) {
            if (v.capacity() < v.size() + more)
                v.reserve(std::max(v.capacity() * 2, v.size() + more));
        };
        const std::size_t most = std::size_t(bytes) + 1;
        grow(lines, most);
        if (keepTexts) {
            grow(texts, std::size_t(bytes));
            grow(textEnds, most);
        }
    }
    void clearLines()
    {
        lines.clear();
        texts.clear();
        textEnds.clear();
    }

    MatchSink collector(bool keepTexts)
    {
        return [this, keepTexts](qint64 line, QByteArrayView text) { add(line, text, keepTexts); };
    }
};

// Runs work(k, stop) for segments 0..count-1 on up to `threads` threads at a time and hands
// each result to deliver() in order on this thread; deliver() returns false to stop.
SearchStats runSegments(std::size_t count, int threads,
                        const std::function<SegmentResult(std::size_t, const std::atomic<bool>&)>& work,
                        const std::function<bool(SegmentResult&)>& deliver, const CancelFn& cancelled)
{
    SearchStats stats;
    std::atomic<bool> stop{false};
    std::deque<std::future<SegmentResult>> inflight;
    std::size_t next = 0;
    auto launch = [&] {
        const std::size_t k = next++;
        inflight.push_back(std::async(std::launch::async, [&work, &stop, k] { return work(k, stop); }));
    };
    const std::size_t window = std::size_t(threads) + 1;
    while (inflight.size() < window && next < count)
        launch();
    while (!inflight.empty()) {
        if (cancelled && cancelled()) {
            stats.cancelled = true;
            break;
        }
        SegmentResult r = inflight.front().get();
        inflight.pop_front();
        if (next < count && !r.failed())
            launch();
        stats.bytesScanned += r.stats.bytesScanned;
        if (!deliver(r) || r.failed()) {
            stats.error = r.stats.error;
            break;
        }
    }
    stop = true;
    inflight.clear(); // waits for the segments still running
    return stats;
}

void deliverTexts(const SegmentResult& r, qint64 base, const MatchSink& onMatch)
{
    qsizetype start = 0;
    for (std::size_t i = 0; i < r.lines.size(); ++i) {
        onMatch(base + r.lines[i], QByteArrayView(r.texts.data() + start, r.textEnds[i] - start));
        start = r.textEnds[i];
    }
}

int threadCount(const SearchParallelism& parallel)
{
    return parallel.threads > 0 ? parallel.threads : QThread::idealThreadCount();
}

// One chunk of a mapped segment, searched inside readGuarded(): the first call finds where the
// chunk's last whole line ends, the second searches it, recording hits in room reserved before.
struct MappedChunk {
    const char* data = nullptr; // the segment
    qsizetype size = 0;
    qsizetype start = 0;        // a line start
    qsizetype end = 0;          // set by findChunkEnd(): after a '\n', or the segment's end
    const LineMatcher* matcher = nullptr;
    const HitFn* hit = nullptr;
    qint64 newlines = 0;        // set by searchChunk()
    qint64 gaveUp = -1;
};

void findChunkEnd(void* context)
{
    auto* c = static_cast<MappedChunk*>(context);
    const qsizetype want = qMin(c->size, c->start + kMapChunk);
    if (want >= c->size) {
        c->end = c->size;
        return;
    }
    const qsizetype nl = lastNewline(c->data, c->start, want);
    if (nl >= 0) {
        c->end = nl + 1;
        return;
    }
    // A line longer than a chunk: the chunk runs to its end.
    const void* p = std::memchr(c->data + want, '\n', std::size_t(c->size - want));
    c->end = p ? static_cast<const char*>(p) - c->data + 1 : c->size;
}

void searchChunk(void* context)
{
    auto* c = static_cast<MappedChunk*>(context);
    LineScanner scanner(c->data + c->start, c->end - c->start);
    c->gaveUp = searchBuffer(scanner, *c->matcher, *c->hit);
    c->newlines = scanner.lineAt(c->end - c->start);
}

// grepFile's segment [offset, offset + length) through a read-only map. Matches go to `direct`
// after each chunk when given, else into r (line numbers relative to the segment). False when
// the file cannot be mapped (nothing done).
bool searchSegmentMapped(const QString& path, qint64 offset, qint64 length, const LineMatcher& matcher, bool keepTexts,
                         const MatchSink& direct, SegmentResult& r)
{
    if (length <= 0)
        return true;
    const MappedRange map(path, offset, length);
    if (!map.isValid())
        return false;
    qint64 base = 0; // lines before the chunk
    const HitFn hit = [&r, &base, keepTexts](qint64 rel, QByteArrayView text) { r.add(base + rel, text, keepTexts); };
    // What the regex engine sets up per thread (match data, JIT stack), set up before the first
    // guarded search.
    if (matcher.regex().isValid())
        matcher.regex().find("", 0, 0, nullptr);
    MappedChunk chunk;
    chunk.data = map.data();
    chunk.size = qsizetype(map.size());
    chunk.matcher = &matcher;
    chunk.hit = &hit;
    while (chunk.start < chunk.size) {
        if (!readGuarded(findChunkEnd, &chunk)) {
            r.shrank = true;
            break;
        }
        r.reserveFor(chunk.end - chunk.start, keepTexts);
        base = r.newlines;
        const bool whole = readGuarded(searchChunk, &chunk);
        if (direct) {
            if (keepTexts)
                deliverTexts(r, 0, direct);
            else
                for (const qint64 line : r.lines)
                    direct(line, {});
            r.clearLines();
        }
        if (!whole) { // the lines recorded before the fault are whole and right; none after
            r.shrank = true;
            break;
        }
        r.stats.bytesScanned += chunk.end - chunk.start;
        r.newlines += chunk.newlines;
        if (chunk.gaveUp >= 0) {
            r.gaveUp = base + chunk.gaveUp; // relative to the segment: numbered by the caller
            break;
        }
        chunk.start = chunk.end;
    }
    return true;
}

// The same with read() in small chunks of whole lines: the bytes the kernel copies are still in
// the CPU cache when they are searched (a 16 MiB buffer is copied to RAM, then read back).
void searchSegmentRead(const QString& path, qint64 offset, qint64 length, const LineMatcher& matcher,
                       const MatchSink& collect, SegmentResult& r)
{
    QFile in(path);
    if (!in.open(QIODevice::ReadOnly | QIODevice::Unbuffered) || !in.seek(offset))
        return;
    qint64 left = length;
    QByteArray buf;
    qsizetype kept = 0; // the start of a line carried over from the previous chunk
    while (left > 0 || kept > 0) {
        const auto want = qsizetype(qMin<qint64>(left, kReadChunk));
        buf.resize(kept + want);
        const qint64 got = want > 0 ? in.read(buf.data() + kept, want) : 0;
        if (got < 0)
            break;
        if (got < want)
            r.shrank = true;
        left = got < want ? 0 : left - got; // a short read: the file shrank, stop after this
        const qsizetype n = kept + qsizetype(got);
        qsizetype usable = n;
        if (left > 0) {
            const qsizetype nl = lastNewline(buf.constData(), 0, n);
            if (nl < 0) { // a line longer than the chunk: read more of it
                kept = n;
                continue;
            }
            usable = nl + 1;
        }
        LineScanner scanner(buf.constData(), usable);
        const qint64 base = r.newlines;
        const qint64 gaveUp = searchBuffer(scanner, matcher, [&](qint64 rel, QByteArrayView text) {
            collect(base + rel, text);
        });
        r.stats.bytesScanned += usable;
        r.newlines += scanner.lineAt(usable);
        if (gaveUp >= 0) {
            r.gaveUp = base + gaveUp; // relative to the segment: numbered by the caller
            return;
        }
        kept = n - usable;
        if (kept > 0)
            std::memmove(buf.data(), buf.constData() + usable, std::size_t(kept));
    }
}

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
    const int threads = threadCount(parallel);
    const qint64 segmentBytes = qMax<qint64>(1, parallel.segmentBytes);

    if (threads < 2 || rangeBytes < 2 * segmentBytes) {
        return searchRange(file, matcher, from, to, cancelled, [&](qint64 done) {
            if (progress)
                progress(done, rangeBytes);
        }, [&](qint64 line, QByteArrayView text) {
            out.push_back(line);
            if (onMatch)
                onMatch(line, text);
        });
    }

    // Segments cut at the line holding each multiple of segmentBytes.
    std::vector<qint64> cuts{from};
    for (qint64 at = segmentBytes; at < rangeBytes; at += segmentBytes) {
        const qint64 line = file.lineAtOffset(rangeStart + quint64(at));
        if (line > cuts.back() && line < to)
            cuts.push_back(line);
    }
    cuts.push_back(to);
    const bool keepTexts = bool(onMatch);
    qint64 scanned = 0;
    return runSegments(cuts.size() - 1, threads, [&](std::size_t k, const std::atomic<bool>& stop) {
        SegmentResult r;
        r.stats = searchRange(file, matcher, cuts[k], cuts[k + 1], [&stop] { return stop.load(); }, {},
                              r.collector(keepTexts));
        return r;
    }, [&](SegmentResult& r) {
        out.insert(out.end(), r.lines.begin(), r.lines.end());
        if (onMatch)
            deliverTexts(r, 0, onMatch);
        scanned += r.stats.bytesScanned;
        if (progress)
            progress(scanned, rangeBytes);
        return true;
    }, cancelled);
}

Result<SearchStats> grepFile(const QString& path, const LineMatcher& matcher, qint64* matched, const MatchSink& onMatch,
                             const SearchParallelism& parallel)
{
    *matched = 0;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        return Result<SearchStats>::failure(QStringLiteral("Cannot read %1: %2").arg(path, f.errorString()));
    SearchStats stats;
    if (matcher.isEmpty())
        return stats;
    const qint64 size = f.size();
    const qint64 segmentBytes = qMax<qint64>(1, parallel.segmentBytes);
    const int threads = size < 2 * segmentBytes ? 1 : threadCount(parallel);

    // Cut points: a segment owns the lines that start in it (cut after the '\n' at or after each
    // multiple of segmentBytes).
    std::vector<qint64> cuts{0};
    QByteArray probe(64 * 1024, Qt::Uninitialized);
    for (qint64 at = threads > 1 ? segmentBytes : size; at < size;) {
        if (!f.seek(at - 1))
            break;
        const qint64 got = f.read(probe.data(), probe.size());
        if (got <= 0)
            break;
        const qsizetype nl = QByteArrayView(probe.constData(), qsizetype(got)).indexOf('\n');
        if (nl < 0) {
            at += got; // a very long line: look further
            continue;
        }
        const qint64 cut = at + nl; // just after the '\n' at (at - 1 + nl)
        if (cut > cuts.back() && cut < size)
            cuts.push_back(cut);
        at = qMax(cut + 1, cuts.back() + segmentBytes);
    }
    cuts.push_back(size);

    // Each segment is searched where the kernel keeps the file (a read-only map: no copy), in
    // chunks of whole lines, or read in small chunks where it cannot be mapped.
    auto searchSegment = [&](std::size_t k, bool keepTexts, const MatchSink& direct) {
        SegmentResult r;
        if (!searchSegmentMapped(path, cuts[k], cuts[k + 1] - cuts[k], matcher, keepTexts, direct, r))
            searchSegmentRead(path, cuts[k], cuts[k + 1] - cuts[k], matcher, direct ? direct : r.collector(keepTexts), r);
        return r;
    };

    if (threads < 2) {
        const SegmentResult r = searchSegment(0, bool(onMatch), [&](qint64 line, QByteArrayView text) {
            ++*matched;
            if (onMatch)
                onMatch(line, text);
        });
        stats.bytesScanned = r.stats.bytesScanned;
        if (r.gaveUp >= 0)
            stats.error = tooComplexMessage(r.gaveUp);
        return stats;
    }
    qint64 base = 0;
    const bool keepTexts = bool(onMatch);
    stats = runSegments(cuts.size() - 1, threads, [&](std::size_t k, const std::atomic<bool>&) {
        return searchSegment(k, keepTexts, {});
    }, [&](SegmentResult& r) {
        *matched += qint64(r.lines.size());
        if (onMatch)
            deliverTexts(r, base, onMatch);
        if (r.gaveUp >= 0)
            r.stats.error = tooComplexMessage(base + r.gaveUp);
        base += r.newlines;
        return !r.shrank; // what follows was numbered from a file that changed under us
    }, {});
    return stats;
}

} // namespace socketscope::logs
