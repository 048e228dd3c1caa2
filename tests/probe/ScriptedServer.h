// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A deliberately broken or hostile WebSocket "server" for the probe's tests: it reads the upgrade
// request and answers with whatever bytes the test scripts. Misbehaviour on purpose cannot be had
// from a real server, which is why this one exists; well-behaved peers in the tests are real
// (ReferenceServer, python3-websockets, nginx, HAProxy).

#include "probe/FrameParser.h"
#include "probe/WsHandshake.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTcpSocket>

#include <functional>

namespace socketscope::testing {

class ScriptedServer : public QObject {
public:
    // Called once the request head is in: key = Sec-WebSocket-Key.
    std::function<void(QTcpSocket*, const QByteArray& key)> onRequest;
    // Called with each client frame after the handshake (already unmasked).
    std::function<void(QTcpSocket*, quint8 opcode, const QByteArray& payload)> onFrame;

    ScriptedServer() { QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] { accept(); }); }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }
    QString url(const QString& path = QStringLiteral("/ws")) const
    {
        return QStringLiteral("ws://127.0.0.1:%1%2").arg(port()).arg(path);
    }
    QByteArray lastRequest;

    static QByteArray goodHandshake(const QByteArray& key, const QByteArray& extra = {})
    {
        return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
            + wshandshake::acceptFor(key) + "\r\n" + extra + "\r\n";
    }

private:
    void accept()
    {
        while (QTcpSocket* s = m_server.nextPendingConnection()) {
            s->setParent(this);
            auto buffer = std::make_shared<QByteArray>();
            auto upgraded = std::make_shared<bool>(false);
            QObject::connect(s, &QTcpSocket::readyRead, this, [this, s, buffer, upgraded] {
                *buffer += s->readAll();
                if (!*upgraded) {
                    const qsizetype end = buffer->indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    lastRequest = buffer->left(end);
                    QByteArray key;
                    for (const QByteArray& line : lastRequest.split('\n')) {
                        if (line.toLower().startsWith("sec-websocket-key:"))
                            key = line.mid(18).trimmed();
                    }
                    buffer->remove(0, end + 4);
                    *upgraded = true;
                    if (onRequest)
                        onRequest(s, key);
                }
                parseClientFrames(s, buffer.get());
            });
        }
    }

    void parseClientFrames(QTcpSocket* s, QByteArray* buf)
    {
        for (;;) {
            if (buf->size() < 2)
                return;
            const auto* p = reinterpret_cast<const unsigned char*>(buf->constData());
            const quint8 opcode = p[0] & 0x0F;
            quint64 len = p[1] & 0x7Fu;
            qsizetype off = 2;
            if (len == 126) {
                if (buf->size() < 4) return;
                len = (quint64(p[2]) << 8) | p[3];
                off = 4;
            } else if (len == 127) {
                if (buf->size() < 10) return;
                len = 0;
                for (int k = 0; k < 8; ++k)
                    len = (len << 8) | p[2 + k];
                off = 10;
            }
            if (buf->size() < off + 4 + qsizetype(len))
                return;
            const QByteArray mask = buf->mid(off, 4);
            QByteArray payload = buf->mid(off + 4, qsizetype(len));
            for (qsizetype i = 0; i < payload.size(); ++i)
                payload[i] = char(payload[i] ^ mask[i % 4]);
            buf->remove(0, off + 4 + qsizetype(len));
            if (onFrame)
                onFrame(s, opcode, payload);
        }
    }

    QTcpServer m_server;
};

} // namespace socketscope::testing
