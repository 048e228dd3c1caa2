// SPDX-License-Identifier: GPL-3.0-or-later
// The fault lab: real nginx and HAProxy on 127.0.0.1, each misconfigured the way the incident
// documents describe, and the probe must name the cause.
#include "ProxyLab.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QCryptographicHash>
#include <QFile>
#include <QTcpServer>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::proxylab;

#define REQUIRE_NGINX(n)                                                                                               \
    if (!(n).available())                                                                                              \
    GTEST_SKIP() << "nginx is not installed"

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
    if (!haproxy.available())
        GTEST_SKIP() << "haproxy is not installed";
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

TEST(ProxyLab, NginxPinnedCertificateClientCertificateAndBasicAuth)
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

    // Pinning the server certificate replaces CA trust; a wrong pin fails even with the CA.
    QByteArray der;
    ASSERT_EQ(lab::runProgram(QStringLiteral("/usr/bin/openssl"), {QStringLiteral("x509"), QStringLiteral("-in"),
                                                                   certDir.filePath(QStringLiteral("cert.pem")), QStringLiteral("-outform"),
                                                                   QStringLiteral("DER"), QStringLiteral("-out"),
                                                                   certDir.filePath(QStringLiteral("cert.der"))}, &der), 0);
    const QByteArray pin = "sha256/" + QCryptographicHash::hash(lab::readAll(certDir.filePath(QStringLiteral("cert.der"))),
                                                                QCryptographicHash::Sha256).toBase64();
    ProbeOptions o = quickOptions(QStringLiteral("wss://localhost:%1/ws/echo").arg(mtls));
    o.clientCertificate = clientDir.filePath(QStringLiteral("cert.pem"));
    o.clientKey = clientDir.filePath(QStringLiteral("key.pem"));
    o.pinnedCertificate = QString::fromLatin1(pin);
    ProbeResult r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << describe(r).toStdString();
    EXPECT_TRUE(r.tls.pinned);
    o.pinnedCertificate = QStringLiteral("sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    o.caFile = certDir.filePath(QStringLiteral("cert.pem"));
    r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("tls_failed")) << describe(r).toStdString();
    EXPECT_EQ(r.tls.failureKind, QStringLiteral("pin_mismatch"));
    // Without the client certificate nginx answers 400 "No required SSL certificate was sent".
    o = quickOptions(QStringLiteral("wss://localhost:%1/ws/echo").arg(mtls));
    o.caFile = certDir.filePath(QStringLiteral("cert.pem"));
    r = probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("auth_required")) << describe(r).toStdString();
    EXPECT_EQ(r.httpStatus, 400);

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

TEST(ProxyLab, NginxExpiredCertificateIsTlsExpired)
{
    lab::NginxLab nginx;
    REQUIRE_NGINX(nginx);
    QByteArray log;
    if (lab::runProgram(QStringLiteral("/usr/bin/python3"), {QStringLiteral("-c"), QStringLiteral("import cryptography")}, &log) != 0)
        GTEST_SKIP() << "python3-cryptography is not installed (needed to make an expired certificate)";
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
