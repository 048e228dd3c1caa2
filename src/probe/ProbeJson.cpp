// SPDX-License-Identifier: GPL-3.0-or-later
#include "probe/ProbeJson.h"

#include "diagnosis/Diagnosis.h"

#include <QJsonArray>

namespace socketscope {

namespace {
QJsonValue num(const std::optional<double>& v) { return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null); }
QJsonValue num(const std::optional<int>& v) { return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null); }

QJsonObject rtt(const RttStats& s)
{
    return QJsonObject{{QStringLiteral("count"), s.count}, {QStringLiteral("min"), s.min}, {QStringLiteral("median"), s.median},
                       {QStringLiteral("p95"), s.p95}, {QStringLiteral("max"), s.max}};
}
QJsonValue text(const QString& s) { return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s); }

// The "app" object; null before an upgrade decided the protocol.
QJsonValue appToJson(const AppInfo& a)
{
    if (a.protocol.isEmpty())
        return QJsonValue(QJsonValue::Null);
    return QJsonObject{{QStringLiteral("protocol"), a.protocol},
                       {QStringLiteral("detected_by"), appDetectedByName(a.detectedBy)},
                       {QStringLiteral("version"), text(a.version)},
                       {QStringLiteral("session"), text(a.session)},
                       {QStringLiteral("heartbeat_interval_ms"), num(a.heartbeatIntervalMs)},
                       {QStringLiteral("heartbeats_answered"), a.heartbeatsAnswered},
                       {QStringLiteral("round_trips"), a.roundTrips},
                       {QStringLiteral("rtt_ms"), QJsonObject{{QStringLiteral("min"), a.rtt.min},
                                                              {QStringLiteral("median"), a.rtt.median},
                                                              {QStringLiteral("p95"), a.rtt.p95},
                                                              {QStringLiteral("max"), a.rtt.max}}},
                       {QStringLiteral("refusal"), text(a.refusal)}};
}
QString ms(const std::optional<double>& v) { return v ? QStringLiteral("%1 ms").arg(*v, 0, 'f', 2) : QStringLiteral("—"); }
} // namespace

QJsonObject probeResultToJson(const ProbeResult& r)
{
    QJsonObject o;
    o.insert(QStringLiteral("url"), r.url);
    o.insert(QStringLiteral("cause"), r.cause);
    o.insert(QStringLiteral("ok"), r.ok);
    o.insert(QStringLiteral("http_status"), num(r.httpStatus));
    o.insert(QStringLiteral("close_code"), num(r.closeCode));
    o.insert(QStringLiteral("close_reason"), r.closeReason);
    const QString by = closedById(r.closedBy);
    o.insert(QStringLiteral("closed_by"), by.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(by));
    o.insert(QStringLiteral("timings_ms"), QJsonObject{{QStringLiteral("dns"), num(r.timings.dns)},
                                                       {QStringLiteral("connect"), num(r.timings.connect)},
                                                       {QStringLiteral("tls"), num(r.timings.tls)},
                                                       {QStringLiteral("upgrade"), num(r.timings.upgrade)},
                                                       {QStringLiteral("first_echo"), num(r.timings.firstEcho)}});
    o.insert(QStringLiteral("rtt_ms"), rtt(r.echoRtt));
    o.insert(QStringLiteral("idle_cutoff_s"), num(r.idleCutoffS));
    o.insert(QStringLiteral("held_s"), r.heldS);
    QJsonObject headers;
    for (const auto& h : r.responseHeaders) {
        const QString key = h.first.toLower();
        headers.insert(key, headers.contains(key) ? headers.value(key).toString() + QStringLiteral(", ") + h.second : h.second);
    }
    o.insert(QStringLiteral("response_headers"), headers);
    o.insert(QStringLiteral("evidence"), QJsonArray::fromStringList(r.evidence));
    o.insert(QStringLiteral("advice"), QJsonArray::fromStringList(r.advice));
    // Beyond the contract's fields (additive):
    o.insert(QStringLiteral("status_line"), r.statusLine);
    o.insert(QStringLiteral("body_excerpt"), QString::fromUtf8(r.bodyExcerpt));
    o.insert(QStringLiteral("error_phase"), r.errorPhase);
    o.insert(QStringLiteral("error"), r.errorString);
    o.insert(QStringLiteral("protocol_error"), r.protocolError);
    o.insert(QStringLiteral("subprotocol"), r.subprotocol);
    o.insert(QStringLiteral("extensions"), r.extensions);
    o.insert(QStringLiteral("compressed_messages"), r.compressedMessages);
    o.insert(QStringLiteral("resolved_address"), r.resolvedAddress);
    o.insert(QStringLiteral("echo"), QJsonObject{{QStringLiteral("sent"), r.echoSent}, {QStringLiteral("received"), r.echoReceived}});
    QJsonObject ping = rtt(r.pingRtt);
    ping.insert(QStringLiteral("sent"), r.pingsSent);
    ping.insert(QStringLiteral("received"), r.pongsReceived);
    o.insert(QStringLiteral("ping_rtt_ms"), ping);
    o.insert(QStringLiteral("bolt_ms"), num(r.boltHandshakeMs));
    o.insert(QStringLiteral("bolt_version"), r.boltVersion.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                     : QJsonValue(QString::fromLatin1(r.boltVersion.toHex())));
    if (r.tls.used)
        o.insert(QStringLiteral("tls"), QJsonObject{{QStringLiteral("protocol"), r.tls.protocol},
                                                    {QStringLiteral("subject"), r.tls.peerSubject},
                                                    {QStringLiteral("issuer"), r.tls.peerIssuer},
                                                    {QStringLiteral("not_after"), r.tls.notAfter.toUTC().toString(Qt::ISODate)},
                                                    {QStringLiteral("days_to_expiry"), num(r.tls.daysToExpiry)},
                                                    {QStringLiteral("errors"), QJsonArray::fromStringList(r.tls.errors)},
                                                    {QStringLiteral("insecure"), r.tls.insecure},
                                                    {QStringLiteral("pinned"), r.tls.pinned}});
    else
        o.insert(QStringLiteral("tls"), QJsonValue(QJsonValue::Null));
    o.insert(QStringLiteral("proxy"), r.proxy.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(r.proxy));
    o.insert(QStringLiteral("app"), appToJson(r.app));
    return o;
}

QString probeResultToText(const ProbeResult& r)
{
    QString t;
    t += r.url + QLatin1Char('\n');
    t += QStringLiteral("  %1: %2 — %3\n").arg(r.ok ? QStringLiteral("OK") : QStringLiteral("PROBLEM"), r.cause, causeSentence(r));
    t += QStringLiteral("  DNS %1 · TCP %2 · TLS %3 · upgrade %4 · first echo %5\n")
             .arg(ms(r.timings.dns), ms(r.timings.connect), ms(r.timings.tls), ms(r.timings.upgrade), ms(r.timings.firstEcho));
    if (!r.app.protocol.isEmpty())
        t += QStringLiteral("  application: %1 (%2)%3\n").arg(r.app.protocol, appDetectedByName(r.app.detectedBy))
                 .arg(r.app.roundTrips > 0 ? QStringLiteral(" · %1 round trip(s), median %2 ms").arg(r.app.roundTrips)
                                                 .arg(r.app.rtt.median, 0, 'f', 2)
                                           : QString());
    if (!r.extensions.isEmpty())
        t += QStringLiteral("  extensions: %1 (%2 compressed message(s) received)\n").arg(r.extensions).arg(r.compressedMessages);
    if (r.idleCutoffS)
        t += QStringLiteral("  idle cutoff: %1 s\n").arg(*r.idleCutoffS, 0, 'f', 2);
    t += QStringLiteral("  evidence:\n");
    for (const QString& e : r.evidence)
        t += QStringLiteral("    - ") + e + QLatin1Char('\n');
    if (!r.advice.isEmpty()) {
        t += QStringLiteral("  advice:\n");
        for (const QString& a : r.advice)
            t += QStringLiteral("    - ") + a + QLatin1Char('\n');
    }
    return t;
}

} // namespace socketscope
