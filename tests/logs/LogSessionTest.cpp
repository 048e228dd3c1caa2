// SPDX-License-Identifier: GPL-3.0-or-later
#include "LogTestUtil.h"
#include "lab/Lab.h"

#include "logs/LogSession.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::logs;

namespace {
bool waitFor(const std::function<bool()>& condition, int timeoutMs = 5000)
{
    QElapsedTimer t;
    t.start();
    while (!condition()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QTest::qWait(5);
    }
    return true;
}
} // namespace

TEST(LogSession, FollowsAGrowingLocalFileWithSearchAndProblemsKeptUpToDate)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("error.log"));
    ASSERT_TRUE(logtest::writeBytes(path, "2026/01/28 10:00:00 [info] start\n"));
    LogSession session;
    session.open(std::make_unique<LocalFileSource>(path, true));
    SearchQuery q;
    q.pattern = QStringLiteral("upstream timed out");
    session.setSearch(q);
    ASSERT_TRUE(waitFor([&] { return session.lineCount() == 1 && !session.isIndexing(); }));
    EXPECT_EQ(session.matches().size(), 0u);

    ASSERT_TRUE(logtest::writeBytes(path,
        "2026/01/28 10:03:00 [error] 1#1: *5 upstream timed out (110: Connection timed out)\n"
        "2026/01/28 10:03:01 [info] 1#1: *6 client closed connection\n"
        "2026/01/28 10:03:02 [emerg] 1#1: bind() to 0.0.0.0:80 failed (98: Address in use)\n", true));
    ASSERT_TRUE(waitFor([&] { return session.lineCount() == 4; }));
    ASSERT_TRUE(waitFor([&] { return session.matches() == std::vector<qint64>{1}; }));
    ASSERT_TRUE(waitFor([&] { return session.problems().lines == std::vector<qint64>{1, 3}; }));
    EXPECT_EQ(session.rules().rules()[session.problems().rules[1]].id, QStringLiteral("nginx.bind-failed"));

    // A line written in two parts is searched once it is complete, and counted once.
    ASSERT_TRUE(logtest::writeBytes(path, "2026/01/28 10:04:00 [error] upstream timed", true));
    ASSERT_TRUE(waitFor([&] { return session.lineCount() == 5; }));
    ASSERT_TRUE(logtest::writeBytes(path, " out again\n", true));
    ASSERT_TRUE(waitFor([&] { return session.matches() == std::vector<qint64>{1, 4}; }));
    ASSERT_TRUE(waitFor([&] { return session.problems().lines == std::vector<qint64>{1, 3, 4}; }));

    // copytruncate-style rotation: the view restarts with the new content.
    ASSERT_TRUE(logtest::writeBytes(path, "fresh\n"));
    ASSERT_TRUE(waitFor([&] { return session.lineCount() == 1 && session.matches().empty() && session.problems().lines.empty(); }));
    EXPECT_EQ(session.file()->readLines(0, 1), QStringList{QStringLiteral("fresh")});
}

TEST(LogSession, ChunkSourceFeedsTheSameIndex)
{
    LogSession session;
    auto source = std::make_unique<ChunkLogSource>(QStringLiteral("test stream"), true);
    ChunkLogSource* chunks = source.get();
    session.open(std::move(source));
    chunks->appendChunk("2026-01-28 09:24:14.123+0000 ERROR ClientTimeoutException: client failed to authen");
    chunks->appendChunk("ticate within 30000 ms.\n2026-01-28 09:24:15.000+0000 INFO ok\n");
    ASSERT_TRUE(waitFor([&] { return session.lineCount() == 2; }));
    ASSERT_TRUE(waitFor([&] { return session.problems().lines == std::vector<qint64>{0}; }));
    EXPECT_EQ(session.file()->readLines(1, 1).value(0), QStringLiteral("2026-01-28 09:24:15.000+0000 INFO ok"));
    chunks->restartContent();
    chunks->appendChunk("after restart\n");
    ASSERT_TRUE(waitFor([&] { return session.lineCount() == 1 && session.problems().lines.empty(); }));
}

// Issue 14: a live remote follow must not grow its local cache (and the index over it) without
// bound. Past the limit the oldest lines go, whole lines only, and the index starts over: every
// line the view then shows is a complete line that was received, in order, ending with the newest.
TEST(LogSession, AFollowedChunkSourceKeepsItsCacheBoundedAndTheIndexTrue)
{
    LogSession session;
    auto source = std::make_unique<ChunkLogSource>(QStringLiteral("live stream"), true);
    ChunkLogSource* chunks = source.get();
    EXPECT_EQ(chunks->cacheLimit(), ChunkLogSource::kDefaultFollowCacheLimit);
    constexpr qint64 kLimit = 64 * 1024;
    chunks->setCacheLimit(kLimit);
    QSignalSpy trimmed(chunks, &ChunkLogSource::trimmed);
    session.open(std::move(source));
    QByteArray sent;
    int n = 0;
    // Identical-looking lines (same head, same length) so only the explicit reset can keep the
    // index right; lines of odd length, and chunks cut in the middle of lines.
    while (sent.size() < 10 * kLimit) {
        QByteArray chunk;
        for (int i = 0; i < 37; ++i)
            chunk += QByteArray("2026-12-02 22:00:00 [error] upstream timed out line ") + QByteArray::number(n++) + '\n';
        const qsizetype cut = chunk.size() / 3;
        ASSERT_TRUE(chunks->appendChunk(chunk.left(cut)));
        ASSERT_TRUE(chunks->appendChunk(chunk.mid(cut)));
        sent += chunk;
        EXPECT_LE(chunks->bytesReceived(), kLimit);
        EXPECT_LE(QFileInfo(chunks->localPath()).size(), kLimit);
    }
    ASSERT_GT(trimmed.size(), 5);
    EXPECT_EQ(chunks->droppedBytes() + chunks->bytesReceived(), sent.size());
    const QByteArray kept = sent.right(chunks->bytesReceived());
    EXPECT_TRUE(sent.endsWith(kept));
    EXPECT_TRUE(sent.mid(sent.size() - kept.size() - 1, 1) == "\n") << "the cache starts at a line";
    const qint64 expectedLines = kept.count('\n');
    ASSERT_TRUE(waitFor([&] { return session.lineCount() == expectedLines && !session.isIndexing(); }, 20000));
    const QStringList first = session.file()->readLines(0, 1);
    const QStringList last = session.file()->readLines(expectedLines - 1, 1);
    ASSERT_EQ(first.size(), 1);
    EXPECT_EQ(first[0].toUtf8() + '\n', kept.left(kept.indexOf('\n') + 1));
    EXPECT_EQ(last.value(0), QStringLiteral("2026-12-02 22:00:00 [error] upstream timed out line %1").arg(n - 1));
    ASSERT_TRUE(waitFor([&] { return qint64(session.problems().lines.size()) == expectedLines; }, 20000));
}

TEST(LogSession, BadRegexIsReportedAndMissingFileFails)
{
    LogSession session;
    QSignalSpy failed(&session, &LogSession::searchFailed);
    SearchQuery q;
    q.pattern = QStringLiteral("(");
    q.regex = true;
    session.setSearch(q);
    ASSERT_EQ(failed.size(), 1);

    QSignalSpy sourceFailed(&session, &LogSession::sourceFailed);
    session.open(std::make_unique<LocalFileSource>(QStringLiteral("/nonexistent/x.log"), false));
    ASSERT_TRUE(lab::waitForCount(sourceFailed, 1));
    EXPECT_TRUE(sourceFailed.first().first().toString().contains(QStringLiteral("/nonexistent/x.log")));
}

TEST(LogSession, CancelledSearchStopsAndANewOneReplacesIt)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.log"));
    const QByteArray data = logtest::realisticLog(200000);
    ASSERT_TRUE(logtest::writeBytes(path, data));
    LogSession session;
    session.open(std::make_unique<LocalFileSource>(path, false));
    ASSERT_TRUE(waitFor([&] { return !session.isIndexing() && session.lineCount() == 200000; }, 20000));
    SearchQuery q;
    q.pattern = QStringLiteral("bolt-\\d+'");
    q.regex = true;
    session.setSearch(q);
    session.cancelSearch();
    EXPECT_FALSE(session.isSearching());
    q.pattern = QStringLiteral("Connection reset by peer");
    q.regex = false;
    session.setSearch(q);
    const auto expected = std::size_t(data.count("Connection reset by peer"));
    ASSERT_TRUE(waitFor([&] { return !session.isSearching(); }, 20000));
    EXPECT_EQ(session.matches().size(), expected);
}

// Searching has a thread of its own: a search typed while the problem scan of a big log (every
// rule set) still runs is answered without waiting for the scan to end (before, it queued
// behind it: 145 s for the scan of a 1 GiB log, bench/RESULTS.md).
TEST(LogSession, ASearchDoesNotWaitForTheProblemScan)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big.log"));
    const QByteArray data = logtest::realisticLog(300000);
    ASSERT_TRUE(logtest::writeBytes(path, data));
    LogSession session;
    session.open(std::make_unique<LocalFileSource>(path, false), LogFormat::Mixed);
    ASSERT_TRUE(waitFor([&] { return !session.isIndexing() && session.lineCount() == 300000; }, 60000));
    ASSERT_TRUE(session.isScanningProblems());
    SearchQuery q;
    q.pattern = QStringLiteral("Connection reset by peer");
    session.setSearch(q);
    ASSERT_TRUE(waitFor([&] { return !session.isSearching(); }, 60000));
    EXPECT_TRUE(session.isScanningProblems()) << "the search waited for the problem scan";
    EXPECT_EQ(session.matches().size(), std::size_t(data.count("Connection reset by peer")));
    ASSERT_TRUE(waitFor([&] { return !session.isScanningProblems(); }, 240000));
    EXPECT_FALSE(session.problems().lines.empty());
}
