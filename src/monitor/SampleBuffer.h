// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/RingBuffer.h"
#include "monitor/Sample.h"

#include <QStringList>
#include <QVector>

#include <array>

namespace socketscope {

// Aggregation tiers: every raw sample, 1-minute buckets, 10-minute buckets.
enum class Tier : quint8 { Raw, Minute, TenMinutes };

// min / median / p95 / max of one metric over a bucket (NaN when nothing was measured).
struct Stat {
    float min = Sample::kNone, median = Sample::kNone, p95 = Sample::kNone, max = Sample::kNone;
};

// One aggregation period. Start is aligned to a multiple of the period since the epoch (UTC).
struct Bucket {
    qint64 startMs = 0;
    quint16 count = 0;      // probes in the bucket
    quint16 okCount = 0;    // probes the diagnosis called ok
    quint16 upCount = 0;    // probes that reached HTTP 101
    quint8 lastCause = 0;   // cause index of the last non-ok probe (0: none)
    std::array<Stat, kMetricCount> stats{};
};

// What a chart plots for one metric over a time range: x in seconds since the epoch.
struct SeriesData {
    Tier tier = Tier::Raw;
    QVector<double> t, median, min, max, p95;
};

// Up/down state over a time span, for the connection-state timeline.
struct StateSpan {
    enum class State : quint8 { Up, Degraded, Down };
    double fromS = 0, toS = 0;  // seconds since the epoch
    State state = State::Up;
    quint8 causeIndex = 0;
};

// A bounded sample store for one monitor: a raw ring plus 1-minute and 10-minute aggregate rings.
// All storage is allocated up front; memory does not grow with time. Not thread-safe (owned by
// the monitor's thread, which is the GUI thread: appends are cheap).
class SampleBuffer {
public:
    struct Capacity {
        int raw = 3600;       // 1 h at 1 Hz, 5 h at the default 5 s interval
        int minute = 1440;    // 24 h
        int tenMinutes = 1008; // 7 days
    };
    static constexpr int kReservoir = 120; // values kept per metric of an open bucket

    explicit SampleBuffer(const Capacity& capacity);
    SampleBuffer();

    // Adds a probe's sample; closes the open buckets it no longer falls into.
    void append(const Sample& s);
    // Returns the index of a cause id in causes(), adding it (at most 255 distinct causes; more map to "other").
    quint8 internCause(const QString& cause);
    const QStringList& causes() const { return m_causes; }
    QString causeName(quint8 index) const;

    int rawCount() const { return m_raw.size(); }
    const Sample& raw(int i) const { return m_raw.at(i); } // 0 = oldest
    qint64 totalAppended() const { return m_total; }
    // Closed buckets of a tier plus a snapshot of the open one, oldest first (Raw: empty).
    QVector<Bucket> buckets(Tier tier) const;
    int closedBucketCount(Tier tier) const;
    // Oldest time (ms) a tier still covers; 0 when empty.
    qint64 oldestMs(Tier tier) const;
    qint64 newestMs() const { return m_raw.isEmpty() ? 0 : m_raw.last().timeMs; }

    // The series for a metric over [fromMs, toMs], from the finest tier that covers the range
    // with at most maxPoints points (raw: band = the probe's echo min..max).
    SeriesData series(Metric metric, qint64 fromMs, qint64 toMs, int maxPoints = 4000) const;
    // Up/degraded/down spans over [fromMs, toMs] from the same tier choice. A raw span lasts until
    // the next sample (capped at gapMs, after which nothing is known).
    QVector<StateSpan> stateSpans(qint64 fromMs, qint64 toMs, qint64 gapMs, int maxPoints = 4000) const;
    // Which tier series()/stateSpans() would use for this range.
    Tier tierFor(qint64 fromMs, qint64 toMs, int maxPoints) const;

    // Bytes held (storage of the rings and open buckets), for the memory budget.
    qsizetype memoryBytes() const;
    static qint64 periodMs(Tier tier);

private:
    struct Open {
        bool active = false;
        Bucket bucket;
        std::array<QVector<float>, kMetricCount> values; // bounded reservoir per metric
        std::array<int, kMetricCount> seen{};
        quint32 rng = 0x9e3779b9u;
        void reset(qint64 startMs);
        void add(const Sample& s);
        Bucket finish() const;
    };
    static Stat statOf(QVector<float> values, float mn, float mx);
    void roll(Tier tier, RingBuffer<Bucket>& ring, Open& open, const Sample& s);

    RingBuffer<Sample> m_raw;
    RingBuffer<Bucket> m_minute;
    RingBuffer<Bucket> m_tenMinutes;
    Open m_openMinute;
    Open m_openTen;
    QStringList m_causes;
    qint64 m_total = 0;
};

} // namespace socketscope
