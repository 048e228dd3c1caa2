// SPDX-License-Identifier: GPL-3.0-or-later
// Probing through HTTP CONNECT and SOCKS5 proxies, and never through the environment's proxy.
// No forward proxy is installed here (squid/dante are not part of the lab image), so a minimal
// CONNECT + SOCKS5 relay in the test stands in for one; the WebSocket server behind it is real.
#include "lab/Lab.h"
#include "server/ReferenceServer.h"

#include <QNetworkProxy>
#include <QtEndian>
#include <QTcpServer>
#include <QTcpSocket>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

// Relays one client connection to host:port after a CONNECT or SOCKS5 request (no auth).
class TinyProxy : public QObject {
public:
    explicit TinyProxy(bool socks) : m_socks(socks)
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* c = m_server.nextPendingConnection())
                serve(c);
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    QByteArray lastTarget;
    bool demandCredentials = false; // CONNECT only: answer 407 like a proxy that wants a login

private:
    void serve(QTcpSocket* client)
    {
        client->setParent(this);
        auto* upstream = new QTcpSocket(this);
        upstream->setProxy(QNetworkProxy::NoProxy);
        auto buf = std::make_shared<QByteArray>();
        auto stage = std::make_shared<int>(0);
        QObject::connect(upstream, &QTcpSocket::readyRead, client, [client, upstream] { client->write(upstream->readAll()); });
        QObject::connect(upstream, &QTcpSocket::disconnected, client, [client] { client->disconnectFromHost(); });
        QObject::connect(client, &QTcpSocket::disconnected, upstream, [upstream] { upstream->disconnectFromHost(); });
        QObject::connect(client, &QTcpSocket::readyRead, this, [this, client, upstream, buf, stage] {
            *buf += client->readAll();
            if (*stage == 2) {
                upstream->write(*buf);
                buf->clear();
                return;
            }
            if (!m_socks) {
                const qsizetype end = buf->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                const QByteArray target = buf->left(end).split(' ').value(1); // CONNECT host:port HTTP/1.1
                lastTarget = target;
                if (demandCredentials) {
                    client->write("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"lab\"\r\n"
                                  "Content-Length: 0\r\nConnection: close\r\n\r\n");
                    client->disconnectFromHost();
                    return;
                }
                buf->remove(0, end + 4);
                *stage = 2;
                const qsizetype colon = target.lastIndexOf(':');
                upstream->connectToHost(QString::fromLatin1(target.left(colon)), quint16(target.mid(colon + 1).toUInt()));
                QObject::connect(upstream, &QTcpSocket::connected, client, [client, upstream, buf] {
                    client->write("HTTP/1.1 200 Connection established\r\n\r\n");
                    if (!buf->isEmpty())
                        upstream->write(*buf);
                    buf->clear();
                });
                return;
            }
            if (*stage == 0) { // greeting: 05 n methods...
                if (buf->size() < 2 || buf->size() < 2 + static_cast<unsigned char>(buf->at(1)))
                    return;
                buf->remove(0, 2 + static_cast<unsigned char>(buf->at(1)));
                client->write(QByteArray("\x05\x00", 2));
                *stage = 1;
            }
            if (*stage == 1 && buf->size() >= 5) { // 05 01 00 ATYP ADDR PORT
                const auto atyp = static_cast<unsigned char>(buf->at(3));
                QString host;
                qsizetype off = 4;
                if (atyp == 1) {
                    if (buf->size() < 10) return;
                    host = QHostAddress(qFromBigEndian<quint32>(buf->constData() + 4)).toString();
                    off = 8;
                } else if (atyp == 3) {
                    const int n = static_cast<unsigned char>(buf->at(4));
                    if (buf->size() < 5 + n + 2) return;
                    host = QString::fromLatin1(buf->mid(5, n));
                    off = 5 + n;
                } else {
                    client->abort();
                    return;
                }
                const quint16 port = qFromBigEndian<quint16>(buf->constData() + off);
                lastTarget = host.toLatin1() + ':' + QByteArray::number(port);
                buf->remove(0, off + 2);
                *stage = 2;
                upstream->connectToHost(host, port);
                QObject::connect(upstream, &QTcpSocket::connected, client, [client, upstream, buf] {
                    client->write(QByteArray("\x05\x00\x00\x01\x00\x00\x00\x00\x00\x00", 10));
                    if (!buf->isEmpty())
                        upstream->write(*buf);
                    buf->clear();
                });
            }
        });
    }
    bool m_socks;
    QTcpServer m_server;
};


} // namespace

TEST(ProbeProxy, HttpConnectAndSocks5CarryTheProbe)
{
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    for (bool socks : {false, true}) {
        TinyProxy proxy(socks);
        ASSERT_TRUE(proxy.listen());
        ProbeOptions o;
        o.url = QStringLiteral("ws://localhost:%1/ws/echo").arg(server.port());
        o.proxyUrl = QStringLiteral("%1://127.0.0.1:%2").arg(socks ? QStringLiteral("socks5") : QStringLiteral("http")).arg(proxy.port());
        o.echoCount = 2;
        o.timeoutS = 3;
        const ProbeResult r = lab::probe(o, 15000);
        EXPECT_EQ(r.cause, QStringLiteral("ok")) << (socks ? "socks5 " : "connect ") << r.evidence.join(QLatin1Char('\n')).toStdString();
        EXPECT_EQ(r.echoReceived, 2);
        EXPECT_EQ(proxy.lastTarget, QByteArray("localhost:") + QByteArray::number(server.port())) << "the proxy resolves the name";
        EXPECT_FALSE(r.timings.dns) << "no local DNS through a proxy";
        EXPECT_TRUE(r.evidence.join(QLatin1Char('\n')).contains(QStringLiteral("Through the proxy")));
    }
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

TEST(ProbeProxy, ProxyDemandingCredentialsIsAuthRequired)
{
    TinyProxy proxy(false);
    proxy.demandCredentials = true;
    ASSERT_TRUE(proxy.listen());
    ProbeOptions o;
    o.url = QStringLiteral("ws://127.0.0.1:9/ws");
    o.proxyUrl = QStringLiteral("http://127.0.0.1:%1").arg(proxy.port());
    o.timeoutS = 2;
    const ProbeResult r = lab::probe(o, 15000);
    EXPECT_EQ(r.cause, QStringLiteral("auth_required")) << r.evidence.join(QLatin1Char('\n')).toStdString();
}
