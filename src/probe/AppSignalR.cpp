// SPDX-License-Identifier: GPL-3.0-or-later
// `signalr`: ASP.NET Core SignalR's JSON hub protocol over WebSocket, connected the way the
// JavaScript client does with skipNegotiation + the WebSockets transport (the probe does not make
// the HTTP POST …/negotiate first): handshake {"protocol":"json","version":1}␞ → {}␞ (or
// {"error"}␞, a refusal); pings (type 6) both ways; --app-event invokes a hub method (type 1) and
// times its completion (type 3); a close message (type 7) with an error is a refusal.
#include "probe/AppProtocols.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace socketscope::apps {

namespace {

constexpr char kRecordSeparator = '\x1e';
constexpr int kKeepAliveMs = 15000;      // the client's and the server's default KeepAliveInterval
constexpr int kServerTimeoutMs = 30000;  // the JS client's serverTimeoutInMilliseconds

QByteArray record(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact) + kRecordSeparator; }

class SignalRApp final : public AppProtocol {
public:
    AppProtocolId id() const override { return AppProtocolId::SignalR; }

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

    double m_sentMs = 0;
    double m_roundTripSentMs = 0;
    bool m_handshaken = false;
    QString m_invocationId;
};

} // namespace

std::unique_ptr<AppProtocol> makeSignalR() { return std::make_unique<SignalRApp>(); }

} // namespace socketscope::apps
