// SPDX-License-Identifier: GPL-3.0-or-later
#include "LogTestUtil.h"
#include "lab/Lab.h"

#include "logs/LogSearch.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::logs;

namespace {

std::vector<qint64> search(const LogFile& f, const QString& pattern, bool regex, bool cs)
{
    SearchQuery q;
    q.pattern = pattern;
    q.regex = regex;
    q.caseSensitive = cs;
    const auto m = LineMatcher::compile(q);
    EXPECT_TRUE(m.ok()) << m.error().toStdString();
    std::vector<qint64> out;
    if (m)
        searchLines(f, *m, 0, f.lineCount(), out);
    return out;
}

// Line numbers (0-based) grep reports for the same pattern: the independent reference.
std::vector<qint64> grepLines(const QStringList& flags, const QString& pattern, const QString& path)
{
    QByteArray output;
    lab::runProgram(QStringLiteral("grep"), flags + QStringList{QStringLiteral("-a"), QStringLiteral("-n"), QStringLiteral("-e"), pattern, path}, &output);
    std::vector<qint64> lines;
    for (const QByteArray& l : output.split('\n'))
        if (!l.isEmpty())
            lines.push_back(l.left(l.indexOf(':')).toLongLong() - 1);
    return lines;
}

qint64 grepCount(const QStringList& flags, const QString& pattern, const QString& path)
{
    QByteArray output;
    lab::runProgram(QStringLiteral("grep"), flags + QStringList{QStringLiteral("-a"), QStringLiteral("-c"), QStringLiteral("-e"), pattern, path}, &output);
    return output.trimmed().toLongLong();
}

class LogSearchTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        path = dir.filePath(QStringLiteral("mixed.log"));
        // > 4 MiB so matches straddle read blocks; plus awkward lines at the end.
        data = logtest::realisticLog(60000);
        data += "UPSTREAM TIMED OUT in capitals\r\ncrlf line with upstream timed out\r\n\n"
                "bad bytes \xff\xfe then upstream timed out\nlast line has ClientTimeoutException";
        ASSERT_TRUE(logtest::writeBytes(path, data));
    }
    QTemporaryDir dir;
    QString path;
    QByteArray data;
};

} // namespace

TEST_F(LogSearchTest, LiteralCaseSensitiveMatchesGrepLineForLine)
{
    LogFile f(path);
    ASSERT_TRUE(f.update().ok());
    const auto ours = search(f, QStringLiteral("upstream timed out"), false, true);
    EXPECT_EQ(ours, grepLines({QStringLiteral("-F")}, QStringLiteral("upstream timed out"), path));
    EXPECT_GT(ours.size(), 1000u);
    EXPECT_EQ(qint64(search(f, QStringLiteral("ClientTimeoutException"), false, true).size()),
              grepCount({QStringLiteral("-F")}, QStringLiteral("ClientTimeoutException"), path));
}

TEST_F(LogSearchTest, LiteralCaseInsensitiveMatchesGrepCount)
{
    LogFile f(path);
    ASSERT_TRUE(f.update().ok());
    const auto ours = search(f, QStringLiteral("Upstream Timed OUT"), false, false);
    EXPECT_EQ(qint64(ours.size()), grepCount({QStringLiteral("-F"), QStringLiteral("-i")}, QStringLiteral("Upstream Timed OUT"), path));
    EXPECT_EQ(ours.size(), search(f, QStringLiteral("upstream timed out"), false, true).size() + 1); // + the capitals line
}

TEST_F(LogSearchTest, RegexMatchesGrepPerlLineForLine)
{
    LogFile f(path);
    ASSERT_TRUE(f.update().ok());
    for (const QString& re : {QStringLiteral("bolt-\\d{3}\\b"), QStringLiteral("^2026/01/28 10:03:1\\d \\[(warn|error)\\]"),
                              QStringLiteral("Exception$"), QStringLiteral("client: 10\\.0\\.0\\.7[0-9]?$")}) {
        EXPECT_EQ(search(f, re, true, true), grepLines({QStringLiteral("-P"), QStringLiteral("-a")}, re, path)) << re.toStdString();
    }
    EXPECT_EQ(qint64(search(f, QStringLiteral("connection RESET"), true, false).size()),
              grepCount({QStringLiteral("-P"), QStringLiteral("-i")}, QStringLiteral("connection RESET"), path));
}

TEST_F(LogSearchTest, RegexNeverMatchesAcrossLines)
{
    LogFile f(path);
    ASSERT_TRUE(f.update().ok());
    // \s would match the newline if the block were searched as one text.
    EXPECT_EQ(search(f, QStringLiteral("capitals\\s+crlf"), true, true).size(), 0u);
    EXPECT_EQ(search(f, QStringLiteral("^$"), true, true), grepLines({QStringLiteral("-P")}, QStringLiteral("^$"), path));
}

// Unlike grep, "$" matches before a CRLF: the CR is part of the line ending, not the text.
TEST_F(LogSearchTest, CrlfLineEndsAreNotPartOfTheLine)
{
    LogFile f(path);
    ASSERT_TRUE(f.update().ok());
    const auto hits = search(f, QStringLiteral("out$"), true, true);
    const QStringList last = f.readLines(f.lineCount() - 5, 5);
    ASSERT_EQ(last[1], QStringLiteral("crlf line with upstream timed out"));
    EXPECT_NE(std::find(hits.begin(), hits.end(), f.lineCount() - 4), hits.end());
}

TEST_F(LogSearchTest, InvalidRegexIsAClearError)
{
    SearchQuery q;
    q.pattern = QStringLiteral("bolt-(\\d+");
    q.regex = true;
    const auto m = LineMatcher::compile(q);
    ASSERT_FALSE(m.ok());
    EXPECT_TRUE(m.error().contains(QStringLiteral("offset"))) << m.error().toStdString();
}

TEST_F(LogSearchTest, RangedSearchAndCancel)
{
    LogFile f(path);
    ASSERT_TRUE(f.update().ok());
    const auto all = search(f, QStringLiteral("Connection reset by peer"), false, true);
    ASSERT_GT(all.size(), 100u);
    SearchQuery q;
    q.pattern = QStringLiteral("Connection reset by peer");
    const auto m = LineMatcher::compile(q);
    std::vector<qint64> first, second;
    const qint64 half = f.lineCount() / 2;
    searchLines(f, *m, 0, half, first);
    searchLines(f, *m, half, f.lineCount(), second);
    first.insert(first.end(), second.begin(), second.end());
    EXPECT_EQ(first, all);

    std::vector<qint64> cancelled;
    const auto stats = searchLines(f, *m, 0, f.lineCount(), cancelled, [] { return true; });
    EXPECT_TRUE(stats.cancelled);
    EXPECT_TRUE(cancelled.empty());
}

TEST_F(LogSearchTest, SpansForPainting)
{
    SearchQuery q;
    q.pattern = QStringLiteral("ab");
    q.caseSensitive = false;
    const auto m = LineMatcher::compile(q);
    const auto spans = m->spans(u"xAbyabz");
    ASSERT_EQ(spans.size(), 2);
    EXPECT_EQ(spans[0], (QPair<qsizetype, qsizetype>(1, 2)));
    EXPECT_EQ(spans[1], (QPair<qsizetype, qsizetype>(4, 2)));
}
