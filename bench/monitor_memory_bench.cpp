// SPDX-License-Identifier: GPL-3.0-or-later
// Memory for 24 h x 50 monitors at 1 Hz in SampleBuffers (raw + 1 min + 10 min tiers), next to
// the process's resident memory before filling them (the reference) and to what keeping every raw
// sample would cost. Run: build/release/bench/monitor_memory_bench
#include "monitor/SampleBuffer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>

#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

using namespace socketscope;

namespace {

// Resident set size in bytes (Linux /proc; 0 elsewhere: the bench then reports the buffers' own count).
qint64 rssBytes()
{
    QFile f(QStringLiteral("/proc/self/statm"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QList<QByteArray> parts = f.readAll().split(' ');
    return parts.size() > 1 ? parts[1].toLongLong() * 4096 : 0;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    constexpr int kMonitors = 50;
    constexpr qint64 kSeconds = 24 * 3600;
    const qint64 rssBefore = rssBytes();
    QElapsedTimer timer;
    timer.start();
    std::vector<std::unique_ptr<SampleBuffer>> buffers;
    for (int m = 0; m < kMonitors; ++m)
        buffers.push_back(std::make_unique<SampleBuffer>());
    const qint64 t0 = 1767225600000;
    for (qint64 i = 0; i < kSeconds; ++i) {
        for (int m = 0; m < kMonitors; ++m) {
            Sample s;
            s.timeMs = t0 + i * 1000;
            s.dns = 0.2f;
            s.connect = 0.3f;
            s.upgrade = 1.0f + float(m) * 0.01f;
            const float e = 0.5f + 0.2f * float(std::sin(double(i) * 0.01 + m));
            s.echoMin = e * 0.8f;
            s.echoMedian = e;
            s.echoMax = e * 1.3f;
            s.ping = e;
            s.flags = Sample::Ok | Sample::Upgraded;
            buffers[size_t(m)]->append(s);
        }
    }
    const double fillS = double(timer.elapsed()) / 1000.0;
    const qint64 rssAfter = rssBytes();
    qint64 counted = 0;
    for (const auto& b : buffers)
        counted += b->memoryBytes();
    const double mb = 1024.0 * 1024.0;
    std::printf("24 h x %d monitors at 1 Hz: %lld samples appended in %.1f s\n", kMonitors,
                static_cast<long long>(kSeconds * kMonitors), fillS);
    std::printf("buffers' own count: %.1f MB (goal <= 64 MB)\n", double(counted) / mb);
    std::printf("process RSS growth: %.1f MB   | reference: RSS before filling %.1f MB; every raw sample kept would be %.1f MB\n",
                double(rssAfter - rssBefore) / mb, double(rssBefore) / mb,
                double(kSeconds * kMonitors * qint64(sizeof(Sample))) / mb);
    return 0;
}
