// SPDX-License-Identifier: GPL-3.0-or-later
// The byte-level search engine (issue 15): literal detection, PCRE2 on bytes with a prefilter,
// the parallel path, and the limits. GNU grep, run as a process, is the oracle.
#include "LogTestUtil.h"
#include "lab/Lab.h"

#include "logs/ByteRegex.h"
#include "logs/ByteScan.h"
#include "logs/LiteralFinder.h"
#include "logs/LogSearch.h"
#include "logs/MappedScan.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>
#include <random>

using namespace socketscope;
using namespace socketscope::logs;

namespace {

LineMatcher compiled(const QString& pattern, bool regex, bool cs)
{
    SearchQuery q;
    q.pattern = pattern;
    q.regex = regex;
    q.caseSensitive = cs;
    auto m = LineMatcher::compile(q);
    EXPECT_TRUE(m.ok()) << m.error().toStdString();
    return m ? *m : LineMatcher();
}

// What `grep -n` prints for the same search, and what our search prints through its sink in the
// same "N:line" form.
QByteArray grepOutput(const QStringList& flags, const QString& pattern, const QString& path)
{
    QByteArray output;
    lab::runProgram(QStringLiteral("grep"), flags + QStringList{QStringLiteral("-a"), QStringLiteral("-n"), QStringLiteral("-e"), pattern, path}, &output);
    return output;
}

QByteArray ourOutput(const LogFile& f, const LineMatcher& m, const SearchParallelism& parallel = {}, qint64 from = 0,
                     qint64 to = -1, SearchStats* statsOut = nullptr)
{
    QByteArray printed;
    std::vector<qint64> lines;
    const SearchStats stats = searchLines(f, m, from, to < 0 ? f.lineCount() : to, lines, {}, {},
                                          [&](qint64 line, QByteArrayView text) {
        printed += QByteArray::number(line + 1) + ':' + text.toByteArray() + '\n';
    }, parallel);
    EXPECT_EQ(qint64(lines.size()), printed.count('\n'));
    if (statsOut)
        *statsOut = stats;
    return printed;
}

// The same through grepFile(): no index, line numbers counted while reading.
QByteArray grepFileOutput(const QString& path, const LineMatcher& m, const SearchParallelism& parallel = {},
                          SearchStats* statsOut = nullptr)
{
    QByteArray printed;
    qint64 matched = 0;
    const auto stats = grepFile(path, m, &matched, [&](qint64 line, QByteArrayView text) {
        printed += QByteArray::number(line + 1) + ':' + text.toByteArray() + '\n';
    }, parallel);
    EXPECT_TRUE(stats.ok());
    EXPECT_EQ(matched, printed.count('\n'));
    if (statsOut && stats)
        *statsOut = *stats;
    return printed;
}

class LogSearchEngineTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        path = dir.filePath(QStringLiteral("mixed.log"));
        data = logtest::realisticLog(40000);
        data += "UPSTREAM TIMED OUT in capitals\r\ncrlf line with upstream timed out\r\n\n"
                "numbers 123 456 and 7890 12\r\nbad bytes \xff\xfe then upstream timed out 999 999\n"
                "last line has ClientTimeoutException";
        ASSERT_TRUE(logtest::writeBytes(path, data));
        file = std::make_unique<LogFile>(path);
        ASSERT_TRUE(file->update().ok());
    }
    QTemporaryDir dir;
    QString path;
    QByteArray data;
    std::unique_ptr<LogFile> file;
};

// Every vector level this machine can run, the detected (best) one last: the fallbacks are
// forced with limitSimdLevel() so that each path is tested here, not only the one the CPU picks.
std::vector<SimdLevel> runnableLevels()
{
    std::vector<SimdLevel> levels{SimdLevel::Scalar};
    if (int(detectedSimdLevel()) >= int(SimdLevel::Sse2))
        levels.push_back(SimdLevel::Sse2);
    if (detectedSimdLevel() == SimdLevel::Avx2)
        levels.push_back(SimdLevel::Avx2);
    return levels;
}

// Caps the vector level for one scope.
class SimdCap {
public:
    explicit SimdCap(SimdLevel cap) : m_previous(limitSimdLevel(cap)) {}
    ~SimdCap() { limitSimdLevel(m_previous); }
    SimdCap(const SimdCap&) = delete;
    SimdCap& operator=(const SimdCap&) = delete;

private:
    SimdLevel m_previous;
};

// Small segments on many threads: every segment boundary is a chance to lose, repeat or
// misnumber a line.
const SearchParallelism kManySegments{4, 64 * 1024};

} // namespace

TEST(LiteralFinder, FindsTheFirstOccurrenceLikeANaiveSearch)
{
    // Haystacks past 64 bytes (the AVX2 loop's round) and needles up to 9 bytes, at every level.
    for (const SimdLevel level : runnableLevels()) {
        const SimdCap cap(level);
        ASSERT_EQ(simdLevel(), level);
        std::mt19937 rng(3);
        const char alphabet[] = "abAB \n";
        for (int round = 0; round < 600; ++round) {
            QByteArray hay(int(rng() % 300), 'x');
            for (char& c : hay)
                c = alphabet[rng() % 6];
            QByteArray needle(int(1 + rng() % 9), 'x');
            for (char& c : needle)
                c = alphabet[rng() % 5];
            for (const bool noCase : {false, true}) {
                const LiteralFinder finder(needle, noCase);
                const QByteArray h = noCase ? hay.toLower() : hay;
                const QByteArray n = noCase ? needle.toLower() : needle;
                const qsizetype expected = h.indexOf(n);
                const char* hit = finder.find(hay.constData(), std::size_t(hay.size()));
                EXPECT_EQ(hit ? hit - hay.constData() : -1, expected)
                    << simdLevelName(level) << ": " << hay.constData() << " / " << needle.constData() << " noCase " << noCase;
            }
        }
    }
}

// A needle at the very end of the haystack, and one byte past it, at every offset of a vector.
TEST(LiteralFinder, FindsANeedleEndingAtTheLastByteAtEveryLevel)
{
    for (const SimdLevel level : runnableLevels()) {
        const SimdCap cap(level);
        for (int size = 5; size < 200; ++size) {
            QByteArray hay(size, '.');
            hay.replace(size - 5, 5, "XqzyZ");
            for (const bool noCase : {false, true}) {
                const LiteralFinder finder(noCase ? QByteArray("xQZYz") : QByteArray("XqzyZ"), noCase);
                const char* hit = finder.find(hay.constData(), std::size_t(size));
                EXPECT_EQ(hit ? hit - hay.constData() : -1, size - 5) << simdLevelName(level) << " size " << size;
                EXPECT_EQ(finder.find(hay.constData(), std::size_t(size - 1)), nullptr) << simdLevelName(level) << " size " << size;
            }
        }
    }
}

TEST(ByteScan, CountsNewlinesLikeALoopAtEveryLevelAndAlignment)
{
    std::mt19937 rng(7);
    QByteArray bytes(70000, 'x');
    for (char& c : bytes)
        c = rng() % 5 == 0 ? '\n' : char(rng() % 256);
    for (const SimdLevel level : runnableLevels()) {
        const SimdCap cap(level);
        // Sizes around the vector widths and the 255-round counter flush (255 * 64 = 16320).
        for (const qsizetype n : {qsizetype(0), qsizetype(1), qsizetype(15), qsizetype(16), qsizetype(31), qsizetype(63),
                                  qsizetype(64), qsizetype(65), qsizetype(4095), qsizetype(16320), qsizetype(16321),
                                  qsizetype(65000)}) {
            for (const qsizetype offset : {qsizetype(0), qsizetype(1), qsizetype(7), qsizetype(33)}) {
                const QByteArrayView view(bytes.constData() + offset, n);
                EXPECT_EQ(countNewlines(view.data(), view.size()), qint64(view.count('\n')))
                    << simdLevelName(level) << " n " << n << " offset " << offset;
            }
        }
        // Every byte a newline: the byte counters must not overflow between flushes.
        const QByteArray all(40000, '\n');
        EXPECT_EQ(countNewlines(all.constData(), all.size()), 40000) << simdLevelName(level);
    }
}

TEST(ByteRegex, RequiredLiteralIsConservative)
{
    struct Case {
        const char* pattern;
        const char* literal;
        bool whole;
    };
    for (const Case& c : {Case{"upstream timed out", "upstream timed out", true}, Case{"10\\.0\\.0\\.7", "10.0.0.7", true},
                          Case{"upstream.*timed", "upstream", false}, Case{"[0-9]{3} [0-9]{3}", " ", false},
                          Case{"colou?r", "colo", false}, Case{"bolt-\\d+'", "bolt-", false}, Case{"ab+c", "ab", false},
                          Case{"(foo)?barbaz", "barbaz", false}, Case{"x{0,3}yyy", "yyy", false},
                          Case{"a|b", "", false}, Case{"(?i)abc", "", false}, Case{"\\Qa.b\\E", "", false},
                          Case{"(a+)+$", "", false}, Case{"caf\xc3\xa9s?", "caf\xc3\xa9", false}}) {
        const ByteRegex::Literal lit = ByteRegex::requiredLiteral(QByteArray(c.pattern));
        EXPECT_EQ(lit.bytes, QByteArray(c.literal)) << c.pattern;
        EXPECT_EQ(lit.whole, c.whole) << c.pattern;
    }
}

TEST_F(LogSearchEngineTest, PlainWordsAreLiteralsAndGiveGrepsOutput)
{
    // A regex without metacharacters (what users type) is searched as a literal.
    const LineMatcher word = compiled(QStringLiteral("upstream timed out"), true, true);
    EXPECT_EQ(word.kind(), LineMatcher::Kind::Literal);
    EXPECT_EQ(ourOutput(*file, word), grepOutput({QStringLiteral("-P")}, QStringLiteral("upstream timed out"), path));
    const LineMatcher escaped = compiled(QStringLiteral("10\\.0\\.0\\.7"), true, true);
    EXPECT_EQ(escaped.kind(), LineMatcher::Kind::Literal);
    EXPECT_EQ(ourOutput(*file, escaped), grepOutput({QStringLiteral("-P")}, QStringLiteral("10\\.0\\.0\\.7"), path));
    // Case-insensitive literal, regex on and off.
    for (const bool regex : {false, true}) {
        const LineMatcher m = compiled(QStringLiteral("Upstream Timed OUT"), regex, false);
        EXPECT_EQ(m.kind(), LineMatcher::Kind::Literal);
        const QByteArray ours = ourOutput(*file, m);
        EXPECT_EQ(ours, grepOutput({QStringLiteral("-F"), QStringLiteral("-i")}, QStringLiteral("Upstream Timed OUT"), path));
        EXPECT_TRUE(ours.contains("UPSTREAM TIMED OUT in capitals"));
    }
}

TEST_F(LogSearchEngineTest, RegexesWithAndWithoutPrefilterGiveGrepsOutput)
{
    for (const QString& re : {QStringLiteral("upstream.*timed"), QStringLiteral("[0-9]{3} [0-9]{3}"),
                              QStringLiteral("bolt-\\d+'"), QStringLiteral("^2026-01-28 09:24:1\\d"),
                              QStringLiteral("\\(11[0-9]: "), QStringLiteral("\\d{2}\\)$")}) {
        const LineMatcher m = compiled(re, true, true);
        EXPECT_EQ(m.kind(), LineMatcher::Kind::Regex) << re.toStdString();
        const QByteArray expected = grepOutput({QStringLiteral("-P")}, re, path);
        EXPECT_FALSE(expected.isEmpty()) << re.toStdString();
        EXPECT_EQ(ourOutput(*file, m), expected) << re.toStdString();
    }
    const LineMatcher ci = compiled(QStringLiteral("UPSTREAM.*Timed"), true, false);
    EXPECT_EQ(ci.literal().needle(), QByteArray("upstream"));
    EXPECT_EQ(ourOutput(*file, ci), grepOutput({QStringLiteral("-P"), QStringLiteral("-i")}, QStringLiteral("UPSTREAM.*Timed"), path));
}

// "$" before a CRLF: the CR belongs to the line ending (also when the regex scans whole blocks).
TEST_F(LogSearchEngineTest, CrlfEndingsInBlockAndPrefilterModes)
{
    const LineMatcher block = compiled(QStringLiteral("[o]ut$"), true, true);
    ASSERT_TRUE(block.literal().isEmpty());
    const LineMatcher prefiltered = compiled(QStringLiteral("timed out$"), true, true);
    ASSERT_FALSE(prefiltered.literal().isEmpty());
    for (const LineMatcher* m : {&block, &prefiltered}) {
        const QByteArray ours = ourOutput(*file, *m);
        EXPECT_TRUE(ours.contains(":crlf line with upstream timed out\r\n"));
        EXPECT_TRUE(ours.contains(":UPSTREAM TIMED OUT in capitals") == false);
    }
    EXPECT_TRUE(ourOutput(*file, compiled(QStringLiteral("7890 12$"), true, true)).contains(":numbers 123 456 and 7890 12\r\n"));
}

TEST_F(LogSearchEngineTest, ParallelSegmentsKeepLineOrderAndNumbers)
{
    for (const auto& [pattern, regex, cs] : {std::tuple{QStringLiteral("Connection reset by peer"), false, true},
                                             std::tuple{QStringLiteral("connection RESET"), false, false},
                                             std::tuple{QStringLiteral("upstream.*timed"), true, true},
                                             std::tuple{QStringLiteral("[0-9]{3} [0-9]{3}"), true, true},
                                             std::tuple{QStringLiteral("0"), true, true}}) { // most lines
        const LineMatcher m = compiled(pattern, regex, cs);
        const QByteArray single = ourOutput(*file, m, SearchParallelism{1, 64 * 1024});
        const QByteArray parallel = ourOutput(*file, m, kManySegments);
        EXPECT_EQ(parallel, single) << pattern.toStdString();
        QStringList flags{regex ? QStringLiteral("-P") : QStringLiteral("-F")};
        if (!cs)
            flags << QStringLiteral("-i");
        EXPECT_EQ(parallel, grepOutput(flags, pattern, path)) << pattern.toStdString();
        EXPECT_EQ(grepFileOutput(path, m, kManySegments), parallel) << pattern.toStdString();
        EXPECT_EQ(grepFileOutput(path, m), parallel) << pattern.toStdString();
    }
    // A range that starts and ends mid-file.
    const LineMatcher m = compiled(QStringLiteral("bolt-\\d+'"), true, true);
    const qint64 from = 1234;
    const qint64 to = file->lineCount() - 4321;
    const QByteArray ranged = ourOutput(*file, m, kManySegments, from, to);
    QByteArray expected;
    for (const QByteArray& line : grepOutput({QStringLiteral("-P")}, QStringLiteral("bolt-\\d+'"), path).split('\n')) {
        const qint64 n = line.left(line.indexOf(':')).toLongLong() - 1;
        if (!line.isEmpty() && n >= from && n < to)
            expected += line + '\n';
    }
    EXPECT_EQ(ranged, expected);
}

TEST_F(LogSearchEngineTest, PathologicalPatternStopsWithAClearError)
{
    const QString evil = dir.filePath(QStringLiteral("evil.log"));
    // Big enough for several segments on each side of the line that is too complex.
    ASSERT_TRUE(logtest::writeBytes(evil, "first aaa\n" + logtest::realisticLog(2000) + QByteArray(30000, 'a') + "!\n"
                                              + logtest::realisticLog(2000) + "last aaa\n"));
    LogFile f(evil);
    ASSERT_TRUE(f.update().ok());
    const LineMatcher m = compiled(QStringLiteral("(a+)+$"), true, true);
    EXPECT_FALSE(m.matches(QByteArray(QByteArray(30000, 'a') + "!")));
    for (const SearchParallelism& p : {SearchParallelism{}, kManySegments}) {
        SearchStats stats;
        const QByteArray found = ourOutput(f, m, p, 0, -1, &stats);
        EXPECT_TRUE(stats.error.contains(QStringLiteral("too complex for line 2002:"))) << stats.error.toStdString();
        EXPECT_EQ(found, QByteArray("1:first aaa\n")); // what came before the error
        EXPECT_EQ(grepFileOutput(evil, m, p, &stats), QByteArray("1:first aaa\n"));
        EXPECT_TRUE(stats.error.contains(QStringLiteral("too complex for line 2002:"))) << stats.error.toStdString();
    }
}

// The same lines at every vector level, through grepFile (mapped chunks) and searchLines.
TEST_F(LogSearchEngineTest, EveryVectorLevelGivesGrepsLines)
{
    struct Case {
        QString pattern;
        bool regex;
        bool cs;
        QStringList grepFlags;
    };
    const QList<Case> cases{{QStringLiteral("ClientTimeoutException"), false, true, {QStringLiteral("-F")}},
                            {QStringLiteral("Upstream Timed OUT"), false, false, {QStringLiteral("-F"), QStringLiteral("-i")}},
                            {QStringLiteral("upstream.*timed"), true, true, {QStringLiteral("-P")}},
                            {QStringLiteral("[0-9]{3} [0-9]{3}"), true, true, {QStringLiteral("-P")}}};
    for (const Case& c : cases) {
        const QByteArray expected = grepOutput(c.grepFlags, c.pattern, path);
        ASSERT_FALSE(expected.isEmpty()) << c.pattern.toStdString();
        for (const SimdLevel level : runnableLevels()) {
            const SimdCap cap(level);
            const LineMatcher m = compiled(c.pattern, c.regex, c.cs);
            EXPECT_EQ(grepFileOutput(path, m), expected) << simdLevelName(level) << ": " << c.pattern.toStdString();
            EXPECT_EQ(grepFileOutput(path, m, kManySegments), expected) << simdLevelName(level) << ": " << c.pattern.toStdString();
            EXPECT_EQ(ourOutput(*file, m, kManySegments), expected) << simdLevelName(level) << ": " << c.pattern.toStdString();
        }
    }
}

#if defined(Q_OS_UNIX)
// Reading a map whose file was truncated raises SIGBUS: readGuarded() turns it into false.
TEST(MappedRange, ReadingPastATruncationIsReportedNotACrash)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("shrinks.log"));
    ASSERT_TRUE(logtest::writeBytes(path, QByteArray(4 * 1024 * 1024, 'x')));
    const MappedRange map(path, 4096, 4 * 1024 * 1024 - 4096);
    ASSERT_TRUE(map.isValid());
    struct Sum {
        const char* data;
        qint64 size;
        unsigned total = 0;
    } sum{map.data(), map.size()};
    auto readAll = [](void* context) {
        auto* s = static_cast<Sum*>(context);
        for (qint64 i = 0; i < s->size; i += 4096)
            s->total += static_cast<unsigned char>(s->data[i]);
    };
    EXPECT_TRUE(readGuarded(readAll, &sum));
    EXPECT_EQ(sum.total, 1023u * 'x');
    ASSERT_TRUE(QFile::resize(path, 8192)); // another process truncating the log (copytruncate)
    EXPECT_FALSE(readGuarded(readAll, &sum));
}

// The file shrinks while grepFile searches its map (the first match truncates it): the lines
// found before are printed, the search stops, nothing crashes.
TEST(LogSearchEngine, GrepFileStopsWhenTheFileShrinksUnderIt)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("rotated.log"));
    QByteArray data = "needle one\n";
    while (data.size() < 6 * 1024 * 1024)
        data += "filler line that does not match anything at all, padded to a typical log line length\n";
    data += "needle two, never reached\n";
    ASSERT_TRUE(logtest::writeBytes(path, data));
    const LineMatcher m = compiled(QStringLiteral("needle"), false, true);
    for (const SearchParallelism& p : {SearchParallelism{1, 16 * 1024 * 1024}, SearchParallelism{2, 512 * 1024}}) {
        ASSERT_TRUE(logtest::writeBytes(path, data));
        QByteArray printed;
        qint64 matched = 0;
        const auto stats = grepFile(path, m, &matched, [&](qint64 line, QByteArrayView text) {
            printed += QByteArray::number(line + 1) + ':' + text.toByteArray() + '\n';
            if (line == 0)
                QFile::resize(path, 4096);
        }, p);
        ASSERT_TRUE(stats.ok());
        EXPECT_EQ(printed, QByteArray("1:needle one\n")) << p.threads;
        EXPECT_EQ(matched, 1) << p.threads;
    }
}
#endif

// grepFile: a file without a final '\n', CRLF endings, empty lines, and a file that is missing.
TEST(LogSearchEngine, GrepFileEdgesMatchGrep)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("edges.log"));
    ASSERT_TRUE(logtest::writeBytes(path, "alpha\r\n\n\nbeta alpha\n\r\nalpha gamma"));
    for (const QString& re : {QStringLiteral("alpha"), QStringLiteral("^$"), QStringLiteral("a$"), QStringLiteral("^b.*a"),
                              QStringLiteral("gamma$")}) {
        const LineMatcher m = compiled(re, true, true);
        QByteArray expected = grepOutput({QStringLiteral("-P")}, re, path);
        if (re == QStringLiteral("a$")) // $ before a CRLF: line 1 too (see docs/logs.md)
            expected = "1:alpha\r\n" + expected;
        if (re == QStringLiteral("^$")) // the CRLF-only line 5 is empty too
            expected += "5:\r\n";
        EXPECT_EQ(grepFileOutput(path, m, SearchParallelism{4, 4}), expected) << re.toStdString();
        EXPECT_EQ(grepFileOutput(path, m), expected) << re.toStdString();
    }
    qint64 matched = 0;
    const auto missing = grepFile(dir.filePath(QStringLiteral("missing.log")), compiled(QStringLiteral("x"), false, true), &matched);
    ASSERT_FALSE(missing.ok());
    EXPECT_TRUE(missing.error().contains(QStringLiteral("missing.log")));
}

// grepFile reads in chunks of whole lines: a line longer than a chunk is read whole.
TEST(LogSearchEngine, GrepFileReadsLinesLongerThanItsReadChunk)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("long.log"));
    const QByteArray longLine = QByteArray(1536 * 1024, 'x') + " needle at the end";
    ASSERT_TRUE(logtest::writeBytes(path, logtest::realisticLog(5000) + longLine + "\nneedle after\n" + logtest::realisticLog(5000)
                                              + "needle last"));
    for (const QString& re : {QStringLiteral("needle"), QStringLiteral("e at the e[n]d$"), QStringLiteral("upstream.*timed")}) {
        const LineMatcher m = compiled(re, true, true);
        const QByteArray expected = grepOutput({QStringLiteral("-P")}, re, path);
        EXPECT_EQ(grepFileOutput(path, m), expected) << re.toStdString();
        EXPECT_EQ(grepFileOutput(path, m, SearchParallelism{2, 256 * 1024}), expected) << re.toStdString();
    }
}

TEST(LogSearchEngine, InvalidRegexNamesTheCharacterOffset)
{
    SearchQuery q;
    q.pattern = QStringLiteral("caf\u00e9 (bolt");
    q.regex = true;
    const auto m = LineMatcher::compile(q);
    ASSERT_FALSE(m.ok());
    EXPECT_TRUE(m.error().startsWith(QStringLiteral("Invalid regular expression at offset 10: missing closing parenthesis")))
        << m.error().toStdString();
}

TEST(LogSearchEngine, RegexSpansAreInUtf16Units)
{
    SearchQuery q;
    q.pattern = QStringLiteral("w.rld|\u00e9");
    q.regex = true;
    const auto m = LineMatcher::compile(q);
    ASSERT_TRUE(m.ok());
    const auto spans = m->spans(u"h\u00e9llo \U0001F600 w\u00f6rld");
    ASSERT_EQ(spans.size(), 2);
    EXPECT_EQ(spans[0], (QPair<qsizetype, qsizetype>(1, 1)));
    EXPECT_EQ(spans[1], (QPair<qsizetype, qsizetype>(9, 5)));
}
