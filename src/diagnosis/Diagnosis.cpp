// SPDX-License-Identifier: GPL-3.0-or-later
#include "diagnosis/Diagnosis.h"

#include <QUrl>

#include <array>

namespace socketscope {

namespace {

// THE cause table: one line per cause id (the JSON/CLI contract, in the order) and the
// state of the header dot. A cause the code names is a Cause value, so a typo does not compile.
enum class Cause {
    Ok, DnsFailure, ConnectionRefused, ConnectTimeout, TlsUntrusted,
    TlsHostnameMismatch, TlsExpired, TlsFailed, UpgradeNotForwarded, OriginRejected,
    AuthRequired, NotFound, BadGateway, ServiceUnavailable, GatewayTimeout,
    HttpError, HandshakeInvalid, IdleTimeout, AbnormalClosure, ServerClosed,
    NoEcho, NoPong, SlowResponse, ProtocolError, MixedContent,
    AppHandshakeFailed, SubprotocolRejected, AppHeartbeatLost, StickySessionMissing
};

struct CauseEntry {
    Cause cause;
    const char* id;
    const char* state; // "ok", "degraded", "down"
};

constexpr std::array kCauses = {
    CauseEntry{Cause::Ok, "ok", "ok"},
    CauseEntry{Cause::DnsFailure, "dns_failure", "down"},
    CauseEntry{Cause::ConnectionRefused, "connection_refused", "down"},
    CauseEntry{Cause::ConnectTimeout, "connect_timeout", "down"},
    CauseEntry{Cause::TlsUntrusted, "tls_untrusted", "down"},
    CauseEntry{Cause::TlsHostnameMismatch, "tls_hostname_mismatch", "down"},
    CauseEntry{Cause::TlsExpired, "tls_expired", "down"},
    CauseEntry{Cause::TlsFailed, "tls_failed", "down"},
    CauseEntry{Cause::UpgradeNotForwarded, "upgrade_not_forwarded", "down"},
    CauseEntry{Cause::OriginRejected, "origin_rejected", "down"},
    CauseEntry{Cause::AuthRequired, "auth_required", "down"},
    CauseEntry{Cause::NotFound, "not_found", "down"},
    CauseEntry{Cause::BadGateway, "bad_gateway", "down"},
    CauseEntry{Cause::ServiceUnavailable, "service_unavailable", "down"},
    CauseEntry{Cause::GatewayTimeout, "gateway_timeout", "down"},
    CauseEntry{Cause::HttpError, "http_error", "down"},
    CauseEntry{Cause::HandshakeInvalid, "handshake_invalid", "down"},
    CauseEntry{Cause::IdleTimeout, "idle_timeout", "degraded"},
    CauseEntry{Cause::AbnormalClosure, "abnormal_closure", "down"},
    CauseEntry{Cause::ServerClosed, "server_closed", "down"},
    CauseEntry{Cause::NoEcho, "no_echo", "down"},
    CauseEntry{Cause::NoPong, "no_pong", "degraded"},
    CauseEntry{Cause::SlowResponse, "slow_response", "degraded"},
    CauseEntry{Cause::ProtocolError, "protocol_error", "down"},
    CauseEntry{Cause::MixedContent, "mixed_content", "down"},
    CauseEntry{Cause::AppHandshakeFailed, "app_handshake_failed", "down"},
    CauseEntry{Cause::SubprotocolRejected, "subprotocol_rejected", "down"},
    CauseEntry{Cause::AppHeartbeatLost, "app_heartbeat_lost", "degraded"},
    CauseEntry{Cause::StickySessionMissing, "sticky_session_missing", "down"},
};

const CauseEntry* entryOf(Cause c)
{
    for (const CauseEntry& e : kCauses)
        if (e.cause == c)
            return &e;
    return nullptr;
}

const CauseEntry* entryOf(const QString& id)
{
    for (const CauseEntry& e : kCauses)
        if (id == QLatin1String(e.id))
            return &e;
    return nullptr;
}

QString idOf(Cause c)
{
    const CauseEntry* e = entryOf(c);
    return e ? QString::fromLatin1(e->id) : QString();
}

} // namespace

const QStringList& allCauseIds()
{
    static const QStringList ids = [] {
        QStringList all;
        for (const CauseEntry& e : kCauses)
            all << QString::fromLatin1(e.id);
        return all;
    }();
    return ids;
}

namespace {

Cause causeForStatus(int status)
{
    switch (status) {
    case 400:
    case 426:
        return Cause::UpgradeNotForwarded;
    case 401:
    case 407:
        return Cause::AuthRequired;
    case 403:
        return Cause::OriginRejected;
    case 404:
        return Cause::NotFound;
    case 502:
        return Cause::BadGateway;
    case 503:
        return Cause::ServiceUnavailable;
    case 504:
        return Cause::GatewayTimeout;
    default:
        break;
    }
    // A plain 2xx means whoever answered treated the request as ordinary HTTP: the upgrade was lost.
    if (status >= 200 && status < 300)
        return Cause::UpgradeNotForwarded;
    return Cause::HttpError;
}

bool isMixedContent(const ProbeResult& r, const ProbeOptions& o)
{
    const QString page = o.pageOrigin.trimmed().toLower();
    const QString scheme = QUrl(r.url.trimmed()).scheme().toLower();
    return page.startsWith(QLatin1String("https://")) && (scheme == QLatin1String("ws") || scheme == QLatin1String("http"));
}

Cause causeOf(const ProbeResult& r, const ProbeOptions& o)
{
    if (isMixedContent(r, o))
        return Cause::MixedContent;
    const QString& phase = r.errorPhase;
    if (phase == QLatin1String("url"))
        return Cause::ProtocolError;
    if (phase == QLatin1String("dns"))
        return Cause::DnsFailure;
    if (phase == QLatin1String("connect")) {
        if (r.errorKind == QLatin1String("refused") || r.errorKind == QLatin1String("proxy_refused"))
            return Cause::ConnectionRefused;
        if (r.errorKind == QLatin1String("proxy_auth"))
            return Cause::AuthRequired;
        if (r.errorKind == QLatin1String("host_not_found"))
            return Cause::DnsFailure;
        return Cause::ConnectTimeout;
    }
    if (phase == QLatin1String("tls")) {
        if (r.tls.failureKind == QLatin1String("untrusted"))
            return Cause::TlsUntrusted;
        if (r.tls.failureKind == QLatin1String("hostname_mismatch"))
            return Cause::TlsHostnameMismatch;
        if (r.tls.failureKind == QLatin1String("expired"))
            return Cause::TlsExpired;
        return Cause::TlsFailed;
    }
    if (diagnosis_detail::clientCertificateRefused(r))
        return Cause::AuthRequired;
    if (r.app.failure == AppFailure::StickySessionMissing) // an HTTP 400 that the application explains
        return Cause::StickySessionMissing;
    // The application refused in a successful answer to one of its own requests before the upgrade
    // (SignalR's negotiate: an error, or no WebSockets transport): its words, not the HTTP status.
    if (r.app.failure == AppFailure::HandshakeFailed && r.httpStatus && *r.httpStatus >= 200 && *r.httpStatus < 300)
        return Cause::AppHandshakeFailed;
    if (r.httpStatus && *r.httpStatus != 101)
        return causeForStatus(*r.httpStatus);
    if (phase == QLatin1String("upgrade")) {
        if (r.errorKind == QLatin1String("extension")) // a 101 with permessage-deflate parameters never offered
            return Cause::ProtocolError;
        if (r.httpStatus && *r.httpStatus == 101)
            return Cause::HandshakeInvalid;
        if (r.errorKind == QLatin1String("protocol"))
            return Cause::ProtocolError;
        if (r.errorKind == QLatin1String("timeout"))
            return Cause::SlowResponse;
        return Cause::AbnormalClosure;
    }
    switch (r.app.failure) { // the upgrade worked; the application said no
    case AppFailure::HandshakeFailed: return Cause::AppHandshakeFailed;
    case AppFailure::SubprotocolRejected: return Cause::SubprotocolRejected;
    case AppFailure::HeartbeatLost: return Cause::AppHeartbeatLost;
    case AppFailure::StickySessionMissing: return Cause::StickySessionMissing;
    case AppFailure::None: break;
    }
    if (!phase.isEmpty() && !r.cancelled) {
        if (!r.protocolError.isEmpty())
            return Cause::ProtocolError;
        if (r.closedBy == ClosedBy::ServerFrame) {
            if (r.closeCode.value_or(1000) != 1000)
                return Cause::ServerClosed;
            if (phase == QLatin1String("hold"))
                return Cause::IdleTimeout;
            if (phase == QLatin1String("ping"))
                return Cause::NoPong;
            return Cause::NoEcho;
        }
        if (r.closedBy == ClosedBy::ServerFin || r.closedBy == ClosedBy::ServerReset) {
            if (phase == QLatin1String("hold") && r.idleCutoffS)
                return Cause::IdleTimeout;
            return Cause::AbnormalClosure;
        }
        if (r.errorKind == QLatin1String("timeout")) {
            if (phase == QLatin1String("ping"))
                return Cause::NoPong;
            return Cause::NoEcho;
        }
        return Cause::AbnormalClosure;
    }
    const double slowMs = o.slowThresholdS * 1000.0;
    if (slowMs > 0) {
        if (r.timings.upgrade.value_or(0) > slowMs || r.timings.firstEcho.value_or(0) > slowMs
            || r.boltHandshakeMs.value_or(0) > slowMs)
            return Cause::SlowResponse;
    }
    return Cause::Ok;
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
    const Cause cause = causeOf(result, options);
    d.cause = idOf(cause);
    d.ok = cause == Cause::Ok;
    d.evidence = diagnosis_detail::evidenceFor(result);
    if (cause == Cause::MixedContent)
        d.evidence.prepend(QStringLiteral("The page origin %1 is https, but the WebSocket URL is %2: browsers block "
                                          "ws:// from https pages (mixed content)").arg(options.pageOrigin, result.url));
    if (cause == Cause::SlowResponse)
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
    const CauseEntry* e = entryOf(cause);
    return QString::fromLatin1(e ? e->state : "down");
}

QString causeSentence(const ProbeResult& r)
{
    const CauseEntry* entry = entryOf(r.cause);
    if (!entry)
        return r.cause;
    switch (entry->cause) {
    case Cause::Ok: {
        if (r.echoRtt.count > 0)
            return QStringLiteral("upgrade and echo work (median RTT %1 ms)").arg(r.echoRtt.median, 0, 'f', 2);
        if (!r.app.protocol.isEmpty() && r.app.protocol != QLatin1String("none") && r.app.protocol != QLatin1String("echo"))
            return QStringLiteral("the upgrade and the %1 application work%2").arg(r.app.protocol)
                .arg(r.app.rtt.count > 0 ? QStringLiteral(" (median round trip %1 ms)").arg(r.app.rtt.median, 0, 'f', 2) : QString());
        return QStringLiteral("the WebSocket upgrade works");
    }
    case Cause::DnsFailure: return QStringLiteral("the host name does not resolve");
    case Cause::ConnectionRefused: return QStringLiteral("nothing accepts connections on that port");
    case Cause::ConnectTimeout: return QStringLiteral("the TCP connection does not complete (firewall or dead host)");
    case Cause::TlsUntrusted: return QStringLiteral("the TLS certificate is not trusted");
    case Cause::TlsHostnameMismatch: return QStringLiteral("the TLS certificate is for another host name");
    case Cause::TlsExpired: return QStringLiteral("the TLS certificate has expired");
    case Cause::TlsFailed: return QStringLiteral("the TLS handshake fails");
    case Cause::UpgradeNotForwarded:
        return QStringLiteral("the upgrade is not passed on (answer %1 instead of 101)").arg(r.httpStatus.value_or(0));
    case Cause::OriginRejected: return QStringLiteral("the Origin is rejected (403)");
    case Cause::AuthRequired: return QStringLiteral("credentials are required (%1)").arg(r.httpStatus.value_or(407));
    case Cause::NotFound: return QStringLiteral("the path does not exist (404)");
    case Cause::BadGateway: return QStringLiteral("the proxy cannot reach the upstream (502)");
    case Cause::ServiceUnavailable: return QStringLiteral("no upstream is available (503)");
    case Cause::GatewayTimeout: return QStringLiteral("the upstream did not answer the proxy in time (504)");
    case Cause::HttpError: return QStringLiteral("the server answered HTTP %1 instead of 101").arg(r.httpStatus.value_or(0));
    case Cause::HandshakeInvalid: return QStringLiteral("the 101 answer is not a valid WebSocket handshake");
    case Cause::IdleTimeout:
        return QStringLiteral("the idle connection is closed after %1 s").arg(r.idleCutoffS.value_or(r.heldS), 0, 'f', 1);
    case Cause::AbnormalClosure: return QStringLiteral("the connection drops without a close frame (1006)");
    case Cause::ServerClosed:
        return QStringLiteral("the server closes with code %1%2").arg(r.closeCode.value_or(0))
            .arg(r.closeReason.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(r.closeReason));
    case Cause::NoEcho: return QStringLiteral("messages are not echoed back");
    case Cause::NoPong: return QStringLiteral("pings get no pong");
    case Cause::SlowResponse: return QStringLiteral("the server answers slowly");
    case Cause::ProtocolError:
        return QStringLiteral("the server breaks the WebSocket protocol%1")
            .arg(r.protocolError.isEmpty() ? QString() : QStringLiteral(": ") + r.protocolError);
    case Cause::MixedContent: return QStringLiteral("an https page cannot open this ws:// URL (mixed content)");
    case Cause::AppHandshakeFailed:
        return QStringLiteral("the upgrade works, but the %1 application refused the probe%2").arg(r.app.protocol)
            .arg(r.app.refusal.isEmpty() ? QString() : QStringLiteral(": ") + r.app.refusal);
    case Cause::SubprotocolRejected:
        return QStringLiteral("the server does not accept the %1 subprotocol").arg(r.app.protocol);
    case Cause::AppHeartbeatLost:
        return QStringLiteral("the socket stays open, but the %1 heartbeat stopped arriving").arg(r.app.protocol);
    case Cause::StickySessionMissing:
        return QStringLiteral("the session the application created is unknown on the next request (no sticky sessions)");
    }
    return r.cause;
}

namespace {

// Past the upgrade: the application protocol had a chance to speak.
bool reachedApp(const ProbeResult& r) { return !r.app.protocol.isEmpty() && r.httpStatus.value_or(0) == 101; }

QString appOnHop(const ProbeResult& r)
{
    QString s = QStringLiteral("%1 (decided by %2%3)").arg(r.app.protocol, appDetectedByName(r.app.detectedBy),
                                                           r.subprotocol.isEmpty() ? QString()
                                                                                   : QStringLiteral(", subprotocol %1").arg(r.subprotocol));
    return s;
}

// The application level of a direct and a proxied probe, side by side (issue 10: `diagnose`
// compares the app level of both hops): which protocol each hop spoke, its round trip and its
// heartbeats. `differs` is set when the proxy changes what the application sees.
QString compareAppLevel(const ProbeResult& direct, const ProbeResult& via, bool* differs)
{
    *differs = false;
    if (!reachedApp(direct) && !reachedApp(via))
        return {};
    if (!reachedApp(direct) || !reachedApp(via)) {
        const ProbeResult& reached = reachedApp(direct) ? direct : via;
        return QStringLiteral("Only the %1 hop reached the application: %2.")
            .arg(reachedApp(direct) ? QStringLiteral("direct") : QStringLiteral("proxied"), appOnHop(reached));
    }
    if (direct.app.protocol != via.app.protocol || direct.subprotocol != via.subprotocol) {
        *differs = direct.ok && via.ok;
        return QStringLiteral("The application differs between the hops: directly %1, through the proxy %2 — the proxy "
                              "changes the handshake (Sec-WebSocket-Protocol dropped or rewritten?), so clients of the app "
                              "do not get what they ask for.")
            .arg(appOnHop(direct), appOnHop(via));
    }
    if (direct.ok && !via.ok)
        return QStringLiteral("The %1 application accepts the probe directly (%2); through the proxy: %3.")
            .arg(direct.app.protocol, appOnHop(direct), causeSentence(via));
    if (!direct.ok || !via.ok)
        return QStringLiteral("Application %1 on both hops.").arg(appOnHop(direct));
    QString s = QStringLiteral("Application %1 on both hops").arg(appOnHop(direct));
    if (direct.app.rtt.count > 0 && via.app.rtt.count > 0)
        s += QStringLiteral(": round trip median %1 ms directly, %2 ms through the proxy (%3%4 ms)")
                 .arg(direct.app.rtt.median, 0, 'f', 3).arg(via.app.rtt.median, 0, 'f', 3)
                 .arg(via.app.rtt.median >= direct.app.rtt.median ? QStringLiteral("+") : QString())
                 .arg(via.app.rtt.median - direct.app.rtt.median, 0, 'f', 3);
    if (direct.app.heartbeatsAnswered > 0 || via.app.heartbeatsAnswered > 0) {
        s += QStringLiteral("; heartbeats %1 directly, %2 through the proxy").arg(direct.app.heartbeatsAnswered).arg(via.app.heartbeatsAnswered);
        if (direct.app.heartbeatsAnswered > 0 && via.app.heartbeatsAnswered == 0 && via.heldS >= 0.9 * direct.heldS) {
            s += QStringLiteral(" — the heartbeat arrives directly but not through the proxy: a hop buffers or stalls that direction");
            *differs = true;
        }
    }
    return s + QLatin1Char('.');
}

} // namespace

HopVerdict diagnosePair(const ProbeResult& direct, const ProbeResult& via)
{
    HopVerdict v;
    bool appDiffers = false;
    v.appLevel = compareAppLevel(direct, via, &appDiffers);
    if (direct.ok && via.ok && appDiffers) {
        v.faultyHop = QStringLiteral("proxy");
        v.verdict = QStringLiteral("Both hops upgrade, but the proxy changes the application level → the proxy. %1").arg(v.appLevel);
        return v;
    }
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
