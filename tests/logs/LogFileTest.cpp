// SPDX-License-Identifier: GPL-3.0-or-later
#include "LogTestUtil.h"

#include "logs/LogFile.h"
#include "logs/MappedScan.h"

#include <QDir>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::logs;

namespace {
struct Fixture {
    QTemporaryDir dir;
    QString path = dir.filePath(QStringLiteral("app.log"));
};

QStringList allLines(const LogFile& f)
{
    return f.readLines(0, f.lineCount());
}
} // namespace

TEST(LogFile, IndexesCrlfEmptyLinesAndNoFinalNewline)
{
    Fixture fx;
    ASSERT_TRUE(logtest::writeBytes(fx.path, "first\r\n\nthird\r\n\r\nlast without newline"));
    LogFile f(fx.path);
    const auto r = f.update();
    ASSERT_TRUE(r.ok()) << r.error().toStdString();
    EXPECT_EQ(r->change, LogFile::Change::Appended);
    EXPECT_EQ(f.lineCount(), 5);
    EXPECT_EQ(allLines(f), (QStringList{QStringLiteral("first"), QString(), QStringLiteral("third"), QString(),
                                        QStringLiteral("last without newline")}));
}

TEST(LogFile, EmptyFileHasNoLines)
{
    Fixture fx;
    ASSERT_TRUE(logtest::writeBytes(fx.path, ""));
    LogFile f(fx.path);
    ASSERT_TRUE(f.update().ok());
    EXPECT_EQ(f.lineCount(), 0);
    EXPECT_TRUE(f.readLines(0, 10).isEmpty());
}

TEST(LogFile, MissingFileIsAnErrorNamingIt)
{
    LogFile f(QStringLiteral("/nonexistent/dir/x.log"));
    const auto r = f.update();
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().contains(QStringLiteral("/nonexistent/dir/x.log")));
}

TEST(LogFile, InvalidUtf8IsShownWithReplacementCharacters)
{
    Fixture fx;
    ASSERT_TRUE(logtest::writeBytes(fx.path, QByteArray("ok \xc3\xa9 caf\xe9 \xff\xfe end\nnext\n")));
    LogFile f(fx.path);
    ASSERT_TRUE(f.update().ok());
    ASSERT_EQ(f.lineCount(), 2);
    const QStringList lines = allLines(f);
    EXPECT_TRUE(lines[0].startsWith(QStringLiteral("ok \u00e9 caf")));
    EXPECT_TRUE(lines[0].contains(QChar(0xfffd)));
    EXPECT_TRUE(lines[0].endsWith(QStringLiteral(" end")));
    EXPECT_EQ(lines[1], QStringLiteral("next"));
}

TEST(LogFile, VeryLongLinesAreIndexedAndCutForDisplayOnly)
{
    Fixture fx;
    const QByteArray huge(5 * 1024 * 1024 + 17, 'x'); // longer than the 4 MiB read block
    ASSERT_TRUE(logtest::writeBytes(fx.path, "a\n" + huge + "\nb\n"));
    LogFile f(fx.path);
    ASSERT_TRUE(f.update().ok());
    ASSERT_EQ(f.lineCount(), 3);
    EXPECT_EQ(f.span(1).length, quint64(huge.size() + 1));
    EXPECT_EQ(f.readRawLines(1, 1).value(0), huge);
    const QStringList shown = f.readLines(0, 3);
    EXPECT_EQ(shown[0], QStringLiteral("a"));
    EXPECT_EQ(shown[1].size(), LogFile::kDisplayLineBytes + 1); // cut, with an ellipsis
    EXPECT_EQ(shown[2], QStringLiteral("b"));
}

TEST(LogFile, AppendsAreIndexedIncrementallyIncludingACompletedPartialLine)
{
    Fixture fx;
    ASSERT_TRUE(logtest::writeBytes(fx.path, "one\ntw"));
    LogFile f(fx.path);
    ASSERT_TRUE(f.update().ok());
    EXPECT_EQ(f.lineCount(), 2);
    EXPECT_EQ(allLines(f).last(), QStringLiteral("tw"));

    ASSERT_TRUE(logtest::writeBytes(fx.path, "o\nthree\n", true));
    const auto r = f.update();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->change, LogFile::Change::Appended);
    EXPECT_EQ(allLines(f), (QStringList{QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three")}));

    const auto none = f.update();
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none->change, LogFile::Change::None);
}

TEST(LogFile, TruncationAndRotationRestartTheIndex)
{
    Fixture fx;
    ASSERT_TRUE(logtest::writeBytes(fx.path, "old 1\nold 2\nold 3\n"));
    LogFile f(fx.path);
    ASSERT_TRUE(f.update().ok());
    ASSERT_EQ(f.lineCount(), 3);

    // copytruncate: same file, shorter.
    ASSERT_TRUE(logtest::writeBytes(fx.path, "new 1\n"));
    auto r = f.update();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->change, LogFile::Change::Reset);
    EXPECT_EQ(allLines(f), QStringList{QStringLiteral("new 1")});

    // Rename + recreate with different first bytes, longer than before.
    ASSERT_TRUE(QFile::rename(fx.path, fx.path + QStringLiteral(".1")));
    ASSERT_TRUE(logtest::writeBytes(fx.path, "rotated 1\nrotated 2\nrotated 3\n"));
    r = f.update();
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->change, LogFile::Change::Reset);
    EXPECT_EQ(f.lineCount(), 3);
    EXPECT_EQ(allLines(f).first(), QStringLiteral("rotated 1"));
}

TEST(LogFile, RealisticLogIndexCostsAtMostTwoBytesPerLineAndMatchesNewlineCount)
{
    Fixture fx;
    const QByteArray data = logtest::realisticLog(200000);
    ASSERT_TRUE(logtest::writeBytes(fx.path, data));
    LogFile f(fx.path);
    ASSERT_TRUE(f.update().ok());
    EXPECT_EQ(f.lineCount(), data.count('\n'));
    EXPECT_LE(f.indexBytesPerLine(), 2.0);
    // A line in the middle reads back exactly.
    const qint64 mid = 123457;
    qsizetype at = 0;
    for (qint64 i = 0; i < mid; ++i)
        at = data.indexOf('\n', at) + 1;
    EXPECT_EQ(f.readRawLines(mid, 1).value(0), data.mid(at, data.indexOf('\n', at) - at));
}

TEST(LogFile, CancelledUpdateStopsAndResumes)
{
    Fixture fx;
    const QByteArray data = logtest::realisticLog(100000); // > 4 MiB: several blocks
    ASSERT_TRUE(logtest::writeBytes(fx.path, data));
    LogFile f(fx.path);
    int calls = 0;
    auto r = f.update([&] { return ++calls > 1; });
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->cancelled);
    EXPECT_LT(f.lineCount(), data.count('\n'));
    r = f.update();
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->cancelled);
    EXPECT_EQ(f.lineCount(), data.count('\n'));
}

TEST(LogFile, BigFilesGoThroughTheMappedPathWithTheSameResult)
{
    Fixture fx;
    const QByteArray data = logtest::realisticLog(300000) + "tail without newline"; // > 32 MiB: mmap
    ASSERT_GT(data.size(), 32 * 1024 * 1024);
    ASSERT_TRUE(logtest::writeBytes(fx.path, data));
    LogFile f(fx.path);
    ASSERT_TRUE(f.update().ok());
    EXPECT_EQ(f.lineCount(), data.count('\n') + 1);
    EXPECT_EQ(f.readLines(f.lineCount() - 1, 1).value(0), QStringLiteral("tail without newline"));
    EXPECT_LE(f.indexBytesPerLine(), 2.0);
}

#if defined(Q_OS_UNIX)
TEST(LogFile, FileTruncatedDuringAMappedScanIsReportedNotACrash)
{
    Fixture fx;
    ASSERT_TRUE(logtest::writeBytes(fx.path, QByteArray(8 * 1024 * 1024, 'x')));
    bool truncated = false;
    volatile char sink = 0;
    const auto result = scanMapped(
        fx.path, 0, 8 * 1024 * 1024,
        [&](const char* data, qint64 length, qint64) {
            if (!truncated) {
                truncated = true;
                QFile::resize(fx.path, 0); // another process truncating the log (copytruncate)
            }
            for (qint64 i = 0; i < length; i += 4096)
                sink = char(sink + data[i]); // the first page past the new end raises SIGBUS
        },
        [] { return true; });
    EXPECT_EQ(result, MappedScanResult::FileShrank);
    // And the index copes with the file shrinking to nothing.
    LogFile f(fx.path);
    ASSERT_TRUE(f.update().ok());
    EXPECT_EQ(f.lineCount(), 0);
}
#endif
