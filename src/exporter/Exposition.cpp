// SPDX-License-Identifier: GPL-3.0-or-later
#include "exporter/Exposition.h"

#include <QLocale>

#include <cmath>

namespace socketscope {

void ExpositionWriter::family(const char* name, Type type, const char* help)
{
    m_name = name;
    m_out += "# HELP " + m_name + ' ' + help + '\n';
    m_out += "# TYPE " + m_name + (type == Type::Counter ? " counter\n" : " gauge\n");
}

void ExpositionWriter::sample(const QList<QPair<QString, QString>>& labels, double value)
{
    m_out += m_name;
    if (!labels.isEmpty()) {
        m_out += '{';
        for (qsizetype i = 0; i < labels.size(); ++i) {
            if (i > 0)
                m_out += ',';
            m_out += labels[i].first.toUtf8() + "=\"" + escapeLabelValue(labels[i].second).toUtf8() + '"';
        }
        m_out += '}';
    }
    m_out += ' ' + formatValue(value) + '\n';
}

QByteArray ExpositionWriter::formatValue(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    if (value == std::floor(value) && std::fabs(value) < 1e15)
        return QByteArray::number(qint64(value));
    return QString::number(value, 'g', QLocale::FloatingPointShortest).toLatin1();
}

QString ExpositionWriter::escapeLabelValue(const QString& value)
{
    QString out;
    out.reserve(value.size());
    for (QChar c : value) {
        if (c == QLatin1Char('\\'))
            out += QLatin1String("\\\\");
        else if (c == QLatin1Char('"'))
            out += QLatin1String("\\\"");
        else if (c == QLatin1Char('\n'))
            out += QLatin1String("\\n");
        else
            out += c;
    }
    return out;
}

namespace {

// The round trip that best stands for the endpoint: the application's own (echo, Socket.IO ack,
// GraphQL query, MQTT ping), else the echo, else the WebSocket ping.
const RttStats* representativeRtt(const ProbeResult& r)
{
    if (r.app.roundTrips > 0 && r.app.rtt.count > 0)
        return &r.app.rtt;
    if (r.echoRtt.count > 0)
        return &r.echoRtt;
    if (r.pingRtt.count > 0)
        return &r.pingRtt;
    return nullptr;
}

} // namespace

QByteArray probeExposition(const ProbeResult& r, double durationS, bool deadlineHit)
{
    using T = ExpositionWriter::Type;
    ExpositionWriter w;
    w.family("socketscope_probe_success", T::Gauge, "1 when the probe found the endpoint working (cause ok), else 0.");
    w.sample(r.ok && !deadlineHit ? 1 : 0);
    if (!r.cause.isEmpty()) {
        w.family("socketscope_probe_cause", T::Gauge, "The diagnosed cause of this probe (1 for the cause seen).");
        w.sample({ { QStringLiteral("cause"), r.cause } }, 1);
    }
    w.family("socketscope_probe_duration_seconds", T::Gauge, "Wall-clock duration of the whole probe, hold included.");
    w.sample(durationS);
    // first_message: the first round trip after the upgrade — the echo, else the application's
    // own first round trip (a ping for `none`, an ack, a query answer).
    std::optional<double> firstMessage = r.timings.firstEcho;
    if (!firstMessage && !r.app.rtt.samples.isEmpty())
        firstMessage = r.app.rtt.samples.first();
    const QList<QPair<const char*, std::optional<double>>> phases
        = { { "dns", r.timings.dns }, { "tcp", r.timings.connect }, { "tls", r.timings.tls },
              { "upgrade", r.timings.upgrade }, { "first_message", firstMessage } };
    bool anyPhase = false;
    for (const auto& p : phases) {
        if (!p.second)
            continue;
        if (!anyPhase)
            w.family("socketscope_probe_phase_seconds", T::Gauge, "Duration of each phase the probe reached.");
        anyPhase = true;
        w.sample({ { QStringLiteral("phase"), QString::fromLatin1(p.first) } }, *p.second / 1000.0);
    }
    if (const RttStats* rtt = representativeRtt(r)) {
        w.family("socketscope_probe_rtt_seconds", T::Gauge,
            "Median round trip after the upgrade (application, echo or ping round trip).");
        w.sample(rtt->median / 1000.0);
    }
    if (r.httpStatus) {
        w.family("socketscope_probe_http_status", T::Gauge, "HTTP status of the upgrade answer (101 when upgraded).");
        w.sample(*r.httpStatus);
    }
    if (r.closeCode) {
        w.family(
            "socketscope_probe_close_code", T::Gauge, "WebSocket close code (1006: closed without a close frame).");
        w.sample(*r.closeCode);
    }
    if (r.idleCutoffS) {
        w.family("socketscope_probe_idle_cutoff_seconds", T::Gauge,
            "Seconds of idleness after which something on the path closed the connection.");
        w.sample(*r.idleCutoffS);
    }
    if (r.app.heartbeatIntervalMs) {
        w.family("socketscope_probe_app_heartbeat_interval_seconds", T::Gauge,
            "The application protocol's heartbeat interval (Engine.IO pingInterval, MQTT keep-alive), when it has "
            "one.");
        w.sample(*r.app.heartbeatIntervalMs / 1000.0);
    }
    if (r.tls.used && r.tls.notAfter.isValid()) {
        w.family("socketscope_probe_tls_expiry_timestamp_seconds", T::Gauge,
            "Expiry of the server's TLS certificate, Unix time in seconds.");
        w.sample(double(r.tls.notAfter.toSecsSinceEpoch()));
    }
    return w.text();
}

QByteArray ExporterCounters::exposition() const
{
    using T = ExpositionWriter::Type;
    ExpositionWriter w;
    w.family("socketscope_exporter_probes_total", T::Counter, "Probes run, by module and result (success or failure).");
    for (auto it = probes.begin(); it != probes.end(); ++it)
        w.sample({ { QStringLiteral("module"), it.key().first }, { QStringLiteral("result"), it.key().second } },
            double(it.value()));
    w.family("socketscope_exporter_probes_in_flight", T::Gauge, "Probes running now.");
    w.sample(inFlight);
    w.family("socketscope_exporter_probes_queued", T::Gauge, "Probe requests waiting for a free slot.");
    w.sample(queued);
    w.family("socketscope_exporter_concurrency_limit", T::Gauge, "Probes that may run at once (--concurrency).");
    w.sample(concurrency);
    w.family("socketscope_exporter_errors_total", T::Counter,
        "Requests answered without a probe result, by reason (bad_request, forbidden, unknown_module, "
        "overloaded, queue_timeout, module_secret, not_found, request_timeout, deadline).");
    for (auto it = errors.begin(); it != errors.end(); ++it)
        w.sample({ { QStringLiteral("reason"), it.key() } }, double(it.value()));
    w.family("socketscope_exporter_http_responses_total", T::Counter, "HTTP responses sent, by status code.");
    for (auto it = responses.begin(); it != responses.end(); ++it)
        w.sample({ { QStringLiteral("code"), QString::number(it.key()) } }, double(it.value()));
    return w.text();
}

} // namespace socketscope
