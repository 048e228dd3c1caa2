// SPDX-License-Identifier: GPL-3.0-or-later
// `signalr`: ASP.NET Core SignalR's JSON hub protocol over WebSocket, connected the way the
// JavaScript client does by default: POST …/negotiate?negotiateVersion=1 → connectionToken (or
// connectionId, negotiate version 0), then the WebSocket with id=TOKEN on the same connection;
// handshake {"protocol":"json","version":1}␞ → {}␞ (or {"error"}␞, a refusal); pings (type 6) both
// ways; --app-event invokes a hub method (type 1) and times its completion (type 3); a close
// message (type 7) with an error is a refusal. A 404 on the upgrade after a successful negotiate is
// the server not knowing the connection it just created: the load balancer is not sticky.
#include "probe/AppProtocols.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace socketscope::apps {

namespace {

constexpr char kRecordSeparator = '\x1e';
constexpr int kKeepAliveMs = 15000;      // the client's and the server's default KeepAliveInterval
constexpr int kServerTimeoutMs = 30000;  // the JS client's serverTimeoutInMilliseconds

QByteArray record(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact) + kRecordSeparator; }

class SignalRApp final : public AppProtocol {
public:
    AppProtocolId id() const override { return AppProtocolId::SignalR; }

    void offer(QUrl& url, ProbeOptions& options) override
    {
        Q_UNUSED(options);
        m_hub = url;
    }

    std::optional<PreUpgradeRequest> preUpgradeRequest(int index) override
    {
        if (index > 0)
            return std::nullopt;
        QUrl negotiate = m_hub;
        QString path = negotiate.path();
        if (!path.endsWith(QLatin1Char('/')))
            path += QLatin1Char('/');
        negotiate.setPath(path + QStringLiteral("negotiate"));
        QUrlQuery q(m_hub);
        q.addQueryItem(QStringLiteral("negotiateVersion"), QStringLiteral("1"));
        negotiate.setQuery(q);
        return PreUpgradeRequest{"POST", negotiate, {}};
    }

    bool preUpgradeResponse(AppLink& link, int index, int status, const QByteArray& body, QUrl& url) override
    {
        Q_UNUSED(index);
        if (status != 200)
            return false; // the HTTP status is the cause (a 404: no hub at this path)
        const QJsonObject o = QJsonDocument::fromJson(body).object();
        if (o.isEmpty()) {
            link.broken(QStringLiteral("SignalR negotiate: the answer is not a JSON object: \"%1\"").arg(QString::fromUtf8(body.left(120))));
            return false;
        }
        if (o.contains(QLatin1String("error"))) {
            link.refused(AppFailure::HandshakeFailed,
                         QStringLiteral("SignalR negotiate error: %1").arg(o.value(QLatin1String("error")).toString()));
            return false;
        }
        if (o.contains(QLatin1String("url"))) { // Azure SignalR Service: the client goes on elsewhere with an access token
            link.refused(AppFailure::HandshakeFailed,
                         QStringLiteral("SignalR negotiate redirects to %1 (Azure SignalR Service): probe that URL instead")
                             .arg(o.value(QLatin1String("url")).toString()));
            return false;
        }
        bool websockets = false;
        for (const QJsonValue& t : o.value(QLatin1String("availableTransports")).toArray())
            websockets = websockets || t.toObject().value(QLatin1String("transport")).toString() == QLatin1String("WebSockets");
        if (!websockets) {
            link.refused(AppFailure::HandshakeFailed,
                         QStringLiteral("SignalR negotiate offers no WebSockets transport (%1): every client falls back "
                                        "to Server-Sent Events or long polling")
                             .arg(QString::fromUtf8(QJsonDocument(o.value(QLatin1String("availableTransports")).toArray())
                                                        .toJson(QJsonDocument::Compact))));
            return false;
        }
        // negotiateVersion 1 names the connection by its token; version 0 servers by its id.
        const QString token = o.value(QLatin1String(o.contains(QLatin1String("connectionToken")) ? "connectionToken" : "connectionId")).toString();
        if (token.isEmpty()) {
            link.broken(QStringLiteral("SignalR negotiate: no connectionToken or connectionId in \"%1\"").arg(QString::fromUtf8(body.left(120))));
            return false;
        }
        link.result().app.session = o.value(QLatin1String("connectionId")).toString();
        m_negotiated = true;
        QUrlQuery q(m_hub);
        q.addQueryItem(QStringLiteral("id"), token);
        url.setQuery(q);
        return true;
    }

    AppFailure httpRefusal(int status, const QByteArray& body) const override
    {
        Q_UNUSED(body);
        // ASP.NET Core answers 404 "No Connection with that ID" to a token it did not issue: the
        // negotiate went to one server, the upgrade to another.
        return m_negotiated && status == 404 ? AppFailure::StickySessionMissing : AppFailure::None;
    }

    QString preUpgradePhase() const override { return QStringLiteral("negotiate"); }

    void open(AppLink& link) override
    {
        m_sentMs = link.nowMs();
        link.sendText(record(QJsonObject{{QStringLiteral("protocol"), QStringLiteral("json")}, {QStringLiteral("version"), 1}}));
    }

    int roundTripCount(const ProbeOptions& options) const override { return options.appEvent.isEmpty() ? 0 : 1; }

    void roundTrip(AppLink& link, int index) override
    {
        m_invocationId = QString::number(index + 1);
        m_roundTripSentMs = link.nowMs();
        link.sendText(record(QJsonObject{{QStringLiteral("type"), 1},
                                         {QStringLiteral("invocationId"), m_invocationId},
                                         {QStringLiteral("target"), link.options().appEvent},
                                         {QStringLiteral("arguments"), QJsonArray{}}}));
    }

    bool message(AppLink& link, bool binary, const QByteArray& payload) override
    {
        if (binary || !payload.endsWith(kRecordSeparator))
            return false; // not the JSON hub protocol
        const QList<QByteArray> records = payload.chopped(1).split(kRecordSeparator);
        for (const QByteArray& r : records) {
            const QJsonDocument d = QJsonDocument::fromJson(r);
            if (!d.isObject()) {
                link.broken(QStringLiteral("SignalR: a record that is not a JSON object: %1").arg(QString::fromUtf8(r.left(120))));
                return true;
            }
            if (!m_handshaken ? !handshake(link, d.object()) : !hubMessage(link, d.object()))
                return true;
        }
        return true;
    }

    int heartbeatMs(const ProbeOptions& options) const override
    {
        Q_UNUSED(options);
        return kKeepAliveMs;
    }
    void heartbeat(AppLink& link) override { link.sendText(record(QJsonObject{{QStringLiteral("type"), 6}})); }
    int heartbeatDeadlineMs(const ProbeOptions& options) const override
    {
        Q_UNUSED(options);
        return kServerTimeoutMs;
    }
    void goodbye(AppLink& link) override
    {
        if (m_handshaken)
            link.sendText(record(QJsonObject{{QStringLiteral("type"), 7}}));
    }
    QString handshakeTimeout() const override { return QStringLiteral("no SignalR handshake response"); }
    QString roundTripTimeout(int index) const override
    {
        Q_UNUSED(index);
        return QStringLiteral("no completion for the SignalR invocation");
    }

private:
    // False when the probe ended.
    bool handshake(AppLink& link, const QJsonObject& o)
    {
        if (o.contains(QLatin1String("error"))) {
            link.refused(AppFailure::HandshakeFailed,
                         QStringLiteral("SignalR handshake error: %1").arg(o.value(QLatin1String("error")).toString()));
            return false;
        }
        m_handshaken = true;
        link.result().app.version = QStringLiteral("json hub protocol 1");
        link.result().app.heartbeatIntervalMs = kKeepAliveMs;
        link.roundTripDone(link.nowMs() - m_sentMs);
        link.handshakeDone();
        return true;
    }

    bool hubMessage(AppLink& link, const QJsonObject& o)
    {
        switch (o.value(QLatin1String("type")).toInt()) {
        case 6: // ping
            ++link.result().app.heartbeatsAnswered;
            link.heartbeatSeen();
            return true;
        case 3: // completion
            if (!m_invocationId.isEmpty() && o.value(QLatin1String("invocationId")).toString() == m_invocationId) {
                m_invocationId.clear();
                link.roundTripDone(link.nowMs() - m_roundTripSentMs);
            }
            return true;
        case 7: { // close
            const QString error = o.value(QLatin1String("error")).toString();
            if (error.isEmpty())
                return true; // a clean close: the WebSocket close follows
            link.refused(AppFailure::HandshakeFailed, QStringLiteral("SignalR close message: %1").arg(error));
            return false;
        }
        default:
            return true; // invocations and stream items the hub sends on its own
        }
    }

    QUrl m_hub;
    bool m_negotiated = false;
    double m_sentMs = 0;
    double m_roundTripSentMs = 0;
    bool m_handshaken = false;
    QString m_invocationId;
};

} // namespace

std::unique_ptr<AppProtocol> makeSignalR() { return std::make_unique<SignalRApp>(); }

} // namespace socketscope::apps
