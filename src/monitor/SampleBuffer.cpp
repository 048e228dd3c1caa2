// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/SampleBuffer.h"

#include <algorithm>
#include <cmath>

namespace socketscope {

namespace {

constexpr qint64 kMinuteMs = 60 * 1000;
constexpr qint64 kTenMinutesMs = 10 * kMinuteMs;

qint64 alignDown(qint64 t, qint64 period)
{
    const qint64 q = t / period;
    return (t % period < 0 ? q - 1 : q) * period;
}

float lowValue(const Sample& s, Metric m) { return m == Metric::Echo && hasValue(s.echoMin) ? s.echoMin : s.value(m); }
float highValue(const Sample& s, Metric m) { return m == Metric::Echo && hasValue(s.echoMax) ? s.echoMax : s.value(m); }

StateSpan::State stateOf(const Sample& s)
{
    if (s.ok())
        return StateSpan::State::Up;
    return s.upgraded() ? StateSpan::State::Degraded : StateSpan::State::Down;
}

} // namespace

SampleBuffer::SampleBuffer() : SampleBuffer(Capacity{}) {}

SampleBuffer::SampleBuffer(const Capacity& capacity)
    : m_raw(capacity.raw), m_minute(capacity.minute), m_tenMinutes(capacity.tenMinutes)
{
    m_causes.append(QString()); // index 0: unknown / none
}

qint64 SampleBuffer::periodMs(Tier tier)
{
    switch (tier) {
    case Tier::Raw: return 0;
    case Tier::Minute: return kMinuteMs;
    case Tier::TenMinutes: return kTenMinutesMs;
    }
    return 0;
}

quint8 SampleBuffer::internCause(const QString& cause)
{
    const qsizetype i = m_causes.indexOf(cause);
    if (i >= 0)
        return quint8(i);
    if (m_causes.size() >= 255) {
        const qsizetype other = m_causes.indexOf(QStringLiteral("other"));
        if (other >= 0)
            return quint8(other);
        m_causes[254] = QStringLiteral("other");
        return 254;
    }
    m_causes.append(cause);
    return quint8(m_causes.size() - 1);
}

QString SampleBuffer::causeName(quint8 index) const
{
    return index < m_causes.size() ? m_causes.at(index) : QString();
}

void SampleBuffer::Open::reset(qint64 startMs)
{
    active = true;
    bucket = Bucket{};
    bucket.startMs = startMs;
    for (auto& v : values) {
        v.clear();
        v.reserve(kReservoir);
    }
    seen.fill(0);
}

void SampleBuffer::Open::add(const Sample& s)
{
    if (bucket.count < 0xffff)
        ++bucket.count;
    if (s.ok() && bucket.okCount < 0xffff)
        ++bucket.okCount;
    if (s.upgraded() && bucket.upCount < 0xffff)
        ++bucket.upCount;
    if (!s.ok() && s.causeIndex != 0)
        bucket.lastCause = s.causeIndex;
    for (int i = 0; i < kMetricCount; ++i) {
        const auto m = Metric(i);
        const float v = s.value(m);
        if (!hasValue(v))
            continue;
        Stat& st = bucket.stats[size_t(i)];
        const float lo = lowValue(s, m), hi = highValue(s, m);
        st.min = hasValue(st.min) ? std::min(st.min, lo) : lo;
        st.max = hasValue(st.max) ? std::max(st.max, hi) : hi;
        // Reservoir sampling keeps an unbiased bounded subset; exact while count <= kReservoir.
        auto& vals = values[size_t(i)];
        const int n = ++seen[size_t(i)];
        if (vals.size() < kReservoir) {
            vals.append(v);
        } else {
            rng = rng * 1664525u + 1013904223u;
            const auto j = int(rng % quint32(n));
            if (j < kReservoir)
                vals[j] = v;
        }
    }
}

Stat SampleBuffer::statOf(QVector<float> values, float mn, float mx)
{
    Stat st;
    if (values.isEmpty())
        return st;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    st.median = n % 2 ? values.at(n / 2) : (values.at(n / 2 - 1) + values.at(n / 2)) / 2.0f;
    const auto rank = qsizetype(std::ceil(0.95 * double(n))) - 1;
    st.p95 = values.at(std::clamp<qsizetype>(rank, 0, n - 1));
    st.min = mn;
    st.max = mx;
    return st;
}

Bucket SampleBuffer::Open::finish() const
{
    Bucket b = bucket;
    for (size_t i = 0; i < size_t(kMetricCount); ++i)
        b.stats[i] = statOf(values[i], bucket.stats[i].min, bucket.stats[i].max);
    return b;
}

void SampleBuffer::roll(Tier tier, RingBuffer<Bucket>& ring, Open& open, const Sample& s)
{
    const qint64 start = alignDown(s.timeMs, periodMs(tier));
    if (!open.active) {
        open.reset(start);
    } else if (start > open.bucket.startMs) {
        ring.push(open.finish());
        open.reset(start);
    }
    // A sample older than the open bucket (clock stepped back) is folded into the open bucket.
    open.add(s);
}

void SampleBuffer::append(const Sample& s)
{
    m_raw.push(s);
    ++m_total;
    roll(Tier::Minute, m_minute, m_openMinute, s);
    roll(Tier::TenMinutes, m_tenMinutes, m_openTen, s);
}

QVector<Bucket> SampleBuffer::buckets(Tier tier) const
{
    QVector<Bucket> out;
    const RingBuffer<Bucket>* ring = tier == Tier::Minute ? &m_minute : tier == Tier::TenMinutes ? &m_tenMinutes : nullptr;
    const Open* open = tier == Tier::Minute ? &m_openMinute : tier == Tier::TenMinutes ? &m_openTen : nullptr;
    if (!ring)
        return out;
    out.reserve(ring->size() + 1);
    for (int i = 0; i < ring->size(); ++i)
        out.append(ring->at(i));
    if (open->active)
        out.append(open->finish());
    return out;
}

int SampleBuffer::closedBucketCount(Tier tier) const
{
    return tier == Tier::Minute ? m_minute.size() : tier == Tier::TenMinutes ? m_tenMinutes.size() : 0;
}

qint64 SampleBuffer::oldestMs(Tier tier) const
{
    switch (tier) {
    case Tier::Raw: return m_raw.isEmpty() ? 0 : m_raw.at(0).timeMs;
    case Tier::Minute:
        return !m_minute.isEmpty() ? m_minute.at(0).startMs : m_openMinute.active ? m_openMinute.bucket.startMs : 0;
    case Tier::TenMinutes:
        return !m_tenMinutes.isEmpty() ? m_tenMinutes.at(0).startMs : m_openTen.active ? m_openTen.bucket.startMs : 0;
    }
    return 0;
}

Tier SampleBuffer::tierFor(qint64 fromMs, qint64 toMs, int maxPoints) const
{
    const bool rawComplete = m_total == m_raw.size();
    if (rawComplete || oldestMs(Tier::Raw) <= fromMs) {
        int n = 0;
        for (int i = 0; i < m_raw.size(); ++i) {
            const qint64 t = m_raw.at(i).timeMs;
            if (t >= fromMs && t <= toMs)
                ++n;
        }
        if (n <= maxPoints)
            return Tier::Raw;
    }
    const bool minuteComplete = m_minute.size() < m_minute.capacity();
    const qint64 minutes = (toMs - fromMs) / kMinuteMs + 1;
    if ((minuteComplete || oldestMs(Tier::Minute) <= fromMs) && minutes <= maxPoints)
        return Tier::Minute;
    return Tier::TenMinutes;
}

SeriesData SampleBuffer::series(Metric metric, qint64 fromMs, qint64 toMs, int maxPoints) const
{
    SeriesData d;
    d.tier = tierFor(fromMs, toMs, maxPoints);
    const auto add = [&d](double t, float med, float lo, float p95, float hi) {
        d.t.append(t);
        d.median.append(double(med));
        d.min.append(double(lo));
        d.p95.append(double(p95));
        d.max.append(double(hi));
    };
    if (d.tier == Tier::Raw) {
        for (int i = 0; i < m_raw.size(); ++i) {
            const Sample& s = m_raw.at(i);
            const float v = s.value(metric);
            if (s.timeMs < fromMs || s.timeMs > toMs || !hasValue(v))
                continue;
            add(double(s.timeMs) / 1000.0, v, lowValue(s, metric), v, highValue(s, metric));
        }
        return d;
    }
    const qint64 period = periodMs(d.tier);
    for (const Bucket& b : buckets(d.tier)) {
        const Stat& st = b.stats[size_t(metric)];
        if (b.startMs + period < fromMs || b.startMs > toMs || !hasValue(st.median))
            continue;
        add(double(b.startMs + period / 2) / 1000.0, st.median, st.min, st.p95, st.max);
    }
    return d;
}

QVector<StateSpan> SampleBuffer::stateSpans(qint64 fromMs, qint64 toMs, qint64 gapMs, int maxPoints) const
{
    QVector<StateSpan> out;
    const auto push = [&out](qint64 a, qint64 b, StateSpan::State st, quint8 cause) {
        const double from = double(a) / 1000.0, to = double(b) / 1000.0;
        if (!out.isEmpty() && out.last().state == st && out.last().causeIndex == cause
            && std::abs(out.last().toS - from) < 1e-6) {
            out.last().toS = to;
            return;
        }
        out.append(StateSpan{from, to, st, cause});
    };
    if (tierFor(fromMs, toMs, maxPoints) == Tier::Raw) {
        for (int i = 0; i < m_raw.size(); ++i) {
            const Sample& s = m_raw.at(i);
            if (s.timeMs > toMs)
                break;
            qint64 end = s.timeMs + gapMs;
            if (i + 1 < m_raw.size())
                end = std::min(end, m_raw.at(i + 1).timeMs);
            if (end < fromMs)
                continue;
            push(s.timeMs, end, stateOf(s), s.ok() ? quint8(0) : s.causeIndex);
        }
        return out;
    }
    const Tier tier = tierFor(fromMs, toMs, maxPoints);
    const qint64 period = periodMs(tier);
    for (const Bucket& b : buckets(tier)) {
        if (b.startMs + period < fromMs || b.startMs > toMs || b.count == 0)
            continue;
        const auto st = b.okCount == b.count ? StateSpan::State::Up
                        : b.upCount == 0     ? StateSpan::State::Down
                                             : StateSpan::State::Degraded;
        push(b.startMs, b.startMs + period, st, st == StateSpan::State::Up ? quint8(0) : b.lastCause);
    }
    return out;
}

qsizetype SampleBuffer::memoryBytes() const
{
    qsizetype bytes = qsizetype(sizeof(*this)) + m_raw.storageBytes() + m_minute.storageBytes()
                      + m_tenMinutes.storageBytes();
    for (const Open* o : {&m_openMinute, &m_openTen})
        for (const auto& v : o->values)
            bytes += v.capacity() * qsizetype(sizeof(float));
    for (const QString& c : m_causes)
        bytes += c.capacity() * 2 + 24;
    return bytes;
}

} // namespace socketscope
