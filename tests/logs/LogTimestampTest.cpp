// SPDX-License-Identifier: GPL-3.0-or-later
#include "LogTestUtil.h"

#include "logs/LogTimestamp.h"

#include <QTemporaryDir>
#include <QTimeZone>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::logs;

TEST(LogTimestamp, KnownFormats)
{
    const auto nginx = parseLogTime("2026/01/28 10:03:00 [error] 1#1: *5 upstream timed out");
    ASSERT_TRUE(nginx);
    EXPECT_EQ(nginx->time, QDateTime(QDate(2026, 1, 28), QTime(10, 3, 0)));
    EXPECT_FALSE(nginx->hasOffset);
    EXPECT_EQ(nginx->length, 19);

    const auto neo = parseLogTime("2026-01-28 09:24:14.123+0000 ERROR ClientTimeoutException");
    ASSERT_TRUE(neo);
    EXPECT_TRUE(neo->hasOffset);
    EXPECT_EQ(neo->time, QDateTime(QDate(2026, 1, 28), QTime(9, 24, 14, 123), Qt::UTC));
    EXPECT_EQ(neo->length, 28);

    const auto iso = parseLogTime("2026-01-28T11:24:14.5+02:00 msg");
    ASSERT_TRUE(iso);
    EXPECT_EQ(iso->time, QDateTime(QDate(2026, 1, 28), QTime(9, 24, 14, 500), Qt::UTC));
    const auto isoZ = parseLogTime("2026-01-28T09:24:14Z msg");
    ASSERT_TRUE(isoZ);
    EXPECT_EQ(isoZ->time, QDateTime(QDate(2026, 1, 28), QTime(9, 24, 14), Qt::UTC));

    const auto seedNeo = parseLogTime("2026-01-28 09:24:14 ERROR - ClientTimeoutException");
    ASSERT_TRUE(seedNeo);
    EXPECT_EQ(seedNeo->time, QDateTime(QDate(2026, 1, 28), QTime(9, 24, 14)));

    const auto syslog = parseLogTime("Jan 28 10:03:00 neo4jprod sshd[811]: Accepted publickey", 2026);
    ASSERT_TRUE(syslog);
    EXPECT_EQ(syslog->time, QDateTime(QDate(2026, 1, 28), QTime(10, 3, 0)));
    const auto padded = parseLogTime("Feb  3 01:02:03 host x", 2026);
    ASSERT_TRUE(padded);
    EXPECT_EQ(padded->time.date(), QDate(2026, 2, 3));

    const auto access = parseLogTime("10.0.0.1 - - [28/Jan/2026:10:03:00 +0100] \"GET /ws HTTP/1.1\" 101 0");
    ASSERT_TRUE(access);
    EXPECT_EQ(access->time, QDateTime(QDate(2026, 1, 28), QTime(9, 3, 0), Qt::UTC));
}

TEST(LogTimestamp, NonTimestampsAreRejected)
{
    for (const char* line : {"", "hello", "2026/13/40 10:03:00 x", "2026-01-28", "Jan 99 10:03:00 x", "2026-01-28 25:00:00",
                             "Caused by: Connection reset by peer", "[28/Foo/2026:10:03:00 +0000]", "2026-01-28T10:03:00."})
        EXPECT_FALSE(parseLogTime(line)) << line;
}

TEST(LogTimestamp, JumpToTimeFindsTheFirstLineAtOrAfter)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("t.log"));
    QByteArray data;
    for (int m = 0; m < 60; ++m) {
        data += QStringLiteral("2026/01/28 10:%1:00 [info] line %2\n").arg(m, 2, 10, QLatin1Char('0')).arg(m).toUtf8();
        data += "    continuation without a timestamp\n";
    }
    ASSERT_TRUE(logtest::writeBytes(path, data));
    LogFile f(path);
    ASSERT_TRUE(f.update().ok());
    EXPECT_EQ(findLineAtTime(f, QDateTime(QDate(2026, 1, 28), QTime(10, 30, 0))), 60);
    EXPECT_EQ(findLineAtTime(f, QDateTime(QDate(2026, 1, 28), QTime(10, 30, 30))), 62);
    EXPECT_EQ(findLineAtTime(f, QDateTime(QDate(2026, 1, 28), QTime(9, 0, 0))), 0);
    EXPECT_EQ(findLineAtTime(f, QDateTime(QDate(2026, 1, 28), QTime(11, 0, 0))), -1);
}
