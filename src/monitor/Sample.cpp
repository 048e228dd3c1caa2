// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/Sample.h"

namespace socketscope {

const char* metricId(Metric m)
{
    switch (m) {
    case Metric::Dns: return "dns_ms";
    case Metric::Connect: return "tcp_ms";
    case Metric::Tls: return "tls_ms";
    case Metric::Upgrade: return "upgrade_ms";
    case Metric::Echo: return "echo_ms";
    case Metric::Ping: return "ping_ms";
    case Metric::Count: break;
    }
    return "";
}

float Sample::value(Metric m) const
{
    switch (m) {
    case Metric::Dns: return dns;
    case Metric::Connect: return connect;
    case Metric::Tls: return tls;
    case Metric::Upgrade: return upgrade;
    case Metric::Echo: return echoMedian;
    case Metric::Ping: return ping;
    case Metric::Count: break;
    }
    return kNone;
}

namespace {
float opt(const std::optional<double>& v) { return v ? float(*v) : Sample::kNone; }
} // namespace

Sample sampleFromResult(const ProbeResult& r, quint8 causeIndex)
{
    Sample s;
    s.timeMs = r.startedAt.isValid() ? r.startedAt.toMSecsSinceEpoch() : QDateTime::currentMSecsSinceEpoch();
    s.dns = opt(r.timings.dns);
    s.connect = opt(r.timings.connect);
    s.tls = opt(r.timings.tls);
    s.upgrade = opt(r.timings.upgrade);
    // The round trip: the echo's, or the application's own (Socket.IO, GraphQL, MQTT, Bolt).
    const RttStats& roundTrip = r.echoRtt.count > 0 ? r.echoRtt : r.app.rtt;
    if (roundTrip.count > 0) {
        s.echoMin = float(roundTrip.min);
        s.echoMedian = float(roundTrip.median);
        s.echoMax = float(roundTrip.max);
    }
    if (r.pingRtt.count > 0)
        s.ping = float(r.pingRtt.median);
    if (r.httpStatus && *r.httpStatus > 0 && *r.httpStatus < 65536)
        s.httpStatus = quint16(*r.httpStatus);
    if (r.closeCode && *r.closeCode > 0 && *r.closeCode < 65536)
        s.closeCode = quint16(*r.closeCode);
    s.causeIndex = causeIndex;
    s.app = quint8(appProtocolFromName(r.app.protocol).value_or(AppProtocolId::Auto));
    if (r.ok)
        s.flags |= Sample::Ok;
    if (r.httpStatus && *r.httpStatus == 101)
        s.flags |= Sample::Upgraded;
    s.setClosedBy(r.closedBy);
    return s;
}

} // namespace socketscope
