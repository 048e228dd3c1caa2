// SPDX-License-Identifier: GPL-3.0-or-later
// Advice lines per cause: the directive to look at in nginx, HAProxy and cloud load balancers
// (from the incident documents' symptom tables), each tagged with the platform it is about so
// the console can leave out what does not apply to a profile (ProxyStack.h).
#include "diagnosis/Diagnosis.h"
#include "diagnosis/ProxyStack.h"

namespace socketscope {

namespace {

constexpr Platforms kAny;
constexpr Platforms kNginx(Platform::Nginx);
constexpr Platforms kHaproxy(Platform::Haproxy);
constexpr Platforms kAws(Platform::Aws);
constexpr Platforms kAzure(Platform::Azure);
constexpr Platforms kGcp(Platform::Gcp);
constexpr Platforms kCloud = Platforms(Platform::Aws) | Platform::Azure | Platform::Gcp;

QString seconds(double s) { return QStringLiteral("%1 s").arg(s, 0, 'f', 1); }

} // namespace

QList<AdviceLine> adviceLines(const QString& c, const ProbeResult& r)
{
    QList<AdviceLine> a;
    const auto add = [&a](Platforms p, const QString& text) { a.append({p, text}); };
    if (c == QLatin1String("ok")) {
        if (r.tls.insecure)
            add(kAny, QStringLiteral("The certificate was not verified (--insecure): probe again with --ca FILE to check trust."));
        return a;
    }
    if (c == QLatin1String("dns_failure")) {
        add(kAny, QStringLiteral("Check the host name for typos and that its DNS record exists (dig/nslookup from this machine)."));
        add(kCloud, QStringLiteral("Cloud LB: use the load balancer's DNS name (ALB/App Gateway/GCP LB) or a CNAME to it."));
    } else if (c == QLatin1String("connection_refused")) {
        add(kAny, QStringLiteral("Nothing listens on that port: check the service is running (systemctl status, ss -ltnp)."));
        add(kNginx, QStringLiteral("nginx: check `listen` in the server block and that nginx started without [emerg] bind() errors."));
        add(kAny, QStringLiteral("Check the firewall (ufw/iptables, cloud security group / NSG) allows the port."));
    } else if (c == QLatin1String("connect_timeout")) {
        add(kAny, QStringLiteral("Packets are dropped on the way: check the firewall / cloud security group (NSG, AWS SG, GCP firewall rules)."));
        add(kAny, QStringLiteral("If only the direct upstream port times out, clients must go through the proxy (expected behind a firewall)."));
    } else if (c == QLatin1String("tls_untrusted")) {
        add(kNginx, QStringLiteral("Serve the full chain: nginx `ssl_certificate` must point at fullchain.pem, not cert.pem."));
        add(kAny, QStringLiteral("For a private CA, probe with --ca FILE; browsers need that CA installed too."));
    } else if (c == QLatin1String("tls_hostname_mismatch")) {
        add(kAny, QStringLiteral("The certificate does not cover this host name: check nginx `server_name` / `ssl_certificate` for this name, "
                                 "or reissue the certificate with the name in subjectAltName."));
    } else if (c == QLatin1String("tls_expired")) {
        add(kAny, QStringLiteral("Renew the certificate (certbot renew) and reload the proxy; check the renewal timer."));
    } else if (c == QLatin1String("tls_failed")) {
        add(kAny, QStringLiteral("Check nginx `ssl_protocols`/`ssl_ciphers` and that the port really speaks TLS (wss://) and not plain ws://."));
    } else if (c == QLatin1String("upgrade_not_forwarded")) {
        add(kNginx, QStringLiteral("nginx: in the location, add `proxy_http_version 1.1;` (the default 1.0 cannot upgrade)"));
        add(kNginx, QStringLiteral("nginx: `proxy_set_header Upgrade $http_upgrade;` and `proxy_set_header Connection \"upgrade\";`"));
        add(kHaproxy, QStringLiteral("HAProxy: use `mode http` without `option httpclose`; HAProxy forwards upgrades by itself."));
        add(kAws, QStringLiteral("AWS: use an ALB (HTTP/1.1 listeners) — a Classic ELB in HTTP mode drops the upgrade."));
        add(kAzure, QStringLiteral("Azure Application Gateway: WebSocket support must be enabled."));
        add(kGcp, QStringLiteral("GCP: the backend service must be HTTP(S)."));
    } else if (c == QLatin1String("origin_rejected")) {
        add(kAny, QStringLiteral("The Origin header is refused: add the page's origin to the allow-list (nginx `if ($http_origin …)` / app ALLOWED_ORIGINS)."));
        add(kAny, QStringLiteral("Probe with --origin set to the page's origin to reproduce the browser."));
    } else if (c == QLatin1String("auth_required") && diagnosis_detail::clientCertificateRefused(r)) {
        add(kNginx, QStringLiteral("The server wants a client certificate (nginx `ssl_verify_client on`, the body says so): probe with "
                                   "--cert FILE --key FILE, a certificate issued by the CA in nginx `ssl_client_certificate`."));
        add(kNginx, QStringLiteral("If a certificate was sent, nginx rejected it (\"The SSL certificate error\"): the error.log names the reason "
                                   "(expired, wrong CA, `ssl_verify_depth`)."));
    } else if (c == QLatin1String("auth_required")) {
        add(kAny, QStringLiteral("Credentials are required: probe with --basic-user U --password-stdin or --bearer-stdin."));
        add(kNginx, QStringLiteral("nginx: check `auth_basic` / `auth_request` on this location; 407 means a forward proxy wants credentials."));
        add(kNginx, QStringLiteral("A 400 \"No required SSL certificate was sent\" is nginx `ssl_verify_client on`: probe with --cert FILE --key FILE."));
    } else if (c == QLatin1String("not_found")) {
        add(kAny, QStringLiteral("The path is not routed: check the nginx `location` path (trailing slash in `proxy_pass` rewrites the URI) "
                                 "and the app's WebSocket route."));
    } else if (c == QLatin1String("bad_gateway")) {
        add(kAny, QStringLiteral("The proxy cannot reach the upstream: check the upstream is running and `proxy_pass` host:port is right."));
        add(kNginx, QStringLiteral("nginx error.log shows `connect() failed (111: Connection refused) while connecting to upstream`."));
    } else if (c == QLatin1String("service_unavailable")) {
        add(kHaproxy, QStringLiteral("No healthy server: HAProxy `server` lines / health checks (`check`)."));
        add(kAny, QStringLiteral("The app may be overloaded or in maintenance: check its log and health endpoint."));
        add(kCloud, QStringLiteral("Cloud LB: check the target group / backend pool health."));
    } else if (c == QLatin1String("gateway_timeout")) {
        const QString waited = r.timings.upgrade ? QStringLiteral(" (the answer came after %1 ms)").arg(*r.timings.upgrade, 0, 'f', 0) : QString();
        add(kNginx, QStringLiteral("The upstream accepted but did not answer in time%1: nginx `proxy_connect_timeout` / `proxy_read_timeout`.").arg(waited));
        add(kHaproxy, QStringLiteral("The upstream accepted but did not answer in time%1: HAProxy `timeout server`.").arg(waited));
        add(kGcp, QStringLiteral("GCP: the backend service timeout."));
    } else if (c == QLatin1String("http_error") && r.httpStatus.value_or(0) == 429) {
        add(kAny, QStringLiteral("429 Too Many Requests: a rate limit refused the upgrade — nginx `limit_req` / `limit_conn` "
                                 "(`limit_req_status`), HAProxy `http-request deny` on a stick-table rate, or the app's own limiter; "
                                 "wait for Retry-After or raise the limit for WebSocket clients that reconnect."));
        add(kAny, QStringLiteral("Clients that reconnect in a tight loop hit rate limits: add a back-off to the reconnect logic."));
    } else if (c == QLatin1String("http_error")) {
        add(kAny, QStringLiteral("The server answered HTTP %1 instead of 101: read the body excerpt and the server's log for the reason.")
                      .arg(r.httpStatus.value_or(0)));
    } else if (c == QLatin1String("handshake_invalid")) {
        add(kAny, QStringLiteral("The 101 answer is broken: something between client and app rewrites the handshake "
                                 "(a middlebox, or an app that answers 101 without Sec-WebSocket-Accept). Probe the upstream directly."));
    } else if (c == QLatin1String("idle_timeout")) {
        const QString cut = seconds(r.idleCutoffS.value_or(r.heldS));
        add(kNginx, QStringLiteral("nginx: the idle connection was cut at %1 — raise `proxy_read_timeout` and `proxy_send_timeout` in the "
                                   "WebSocket location well above %1 (default 60s), e.g. 300s or more.").arg(cut));
        add(kHaproxy, QStringLiteral("HAProxy: the idle connection was cut at %1 — raise `timeout tunnel` above it (it overrides "
                                     "`timeout client`/`timeout server` once upgraded).").arg(cut));
        add(kAws, QStringLiteral("AWS ALB: the idle connection was cut at %1 — raise the idle timeout attribute (default 60 s).").arg(cut));
        add(kAzure | kGcp, QStringLiteral("Azure App Gateway / GCP backend service: the idle connection was cut at %1 — raise the "
                                          "backend timeout (default 30 s).").arg(cut));
        add(kAny, QStringLiteral("Or keep the connection busy: have the server (or client) send pings more often than the cutoff of %1.").arg(cut));
    } else if (c == QLatin1String("abnormal_closure")) {
        add(kAny, QStringLiteral("The connection was dropped without a close frame (1006): check the proxy's error.log at `info` level and "
                                 "the app's log for crashes or resets at that time."));
        add(kNginx, QStringLiteral("nginx: `proxy_buffering off;` for streaming upstreams; check worker restarts (reload) and OOM kills."));
    } else if (c == QLatin1String("server_closed")) {
        add(kAny, QStringLiteral("The application closed the socket with code %1: read the app's log (1011 = internal error, "
                                 "1008 = policy, 1001 = going away/restart).").arg(r.closeCode.value_or(0)));
    } else if (c == QLatin1String("no_echo")) {
        add(kAny, QStringLiteral("The endpoint does not echo: probe an echo endpoint (socketscope-cli serve, /ws/echo) next to the app, "
                                 "or use --echo 0 with --ping-interval for non-echo services."));
    } else if (c == QLatin1String("no_pong")) {
        add(kAny, QStringLiteral("Pings are not answered: the server or an intermediary drops control frames; check the app's WebSocket library."));
    } else if (c == QLatin1String("slow_response")) {
        const QString rtt = r.echoRtt.count ? QStringLiteral(" (echo took %1 ms here)").arg(r.echoRtt.median, 0, 'f', 1) : QString();
        add(kAny, QStringLiteral("Compare with a direct probe of the upstream%1: if direct is fast, look at the proxy; else the app itself is slow.").arg(rtt));
        add(kNginx, QStringLiteral("nginx: `proxy_buffering off;` in the WebSocket location, and upstream `keepalive`."));
    } else if (c == QLatin1String("protocol_error") && r.errorKind == QLatin1String("extension")) {
        add(kAny, QStringLiteral("permessage-deflate is broken between the client and the app: a hop strips or rewrites "
                                 "Sec-WebSocket-Extensions in one direction only (nginx `proxy_hide_header Sec-WebSocket-Extensions`, "
                                 "a header filter, a WAF) while the compressed frames pass. Pass the header both ways, or strip it "
                                 "from the request (`proxy_set_header Sec-WebSocket-Extensions \"\";`) so nothing is compressed."));
        add(kAny, QStringLiteral("Confirm with a direct probe of the upstream, and with --no-deflate (which offers no compression)."));
    } else if (c == QLatin1String("protocol_error")) {
        add(kAny, QStringLiteral("The peer does not speak WebSocket correctly here: check the URL/port points at the WebSocket service "
                                 "(not a different TCP service) and the app's WebSocket library version."));
    } else if (c == QLatin1String("app_handshake_failed")) {
        add(kAny, QStringLiteral("The WebSocket works; the application refused (%1): check the credentials or payload the app expects "
                                 "(--app-payload: Socket.IO auth, GraphQL connection_init), the namespace (--app-namespace) and the app's log.")
                      .arg(r.app.refusal.isEmpty() ? r.app.protocol : r.app.refusal));
        add(kAny, QStringLiteral("Probe the upstream directly: if it refuses there too, the proxy is not at fault."));
    } else if (c == QLatin1String("subprotocol_rejected")) {
        add(kAny, QStringLiteral("Offer the subprotocol the app speaks (--subprotocol, or --app NAME); a proxy must pass "
                                 "Sec-WebSocket-Protocol through in both directions (nginx does by default; check header filters)."));
    } else if (c == QLatin1String("app_heartbeat_lost")) {
        add(kNginx, QStringLiteral("nginx: `proxy_buffering off;` in the WebSocket location (a hop buffers or stalls one direction)."));
        add(kHaproxy, QStringLiteral("HAProxy: `timeout tunnel` above the app's heartbeat interval."));
        add(kAny, QStringLiteral("Check CDN/WAF WebSocket support, and compare with a direct probe of the upstream held just as long (--hold)."));
    } else if (c == QLatin1String("sticky_session_missing")) {
        add(kNginx, QStringLiteral("Make the load balancer sticky: nginx `ip_hash;` or `hash $cookie_io consistent;` in the upstream."));
        add(kHaproxy, QStringLiteral("Make the load balancer sticky: HAProxy `balance source` or `cookie SERVERID insert`."));
        add(kAws, QStringLiteral("AWS ALB: enable target-group stickiness."));
        add(kAny, QStringLiteral("Or connect clients with WebSocket only (socket.io-client `transports: ['websocket']`)."));
    } else if (c == QLatin1String("mixed_content")) {
        add(kAny, QStringLiteral("Use a wss:// URL from https pages (terminate TLS at the proxy) and pass `X-Forwarded-Proto: https`."));
    }
    return a;
}

namespace diagnosis_detail {

QStringList adviceFor(const QString& c, const ProbeResult& r)
{
    QStringList texts;
    for (const AdviceLine& line : adviceLines(c, r))
        texts << line.text;
    return texts;
}

} // namespace diagnosis_detail

} // namespace socketscope
