// SPDX-License-Identifier: GPL-3.0-or-later
// Diagnosis is pure: each cause id from the list, from the observations that imply it.
#include "diagnosis/Diagnosis.h"

#include <QHash>


#include <gtest/gtest.h>

using namespace socketscope;

namespace {

ProbeResult upgraded()
{
    ProbeResult r;
    r.url = QStringLiteral("wss://app.example/ws");
    r.tls.used = true;
    r.timings.dns = 0.4;
    r.timings.connect = 0.3;
    r.timings.tls = 3.1;
    r.timings.upgrade = 1.2;
    r.httpStatus = 101;
    r.statusLine = QStringLiteral("HTTP/1.1 101 Switching Protocols");
    r.echoSent = 1;
    r.echoReceived = 1;
    r.echoRtt.count = 1;
    r.echoRtt.median = 0.2;
    r.timings.firstEcho = 0.2;
    r.closedBy = ClosedBy::Client;
    r.closeCode = 1000;
    return r;
}

ProbeResult refusedUpgrade(int status, const QString& line)
{
    ProbeResult r = upgraded();
    r.httpStatus = status;
    r.statusLine = line;
    r.errorPhase = QStringLiteral("upgrade");
    r.echoSent = r.echoReceived = 0;
    r.timings.firstEcho.reset();
    r.closedBy = ClosedBy::None;
    r.closeCode.reset();
    r.responseHeaders = {{QStringLiteral("Server"), QStringLiteral("nginx/1.22.1")}};
    return r;
}

Diagnosis check(const ProbeResult& r, const QString& expected, const ProbeOptions& o = {})
{
    const Diagnosis d = diagnose(r, o);
    EXPECT_EQ(d.cause, expected) << d.evidence.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(d.ok, expected == QLatin1String("ok"));
    EXPECT_FALSE(d.evidence.isEmpty()) << expected.toStdString();
    if (expected != QLatin1String("ok")) {
        EXPECT_FALSE(d.advice.isEmpty()) << "advice for " << expected.toStdString();
    }
    EXPECT_TRUE(allCauseIds().contains(d.cause));
    return d;
}

bool anyContains(const QStringList& lines, const QString& needle)
{
    for (const QString& l : lines) {
        if (l.contains(needle))
            return true;
    }
    return false;
}

} // namespace

TEST(Diagnosis, OkAndSlowResponse)
{
    check(upgraded(), QStringLiteral("ok"));
    ProbeResult slow = upgraded();
    slow.timings.upgrade = 1500;
    ProbeOptions o;
    o.slowThresholdS = 1.0;
    check(slow, QStringLiteral("slow_response"), o);
    ProbeResult slowEcho = upgraded();
    slowEcho.timings.firstEcho = 2000;
    check(slowEcho, QStringLiteral("slow_response"), o);
    ProbeResult silent = refusedUpgrade(0, {});
    silent.httpStatus.reset();
    silent.statusLine.clear();
    silent.errorKind = QStringLiteral("timeout");
    check(silent, QStringLiteral("slow_response"));
}

TEST(Diagnosis, ConnectionLevelCauses)
{
    ProbeResult dns;
    dns.url = QStringLiteral("ws://x.invalid/");
    dns.errorPhase = QStringLiteral("dns");
    dns.errorString = QStringLiteral("Host not found");
    const Diagnosis d = check(dns, QStringLiteral("dns_failure"));
    EXPECT_TRUE(anyContains(d.evidence, QStringLiteral("Host not found")));
    ProbeResult refused;
    refused.url = QStringLiteral("ws://127.0.0.1:1/");
    refused.errorPhase = QStringLiteral("connect");
    refused.errorKind = QStringLiteral("refused");
    check(refused, QStringLiteral("connection_refused"));
    ProbeResult timeout = refused;
    timeout.errorKind = QStringLiteral("timeout");
    check(timeout, QStringLiteral("connect_timeout"));
    ProbeResult proxyAuth = refused;
    proxyAuth.errorKind = QStringLiteral("proxy_auth");
    check(proxyAuth, QStringLiteral("auth_required"));
}

TEST(Diagnosis, TlsCauses)
{
    ProbeResult r;
    r.url = QStringLiteral("wss://app.example/");
    r.tls.used = true;
    r.errorPhase = QStringLiteral("tls");
    r.tls.errors = {QStringLiteral("The certificate is self-signed, and untrusted")};
    r.tls.failureKind = QStringLiteral("untrusted");
    const Diagnosis d = check(r, QStringLiteral("tls_untrusted"));
    EXPECT_TRUE(anyContains(d.evidence, QStringLiteral("self-signed")));
    EXPECT_TRUE(anyContains(d.advice, QStringLiteral("fullchain.pem")));
    r.tls.failureKind = QStringLiteral("hostname_mismatch");
    check(r, QStringLiteral("tls_hostname_mismatch"));
    r.tls.failureKind = QStringLiteral("expired");
    check(r, QStringLiteral("tls_expired"));
    r.tls.failureKind = QStringLiteral("pin_mismatch");
    check(r, QStringLiteral("tls_failed"));
}

TEST(Diagnosis, HttpStatusCausesQuoteTheStatusLineAndHeaders)
{
    const Diagnosis d = check(refusedUpgrade(426, QStringLiteral("HTTP/1.1 426 Upgrade Required")), QStringLiteral("upgrade_not_forwarded"));
    EXPECT_TRUE(anyContains(d.evidence, QStringLiteral("HTTP/1.1 426 Upgrade Required")));
    EXPECT_TRUE(anyContains(d.evidence, QStringLiteral("Server: nginx/1.22.1")));
    EXPECT_TRUE(anyContains(d.advice, QStringLiteral("proxy_http_version 1.1")));
    EXPECT_TRUE(anyContains(d.advice, QStringLiteral("Upgrade $http_upgrade")));
    check(refusedUpgrade(400, QStringLiteral("HTTP/1.1 400 Bad Request")), QStringLiteral("upgrade_not_forwarded"));
    check(refusedUpgrade(200, QStringLiteral("HTTP/1.1 200 OK")), QStringLiteral("upgrade_not_forwarded"));
    check(refusedUpgrade(403, QStringLiteral("HTTP/1.1 403 Forbidden")), QStringLiteral("origin_rejected"));
    check(refusedUpgrade(401, QStringLiteral("HTTP/1.1 401 Unauthorized")), QStringLiteral("auth_required"));
    check(refusedUpgrade(407, QStringLiteral("HTTP/1.1 407 Proxy Authentication Required")), QStringLiteral("auth_required"));
    check(refusedUpgrade(404, QStringLiteral("HTTP/1.1 404 Not Found")), QStringLiteral("not_found"));
    const Diagnosis bad = check(refusedUpgrade(502, QStringLiteral("HTTP/1.1 502 Bad Gateway")), QStringLiteral("bad_gateway"));
    EXPECT_TRUE(anyContains(bad.advice, QStringLiteral("proxy_pass")));
    check(refusedUpgrade(503, QStringLiteral("HTTP/1.1 503 Service Unavailable")), QStringLiteral("service_unavailable"));
    check(refusedUpgrade(504, QStringLiteral("HTTP/1.1 504 Gateway Time-out")), QStringLiteral("gateway_timeout"));
    check(refusedUpgrade(500, QStringLiteral("HTTP/1.1 500 Internal Server Error")), QStringLiteral("http_error"));
    check(refusedUpgrade(301, QStringLiteral("HTTP/1.1 301 Moved Permanently")), QStringLiteral("http_error"));
}

TEST(Diagnosis, HandshakeAndProtocolErrors)
{
    ProbeResult bad = upgraded();
    bad.errorPhase = QStringLiteral("upgrade");
    bad.errorKind = QStringLiteral("protocol");
    bad.protocolError = QStringLiteral("Sec-WebSocket-Accept is \"x\", expected \"y\"");
    const Diagnosis d = check(bad, QStringLiteral("handshake_invalid"));
    EXPECT_TRUE(anyContains(d.evidence, QStringLiteral("Sec-WebSocket-Accept")));
    ProbeResult garbage;
    garbage.url = QStringLiteral("ws://127.0.0.1:22/");
    garbage.errorPhase = QStringLiteral("upgrade");
    garbage.errorKind = QStringLiteral("protocol");
    garbage.protocolError = QStringLiteral("the answer is not HTTP");
    check(garbage, QStringLiteral("protocol_error"));
    ProbeResult masked = upgraded();
    masked.errorPhase = QStringLiteral("echo");
    masked.errorKind = QStringLiteral("protocol");
    masked.protocolError = QStringLiteral("server sent a masked frame");
    const Diagnosis m = check(masked, QStringLiteral("protocol_error"));
    EXPECT_TRUE(anyContains(m.evidence, QStringLiteral("masked")));
}

TEST(Diagnosis, CloseAttribution)
{
    ProbeResult idle = upgraded();
    idle.errorPhase = QStringLiteral("hold");
    idle.closedBy = ClosedBy::ServerFin;
    idle.closeCode = 1006;
    idle.idleCutoffS = 2.0;
    idle.heldS = 2.0;
    const Diagnosis d = check(idle, QStringLiteral("idle_timeout"));
    EXPECT_TRUE(anyContains(d.evidence, QStringLiteral("2.00 s")));
    EXPECT_TRUE(anyContains(d.advice, QStringLiteral("proxy_read_timeout")));
    EXPECT_TRUE(anyContains(d.advice, QStringLiteral("timeout tunnel")));
    ProbeResult drop = upgraded();
    drop.errorPhase = QStringLiteral("echo");
    drop.closedBy = ClosedBy::ServerReset;
    drop.closeCode = 1006;
    const Diagnosis a = check(drop, QStringLiteral("abnormal_closure"));
    EXPECT_TRUE(anyContains(a.evidence, QStringLiteral("RST")));
    ProbeResult closed = upgraded();
    closed.errorPhase = QStringLiteral("echo");
    closed.closedBy = ClosedBy::ServerFrame;
    closed.closeCode = 1011;
    closed.closeReason = QStringLiteral("boom");
    const Diagnosis c = check(closed, QStringLiteral("server_closed"));
    EXPECT_TRUE(anyContains(c.evidence, QStringLiteral("1011")));
    ProbeResult beforeAnswer;
    beforeAnswer.url = QStringLiteral("ws://127.0.0.1/");
    beforeAnswer.errorPhase = QStringLiteral("upgrade");
    beforeAnswer.errorKind = QStringLiteral("closed");
    beforeAnswer.closedBy = ClosedBy::ServerFin;
    check(beforeAnswer, QStringLiteral("abnormal_closure"));
}

TEST(Diagnosis, NoEchoNoPongAndMixedContent)
{
    ProbeResult noEcho = upgraded();
    noEcho.echoReceived = 0;
    noEcho.errorPhase = QStringLiteral("echo");
    noEcho.errorKind = QStringLiteral("timeout");
    check(noEcho, QStringLiteral("no_echo"));
    ProbeResult noPong = upgraded();
    noPong.errorPhase = QStringLiteral("ping");
    noPong.errorKind = QStringLiteral("timeout");
    check(noPong, QStringLiteral("no_pong"));
    ProbeResult mixed = upgraded();
    mixed.url = QStringLiteral("ws://app.example/ws");
    ProbeOptions o;
    o.pageOrigin = QStringLiteral("https://app.example");
    const Diagnosis d = check(mixed, QStringLiteral("mixed_content"), o);
    EXPECT_TRUE(anyContains(d.advice, QStringLiteral("wss://")));
    o.pageOrigin = QStringLiteral("http://app.example");
    check(mixed, QStringLiteral("ok"), o);
}

TEST(Diagnosis, PairNamesTheFaultyHop)
{
    ProbeResult ok = upgraded();
    applyDiagnosis(ok, {});
    ProbeResult idle = upgraded();
    idle.errorPhase = QStringLiteral("hold");
    idle.closedBy = ClosedBy::ServerFin;
    idle.closeCode = 1006;
    idle.idleCutoffS = 2.0;
    applyDiagnosis(idle, {});
    HopVerdict v = diagnosePair(ok, idle);
    EXPECT_EQ(v.faultyHop, QStringLiteral("proxy"));
    EXPECT_TRUE(v.verdict.contains(QStringLiteral("idle_timeout")));
    EXPECT_TRUE(v.verdict.contains(QStringLiteral("the proxy")));
    EXPECT_EQ(diagnosePair(ok, ok).faultyHop, QStringLiteral("none"));
    ProbeResult refused;
    refused.url = QStringLiteral("ws://127.0.0.1:1/");
    refused.errorPhase = QStringLiteral("connect");
    refused.errorKind = QStringLiteral("refused");
    applyDiagnosis(refused, {});
    ProbeResult badGateway = refusedUpgrade(502, QStringLiteral("HTTP/1.1 502 Bad Gateway"));
    applyDiagnosis(badGateway, {});
    EXPECT_EQ(diagnosePair(refused, badGateway).faultyHop, QStringLiteral("upstream"));
    EXPECT_EQ(diagnosePair(refused, ok).faultyHop, QStringLiteral("none"));
    ProbeResult mixed = upgraded();
    mixed.url = QStringLiteral("ws://app.example/ws");
    ProbeOptions o;
    o.pageOrigin = QStringLiteral("https://app.example");
    applyDiagnosis(mixed, o);
    EXPECT_EQ(diagnosePair(ok, mixed).faultyHop, QStringLiteral("client"));
}

TEST(Diagnosis, PairComparesTheApplicationLevelOfBothHops)
{
    // issue 10: `diagnose` compares the app level of both hops, not only their upgrades.
    const auto app = [](const char* protocol, AppDetectedBy by, const char* subprotocol, double rttMs, int beats) {
        ProbeResult r = upgraded();
        r.app.protocol = QString::fromLatin1(protocol);
        r.app.detectedBy = by;
        r.subprotocol = QString::fromLatin1(subprotocol);
        r.app.rtt.count = 1;
        r.app.rtt.median = rttMs;
        r.app.roundTrips = 1;
        r.app.heartbeatsAnswered = beats;
        r.heldS = 3;
        applyDiagnosis(r, {});
        return r;
    };
    const ProbeResult direct = app("stomp", AppDetectedBy::Subprotocol, "v12.stomp", 0.5, 3);
    const ProbeResult same = app("stomp", AppDetectedBy::Subprotocol, "v12.stomp", 0.75, 3);
    HopVerdict v = diagnosePair(direct, same);
    EXPECT_EQ(v.faultyHop, QStringLiteral("none"));
    EXPECT_TRUE(v.appLevel.contains(QStringLiteral("stomp (decided by subprotocol, subprotocol v12.stomp) on both hops")))
        << v.appLevel.toStdString();
    EXPECT_TRUE(v.appLevel.contains(QStringLiteral("0.500 ms directly, 0.750 ms through the proxy (+0.250 ms)"))) << v.appLevel.toStdString();
    EXPECT_TRUE(v.appLevel.contains(QStringLiteral("heartbeats 3 directly, 3 through the proxy"))) << v.appLevel.toStdString();

    // A proxy that drops Sec-WebSocket-Protocol: both upgrades work, but through it the broker no
    // longer speaks STOMP to the client. Not "both hops work".
    const ProbeResult stripped = app("none", AppDetectedBy::Default, "", 0.3, 0);
    v = diagnosePair(direct, stripped);
    EXPECT_EQ(v.faultyHop, QStringLiteral("proxy"));
    EXPECT_TRUE(v.verdict.contains(QStringLiteral("directly stomp (decided by subprotocol, subprotocol v12.stomp), through the "
                                                  "proxy none (decided by default)")))
        << v.verdict.toStdString();

    // The heartbeat arrives directly but never through the proxy.
    const ProbeResult silent = app("stomp", AppDetectedBy::Subprotocol, "v12.stomp", 0.5, 0);
    v = diagnosePair(direct, silent);
    EXPECT_EQ(v.faultyHop, QStringLiteral("proxy"));
    EXPECT_TRUE(v.appLevel.contains(QStringLiteral("buffers or stalls"))) << v.appLevel.toStdString();

    // No hop got past the upgrade: nothing to compare at the application level.
    ProbeResult refused = refusedUpgrade(502, QStringLiteral("HTTP/1.1 502 Bad Gateway"));
    refused.app.protocol = QStringLiteral("stomp");
    applyDiagnosis(refused, {});
    EXPECT_TRUE(diagnosePair(refused, refused).appLevel.isEmpty());
    EXPECT_TRUE(diagnosePair(direct, refused).appLevel.contains(QStringLiteral("Only the direct hop reached the application")));
}

TEST(Diagnosis, EveryCauseIdIsReachableFromObservations)
{
    QHash<QString, std::pair<ProbeResult, ProbeOptions>> examples;
    ProbeOptions none;
    examples.insert(QStringLiteral("ok"), {upgraded(), none});
    ProbeResult r;
    r.url = QStringLiteral("ws://h/");
    r.errorPhase = QStringLiteral("dns");
    examples.insert(QStringLiteral("dns_failure"), {r, none});
    r.errorPhase = QStringLiteral("connect");
    r.errorKind = QStringLiteral("refused");
    examples.insert(QStringLiteral("connection_refused"), {r, none});
    r.errorKind = QStringLiteral("timeout");
    examples.insert(QStringLiteral("connect_timeout"), {r, none});
    r.errorPhase = QStringLiteral("tls");
    for (const char* kind : {"untrusted", "hostname_mismatch", "expired", "failed"}) {
        r.tls.failureKind = QString::fromLatin1(kind);
        examples.insert(QStringLiteral("tls_") + r.tls.failureKind, {r, none});
    }
    const QList<std::pair<int, const char*>> statuses = {{426, "upgrade_not_forwarded"}, {403, "origin_rejected"},
        {401, "auth_required"}, {404, "not_found"}, {502, "bad_gateway"}, {503, "service_unavailable"},
        {504, "gateway_timeout"}, {418, "http_error"}};
    for (const auto& [status, cause] : statuses)
        examples.insert(QString::fromLatin1(cause), {refusedUpgrade(status, QStringLiteral("HTTP/1.1 %1 X").arg(status)), none});
    ProbeResult u = upgraded();
    u.errorPhase = QStringLiteral("upgrade");
    u.protocolError = QStringLiteral("bad accept");
    examples.insert(QStringLiteral("handshake_invalid"), {u, none});
    u = upgraded();
    u.errorPhase = QStringLiteral("hold");
    u.closedBy = ClosedBy::ServerFin;
    u.idleCutoffS = 3.0;
    examples.insert(QStringLiteral("idle_timeout"), {u, none});
    u.errorPhase = QStringLiteral("echo");
    u.idleCutoffS.reset();
    examples.insert(QStringLiteral("abnormal_closure"), {u, none});
    u.closedBy = ClosedBy::ServerFrame;
    u.closeCode = 1011;
    examples.insert(QStringLiteral("server_closed"), {u, none});
    u = upgraded();
    u.errorPhase = QStringLiteral("echo");
    u.errorKind = QStringLiteral("timeout");
    examples.insert(QStringLiteral("no_echo"), {u, none});
    u.errorPhase = QStringLiteral("ping");
    examples.insert(QStringLiteral("no_pong"), {u, none});
    u = upgraded();
    u.timings.upgrade = 5000;
    examples.insert(QStringLiteral("slow_response"), {u, none});
    u = upgraded();
    u.errorPhase = QStringLiteral("echo");
    u.protocolError = QStringLiteral("reserved opcode");
    examples.insert(QStringLiteral("protocol_error"), {u, none});
    u = upgraded();
    u.url = QStringLiteral("ws://h/");
    ProbeOptions page;
    page.pageOrigin = QStringLiteral("https://h");
    examples.insert(QStringLiteral("mixed_content"), {u, page});
    // Issue 10: the upgrade worked, the application said no (or went quiet).
    const QList<std::pair<AppFailure, const char*>> appFailures = {{AppFailure::HandshakeFailed, "app_handshake_failed"},
        {AppFailure::SubprotocolRejected, "subprotocol_rejected"}, {AppFailure::HeartbeatLost, "app_heartbeat_lost"},
        {AppFailure::StickySessionMissing, "sticky_session_missing"}};
    for (const auto& [failure, cause] : appFailures) {
        u = upgraded();
        u.errorPhase = QStringLiteral("app");
        u.closedBy = ClosedBy::ServerFrame;
        u.closeCode = 4403;
        u.app.protocol = QStringLiteral("graphql-transport-ws");
        u.app.failure = failure;
        u.app.refusal = QStringLiteral("Forbidden");
        examples.insert(QString::fromLatin1(cause), {u, none});
    }

    EXPECT_EQ(allCauseIds().size(), 29);
    for (const QString& id : allCauseIds()) {
        ASSERT_TRUE(examples.contains(id)) << "no example for " << id.toStdString();
        check(examples.value(id).first, id, examples.value(id).second);
    }
}

TEST(Diagnosis, MissingClientCertificate400IsAuthRequiredNotAnUpgradeProblem)
{
    ProbeResult r = refusedUpgrade(400, QStringLiteral("HTTP/1.1 400 Bad Request"));
    r.bodyExcerpt = "<html><head><title>400 No required SSL certificate was sent</title></head></html>";
    const Diagnosis d = check(r, QStringLiteral("auth_required"));
    EXPECT_TRUE(anyContains(d.advice, QStringLiteral("--cert")));
}
