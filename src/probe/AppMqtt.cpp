// SPDX-License-Identifier: GPL-3.0-or-later
// `mqtt`: MQTT 3.1.1 (5 with --app-version 5) over WebSocket, subprotocol "mqtt": CONNECT →
// CONNACK 0, PINGREQ/PINGRESP as the round trip and as the keep-alive during the hold,
// DISCONNECT at the end.
#include "probe/AppProtocols.h"

#include <QRandomGenerator>

namespace socketscope::apps {

namespace {

constexpr int kKeepAliveS = 10;                  // announced in CONNECT; PINGREQ at half of it
constexpr qsizetype kMaxPacket = 1024 * 1024;    // a broker's answer to CONNECT/PINGREQ is tiny

enum PacketType : quint8 { Connect = 1, Connack = 2, Pingreq = 12, Pingresp = 13, Disconnect = 14 };

QString connackWords(int level, int rc)
{
    if (level < 5) {
        switch (rc) {
        case 1: return QStringLiteral("unacceptable protocol version");
        case 2: return QStringLiteral("identifier rejected");
        case 3: return QStringLiteral("server unavailable");
        case 4: return QStringLiteral("bad user name or password");
        case 5: return QStringLiteral("not authorized");
        default: return QStringLiteral("refused");
        }
    }
    switch (rc) {
    case 0x84: return QStringLiteral("unsupported protocol version");
    case 0x85: return QStringLiteral("client identifier not valid");
    case 0x86: return QStringLiteral("bad user name or password");
    case 0x87: return QStringLiteral("not authorized");
    case 0x88: return QStringLiteral("server unavailable");
    case 0x89: return QStringLiteral("server busy");
    case 0x8A: return QStringLiteral("banned");
    default: return QStringLiteral("refused");
    }
}

class MqttApp final : public AppProtocol {
public:
    AppProtocolId id() const override { return AppProtocolId::Mqtt; }

    void offer(QUrl& url, ProbeOptions& options) override
    {
        Q_UNUSED(url);
        if (!options.subprotocols.contains(QLatin1String("mqtt")))
            options.subprotocols << QStringLiteral("mqtt");
    }

    void open(AppLink& link) override
    {
        const QString chosen = link.result().subprotocol;
        if (chosen != QLatin1String("mqtt") && chosen != QLatin1String("mqttv3.1")) {
            link.refused(AppFailure::SubprotocolRejected,
                         QStringLiteral("the server selected %1, not mqtt")
                             .arg(chosen.isEmpty() ? QStringLiteral("no subprotocol") : QStringLiteral("\"%1\"").arg(chosen)));
            return;
        }
        m_level = link.options().appVersion == 5 ? 5 : 4;
        const QByteArray clientId = "socketscope-" + QByteArray::number(QRandomGenerator::global()->generate(), 16);
        QByteArray body;
        body += QByteArray::fromHex("00044D515454");           // "MQTT"
        body += char(m_level);
        body += char(0x02);                                      // clean session, no credentials
        body += char(0);
        body += char(kKeepAliveS);
        if (m_level == 5)
            body += char(0);                                     // no properties
        body += char(clientId.size() >> 8);
        body += char(clientId.size() & 0xFF);
        body += clientId;
        m_sentMs = link.nowMs();
        link.sendBinary(packet(Connect, body));
    }

    void roundTrip(AppLink& link, int index) override
    {
        Q_UNUSED(index);
        m_roundTripOut = true;
        m_sentMs = link.nowMs();
        link.sendBinary(packet(Pingreq, {}));
    }

    bool message(AppLink& link, bool binary, const QByteArray& data) override
    {
        if (!binary)
            return false;
        m_buffer += data;
        if (m_buffer.size() > kMaxPacket) {
            link.broken(QStringLiteral("an MQTT packet of more than %1 bytes").arg(kMaxPacket));
            return true;
        }
        for (;;) {
            if (m_buffer.size() < 2)
                return true;
            qsizetype length = 0, at = 1;
            int shift = 0;
            for (;;) {
                if (at >= m_buffer.size())
                    return true; // the length is not complete yet
                const quint8 b = quint8(m_buffer.at(at++));
                length |= qsizetype(b & 0x7F) << shift;
                shift += 7;
                if (!(b & 0x80))
                    break;
                if (shift > 21) {
                    link.broken(QStringLiteral("an MQTT packet with an invalid remaining length"));
                    return true;
                }
            }
            if (m_buffer.size() < at + length)
                return true;
            const auto type = quint8(quint8(m_buffer.at(0)) >> 4);
            const QByteArray body = m_buffer.mid(at, length);
            m_buffer.remove(0, at + length);
            packetIn(link, type, body);
        }
    }

    int heartbeatMs(const ProbeOptions& options) const override
    {
        Q_UNUSED(options);
        return kKeepAliveS * 1000 / 2;
    }
    void heartbeat(AppLink& link) override
    {
        m_heartbeatOut = true;
        link.sendBinary(packet(Pingreq, {}));
    }
    int heartbeatDeadlineMs(const ProbeOptions& options) const override
    {
        return kKeepAliveS * 1000 / 2 + int(options.timeoutS * 1000.0);
    }
    void goodbye(AppLink& link) override
    {
        if (m_accepted)
            link.sendBinary(m_level == 5 ? packet(Disconnect, QByteArray(1, '\0')) : packet(Disconnect, {}));
    }
    QString handshakeTimeout() const override { return QStringLiteral("no MQTT CONNACK"); }
    QString roundTripTimeout(int index) const override
    {
        Q_UNUSED(index);
        return QStringLiteral("no MQTT PINGRESP");
    }

private:
    static QByteArray packet(quint8 type, const QByteArray& body)
    {
        QByteArray p(1, char(type << 4));
        qsizetype n = body.size();
        do {
            quint8 b = quint8(n & 0x7F);
            n >>= 7;
            if (n > 0)
                b |= 0x80;
            p += char(b);
        } while (n > 0);
        return p + body;
    }

    void packetIn(AppLink& link, quint8 type, const QByteArray& body)
    {
        switch (type) {
        case Connack: {
            if (m_accepted || body.size() < 2) {
                if (body.size() < 2)
                    link.broken(QStringLiteral("an MQTT CONNACK of %1 bytes").arg(body.size()));
                return;
            }
            const int rc = quint8(body.at(1));
            if (rc != 0) {
                link.refused(AppFailure::HandshakeFailed,
                             QStringLiteral("MQTT CONNACK return code %1 (%2)").arg(rc).arg(connackWords(m_level, rc)));
                return;
            }
            m_accepted = true;
            AppInfo& app = link.result().app;
            app.version = m_level == 5 ? QStringLiteral("5") : QStringLiteral("3.1.1");
            app.heartbeatIntervalMs = kKeepAliveS * 1000 / 2;
            link.handshakeDone();
            return;
        }
        case Pingresp:
            if (m_roundTripOut) {
                m_roundTripOut = false;
                link.roundTripDone(link.nowMs() - m_sentMs);
            } else if (m_heartbeatOut) {
                m_heartbeatOut = false;
                ++link.result().app.heartbeatsAnswered;
                link.heartbeatSeen();
            }
            return;
        case Disconnect:
            if (!m_accepted)
                link.refused(AppFailure::HandshakeFailed, QStringLiteral("the MQTT broker sent DISCONNECT instead of CONNACK"));
            return;
        default:
            return;
        }
    }

    QByteArray m_buffer;
    int m_level = 4;
    double m_sentMs = 0;
    bool m_accepted = false;
    bool m_roundTripOut = false;
    bool m_heartbeatOut = false;
};

} // namespace

std::unique_ptr<AppProtocol> makeMqtt() { return std::make_unique<MqttApp>(); }

} // namespace socketscope::apps
