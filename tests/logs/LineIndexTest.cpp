// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LineIndex.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

using socketscope::logs::LineIndex;

TEST(LineIndex, SpansMatchWhatWasAppendedIncludingHugeLines)
{
    // Lengths straddle every varint boundary, including lines far beyond 64 KiB.
    const std::vector<quint64> lengths = {1, 2, 240, 241, 2287, 2288, 65535, 65536, 67823, 67824, 5'000'000'000ULL, 1, 100};
    LineIndex index;
    std::vector<quint64> starts;
    quint64 at = 0;
    for (int round = 0; round < 60; ++round)
        for (quint64 len : lengths) {
            starts.push_back(at);
            index.appendLine(len);
            at += len;
        }
    ASSERT_EQ(index.lineCount(), qint64(starts.size()));
    EXPECT_EQ(index.endOffset(), at);
    for (qint64 i = 0; i < index.lineCount(); ++i) {
        const auto s = index.span(i);
        ASSERT_EQ(s.start, starts[std::size_t(i)]) << "line " << i;
        ASSERT_EQ(s.length, lengths[std::size_t(i) % lengths.size()]) << "line " << i;
    }
    // Sequential cursor and offset lookup agree with random access.
    LineIndex::Cursor c(index, 300);
    for (qint64 i = 300; i < index.lineCount(); ++i, c.next()) {
        ASSERT_EQ(c.span().start, starts[std::size_t(i)]);
        ASSERT_EQ(index.lineAtOffset(starts[std::size_t(i)]), i);
        ASSERT_EQ(index.lineAtOffset(starts[std::size_t(i)] + index.span(i).length - 1), i);
    }
    EXPECT_EQ(index.lineAtOffset(at), -1);
}

TEST(LineIndex, TypicalLineLengthsCostAtMostTwoBytesPerLine)
{
    std::mt19937 rng(1);
    LineIndex index;
    for (int i = 0; i < 1'000'000; ++i)
        index.appendLine(60 + rng() % 300); // 60..359 bytes: nginx/Neo4j line lengths
    index.squeeze();
    EXPECT_LE(double(index.memoryBytes()) / double(index.lineCount()), 2.0);
}
