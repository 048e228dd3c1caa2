// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Prometheus text exposition format (version 0.0.4) of one probe and of the exporter's own
// counters. Metric names are the contract (README "Prometheus exporter").

#include "probe/ProbeTypes.h"

#include <QByteArray>
#include <QMap>
#include <QPair>
#include <QString>

namespace socketscope {

// The Content-Type of everything below.
inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

// One metric family being written: HELP and TYPE once, then samples.
class ExpositionWriter {
public:
    enum class Type { Gauge, Counter };
    void family(const char* name, Type type, const char* help);
    // A sample of the current family; labels as (name, value) pairs, values escaped here.
    void sample(const QList<QPair<QString, QString>>& labels, double value);
    void sample(double value) { sample({}, value); }
    QByteArray text() const { return m_out; }

    static QByteArray formatValue(double value);
    static QString escapeLabelValue(const QString& value);

private:
    QByteArray m_out;
    QByteArray m_name;
};

// The probe's metrics: success, cause, phase durations, round trip, HTTP status, close code, idle
// cutoff and TLS expiry — each only when the probe saw it — and the probe's wall-clock duration.
// deadlineHit: the exporter cut the probe short (then success is 0 whatever the diagnosis).
QByteArray probeExposition(const ProbeResult& result, double durationS, bool deadlineHit = false);

// The exporter's own counters (GET /metrics).
struct ExporterCounters {
    QMap<QPair<QString, QString>, quint64> probes; // (module, "success"|"failure") → count
    QMap<QString, quint64> errors; // reason id → count (bad_request, forbidden, ...)
    QMap<int, quint64> responses; // HTTP status → count
    int inFlight = 0;
    int queued = 0;
    int concurrency = 0;
    QByteArray exposition() const;
};

} // namespace socketscope
