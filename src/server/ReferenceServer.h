// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QSet>

class QTcpServer;
class QTcpSocket;
class QTimer;
class QWebSocket;
class QWebSocketServer;

namespace socketscope {

// The reference endpoint operators run next to their app (`socketscope-cli serve`) and the GUI's
// "Local demo" server:
//   /ws/echo   — sends a welcome JSON, then echoes every text and binary message
//   /ws/health — sends a heartbeat JSON every heartbeatInterval and pings
//   /health    — plain HTTP 200 {"status":"ok"}
// Anything else: 404 (HTTP) or a refused upgrade.
class ReferenceServer : public QObject {
    Q_OBJECT
public:
    explicit ReferenceServer(QObject* parent = nullptr);
    ~ReferenceServer() override;

    // Listens on address:port (port 0 picks a free port). Fails with a readable message.
    Status listen(const QHostAddress& address, quint16 port);
    void close();
    bool isListening() const;
    quint16 port() const;
    QHostAddress address() const;
    // ws://address:port/ws/echo
    QString echoUrl() const;

    void setHeartbeatInterval(int ms);
    int heartbeatInterval() const { return m_heartbeatMs; }
    int connectionCount() const;

signals:
    void clientConnected(const QString& path, const QString& peer);
    void clientDisconnected(const QString& path, const QString& peer);

private:
    void onNewTcpConnection();
    void routeRequest(QTcpSocket* socket);
    void onWebSocket();
    void answerHttp(QTcpSocket* socket, int status, const QByteArray& reason, const QByteArray& body);

    QTcpServer* m_tcp = nullptr;
    QWebSocketServer* m_ws = nullptr;
    QTimer* m_heartbeat = nullptr;
    int m_heartbeatMs = 10000;
    QSet<QWebSocket*> m_healthClients;
    QSet<QWebSocket*> m_clients;
};

} // namespace socketscope
