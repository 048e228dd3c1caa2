// SPDX-License-Identifier: GPL-3.0-or-later
// GraphQL over WebSocket, both wire protocols in use:
// - `graphql-transport-ws` (the graphql-ws library): connection_init → connection_ack, ping/pong,
//   subscribe { __typename } → next → complete; refusals are close codes 4401/4403.
// - `graphql-ws` (legacy subscriptions-transport-ws): connection_init → connection_ack or
//   connection_error, ka keep-alives, start → data → complete.
#include "probe/AppProtocols.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace socketscope::apps {

namespace {

QByteArray json(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

QJsonObject payloadOf(const ProbeOptions& o)
{
    return QJsonDocument::fromJson(o.appPayload).object(); // empty object when none or not an object
}

QString queryOf(const ProbeOptions& o)
{
    return o.appQuery.isEmpty() ? QStringLiteral("{ __typename }") : o.appQuery;
}

QString wordsOf(const QJsonValue& payload)
{
    if (payload.isObject() && payload.toObject().contains(QLatin1String("message")))
        return payload.toObject().value(QLatin1String("message")).toString();
    if (payload.isArray() || payload.isObject())
        return QString::fromUtf8(QJsonDocument::fromVariant(payload.toVariant()).toJson(QJsonDocument::Compact)).left(300);
    return payload.toString();
}

// What the two protocols share: the subprotocol check, the init, the query's id and timing.
class GraphqlBase : public AppProtocol {
public:
    void offer(QUrl& url, ProbeOptions& options) override
    {
        Q_UNUSED(url);
        if (!options.subprotocols.contains(subprotocol()))
            options.subprotocols << subprotocol();
    }
    void open(AppLink& link) override
    {
        if (link.result().subprotocol != subprotocol()) {
            link.refused(AppFailure::SubprotocolRejected,
                         QStringLiteral("the server selected %1, not %2")
                             .arg(link.result().subprotocol.isEmpty() ? QStringLiteral("no subprotocol")
                                                                      : QStringLiteral("\"%1\"").arg(link.result().subprotocol),
                                  subprotocol()));
            return;
        }
        link.result().app.version = subprotocol();
        link.sendText(json({{QStringLiteral("type"), QStringLiteral("connection_init")},
                            {QStringLiteral("payload"), payloadOf(link.options())}}));
    }
    void roundTrip(AppLink& link, int index) override
    {
        m_queryId = QString::number(index + 1);
        m_querySentMs = link.nowMs();
        link.sendText(json({{QStringLiteral("id"), m_queryId},
                            {QStringLiteral("type"), startType()},
                            {QStringLiteral("payload"), QJsonObject{{QStringLiteral("query"), queryOf(link.options())}}}}));
    }
    QString handshakeTimeout() const override { return QStringLiteral("no connection_ack"); }
    AppFailure closeMeaning(int code, const QString& reason) const override
    {
        // subscriptions-transport-ws accepts the upgrade with any subprotocol, then closes 1002.
        if (code == 1002 && !m_acked)
            return AppFailure::SubprotocolRejected;
        return AppProtocol::closeMeaning(code, reason);
    }
    QString roundTripTimeout(int index) const override
    {
        return QStringLiteral("no answer to GraphQL query %1").arg(index + 1);
    }

    // What both protocols share: connection_ack ends the handshake; the answer to our query
    // (dataType()), its error, and complete. Everything else is the protocol's own (other()).
    bool message(AppLink& link, bool binary, const QByteArray& payload) final
    {
        if (binary)
            return false;
        const QJsonObject m = QJsonDocument::fromJson(payload).object();
        const QString type = m.value(QLatin1String("type")).toString();
        if (type == QLatin1String("connection_ack")) {
            if (!m_acked) {
                m_acked = true;
                link.handshakeDone();
            }
            return true;
        }
        if (type == dataType())
            return answer(link, m, false);
        if (type == QLatin1String("error"))
            return answer(link, m, true);
        if (type == QLatin1String("complete"))
            return true;
        return other(link, type, m);
    }

protected:
    virtual QString subprotocol() const = 0;
    virtual QString startType() const = 0;
    virtual QLatin1String dataType() const = 0;
    // A message type of this protocol's own (heartbeats, connection_error).
    virtual bool other(AppLink& link, const QString& type, const QJsonObject& m) = 0;

    // The answer to our query (next/data), or its error.
    bool answer(AppLink& link, const QJsonObject& m, bool error)
    {
        if (m.value(QLatin1String("id")).toString() != m_queryId || m_queryId.isEmpty())
            return false;
        m_queryId.clear();
        if (error) {
            link.broken(QStringLiteral("the GraphQL server answered the query with an error: %1")
                            .arg(wordsOf(m.value(QLatin1String("payload")))));
            return true;
        }
        link.roundTripDone(link.nowMs() - m_querySentMs);
        return true;
    }

    bool m_acked = false;

private:
    QString m_queryId;
    double m_querySentMs = 0;
};

class GraphqlTransportWsApp final : public GraphqlBase {
public:
    AppProtocolId id() const override { return AppProtocolId::GraphqlTransportWs; }
    int heartbeatMs(const ProbeOptions& options) const override
    {
        Q_UNUSED(options);
        return kPingMs;
    }
    void heartbeat(AppLink& link) override { link.sendText(json({{QStringLiteral("type"), QStringLiteral("ping")}})); }
    int heartbeatDeadlineMs(const ProbeOptions& options) const override
    {
        return kPingMs + int(options.timeoutS * 1000.0);
    }
    AppFailure closeMeaning(int code, const QString& reason) const override
    {
        switch (code) {
        case 4401: // Unauthorized
        case 4403: // Forbidden: onConnect refused
        case 4408: // Connection initialisation timeout
        case 4429: // Too many initialisation requests
            return AppFailure::HandshakeFailed;
        case 4400:
            return m_acked ? AppFailure::None : AppFailure::HandshakeFailed;
        default:
            return GraphqlBase::closeMeaning(code, reason);
        }
    }

protected:
    QString subprotocol() const override { return QStringLiteral("graphql-transport-ws"); }
    QString startType() const override { return QStringLiteral("subscribe"); }
    QLatin1String dataType() const override { return QLatin1String("next"); }
    bool other(AppLink& link, const QString& type, const QJsonObject& m) override
    {
        Q_UNUSED(m);
        if (type == QLatin1String("ping")) {
            link.sendText(json({{QStringLiteral("type"), QStringLiteral("pong")}}));
            ++link.result().app.heartbeatsAnswered;
            link.heartbeatSeen();
            return true;
        }
        if (type == QLatin1String("pong")) {
            ++link.result().app.heartbeatsAnswered;
            link.heartbeatSeen();
            return true;
        }
        return false;
    }

private:
    static constexpr int kPingMs = 5000;
};

class GraphqlWsApp final : public GraphqlBase {
public:
    AppProtocolId id() const override { return AppProtocolId::GraphqlWs; }
    void goodbye(AppLink& link) override
    {
        link.sendText(json({{QStringLiteral("type"), QStringLiteral("connection_terminate")}}));
    }

protected:
    QString subprotocol() const override { return QStringLiteral("graphql-ws"); }
    QString startType() const override { return QStringLiteral("start"); }
    QLatin1String dataType() const override { return QLatin1String("data"); }
    bool other(AppLink& link, const QString& type, const QJsonObject& m) override
    {
        if (type == QLatin1String("connection_error")) {
            link.refused(AppFailure::HandshakeFailed,
                         QStringLiteral("GraphQL connection_error: %1").arg(wordsOf(m.value(QLatin1String("payload")))));
            return true;
        }
        if (type == QLatin1String("ka")) { // the server's keep-alive
            const double now = link.nowMs();
            if (m_lastKaMs >= 0)
                link.result().app.heartbeatIntervalMs = int(now - m_lastKaMs + 0.5);
            m_lastKaMs = now;
            ++link.result().app.heartbeatsAnswered;
            link.heartbeatSeen();
            return true;
        }
        return false;
    }

private:
    double m_lastKaMs = -1;
};

} // namespace

std::unique_ptr<AppProtocol> makeGraphqlTransportWs() { return std::make_unique<GraphqlTransportWsApp>(); }
std::unique_ptr<AppProtocol> makeGraphqlWs() { return std::make_unique<GraphqlWsApp>(); }

} // namespace socketscope::apps
