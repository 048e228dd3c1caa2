// SPDX-License-Identifier: GPL-3.0-or-later
// `socketio`: Socket.IO over Engine.IO 4 (and 3 with EIO=3). The way socket.io-client connects by
// default: the long-polling handshake (GET …&transport=polling → the open packet
// 0{"sid","pingInterval","pingTimeout"}; POST the CONNECT 40 with that sid), then the upgrade
// (…&transport=websocket&sid=…, 2probe → 3probe, 5), and the CONNECT's answer 40{"sid"} or
// CONNECT_ERROR 44{"message"} over the WebSocket. A URL with transport=websocket (or EIO=3) connects
// straight to WebSocket, as the client's transports: ['websocket'] does: the server's open packet
// comes first over the WebSocket. Every Engine.IO ping 2 is answered with 3 during the hold.
// A session unknown on the next request (400 "Session ID unknown") is sticky_session_missing.
#include "probe/AppProtocols.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QUrlQuery>

namespace socketscope::apps {

namespace {

class SocketIoApp final : public AppProtocol {
public:
    AppProtocolId id() const override { return AppProtocolId::SocketIo; }

    void offer(QUrl& url, ProbeOptions& options) override
    {
        // A path containing /socket.io/ is the Engine.IO path (a proxy prefix included); otherwise
        // the path is the namespace, as in io(url), and the Engine.IO path is --app-path.
        const QString path = url.path();
        QString ns = options.appNamespace;
        if (!path.contains(QLatin1String("/socket.io/"))) {
            if (ns.isEmpty() && !path.isEmpty() && path != QLatin1String("/"))
                ns = path;
            url.setPath(options.appPath.isEmpty() ? QStringLiteral("/socket.io/") : options.appPath);
        }
        m_namespace = ns.isEmpty() ? QStringLiteral("/") : ns;
        QUrlQuery q(url);
        if (!q.hasQueryItem(QStringLiteral("EIO")))
            q.addQueryItem(QStringLiteral("EIO"), QStringLiteral("4"));
        m_eio = q.queryItemValue(QStringLiteral("EIO")).toInt();
        m_polling = m_eio >= 4 && q.queryItemValue(QStringLiteral("transport")) != QLatin1String("websocket");
        q.removeAllQueryItems(QStringLiteral("transport"));
        m_base = url;
        m_base.setQuery(q);
        q.addQueryItem(QStringLiteral("transport"), QStringLiteral("websocket"));
        url.setQuery(q);
    }

    std::optional<PreUpgradeRequest> preUpgradeRequest(int index) override
    {
        if (!m_polling || index > 1)
            return std::nullopt;
        QUrl url = m_base;
        QUrlQuery q(url);
        q.addQueryItem(QStringLiteral("transport"), QStringLiteral("polling"));
        if (index == 0) { // the handshake: a cache-busting t= like the client's
            q.addQueryItem(QStringLiteral("t"), QString::number(QRandomGenerator::global()->generate(), 36));
            url.setQuery(q);
            return PreUpgradeRequest{"GET", url, {}};
        }
        q.addQueryItem(QStringLiteral("sid"), m_sid);
        url.setQuery(q);
        return PreUpgradeRequest{"POST", url, m_connectPacket};
    }

    bool preUpgradeResponse(AppLink& link, int index, int status, const QByteArray& body, QUrl& url) override
    {
        if (status != 200)
            return false; // the HTTP status is the cause (httpRefusal() explains a 400 "Session ID unknown")
        if (index == 0) {
            // Engine.IO 4 polling payload: packets separated by 0x1E; the first is the open packet.
            const QByteArray open = body.left(body.indexOf('\x1e') < 0 ? body.size() : body.indexOf('\x1e'));
            if (!open.startsWith('0') || !openPacket(link, open.mid(1), false)) {
                link.broken(QStringLiteral("Engine.IO long-polling handshake: no open packet in the answer \"%1\"")
                                .arg(QString::fromUtf8(body.left(120))));
                return false;
            }
            m_sid = link.result().app.session;
            m_connectPacket = "40" + nsPrefix() + link.options().appPayload.trimmed();
            m_connectSentMs = link.nowMs();
            return true;
        }
        // The POSTed CONNECT was taken ("ok"): upgrade this session to WebSocket.
        QUrlQuery q(m_base);
        q.addQueryItem(QStringLiteral("transport"), QStringLiteral("websocket"));
        q.addQueryItem(QStringLiteral("sid"), m_sid);
        url.setQuery(q);
        return true;
    }

    AppFailure httpRefusal(int status, const QByteArray& body) const override
    {
        // Engine.IO's answer to a sid it does not know: {"code":1,"message":"Session ID unknown"}.
        if (status == 400 && body.contains("Session ID unknown"))
            return AppFailure::StickySessionMissing;
        return AppFailure::None;
    }

    void open(AppLink& link) override
    {
        link.result().app.version = m_polling ? QStringLiteral("Engine.IO %1, long-polling then websocket").arg(m_eio)
                                              : QStringLiteral("Engine.IO %1").arg(m_eio);
        if (m_polling)
            link.sendText("2probe"); // the upgrade's probe; 3probe → 5 completes it
    }

    int roundTripCount(const ProbeOptions& options) const override { return options.appEvent.isEmpty() ? 0 : 1; }

    void roundTrip(AppLink& link, int index) override
    {
        m_ackId = index + 1;
        m_roundTripSentMs = link.nowMs();
        const QByteArray event = QJsonDocument(QJsonArray{link.options().appEvent}).toJson(QJsonDocument::Compact);
        link.sendText("42" + nsPrefix() + QByteArray::number(m_ackId) + event);
    }

    bool message(AppLink& link, bool binary, const QByteArray& p) override
    {
        if (binary || p.isEmpty())
            return false;
        switch (p.at(0)) {
        case '0': return openPacket(link, p.mid(1));
        case '1': return true; // Engine.IO close: the transport close follows
        case '2': // Engine.IO 4: the server's ping; answer at once
            if (m_eio >= 4 && p.size() == 1) {
                link.sendText("3");
                ++link.result().app.heartbeatsAnswered;
                link.heartbeatSeen();
                return true;
            }
            return false;
        case '3': // the upgrade's 3probe; Engine.IO 3: the pong to our ping
            if (m_polling && p == "3probe" && !m_upgraded) {
                m_upgraded = true;
                link.sendText("5"); // the server now flushes what it holds for us: the CONNECT's answer
                return true;
            }
            if (m_eio < 4) {
                ++link.result().app.heartbeatsAnswered;
                link.heartbeatSeen();
                return true;
            }
            return false;
        case '4': return socketPacket(link, p.mid(1));
        case '6': return true; // noop
        default: return false;
        }
    }

    int heartbeatMs(const ProbeOptions& options) const override
    {
        Q_UNUSED(options);
        return m_eio < 4 ? m_pingIntervalMs : 0; // Engine.IO 3: the client pings
    }
    void heartbeat(AppLink& link) override { link.sendText("2"); }
    int heartbeatDeadlineMs(const ProbeOptions& options) const override
    {
        Q_UNUSED(options);
        // What socket.io-client itself allows before it calls the connection dead.
        return m_pingIntervalMs > 0 ? m_pingIntervalMs + m_pingTimeoutMs : 0;
    }
    void goodbye(AppLink& link) override
    {
        if (m_connected)
            link.sendText("41" + nsPrefix());
    }
    QString handshakeTimeout() const override
    {
        if (m_polling && !m_upgraded)
            return QStringLiteral("no Engine.IO 3probe answer to the upgrade's 2probe");
        return m_opened ? QStringLiteral("no answer to the Socket.IO CONNECT to namespace %1").arg(m_namespace)
                        : QStringLiteral("no Engine.IO open packet");
    }
    QString roundTripTimeout(int index) const override
    {
        Q_UNUSED(index);
        return QStringLiteral("no ack for the Socket.IO event");
    }

private:
    QByteArray nsPrefix() const { return m_namespace == QLatin1String("/") ? QByteArray() : m_namespace.toUtf8() + ','; }

    // The open packet's JSON; with sendConnect, the CONNECT goes out at once (straight WebSocket).
    bool openPacket(AppLink& link, const QByteArray& json, bool sendConnect = true)
    {
        const QJsonObject o = QJsonDocument::fromJson(json).object();
        if (m_opened || !o.contains(QLatin1String("sid")))
            return false;
        m_opened = true;
        AppInfo& app = link.result().app;
        app.session = o.value(QLatin1String("sid")).toString();
        m_pingIntervalMs = o.value(QLatin1String("pingInterval")).toInt();
        m_pingTimeoutMs = o.value(QLatin1String("pingTimeout")).toInt();
        if (m_pingIntervalMs > 0)
            app.heartbeatIntervalMs = m_pingIntervalMs;
        if (!sendConnect)
            return true;
        m_connectSentMs = link.nowMs();
        const QByteArray auth = link.options().appPayload.trimmed();
        link.sendText("40" + nsPrefix() + auth);
        return true;
    }

    // A Socket.IO packet (after the Engine.IO "4"): type, then "/ns," for another namespace.
    bool socketPacket(AppLink& link, const QByteArray& p)
    {
        if (p.isEmpty())
            return false;
        const char type = p.at(0);
        QByteArray rest = p.mid(1);
        QString ns = QStringLiteral("/");
        if (rest.startsWith('/')) {
            const qsizetype comma = rest.indexOf(',');
            ns = QString::fromUtf8(comma < 0 ? rest : rest.left(comma));
            rest = comma < 0 ? QByteArray() : rest.mid(comma + 1);
        }
        if (ns != m_namespace)
            return false;
        switch (type) {
        case '0': // CONNECT answered
            if (m_connected)
                return true;
            m_connected = true;
            link.roundTripDone(link.nowMs() - m_connectSentMs);
            link.handshakeDone();
            return true;
        case '4': { // CONNECT_ERROR, in the app's own words
            const QJsonDocument d = QJsonDocument::fromJson(rest);
            QString words = d.isObject() ? d.object().value(QLatin1String("message")).toString()
                                         : QString::fromUtf8(rest).remove(QLatin1Char('"'));
            if (words.isEmpty())
                words = QString::fromUtf8(rest.left(200));
            link.refused(AppFailure::HandshakeFailed,
                         QStringLiteral("Socket.IO CONNECT_ERROR for namespace %1: %2").arg(m_namespace, words));
            return true;
        }
        case '1': // the server disconnected the namespace
            if (!m_connected)
                link.refused(AppFailure::HandshakeFailed,
                             QStringLiteral("Socket.IO: the server disconnected namespace %1").arg(m_namespace));
            return true;
        case '3': { // ACK <id>[...]
            qsizetype digits = 0;
            while (digits < rest.size() && rest.at(digits) >= '0' && rest.at(digits) <= '9')
                ++digits;
            if (digits == 0 || rest.left(digits).toInt() != m_ackId)
                return false;
            m_ackId = -1;
            link.roundTripDone(link.nowMs() - m_roundTripSentMs);
            return true;
        }
        default:
            return false; // events the app emits on its own
        }
    }

    QString m_namespace = QStringLiteral("/");
    QUrl m_base;                 // the Engine.IO URL without transport
    bool m_polling = false;      // long-polling handshake first (socket.io-client's default)
    bool m_upgraded = false;     // 3probe seen, 5 sent
    QString m_sid;
    QByteArray m_connectPacket;
    int m_eio = 4;
    bool m_opened = false;
    bool m_connected = false;
    int m_pingIntervalMs = 0;
    int m_pingTimeoutMs = 0;
    double m_connectSentMs = 0;
    double m_roundTripSentMs = 0;
    int m_ackId = -1;
};

} // namespace

std::unique_ptr<AppProtocol> makeSocketIo() { return std::make_unique<SocketIoApp>(); }

} // namespace socketscope::apps
