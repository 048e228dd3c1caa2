// SPDX-License-Identifier: GPL-3.0-or-later
#include "diagnosis/Diagnosis.h"
#include "monitor/SampleBuffer.h"

#include <gtest/gtest.h>

#include <algorithm>

using namespace socketscope;

namespace {

// 2026-01-01T00:00:00Z: a minute (and ten-minute) boundary.
constexpr qint64 kT0 = 1767225600000;

Sample echoSample(qint64 t, float echo, bool ok = true)
{
    Sample s;
    s.timeMs = t;
    s.dns = 0.1f;
    s.connect = 0.2f;
    s.upgrade = 1.0f;
    s.echoMin = echo - 0.5f;
    s.echoMedian = echo;
    s.echoMax = echo + 0.5f;
    s.flags = ok ? quint8(Sample::Ok | Sample::Upgraded) : quint8(0);
    return s;
}

} // namespace

TEST(SampleBuffer, RawRingKeepsNewestAfterWrapAround)
{
    SampleBuffer::Capacity cap;
    cap.raw = 10;
    SampleBuffer buf(cap);
    for (int i = 0; i < 25; ++i)
        buf.append(echoSample(kT0 + i * 1000, float(i)));
    ASSERT_EQ(buf.rawCount(), 10);
    EXPECT_EQ(buf.totalAppended(), 25);
    EXPECT_EQ(buf.raw(0).timeMs, kT0 + 15 * 1000); // oldest kept
    EXPECT_FLOAT_EQ(buf.raw(9).echoMedian, 24.0f);  // newest
    // The series over everything raw still holds comes back in time order.
    const SeriesData d = buf.series(Metric::Echo, buf.oldestMs(Tier::Raw), kT0 + 30000, 100);
    ASSERT_EQ(d.tier, Tier::Raw);
    ASSERT_EQ(d.t.size(), 10);
    EXPECT_TRUE(std::is_sorted(d.t.begin(), d.t.end()));
    EXPECT_DOUBLE_EQ(d.min.first(), 14.5); // the probe's own echo min..max is the band
    EXPECT_DOUBLE_EQ(d.max.last(), 24.5);
}

TEST(SampleBuffer, MemoryIsBoundedAndDoesNotGrow)
{
    SampleBuffer buf;
    const qsizetype before = buf.memoryBytes();
    // Two days at 1 Hz: far more than any ring holds.
    for (qint64 i = 0; i < 2 * 86400; ++i)
        buf.append(echoSample(kT0 + i * 1000, float(i % 50)));
    const qsizetype after = buf.memoryBytes();
    EXPECT_LE(after, before + 16 * 1024) << "storage must be allocated up front";
    // 50 monitors x this must stay under the 64 MB budget.
    EXPECT_LT(after * 50, qsizetype(64) * 1024 * 1024);
    EXPECT_EQ(buf.rawCount(), SampleBuffer::Capacity{}.raw);
    EXPECT_EQ(buf.closedBucketCount(Tier::Minute), SampleBuffer::Capacity{}.minute);
}

TEST(SampleBuffer, MinuteBucketsHaveExactMinMedianMaxAndBoundaries)
{
    SampleBuffer buf;
    // Minute 0: echo values 1..60 (shuffled order); minute 1: values 100..129 at 2 s spacing.
    QVector<int> order(60);
    for (int i = 0; i < 60; ++i)
        order[i] = (i * 37) % 60; // a permutation of 0..59
    for (int i = 0; i < 60; ++i)
        buf.append(echoSample(kT0 + i * 1000, float(order[i] + 1)));
    EXPECT_EQ(buf.closedBucketCount(Tier::Minute), 0) << "minute 0 is still open at 00:59";
    for (int i = 0; i < 30; ++i)
        buf.append(echoSample(kT0 + 60000 + i * 2000, float(100 + i)));
    ASSERT_EQ(buf.closedBucketCount(Tier::Minute), 1) << "the first sample at 01:00 closes minute 0";

    const QVector<Bucket> b = buf.buckets(Tier::Minute);
    ASSERT_EQ(b.size(), 2);
    EXPECT_EQ(b[0].startMs, kT0);
    EXPECT_EQ(b[1].startMs, kT0 + 60000);
    EXPECT_EQ(b[0].count, 60);
    const Stat& e0 = b[0].stats[size_t(Metric::Echo)];
    EXPECT_FLOAT_EQ(e0.median, 30.5f);  // median of 1..60
    EXPECT_FLOAT_EQ(e0.min, 0.5f);      // lowest echo of the lowest probe
    EXPECT_FLOAT_EQ(e0.max, 60.5f);
    EXPECT_FLOAT_EQ(e0.p95, 57.0f);     // nearest rank: ceil(0.95*60) = 57th value
    const Stat& e1 = b[1].stats[size_t(Metric::Echo)];
    EXPECT_EQ(b[1].count, 30);
    EXPECT_FLOAT_EQ(e1.median, 114.5f);
    // The ten-minute tier holds both minutes in its open bucket.
    const QVector<Bucket> ten = buf.buckets(Tier::TenMinutes);
    ASSERT_EQ(ten.size(), 1);
    EXPECT_EQ(ten[0].count, 90);
    EXPECT_FLOAT_EQ(ten[0].stats[size_t(Metric::Echo)].min, 0.5f);
    EXPECT_FLOAT_EQ(ten[0].stats[size_t(Metric::Echo)].max, 129.5f);
}

TEST(SampleBuffer, AggregatesStayCorrectAfterMinuteRingWraps)
{
    SampleBuffer::Capacity cap;
    cap.raw = 5;
    cap.minute = 3;
    SampleBuffer buf(cap);
    // Five minutes, each with values {m*10 + 1, m*10 + 2, m*10 + 9}.
    for (int m = 0; m < 5; ++m)
        for (int k : {1, 2, 9})
            buf.append(echoSample(kT0 + m * 60000 + k * 1000, float(m * 10 + k)));
    const QVector<Bucket> b = buf.buckets(Tier::Minute);
    ASSERT_EQ(b.size(), 4); // 3 closed (ring full: minute 0 dropped) + the open minute 4
    EXPECT_EQ(b[0].startMs, kT0 + 60000);
    for (int i = 0; i < b.size(); ++i) {
        const int m = i + 1;
        const Stat& st = b[i].stats[size_t(Metric::Echo)];
        EXPECT_FLOAT_EQ(st.median, float(m * 10 + 2)) << "minute " << m;
        EXPECT_FLOAT_EQ(st.min, float(m * 10 + 1) - 0.5f);
        EXPECT_FLOAT_EQ(st.max, float(m * 10 + 9) + 0.5f);
    }
}

TEST(SampleBuffer, TenMinuteMedianIsBoundedReservoirButMinMaxExact)
{
    SampleBuffer buf;
    for (int i = 0; i < 600; ++i)
        buf.append(echoSample(kT0 + i * 1000, float(i)));
    buf.append(echoSample(kT0 + 600000, 1.0f)); // closes the first ten minutes
    const QVector<Bucket> ten = buf.buckets(Tier::TenMinutes);
    ASSERT_EQ(ten.size(), 2);
    const Stat& st = ten[0].stats[size_t(Metric::Echo)];
    EXPECT_EQ(ten[0].count, 600);
    EXPECT_FLOAT_EQ(st.min, -0.5f);
    EXPECT_FLOAT_EQ(st.max, 599.5f);
    // The median comes from a 120-value uniform reservoir: close to the true 299.5.
    EXPECT_NEAR(st.median, 299.5f, 90.0f);
    EXPECT_GE(st.p95, st.median);
}

TEST(SampleBuffer, MissingPhasesAreNotAggregated)
{
    SampleBuffer buf;
    Sample refused;
    refused.timeMs = kT0;
    refused.dns = 0.2f; // DNS worked, TCP refused: nothing else measured
    buf.append(refused);
    buf.append(echoSample(kT0 + 1000, 5.0f));
    const Bucket b = buf.buckets(Tier::Minute).first();
    EXPECT_EQ(b.count, 2);
    EXPECT_EQ(b.okCount, 1);
    EXPECT_FLOAT_EQ(b.stats[size_t(Metric::Echo)].median, 5.0f);
    EXPECT_FLOAT_EQ(b.stats[size_t(Metric::Dns)].median, 0.15f);
}

TEST(SampleBuffer, StateSpansMarkDownTimeAndGaps)
{
    SampleBuffer buf;
    const QString refusedId = QStringLiteral("connection_refused");
    ASSERT_TRUE(allCauseIds().contains(refusedId)) << "a cause id the product produces";
    const quint8 refused = buf.internCause(refusedId);
    for (int i = 0; i < 4; ++i)
        buf.append(echoSample(kT0 + i * 5000, 1.0f));
    for (int i = 4; i < 6; ++i) {
        Sample s;
        s.timeMs = kT0 + i * 5000;
        s.causeIndex = refused;
        buf.append(s);
    }
    buf.append(echoSample(kT0 + 6 * 5000, 1.0f));
    const auto spans = buf.stateSpans(kT0, kT0 + 60000, 10000);
    ASSERT_EQ(spans.size(), 3);
    EXPECT_EQ(spans[0].state, StateSpan::State::Up);
    EXPECT_DOUBLE_EQ(spans[0].toS, double(kT0 + 20000) / 1000.0);
    EXPECT_EQ(spans[1].state, StateSpan::State::Down);
    EXPECT_EQ(buf.causeName(spans[1].causeIndex), QStringLiteral("connection_refused"));
    EXPECT_DOUBLE_EQ(spans[1].toS, double(kT0 + 30000) / 1000.0);
    EXPECT_EQ(spans[2].state, StateSpan::State::Up);
    EXPECT_DOUBLE_EQ(spans[2].toS - spans[2].fromS, 10.0) << "the last span is capped by the gap";
}

TEST(SampleBuffer, LongRangesUseCoarserTiers)
{
    SampleBuffer buf;
    for (qint64 i = 0; i < 3 * 3600; ++i)
        buf.append(echoSample(kT0 + i * 1000, 2.0f));
    const qint64 end = kT0 + 3 * 3600 * 1000;
    EXPECT_EQ(buf.tierFor(end - 300000, end, 4000), Tier::Raw);
    EXPECT_EQ(buf.tierFor(kT0, end, 4000), Tier::Minute) << "raw no longer covers 3 h";
    EXPECT_EQ(buf.tierFor(kT0, end, 100), Tier::TenMinutes);
    const SeriesData d = buf.series(Metric::Echo, kT0, end, 4000);
    EXPECT_EQ(d.tier, Tier::Minute);
    EXPECT_EQ(d.t.size(), 180);
}

TEST(SampleBuffer, CauseTableIsBounded)
{
    SampleBuffer buf;
    for (int i = 0; i < 400; ++i)
        buf.internCause(QStringLiteral("cause_%1").arg(i));
    EXPECT_LE(buf.causes().size(), 255);
    EXPECT_EQ(buf.causeName(buf.internCause(QStringLiteral("another"))), QStringLiteral("other"));
    EXPECT_EQ(buf.causeName(buf.internCause(QStringLiteral("cause_3"))), QStringLiteral("cause_3"));
}
