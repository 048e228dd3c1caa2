// SPDX-License-Identifier: GPL-3.0-or-later
#include "diagnosis/Diagnosis.h"

#include <QUrl>

namespace socketscope {

const QStringList& allCauseIds()
{
    static const QStringList ids = {
        QStringLiteral("ok"), QStringLiteral("dns_failure"), QStringLiteral("connection_refused"),
        QStringLiteral("connect_timeout"), QStringLiteral("tls_untrusted"), QStringLiteral("tls_hostname_mismatch"),
        QStringLiteral("tls_expired"), QStringLiteral("tls_failed"), QStringLiteral("upgrade_not_forwarded"),
        QStringLiteral("origin_rejected"), QStringLiteral("auth_required"), QStringLiteral("not_found"),
        QStringLiteral("bad_gateway"), QStringLiteral("service_unavailable"), QStringLiteral("gateway_timeout"),
        QStringLiteral("http_error"), QStringLiteral("handshake_invalid"), QStringLiteral("idle_timeout"),
        QStringLiteral("abnormal_closure"), QStringLiteral("server_closed"), QStringLiteral("no_echo"),
        QStringLiteral("no_pong"), QStringLiteral("slow_response"), QStringLiteral("protocol_error"),
        QStringLiteral("mixed_content"), QStringLiteral("app_handshake_failed"), QStringLiteral("subprotocol_rejected"),
        QStringLiteral("app_heartbeat_lost"), QStringLiteral("sticky_session_missing")};
    return ids;
}

namespace {

QString causeForStatus(int status)
{
    switch (status) {
    case 400:
    case 426:
        return QStringLiteral("upgrade_not_forwarded");
    case 401:
    case 407:
        return QStringLiteral("auth_required");
    case 403:
        return QStringLiteral("origin_rejected");
    case 404:
        return QStringLiteral("not_found");
    case 502:
        return QStringLiteral("bad_gateway");
    case 503:
        return QStringLiteral("service_unavailable");
    case 504:
        return QStringLiteral("gateway_timeout");
    default:
        break;
    }
    // A plain 2xx means whoever answered treated the request as ordinary HTTP: the upgrade was lost.
    if (status >= 200 && status < 300)
        return QStringLiteral("upgrade_not_forwarded");
    return QStringLiteral("http_error");
}

bool isMixedContent(const ProbeResult& r, const ProbeOptions& o)
{
    const QString page = o.pageOrigin.trimmed().toLower();
    const QString scheme = QUrl(r.url.trimmed()).scheme().toLower();
    return page.startsWith(QLatin1String("https://")) && (scheme == QLatin1String("ws") || scheme == QLatin1String("http"));
}

QString causeOf(const ProbeResult& r, const ProbeOptions& o)
{
    if (isMixedContent(r, o))
        return QStringLiteral("mixed_content");
    const QString& phase = r.errorPhase;
    if (phase == QLatin1String("url"))
        return QStringLiteral("protocol_error");
    if (phase == QLatin1String("dns"))
        return QStringLiteral("dns_failure");
    if (phase == QLatin1String("connect")) {
        if (r.errorKind == QLatin1String("refused") || r.errorKind == QLatin1String("proxy_refused"))
            return QStringLiteral("connection_refused");
        if (r.errorKind == QLatin1String("proxy_auth"))
            return QStringLiteral("auth_required");
        if (r.errorKind == QLatin1String("host_not_found"))
            return QStringLiteral("dns_failure");
        return QStringLiteral("connect_timeout");
    }
    if (phase == QLatin1String("tls")) {
        if (r.tls.failureKind == QLatin1String("untrusted"))
            return QStringLiteral("tls_untrusted");
        if (r.tls.failureKind == QLatin1String("hostname_mismatch"))
            return QStringLiteral("tls_hostname_mismatch");
        if (r.tls.failureKind == QLatin1String("expired"))
            return QStringLiteral("tls_expired");
        return QStringLiteral("tls_failed");
    }
    if (diagnosis_detail::clientCertificateRefused(r))
        return QStringLiteral("auth_required");
    if (r.app.failure == AppFailure::StickySessionMissing) // an HTTP 400 that the application explains
        return QStringLiteral("sticky_session_missing");
    if (r.httpStatus && *r.httpStatus != 101)
        return causeForStatus(*r.httpStatus);
    if (phase == QLatin1String("upgrade")) {
        if (r.errorKind == QLatin1String("extension")) // a 101 with permessage-deflate parameters never offered
            return QStringLiteral("protocol_error");
        if (r.httpStatus && *r.httpStatus == 101)
            return QStringLiteral("handshake_invalid");
        if (r.errorKind == QLatin1String("protocol"))
            return QStringLiteral("protocol_error");
        if (r.errorKind == QLatin1String("timeout"))
            return QStringLiteral("slow_response");
        return QStringLiteral("abnormal_closure");
    }
    switch (r.app.failure) { // the upgrade worked; the application said no
    case AppFailure::HandshakeFailed: return QStringLiteral("app_handshake_failed");
    case AppFailure::SubprotocolRejected: return QStringLiteral("subprotocol_rejected");
    case AppFailure::HeartbeatLost: return QStringLiteral("app_heartbeat_lost");
    case AppFailure::StickySessionMissing: return QStringLiteral("sticky_session_missing");
    case AppFailure::None: break;
    }
    if (!phase.isEmpty() && !r.cancelled) {
        if (!r.protocolError.isEmpty())
            return QStringLiteral("protocol_error");
        if (r.closedBy == ClosedBy::ServerFrame) {
            if (r.closeCode.value_or(1000) != 1000)
                return QStringLiteral("server_closed");
            if (phase == QLatin1String("hold"))
                return QStringLiteral("idle_timeout");
            if (phase == QLatin1String("ping"))
                return QStringLiteral("no_pong");
            return QStringLiteral("no_echo");
        }
        if (r.closedBy == ClosedBy::ServerFin || r.closedBy == ClosedBy::ServerReset) {
            if (phase == QLatin1String("hold") && r.idleCutoffS)
                return QStringLiteral("idle_timeout");
            return QStringLiteral("abnormal_closure");
        }
        if (r.errorKind == QLatin1String("timeout")) {
            if (phase == QLatin1String("ping"))
                return QStringLiteral("no_pong");
            return QStringLiteral("no_echo");
        }
        return QStringLiteral("abnormal_closure");
    }
    const double slowMs = o.slowThresholdS * 1000.0;
    if (slowMs > 0) {
        if (r.timings.upgrade.value_or(0) > slowMs || r.timings.firstEcho.value_or(0) > slowMs
            || r.boltHandshakeMs.value_or(0) > slowMs)
            return QStringLiteral("slow_response");
    }
    return QStringLiteral("ok");
}

} // namespace

namespace diagnosis_detail {
bool clientCertificateRefused(const ProbeResult& r)
{
    // nginx `ssl_verify_client on`: 400 "No required SSL certificate was sent" (none sent) or
    // "The SSL certificate error" (one sent but not accepted).
    return r.httpStatus.value_or(0) == 400 && r.bodyExcerpt.contains("SSL certificate");
}
} // namespace diagnosis_detail

Diagnosis diagnose(const ProbeResult& result, const ProbeOptions& options)
{
    Diagnosis d;
    d.cause = causeOf(result, options);
    d.ok = d.cause == QLatin1String("ok");
    d.evidence = diagnosis_detail::evidenceFor(result);
    if (d.cause == QLatin1String("mixed_content"))
        d.evidence.prepend(QStringLiteral("The page origin %1 is https, but the WebSocket URL is %2: browsers block "
                                          "ws:// from https pages (mixed content)").arg(options.pageOrigin, result.url));
    if (d.cause == QLatin1String("slow_response"))
        d.evidence << QStringLiteral("Slow threshold: %1 ms").arg(options.slowThresholdS * 1000.0, 0, 'f', 0);
    d.advice = diagnosis_detail::adviceFor(d.cause, result);
    return d;
}

void applyDiagnosis(ProbeResult& result, const ProbeOptions& options)
{
    const Diagnosis d = diagnose(result, options);
    result.cause = d.cause;
    result.ok = d.ok;
    result.evidence = d.evidence;
    result.advice = d.advice;
}

QString verdictState(const QString& cause)
{
    if (cause == QLatin1String("ok"))
        return QStringLiteral("ok");
    if (cause == QLatin1String("slow_response") || cause == QLatin1String("idle_timeout") || cause == QLatin1String("no_pong")
        || cause == QLatin1String("app_heartbeat_lost"))
        return QStringLiteral("degraded");
    return QStringLiteral("down");
}

QString causeSentence(const ProbeResult& r)
{
    const QString& c = r.cause;
    if (c == QLatin1String("ok")) {
        if (r.echoRtt.count > 0)
            return QStringLiteral("upgrade and echo work (median RTT %1 ms)").arg(r.echoRtt.median, 0, 'f', 2);
        if (!r.app.protocol.isEmpty() && r.app.protocol != QLatin1String("none") && r.app.protocol != QLatin1String("echo"))
            return QStringLiteral("the upgrade and the %1 application work%2").arg(r.app.protocol)
                .arg(r.app.rtt.count > 0 ? QStringLiteral(" (median round trip %1 ms)").arg(r.app.rtt.median, 0, 'f', 2) : QString());
        return QStringLiteral("the WebSocket upgrade works");
    }
    if (c == QLatin1String("dns_failure")) return QStringLiteral("the host name does not resolve");
    if (c == QLatin1String("connection_refused")) return QStringLiteral("nothing accepts connections on that port");
    if (c == QLatin1String("connect_timeout")) return QStringLiteral("the TCP connection does not complete (firewall or dead host)");
    if (c == QLatin1String("tls_untrusted")) return QStringLiteral("the TLS certificate is not trusted");
    if (c == QLatin1String("tls_hostname_mismatch")) return QStringLiteral("the TLS certificate is for another host name");
    if (c == QLatin1String("tls_expired")) return QStringLiteral("the TLS certificate has expired");
    if (c == QLatin1String("tls_failed")) return QStringLiteral("the TLS handshake fails");
    if (c == QLatin1String("upgrade_not_forwarded"))
        return QStringLiteral("the upgrade is not passed on (answer %1 instead of 101)").arg(r.httpStatus.value_or(0));
    if (c == QLatin1String("origin_rejected")) return QStringLiteral("the Origin is rejected (403)");
    if (c == QLatin1String("auth_required")) return QStringLiteral("credentials are required (%1)").arg(r.httpStatus.value_or(407));
    if (c == QLatin1String("not_found")) return QStringLiteral("the path does not exist (404)");
    if (c == QLatin1String("bad_gateway")) return QStringLiteral("the proxy cannot reach the upstream (502)");
    if (c == QLatin1String("service_unavailable")) return QStringLiteral("no upstream is available (503)");
    if (c == QLatin1String("gateway_timeout")) return QStringLiteral("the upstream did not answer the proxy in time (504)");
    if (c == QLatin1String("http_error")) return QStringLiteral("the server answered HTTP %1 instead of 101").arg(r.httpStatus.value_or(0));
    if (c == QLatin1String("handshake_invalid")) return QStringLiteral("the 101 answer is not a valid WebSocket handshake");
    if (c == QLatin1String("idle_timeout"))
        return QStringLiteral("the idle connection is closed after %1 s").arg(r.idleCutoffS.value_or(r.heldS), 0, 'f', 1);
    if (c == QLatin1String("abnormal_closure")) return QStringLiteral("the connection drops without a close frame (1006)");
    if (c == QLatin1String("server_closed"))
        return QStringLiteral("the server closes with code %1%2").arg(r.closeCode.value_or(0))
            .arg(r.closeReason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(r.closeReason));
    if (c == QLatin1String("no_echo")) return QStringLiteral("messages are not echoed back");
    if (c == QLatin1String("no_pong")) return QStringLiteral("pings get no pong");
    if (c == QLatin1String("slow_response")) return QStringLiteral("the server answers slowly");
    if (c == QLatin1String("protocol_error"))
        return QStringLiteral("the server breaks the WebSocket protocol%1")
            .arg(r.protocolError.isEmpty() ? QString() : QStringLiteral(": ") + r.protocolError);
    if (c == QLatin1String("mixed_content")) return QStringLiteral("an https page cannot open this ws:// URL (mixed content)");
    if (c == QLatin1String("app_handshake_failed"))
        return QStringLiteral("the upgrade works, but the %1 application refused the probe%2").arg(r.app.protocol)
            .arg(r.app.refusal.isEmpty() ? QString() : QStringLiteral(": ") + r.app.refusal);
    if (c == QLatin1String("subprotocol_rejected"))
        return QStringLiteral("the server does not accept the %1 subprotocol").arg(r.app.protocol);
    if (c == QLatin1String("app_heartbeat_lost"))
        return QStringLiteral("the socket stays open, but the %1 heartbeat stopped arriving").arg(r.app.protocol);
    if (c == QLatin1String("sticky_session_missing"))
        return QStringLiteral("the session the application created is unknown on the next request (no sticky sessions)");
    return c;
}

HopVerdict diagnosePair(const ProbeResult& direct, const ProbeResult& via)
{
    HopVerdict v;
    if (direct.ok && via.ok) {
        v.faultyHop = QStringLiteral("none");
        v.verdict = QStringLiteral("Both hops work: direct and through the proxy.");
        if (!direct.extensions.isEmpty() && via.extensions.isEmpty())
            v.verdict += QStringLiteral(" The direct hop negotiates %1, the proxied one does not: the proxy drops "
                                        "Sec-WebSocket-Extensions, so messages travel uncompressed.").arg(direct.extensions);
        return v;
    }
    if (via.cause == QLatin1String("mixed_content") || (direct.cause == QLatin1String("dns_failure") && via.cause == direct.cause)) {
        v.faultyHop = QStringLiteral("client");
        v.verdict = QStringLiteral("The client side is at fault: %1.").arg(causeSentence(via));
        return v;
    }
    if (direct.ok && !via.ok) {
        v.faultyHop = QStringLiteral("proxy");
        v.verdict = QStringLiteral("Direct works, through the proxy fails (%1: %2) → the proxy.").arg(via.cause, causeSentence(via));
        return v;
    }
    if (!direct.ok && via.ok) {
        v.faultyHop = QStringLiteral("none");
        v.verdict = QStringLiteral("Through the proxy works; the direct URL fails (%1: %2) — often a firewall in front of "
                                   "the upstream, harmless when clients only use the proxy.").arg(direct.cause, causeSentence(direct));
        return v;
    }
    v.faultyHop = QStringLiteral("upstream");
    v.verdict = QStringLiteral("The upstream fails directly too (%1: %2) → fix the upstream first.").arg(direct.cause, causeSentence(direct));
    return v;
}

} // namespace socketscope
