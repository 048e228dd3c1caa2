// SPDX-License-Identifier: GPL-3.0-or-later
#include "server/ReferenceServer.h"

#include "core/Version.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

namespace socketscope {

namespace {
constexpr qint64 kMaxRequestHead = 16 * 1024;

QByteArray jsonLine(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }
} // namespace

ReferenceServer::ReferenceServer(QObject* parent)
    : QObject(parent)
    , m_tcp(new QTcpServer(this))
    , m_ws(new QWebSocketServer(QStringLiteral("SocketScope reference endpoint"), QWebSocketServer::NonSecureMode, this))
    , m_heartbeat(new QTimer(this))
{
    connect(m_tcp, &QTcpServer::newConnection, this, &ReferenceServer::onNewTcpConnection);
    connect(m_ws, &QWebSocketServer::newConnection, this, &ReferenceServer::onWebSocket);
    m_heartbeat->setInterval(m_heartbeatMs);
    connect(m_heartbeat, &QTimer::timeout, this, [this] {
        const QJsonObject beat{{QStringLiteral("type"), QStringLiteral("heartbeat")},
                               {QStringLiteral("time"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}};
        for (QWebSocket* ws : std::as_const(m_healthClients)) {
            ws->sendTextMessage(QString::fromUtf8(jsonLine(beat)));
            ws->ping(QByteArrayLiteral("socketscope-heartbeat"));
        }
    });
}

ReferenceServer::~ReferenceServer() { close(); }

Status ReferenceServer::listen(const QHostAddress& address, quint16 port)
{
    if (!m_tcp->listen(address, port))
        return Status::failure(QStringLiteral("Cannot listen on %1:%2: %3")
                                   .arg(address.toString()).arg(port).arg(m_tcp->errorString()));
    m_heartbeat->start();
    return Status::success();
}

void ReferenceServer::close()
{
    m_heartbeat->stop();
    m_tcp->close();
    const auto clients = m_clients;
    for (QWebSocket* ws : clients)
        ws->abort();
}

bool ReferenceServer::isListening() const { return m_tcp->isListening(); }
quint16 ReferenceServer::port() const { return m_tcp->serverPort(); }
QHostAddress ReferenceServer::address() const { return m_tcp->serverAddress(); }
int ReferenceServer::connectionCount() const { return int(m_clients.size()); }

QString ReferenceServer::echoUrl() const
{
    QString host = address().toString();
    if (address().protocol() == QAbstractSocket::IPv6Protocol)
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("ws://%1:%2/ws/echo").arg(host).arg(port());
}

void ReferenceServer::setHeartbeatInterval(int ms)
{
    m_heartbeatMs = ms > 0 ? ms : 1000;
    m_heartbeat->setInterval(m_heartbeatMs);
}

void ReferenceServer::onNewTcpConnection()
{
    while (QTcpSocket* socket = m_tcp->nextPendingConnection()) {
        // Peek at the request head: upgrades go to QWebSocketServer, plain HTTP is answered here.
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { routeRequest(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        QTimer::singleShot(10000, socket, [socket] {
            if (socket->property("routed").toBool())
                return;
            socket->abort();
        });
    }
}

void ReferenceServer::routeRequest(QTcpSocket* socket)
{
    if (socket->property("routed").toBool())
        return;
    const QByteArray head = socket->peek(kMaxRequestHead);
    const qsizetype end = head.indexOf("\r\n\r\n");
    if (end < 0) {
        if (head.size() >= kMaxRequestHead)
            answerHttp(socket, 431, "Request Header Fields Too Large", "request head too large\n");
        return;
    }
    const QList<QByteArray> lines = head.left(end).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    const QByteArray path = requestLine.value(1);
    bool upgrade = false;
    for (const QByteArray& line : lines) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == "upgrade"
            && line.mid(colon + 1).trimmed().toLower() == "websocket")
            upgrade = true;
    }
    const QByteArray plainPath = path.left(path.indexOf('?') >= 0 ? path.indexOf('?') : path.size());
    if (upgrade && (plainPath == "/ws/echo" || plainPath == "/ws/health")) {
        socket->setProperty("routed", true);
        disconnect(socket, nullptr, this, nullptr);
        disconnect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        m_ws->handleConnection(socket);
        return;
    }
    socket->setProperty("routed", true);
    if (plainPath == "/health")
        answerHttp(socket, 200, "OK", jsonLine(QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")},
                                                {QStringLiteral("version"), versionString()}}) + '\n');
    else if (plainPath == "/ws/echo" || plainPath == "/ws/health")
        answerHttp(socket, 426, "Upgrade Required", "this endpoint speaks WebSocket only\n");
    else
        answerHttp(socket, 404, "Not Found", "not found\n");
}

void ReferenceServer::answerHttp(QTcpSocket* socket, int status, const QByteArray& reason, const QByteArray& body)
{
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason + "\r\n"
        "Content-Type: " + (body.startsWith('{') ? QByteArray("application/json") : QByteArray("text/plain")) + "\r\n"
        "Content-Length: " + QByteArray::number(body.size()) + "\r\n"
        "Connection: close\r\n";
    if (status == 426)
        response += "Upgrade: websocket\r\n";
    response += "\r\n" + body;
    socket->write(response);
    socket->disconnectFromHost();
}

void ReferenceServer::onWebSocket()
{
    while (QWebSocket* ws = m_ws->nextPendingConnection()) {
        const QString path = ws->requestUrl().path();
        const QString peer = ws->peerAddress().toString() + QLatin1Char(':') + QString::number(ws->peerPort());
        m_clients.insert(ws);
        emit clientConnected(path, peer);
        connect(ws, &QWebSocket::disconnected, this, [this, ws, path, peer] {
            m_clients.remove(ws);
            m_healthClients.remove(ws);
            emit clientDisconnected(path, peer);
            ws->deleteLater();
        });
        if (path == QLatin1String("/ws/health")) {
            m_healthClients.insert(ws);
            ws->sendTextMessage(QString::fromUtf8(jsonLine(QJsonObject{{QStringLiteral("type"), QStringLiteral("welcome")},
                                                            {QStringLiteral("endpoint"), QStringLiteral("health")},
                                                            {QStringLiteral("heartbeat_s"), m_heartbeatMs / 1000.0}})));
            continue;
        }
        ws->sendTextMessage(QString::fromUtf8(jsonLine(QJsonObject{{QStringLiteral("type"), QStringLiteral("welcome")},
                                                        {QStringLiteral("endpoint"), QStringLiteral("echo")},
                                                        {QStringLiteral("server"), QString(QStringLiteral("SocketScope/") + versionString())}})));
        connect(ws, &QWebSocket::textMessageReceived, ws, [ws](const QString& m) { ws->sendTextMessage(m); });
        connect(ws, &QWebSocket::binaryMessageReceived, ws, [ws](const QByteArray& m) { ws->sendBinaryMessage(m); });
    }
}

} // namespace socketscope
