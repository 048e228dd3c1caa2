// SPDX-License-Identifier: GPL-3.0-or-later
// The fault lab: real nginx and HAProxy on 127.0.0.1, each misconfigured the way the incident
// documents describe, and the probe must name the cause.
#include "ProxyLab.h"

#include "diagnosis/Diagnosis.h"
#include "probe/ProbeProfile.h"
#include "profiles/Profile.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QCryptographicHash>
#include <QFile>
#include <QTcpServer>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::proxylab;

#define REQUIRE_NGINX(n) LAB_REQUIRE((n).skipReason())

namespace {
QString wsUrl(quint16 port, const QString& path = QStringLiteral("/ws/echo"))
{
    return QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(path);
}
} // namespace

TEST(ProxyLab, NginxCorrectProxyIsOkWithBothBackends)
{
    lab::NginxLab nginx;
    REQUIRE_NGINX(nginx);
    Backend serve, python;
    ASSERT_TRUE(serve.start(QStringLiteral("serve")));
    ASSERT_TRUE(python.start(QStringLiteral("echo")));
    const quint16 p1 = lab::freePort(), p2 = lab::freePort();
    QByteArray log;
    ASSERT_TRUE(startNginx(nginx, {{QStringLiteral("serve"), proxySite(p1, serve.port(), upgradeDirectives())},
                                   {QStringLiteral("python"), proxySite(p2, python.port(), upgradeDirectives())}}, &log))
        << log.constData();
    ProbeOptions o = quickOptions(wsUrl(p1));
    o.echoCount = 3;
    ProbeResult r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << describe(r).toStdString();
    EXPECT_EQ(r.echoReceived, 3);
    EXPECT_EQ(r.otherMessages, 1) << "the reference server's welcome is not an echo";
    r = probe(quickOptions(wsUrl(p2, QStringLiteral("/"))));
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << describe(r).toStdString();
    EXPECT_EQ(r.otherMessages, 0);
}

TEST(ProxyLab, NginxWithoutUpgradeHeadersOrWithHttp10IsUpgradeNotForwarded)
{
    lab::NginxLab nginx;
    REQUIRE_NGINX(nginx);
    Backend python;
    ASSERT_TRUE(python.start(QStringLiteral("echo")));
    const quint16 noHeaders = lab::freePort(), http10 = lab::freePort();
    QByteArray log;
    ASSERT_TRUE(startNginx(nginx, {{QStringLiteral("noheaders"), proxySite(noHeaders, python.port(), QStringLiteral("proxy_http_version 1.1;"))},
                                   {QStringLiteral("http10"), proxySite(http10, python.port(), QString())}}, &log))
        << log.constData();
    ProbeResult r = probe(quickOptions(wsUrl(noHeaders, QStringLiteral("/"))));
    EXPECT_EQ(r.cause, QStringLiteral("upgrade_not_forwarded")) << describe(r).toStdString();
    ASSERT_TRUE(r.httpStatus);
    EXPECT_TRUE(*r.httpStatus == 426 || *r.httpStatus == 400) << *r.httpStatus;
    EXPECT_TRUE(r.advice.join(QLatin1Char('\n')).contains(QStringLiteral("proxy_set_header Upgrade")));
    r = probe(quickOptions(wsUrl(http10, QStringLiteral("/"))));
    EXPECT_EQ(r.cause, QStringLiteral("upgrade_not_forwarded")) << describe(r).toStdString();
    EXPECT_TRUE(r.advice.join(QLatin1Char('\n')).contains(QStringLiteral("proxy_http_version 1.1")));
}

TEST(ProxyLab, NginxReadTimeoutDropsTheIdleConnectionAfterTwoSeconds)
{
    lab::NginxLab nginx;
    REQUIRE_NGINX(nginx);
    Backend serve;
    ASSERT_TRUE(serve.start(QStringLiteral("serve")));
    const quint16 port = lab::freePort();
    QByteArray log;
    ASSERT_TRUE(startNginx(nginx, {{QStringLiteral("idle"), proxySite(port, serve.port(), upgradeDirectives()
                                                                      + QStringLiteral("        proxy_read_timeout 2s;\n"))}}, &log))
        << log.constData();
    ProbeOptions o = quickOptions(wsUrl(port));
    o.holdS = 5;
    const ProbeResult r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("idle_timeout")) << describe(r).toStdString();
    ASSERT_TRUE(r.idleCutoffS);
    EXPECT_NEAR(*r.idleCutoffS, 2.0, 0.5);
    EXPECT_EQ(r.closeCode, 1006);
    EXPECT_TRUE(r.closedBy == ClosedBy::ServerFin || r.closedBy == ClosedBy::ServerReset);
    EXPECT_TRUE(r.advice.join(QLatin1Char('\n')).contains(QStringLiteral("proxy_read_timeout")));
    // nginx logs the drop at info level: the same fact from the other side.
    EXPECT_TRUE(lab::readAll(nginx.errorLog()).contains("upstream timed out"));
}

TEST(ProxyLab, HaproxyTunnelTimeoutIsIdleTimeoutAndBackendDownIs503)
{
    lab::HaproxyLab haproxy;
    LAB_REQUIRE(haproxy.skipReason());
    Backend serve;
    ASSERT_TRUE(serve.start(QStringLiteral("serve")));
    const quint16 port = lab::freePort(), downPort = lab::freePort(), deadBackend = lab::freePort();
    haproxy.writeConfig(QStringLiteral("defaults\n"
                                       "    mode http\n"
                                       "    timeout connect 500ms\n"
                                       "    timeout client 10s\n"
                                       "    timeout server 10s\n"
                                       "    timeout tunnel 2s\n"
                                       "    retries 0\n"
                                       "frontend fe\n"
                                       "    bind 127.0.0.1:%1\n"
                                       "    default_backend be\n"
                                       "frontend down\n"
                                       "    bind 127.0.0.1:%2\n"
                                       "    default_backend dead\n"
                                       "backend be\n"
                                       "    server s1 127.0.0.1:%3\n"
                                       "backend dead\n"
                                       "    server s1 127.0.0.1:%4\n")
                            .arg(port).arg(downPort).arg(serve.port()).arg(deadBackend));
    QByteArray log;
    ASSERT_TRUE(haproxy.check(&log)) << log.constData();
    ASSERT_TRUE(haproxy.start());
    ASSERT_TRUE(lab::waitForPort(port)) << haproxy.output().constData();
    ProbeOptions o = quickOptions(wsUrl(port));
    o.holdS = 5;
    ProbeResult r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("idle_timeout")) << describe(r).toStdString();
    ASSERT_TRUE(r.idleCutoffS);
    EXPECT_NEAR(*r.idleCutoffS, 2.0, 0.5);
    EXPECT_TRUE(r.advice.join(QLatin1Char('\n')).contains(QStringLiteral("timeout tunnel")));
    r = probe(quickOptions(wsUrl(downPort)));
    EXPECT_EQ(r.cause, QStringLiteral("service_unavailable")) << describe(r).toStdString();
    EXPECT_EQ(r.httpStatus, 503);
}

TEST(ProxyLab, NginxBackendDownIsBadGatewayAndOriginCheckIsOriginRejected)
{
    lab::NginxLab nginx;
    REQUIRE_NGINX(nginx);
    Backend serve;
    ASSERT_TRUE(serve.start(QStringLiteral("serve")));
    const quint16 down = lab::freePort(), origin = lab::freePort(), deadBackend = lab::freePort();
    QByteArray log;
    const QString originCheck = upgradeDirectives()
        + QStringLiteral("        if ($http_origin != \"https://good.example\") { return 403; }\n");
    ASSERT_TRUE(startNginx(nginx, {{QStringLiteral("down"), proxySite(down, deadBackend, upgradeDirectives())},
                                   {QStringLiteral("origin"), proxySite(origin, serve.port(), originCheck)}}, &log))
        << log.constData();
    ProbeResult r = probe(quickOptions(wsUrl(down)));
    EXPECT_EQ(r.cause, QStringLiteral("bad_gateway")) << describe(r).toStdString();
    EXPECT_EQ(r.httpStatus, 502);
    EXPECT_TRUE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("502 Bad Gateway")));
    ProbeOptions o = quickOptions(wsUrl(origin));
    o.origin = QStringLiteral("https://evil.example");
    r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("origin_rejected")) << describe(r).toStdString();
    o.origin = QStringLiteral("https://good.example");
    r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << describe(r).toStdString();
}

TEST(ProxyLab, NginxSilentBackendIsGatewayTimeoutAndTeapotAndRateLimitAreHttpErrors)
{
    lab::NginxLab nginx;
    REQUIRE_NGINX(nginx);
    // A backend that accepts TCP and never answers: nginx gives up after proxy_read_timeout.
    QTcpServer silent;
    ASSERT_TRUE(silent.listen(QHostAddress::LocalHost, 0));
    Backend serve;
    ASSERT_TRUE(serve.start(QStringLiteral("serve")));
    const quint16 slow = lab::freePort(), teapot = lab::freePort(), limited = lab::freePort();
    nginx.writeMainConfig(QStringLiteral("limit_req_zone $binary_remote_addr zone=ws:1m rate=1r/m;\n"));
    nginx.writeSite(QStringLiteral("slow"), proxySite(slow, silent.serverPort(), upgradeDirectives()
                                                          + QStringLiteral("        proxy_read_timeout 1s;\n")));
    nginx.writeSite(QStringLiteral("teapot"), QStringLiteral("server {\n    listen 127.0.0.1:%1;\n    location / { return 418; }\n}\n")
                                                  .arg(teapot));
    nginx.writeSite(QStringLiteral("limited"), proxySite(limited, serve.port(), upgradeDirectives()
                                                             + QStringLiteral("        limit_req zone=ws nodelay;\n"
                                                                              "        limit_req_status 429;\n")));
    QByteArray log;
    ASSERT_TRUE(nginx.start(&log)) << log.constData();

    ProbeOptions o = quickOptions(wsUrl(slow));
    o.timeoutS = 5; // longer than nginx's 1 s: the 504 must come from nginx, not from our timeout
    ProbeResult r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("gateway_timeout")) << describe(r).toStdString();
    EXPECT_EQ(r.httpStatus, 504);
    EXPECT_TRUE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("504 Gateway Time-out"))) << describe(r).toStdString();
    EXPECT_TRUE(r.advice.join(QLatin1Char('\n')).contains(QStringLiteral("proxy_read_timeout")));
    EXPECT_TRUE(lab::readAll(nginx.errorLog()).contains("upstream timed out")) << "nginx's own account of the 504";

    r = probe(quickOptions(wsUrl(teapot)));
    EXPECT_EQ(r.cause, QStringLiteral("http_error")) << describe(r).toStdString();
    EXPECT_EQ(r.httpStatus, 418);
    EXPECT_TRUE(causeSentence(r).contains(QStringLiteral("418"))) << causeSentence(r).toStdString();

    // The first upgrade passes the rate limit; the next one within the minute is refused with 429.
    r = probe(quickOptions(wsUrl(limited)));
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << describe(r).toStdString();
    r = probe(quickOptions(wsUrl(limited)));
    EXPECT_EQ(r.cause, QStringLiteral("http_error")) << describe(r).toStdString();
    EXPECT_EQ(r.httpStatus, 429);
    EXPECT_TRUE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("429 Too Many Requests"))) << describe(r).toStdString();
    ASSERT_FALSE(r.advice.isEmpty());
    EXPECT_TRUE(r.advice.first().contains(QStringLiteral("limit_req"))) << r.advice.join(QLatin1Char('\n')).toStdString();
}

TEST(ProxyLab, NginxTlsUntrustedTrustedWithCaAndWrongHostName)
{
    lab::NginxLab nginx;
    REQUIRE_NGINX(nginx);
    QTemporaryDir certDir;
    QByteArray log;
    ASSERT_TRUE(makeSelfSignedCert(certDir.path(), QStringLiteral("DNS:localhost"), &log)) << log.constData();
    Backend serve;
    ASSERT_TRUE(serve.start(QStringLiteral("serve")));
    const quint16 port = lab::freePort();
    const QString tls = QStringLiteral(" ssl;\n    ssl_certificate %1/cert.pem;\n    ssl_certificate_key %1/key.pem").arg(certDir.path());
    ASSERT_TRUE(startNginx(nginx, {{QStringLiteral("tls"), proxySite(port, serve.port(), upgradeDirectives(), tls)}}, &log))
        << log.constData();
    const QString url = QStringLiteral("wss://localhost:%1/ws/echo").arg(port);
    ProbeResult r = probe(quickOptions(url));
    EXPECT_EQ(r.cause, QStringLiteral("tls_untrusted")) << describe(r).toStdString();
    EXPECT_FALSE(r.tls.errors.isEmpty());
    ProbeOptions o = quickOptions(url);
    o.caFile = certDir.path() + QStringLiteral("/cert.pem");
    r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << describe(r).toStdString();
    EXPECT_TRUE(r.timings.tls);
    EXPECT_TRUE(r.tls.daysToExpiry && *r.tls.daysToExpiry >= 29);
    o.url = QStringLiteral("wss://127.0.0.1:%1/ws/echo").arg(port); // the certificate names only "localhost"
    r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("tls_hostname_mismatch")) << describe(r).toStdString();
    o = quickOptions(url);
    o.insecure = true;
    r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << describe(r).toStdString();
    EXPECT_TRUE(r.tls.insecure);
    EXPECT_TRUE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("NOT verified")));
}

TEST(ProxyLab, ClosedPortAndInvalidHost)
{
    ProbeResult r = probe(quickOptions(wsUrl(lab::freePort())));
    EXPECT_EQ(r.cause, QStringLiteral("connection_refused")) << describe(r).toStdString();
    r = probe(quickOptions(QStringLiteral("ws://socketscope-lab.invalid/ws")));
    EXPECT_EQ(r.cause, QStringLiteral("dns_failure")) << describe(r).toStdString();
}

TEST(ProxyLab, BackendClosing1011NeverEchoingOrAnsweringGarbage)
{
    lab::NginxLab nginx;
    REQUIRE_NGINX(nginx);
    Backend closer, silent, garbage;
    ASSERT_TRUE(closer.start(QStringLiteral("close1011")));
    ASSERT_TRUE(silent.start(QStringLiteral("silent")));
    ASSERT_TRUE(garbage.start(QStringLiteral("garbage")));
    const quint16 p1 = lab::freePort(), p2 = lab::freePort();
    QByteArray log;
    ASSERT_TRUE(startNginx(nginx, {{QStringLiteral("closer"), proxySite(p1, closer.port(), upgradeDirectives())},
                                   {QStringLiteral("silent"), proxySite(p2, silent.port(), upgradeDirectives())}}, &log))
        << log.constData();
    ProbeResult r = probe(quickOptions(wsUrl(p1, QStringLiteral("/"))));
    EXPECT_EQ(r.cause, QStringLiteral("server_closed")) << describe(r).toStdString();
    EXPECT_EQ(r.closeCode, 1011);
    EXPECT_EQ(r.closeReason, QStringLiteral("backend failure"));
    EXPECT_EQ(r.closedBy, ClosedBy::ServerFrame);
    ProbeOptions o = quickOptions(wsUrl(p2, QStringLiteral("/")));
    o.app = AppProtocolId::Echo; // asked for explicitly (--echo): the silent backend never answers one
    o.timeoutS = 0.5;
    r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("no_echo")) << describe(r).toStdString();
    r = probe(quickOptions(wsUrl(garbage.port(), QStringLiteral("/"))));
    EXPECT_EQ(r.cause, QStringLiteral("protocol_error")) << describe(r).toStdString();
    EXPECT_TRUE(r.protocolError.contains(QStringLiteral("not HTTP")));
}

TEST(ProxyLab, NginxClientCertificateAndBasicAuth)
{
    lab::NginxLab nginx;
    REQUIRE_NGINX(nginx);
    QTemporaryDir certDir, clientDir;
    QByteArray log;
    ASSERT_TRUE(makeSelfSignedCert(certDir.path(), QStringLiteral("DNS:localhost"), &log)) << log.constData();
    ASSERT_TRUE(makeSelfSignedCert(clientDir.path(), QStringLiteral("DNS:probe-client"), &log)) << log.constData();
    QByteArray hash;
    ASSERT_EQ(lab::runProgram(QStringLiteral("/usr/bin/openssl"), {QStringLiteral("passwd"), QStringLiteral("-apr1"),
                                                                   QStringLiteral("s3cret")}, &hash), 0);
    const QString htpasswd = certDir.filePath(QStringLiteral("htpasswd"));
    ASSERT_TRUE(lab::writeFile(htpasswd, "ops:" + hash.trimmed() + "\n"));
    QFile::setPermissions(htpasswd, QFileDevice::ReadOwner | QFileDevice::ReadOther | QFileDevice::ReadGroup);
    QFile::setPermissions(certDir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                              | QFileDevice::ExeOther | QFileDevice::ExeGroup);
    Backend serve;
    ASSERT_TRUE(serve.start(QStringLiteral("serve")));
    const quint16 mtls = lab::freePort(), basic = lab::freePort();
    const QString tls = QStringLiteral(" ssl;\n    ssl_certificate %1/cert.pem;\n    ssl_certificate_key %1/key.pem;\n"
                                       "    ssl_verify_client on;\n    ssl_client_certificate %2/cert.pem")
                            .arg(certDir.path(), clientDir.path());
    const QString auth = upgradeDirectives() + QStringLiteral("        auth_basic \"lab\";\n        auth_basic_user_file %1;\n").arg(htpasswd);
    ASSERT_TRUE(startNginx(nginx, {{QStringLiteral("mtls"), proxySite(mtls, serve.port(), upgradeDirectives(), tls)},
                                   {QStringLiteral("basic"), proxySite(basic, serve.port(), auth)}}, &log))
        << log.constData();

    // With the client certificate the mutual-TLS site answers.
    ProbeOptions o = quickOptions(QStringLiteral("wss://localhost:%1/ws/echo").arg(mtls));
    o.caFile = certDir.filePath(QStringLiteral("cert.pem"));
    o.clientCertificate = clientDir.filePath(QStringLiteral("cert.pem"));
    o.clientKey = clientDir.filePath(QStringLiteral("key.pem"));
    ProbeResult r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << describe(r).toStdString();
    // Without the client certificate nginx answers 400 "No required SSL certificate was sent".
    // The cause stays auth_required, but the first advice is the client certificate, not a password.
    o = quickOptions(QStringLiteral("wss://localhost:%1/ws/echo").arg(mtls));
    o.caFile = certDir.filePath(QStringLiteral("cert.pem"));
    r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("auth_required")) << describe(r).toStdString();
    EXPECT_EQ(r.httpStatus, 400);
    EXPECT_TRUE(r.bodyExcerpt.contains("No required SSL certificate was sent")) << r.bodyExcerpt.constData();
    ASSERT_FALSE(r.advice.isEmpty());
    EXPECT_TRUE(r.advice.first().contains(QStringLiteral("--cert FILE --key FILE"))) << r.advice.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(r.advice.first().contains(QStringLiteral("ssl_verify_client")));
    EXPECT_FALSE(r.advice.join(QLatin1Char('\n')).contains(QStringLiteral("--basic-user")))
        << "a password cannot replace a client certificate";

    o = quickOptions(wsUrl(basic));
    r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("auth_required")) << describe(r).toStdString();
    EXPECT_EQ(r.httpStatus, 401);
    o.basicAuthUser = QStringLiteral("ops");
    o.basicAuthPassword = QStringLiteral("s3cret");
    r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << describe(r).toStdString();
    EXPECT_FALSE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("s3cret")));
    // The CLI reads the password from standard input, never argv.
    QProcess cli;
    cli.start(lab::cliPath(), {QStringLiteral("probe"), wsUrl(basic), QStringLiteral("--basic-user"), QStringLiteral("ops"),
                               QStringLiteral("--password-stdin"), QStringLiteral("--json")});
    ASSERT_TRUE(cli.waitForStarted());
    cli.write("s3cret\n");
    cli.closeWriteChannel();
    ASSERT_TRUE(cli.waitForFinished(15000));
    EXPECT_EQ(cli.exitCode(), 0) << cli.readAllStandardOutput().constData() << cli.readAllStandardError().constData();
}

namespace {
// The oracle for pins: OpenSSL's command line, as curl's and OkHttp's documentation compute them.
QString opensslPin(const QString& pipeline, const QString& certPem)
{
    QByteArray out;
    if (lab::runProgram(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), pipeline, QStringLiteral("sh"), certPem}, &out) != 0)
        return {};
    return QString::fromLatin1(out.trimmed());
}
QString spkiPinOf(const QString& certPem)
{
    return opensslPin(QStringLiteral("openssl x509 -in \"$1\" -pubkey -noout | openssl pkey -pubin -outform der"
                                     " | openssl dgst -sha256 -binary | base64"), certPem);
}
QString certificatePinOf(const QString& certPem)
{
    return opensslPin(QStringLiteral("openssl x509 -in \"$1\" -outform der | openssl dgst -sha256 -binary | base64"), certPem);
}
} // namespace

TEST(ProxyLab, NginxPinIsThePublicKeyHashLikeCurlAndSurvivesARenewalWithTheSameKey)
{
    lab::NginxLab nginx;
    REQUIRE_NGINX(nginx);
    QTemporaryDir certDir;
    QByteArray log;
    ASSERT_TRUE(makeSelfSignedCert(certDir.path(), QStringLiteral("DNS:localhost"), &log)) << log.constData();
    const QString cert = certDir.filePath(QStringLiteral("cert.pem")), key = certDir.filePath(QStringLiteral("key.pem"));
    const QString renewed = certDir.filePath(QStringLiteral("renewed.pem")); // same key, new certificate
    ASSERT_EQ(lab::runProgram(QStringLiteral("/usr/bin/openssl"),
                              {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-key"), key, QStringLiteral("-out"), renewed,
                               QStringLiteral("-days"), QStringLiteral("60"), QStringLiteral("-subj"), QStringLiteral("/CN=SocketScope lab renewed"),
                               QStringLiteral("-addext"), QStringLiteral("subjectAltName=DNS:localhost")}, &log), 0) << log.constData();
    const QString spki = spkiPinOf(cert), certHash = certificatePinOf(cert);
    ASSERT_EQ(spki.size(), 44) << spki.toStdString();
    ASSERT_EQ(certHash.size(), 44) << certHash.toStdString();
    ASSERT_EQ(spkiPinOf(renewed), spki) << "the oracle sees the same key in both certificates";
    ASSERT_NE(certificatePinOf(renewed), certHash);

    Backend serve;
    ASSERT_TRUE(serve.start(QStringLiteral("serve")));
    const quint16 first = lab::freePort(), second = lab::freePort();
    const auto tls = [&key](const QString& certPem) {
        return QStringLiteral(" ssl;\n    ssl_certificate %1;\n    ssl_certificate_key %2").arg(certPem, key);
    };
    ASSERT_TRUE(startNginx(nginx, {{QStringLiteral("first"), proxySite(first, serve.port(), upgradeDirectives(), tls(cert))},
                                   {QStringLiteral("renewed"), proxySite(second, serve.port(), upgradeDirectives(), tls(renewed))}},
                           &log))
        << log.constData();
    const auto pinned = [](quint16 port, const QString& pin) {
        ProbeOptions o = quickOptions(QStringLiteral("wss://localhost:%1/ws/echo").arg(port));
        o.pinnedCertificate = pin; // no CA: the pin alone decides trust
        return probe(o);
    };
    // The public-key pin, in our spelling and in curl's --pinnedpubkey spelling, on both certificates.
    for (const QString& prefix : {QStringLiteral("sha256/"), QStringLiteral("sha256//")}) {
        for (quint16 port : {first, second}) {
            const ProbeResult r = pinned(port, prefix + spki);
            EXPECT_EQ(r.cause, QStringLiteral("ok")) << prefix.toStdString() << " " << port << " " << describe(r).toStdString();
            EXPECT_TRUE(r.tls.pinned);
        }
    }
    // The whole-certificate pin only under its explicit spelling, and it breaks on renewal.
    ProbeResult r = pinned(first, QStringLiteral("cert-sha256/") + certHash);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << describe(r).toStdString();
    EXPECT_TRUE(r.tls.pinned);
    r = pinned(second, QStringLiteral("cert-sha256/") + certHash);
    EXPECT_EQ(r.cause, QStringLiteral("tls_failed")) << describe(r).toStdString();
    EXPECT_EQ(r.tls.failureKind, QStringLiteral("pin_mismatch"));
    r = pinned(first, QStringLiteral("sha256/") + certHash);
    EXPECT_EQ(r.cause, QStringLiteral("tls_failed")) << "sha256/ is the public key's hash, not the certificate's: "
                                                     << describe(r).toStdString();
    EXPECT_EQ(r.tls.failureKind, QStringLiteral("pin_mismatch"));
    // The mismatch names the server's pins in both spellings, as the oracle computes them.
    EXPECT_TRUE(r.errorString.contains(QStringLiteral("sha256/") + spki)) << r.errorString.toStdString();
    EXPECT_TRUE(r.errorString.contains(QStringLiteral("cert-sha256/") + certHash)) << r.errorString.toStdString();
    // A wrong pin fails even when the CA would trust the server.
    ProbeOptions o = quickOptions(QStringLiteral("wss://localhost:%1/ws/echo").arg(first));
    o.caFile = cert;
    o.pinnedCertificate = QStringLiteral("sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("tls_failed")) << describe(r).toStdString();
    EXPECT_EQ(r.tls.failureKind, QStringLiteral("pin_mismatch"));
    // A pin that is not a digest is a usage error, not a mismatch.
    r = pinned(first, QStringLiteral("sha256/not-a-digest"));
    EXPECT_NE(r.tls.failureKind, QStringLiteral("pin_mismatch")) << describe(r).toStdString();
    EXPECT_TRUE(r.errorString.contains(QStringLiteral("SHA-256"))) << r.errorString.toStdString();
    // The CLI's --pin and a profile's pinned certificate take the same notation.
    QByteArray out;
    EXPECT_EQ(lab::runProgram(lab::cliPath(), {QStringLiteral("probe"), QStringLiteral("wss://localhost:%1/ws/echo").arg(second),
                                               QStringLiteral("--pin"), QStringLiteral("sha256//") + spki, QStringLiteral("--json")}, &out), 0)
        << out.constData();
    EXPECT_EQ(lab::runProgram(lab::cliPath(), {QStringLiteral("probe"), QStringLiteral("wss://localhost:%1/ws/echo").arg(second),
                                               QStringLiteral("--pin"), QStringLiteral("sha256/not-a-digest")}, &out), 2)
        << "a malformed pin is a usage error: " << out.constData();
    Profile profile;
    profile.tls.pinnedCertificate = QStringLiteral("sha256/") + spki;
    ProbeOptions fromProfile = quickOptions(QStringLiteral("wss://localhost:%1/ws/echo").arg(second));
    applyProfile(fromProfile, profile);
    r = probe(fromProfile);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << describe(r).toStdString();
    EXPECT_TRUE(r.tls.pinned);
}

TEST(ProxyLab, NginxExpiredCertificateIsTlsExpired)
{
    lab::NginxLab nginx;
    REQUIRE_NGINX(nginx);
    QByteArray log;
    if (lab::runProgram(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), QStringLiteral("import cryptography")}, &log) != 0)
        LAB_UNAVAILABLE("python3-cryptography is not installed (Debian package python3-cryptography; needed to make an expired certificate)");
    QTemporaryDir certDir;
    ASSERT_EQ(lab::runProgram(QStringLiteral("/usr/bin/python3"),
                              {QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/proxylab/make_expired_cert.py"), certDir.path()}, &log), 0)
        << log.constData();
    Backend serve;
    ASSERT_TRUE(serve.start(QStringLiteral("serve")));
    const quint16 port = lab::freePort();
    const QString tls = QStringLiteral(" ssl;\n    ssl_certificate %1/cert.pem;\n    ssl_certificate_key %1/key.pem").arg(certDir.path());
    ASSERT_TRUE(startNginx(nginx, {{QStringLiteral("expired"), proxySite(port, serve.port(), upgradeDirectives(), tls)}}, &log))
        << log.constData();
    ProbeOptions o = quickOptions(QStringLiteral("wss://localhost:%1/ws/echo").arg(port));
    o.caFile = certDir.filePath(QStringLiteral("cert.pem"));
    const ProbeResult r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("tls_expired")) << describe(r).toStdString();
    ASSERT_TRUE(r.tls.daysToExpiry);
    EXPECT_LT(*r.tls.daysToExpiry, 0);
    EXPECT_TRUE(r.advice.join(QLatin1Char('\n')).contains(QStringLiteral("Renew")));
}
