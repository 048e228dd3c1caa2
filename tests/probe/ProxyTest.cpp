// SPDX-License-Identifier: GPL-3.0-or-later
// Probing through HTTP CONNECT and SOCKS5 proxies, and never through the environment's proxy.
// The proxies are real: Debian's tinyproxy (HTTP CONNECT, BasicAuth) and microsocks (SOCKS5),
// each started here on 127.0.0.1 with its own configuration and stopped by PID. Their logs are
// the independent witness of what the probe asked them for. No hand-written proxy is left: both
// real ones do everything these tests need.
#include "lab/Lab.h"
#include "server/ReferenceServer.h"

#include <QDeadlineTimer>
#include <QNetworkProxy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

const QString kTinyproxy = QStringLiteral("/usr/bin/tinyproxy");
const QString kMicrosocks = QStringLiteral("/usr/bin/microsocks");

// tinyproxy in the foreground (-d) with its own configuration; its log names every request.
class Tinyproxy {
public:
    bool start(const QString& basicAuthLine = {})
    {
        m_port = lab::freePort();
        const QString conf = m_dir.filePath(QStringLiteral("tinyproxy.conf"));
        const QByteArray text = QStringLiteral("Port %1\nListen 127.0.0.1\nTimeout 30\nMaxClients 20\nAllow 127.0.0.1\n"
                                               "LogLevel Connect\nLogFile \"%2\"\n%3\n")
                                    .arg(m_port)
                                    .arg(logPath(), basicAuthLine)
                                    .toUtf8();
        return lab::writeFile(conf, text) && m_daemon.start(kTinyproxy, {QStringLiteral("-d"), QStringLiteral("-c"), conf})
            && lab::waitForPort(m_port);
    }
    quint16 port() const { return m_port; }
    QByteArray log() const { return lab::readAll(logPath()); }
    QString logPath() const { return m_dir.filePath(QStringLiteral("tinyproxy.log")); }

private:
    QTemporaryDir m_dir;
    lab::Daemon m_daemon;
    quint16 m_port = 0;
};

// microsocks on 127.0.0.1 (no configuration file: its options are the configuration); it logs
// "client[N] ADDR: connected to HOST:PORT" on stderr.
class Microsocks {
public:
    bool start()
    {
        m_port = lab::freePort();
        return m_daemon.start(kMicrosocks, {QStringLiteral("-i"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"),
                                            QString::number(m_port)})
            && lab::waitForPort(m_port);
    }
    quint16 port() const { return m_port; }
    QByteArray log()
    {
        m_log += m_daemon.output();
        return m_log;
    }

private:
    lab::Daemon m_daemon;
    quint16 m_port = 0;
    QByteArray m_log;
};

// Waits until the log function's text contains needle (logs are written a moment after the fact).
template <typename Log>
bool waitForLog(Log&& log, const QByteArray& needle, int timeoutMs = 5000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!log().contains(needle)) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(20);
    }
    return true;
}

ProbeOptions viaProxy(const QString& url, const QString& proxyUrl)
{
    ProbeOptions o;
    o.url = url;
    o.proxyUrl = proxyUrl;
    o.echoCount = 2;
    o.timeoutS = 3;
    return o;
}

} // namespace

TEST(ProbeProxy, HttpConnectThroughTinyproxyCarriesTheProbeAndTheProxyResolvesTheName)
{
    LAB_REQUIRE(lab::missingProgram(kTinyproxy, QStringLiteral("tinyproxy")));
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    Tinyproxy proxy;
    ASSERT_TRUE(proxy.start()) << proxy.log().constData();
    const ProbeResult r = lab::probe(viaProxy(QStringLiteral("ws://localhost:%1/ws/echo").arg(server.port()),
                                              QStringLiteral("http://127.0.0.1:%1").arg(proxy.port())), 15000);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << r.evidence.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(r.echoReceived, 2);
    EXPECT_FALSE(r.timings.dns) << "no local DNS through a proxy";
    EXPECT_TRUE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("Through the proxy")));
    const QByteArray request = "CONNECT localhost:" + QByteArray::number(server.port());
    EXPECT_TRUE(waitForLog([&proxy] { return proxy.log(); }, request)) << "tinyproxy was asked for the name, not an address:\n"
                                                                        << proxy.log().constData();
}

TEST(ProbeProxy, Socks5ThroughMicrosocksCarriesTheProbeAndTheProxyResolvesTheName)
{
    LAB_REQUIRE(lab::missingProgram(kMicrosocks, QStringLiteral("microsocks")));
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    Microsocks proxy;
    ASSERT_TRUE(proxy.start()) << proxy.log().constData();
    const ProbeResult r = lab::probe(viaProxy(QStringLiteral("ws://localhost:%1/ws/echo").arg(server.port()),
                                              QStringLiteral("socks5://127.0.0.1:%1").arg(proxy.port())), 15000);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << r.evidence.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(r.echoReceived, 2);
    EXPECT_FALSE(r.timings.dns) << "no local DNS through a proxy";
    const QByteArray connected = "connected to localhost:" + QByteArray::number(server.port());
    EXPECT_TRUE(waitForLog([&proxy] { return proxy.log(); }, connected)) << "microsocks was asked for the name:\n"
                                                                          << proxy.log().constData();
}

TEST(ProbeProxy, ClosedProxyPortIsConnectionRefused)
{
    ProbeOptions o;
    o.url = QStringLiteral("ws://127.0.0.1:9/ws");
    o.proxyUrl = QStringLiteral("http://127.0.0.1:%1").arg(lab::freePort());
    o.timeoutS = 2;
    const ProbeResult r = lab::probe(o, 15000);
    EXPECT_EQ(r.cause, QStringLiteral("connection_refused")) << r.evidence.join(QLatin1Char('\n')).toStdString();
}

TEST(ProbeProxy, ApplicationProxyIsIgnoredWithoutAnExplicitProxy)
{
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    // What http_proxy would turn into if Qt picked it up: a proxy that is not there.
    QNetworkProxy::setApplicationProxy(QNetworkProxy(QNetworkProxy::HttpProxy, QStringLiteral("127.0.0.1"), lab::freePort()));
    ProbeOptions o;
    o.url = server.echoUrl();
    const ProbeResult r = lab::probe(o, 15000);
    QNetworkProxy::setApplicationProxy(QNetworkProxy::NoProxy);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << r.evidence.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(r.proxy.isEmpty());
}

TEST(ProbeProxy, TinyproxyWithBasicAuthAnswers407AndTheProbeSaysAuthRequired)
{
    LAB_REQUIRE(lab::missingProgram(kTinyproxy, QStringLiteral("tinyproxy")));
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    Tinyproxy proxy;
    ASSERT_TRUE(proxy.start(QStringLiteral("BasicAuth ops lab-proxy-password"))) << proxy.log().constData();
    ProbeOptions o = viaProxy(server.echoUrl(), QStringLiteral("http://127.0.0.1:%1").arg(proxy.port()));
    o.timeoutS = 2;
    const ProbeResult r = lab::probe(o, 15000);
    EXPECT_EQ(r.cause, QStringLiteral("auth_required")) << r.evidence.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(r.errorPhase, QStringLiteral("connect"));
    EXPECT_FALSE(r.advice.isEmpty());
    // The proxy's own answer, read without the probe: a 407 with a Basic challenge.
    QTcpSocket raw;
    raw.setProxy(QNetworkProxy::NoProxy);
    raw.connectToHost(QHostAddress::LocalHost, proxy.port());
    ASSERT_TRUE(raw.waitForConnected(3000));
    raw.write("CONNECT 127.0.0.1:" + QByteArray::number(server.port()) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray answer;
    QDeadlineTimer deadline(5000);
    while (!answer.contains("\r\n\r\n") && !deadline.hasExpired() && raw.waitForReadyRead(100))
        answer += raw.readAll();
    EXPECT_TRUE(answer.contains(" 407 ")) << answer.constData();
    EXPECT_TRUE(answer.contains("Proxy-Authenticate: Basic")) << answer.constData();
}
