// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The compact per-probe record a monitor keeps (48 bytes), and the metrics charts ask for.

#include "probe/ProbeTypes.h"

#include <QMetaType>
#include <QtGlobal>

#include <cmath>
#include <limits>

namespace socketscope {

// A metric a chart or an aggregate bucket can show, in milliseconds.
enum class Metric : quint8 { Dns, Connect, Tls, Upgrade, Echo, Ping, Count };
constexpr int kMetricCount = int(Metric::Count);

// Stable ids used in CSV/JSON column names ("dns_ms", ...).
const char* metricId(Metric m);

// One probe as a monitor remembers it. Times are milliseconds; NaN means "phase not reached".
struct Sample {
    enum Flag : quint8 {
        Ok = 0x01,          // the diagnosis said "ok"
        Upgraded = 0x02,    // HTTP 101 seen: the WebSocket was up
        ClosedByMask = 0x38, // ClosedBy << 3
    };
    static constexpr float kNone = std::numeric_limits<float>::quiet_NaN();

    qint64 timeMs = 0;      // wall clock, ms since the epoch (UTC)
    float dns = kNone, connect = kNone, tls = kNone, upgrade = kNone;
    float echoMin = kNone, echoMedian = kNone, echoMax = kNone; // the echo's, else the application's round trip
    float ping = kNone;     // ping RTT median
    quint16 httpStatus = 0; // 0: no HTTP response
    quint16 closeCode = 0;  // 0: no close seen
    quint8 causeIndex = 0;  // into SampleBuffer::causes()
    quint8 flags = 0;
    quint8 app = 0;         // the AppProtocolId the probe spoke (0 = Auto: no upgrade, not decided)

    bool ok() const { return flags & Ok; }
    bool upgraded() const { return flags & Upgraded; }
    ClosedBy closedBy() const { return ClosedBy((flags & ClosedByMask) >> 3); }
    void setClosedBy(ClosedBy c) { flags = quint8((flags & ~ClosedByMask) | ((quint8(c) << 3) & ClosedByMask)); }
    // The value a chart plots for a metric (the echo median for Echo); NaN when not measured.
    float value(Metric m) const;
};

// Builds a sample from a probe result; the cause index is resolved by the caller's buffer.
Sample sampleFromResult(const ProbeResult& r, quint8 causeIndex);

static_assert(sizeof(Sample) <= 48, "Sample must stay compact: 24 h x 50 monitors budget");

inline bool hasValue(float v) { return !std::isnan(v); }

} // namespace socketscope

Q_DECLARE_METATYPE(socketscope::Sample)
