// SPDX-License-Identifier: GPL-3.0-or-later
#include "probe/AppProtocol.h"

#include "probe/AppProtocols.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <array>

namespace socketscope {

namespace {

// THE table: one line per protocol (id, JSON/CLI name, the subprotocols that name it, its class).
struct AppProtocolEntry {
    AppProtocolId id;
    const char* name;
    const char* subprotocols; // comma-separated; the server selecting one of them decides auto-detection
    std::unique_ptr<AppProtocol> (*make)();
};

constexpr std::array kProtocols = {
    AppProtocolEntry{AppProtocolId::Auto, "auto", "", nullptr},
    AppProtocolEntry{AppProtocolId::None, "none", "", &apps::makeNone},
    AppProtocolEntry{AppProtocolId::Echo, "echo", "", &apps::makeEcho},
    AppProtocolEntry{AppProtocolId::Bolt, "bolt", "", &apps::makeBolt},
    AppProtocolEntry{AppProtocolId::SocketIo, "socketio", "", &apps::makeSocketIo},
    AppProtocolEntry{AppProtocolId::GraphqlTransportWs, "graphql-transport-ws", "graphql-transport-ws", &apps::makeGraphqlTransportWs},
    AppProtocolEntry{AppProtocolId::GraphqlWs, "graphql-ws", "graphql-ws", &apps::makeGraphqlWs},
    AppProtocolEntry{AppProtocolId::Mqtt, "mqtt", "mqtt,mqttv3.1", &apps::makeMqtt},
    AppProtocolEntry{AppProtocolId::Stomp, "stomp", "v12.stomp,v11.stomp,v10.stomp", &apps::makeStomp},
    AppProtocolEntry{AppProtocolId::SignalR, "signalr", "", &apps::makeSignalR},
};

const AppProtocolEntry* entryOf(AppProtocolId id)
{
    for (const AppProtocolEntry& e : kProtocols)
        if (e.id == id)
            return &e;
    return nullptr;
}

void offerOnce(QStringList* offer, const QString& subprotocol)
{
    if (offer && !offer->contains(subprotocol))
        offer->append(subprotocol);
}

} // namespace

QString appProtocolName(AppProtocolId id)
{
    const AppProtocolEntry* e = entryOf(id);
    return e ? QString::fromLatin1(e->name) : QString();
}

std::optional<AppProtocolId> appProtocolFromName(const QString& name)
{
    const QString n = name.trimmed().toLower();
    if (n.isEmpty())
        return AppProtocolId::Auto;
    for (const AppProtocolEntry& e : kProtocols)
        if (n == QLatin1String(e.name))
            return e.id;
    return std::nullopt;
}

QStringList appProtocolNames()
{
    QStringList names;
    for (const AppProtocolEntry& e : kProtocols)
        names << QString::fromLatin1(e.name);
    return names;
}

QString appDetectedByName(AppDetectedBy by)
{
    switch (by) {
    case AppDetectedBy::Flag: return QStringLiteral("flag");
    case AppDetectedBy::Profile: return QStringLiteral("profile");
    case AppDetectedBy::Url: return QStringLiteral("url");
    case AppDetectedBy::Subprotocol: return QStringLiteral("subprotocol");
    case AppDetectedBy::FirstMessage: return QStringLiteral("first_message");
    case AppDetectedBy::Default: break;
    }
    return QStringLiteral("default");
}

std::unique_ptr<AppProtocol> makeAppProtocol(AppProtocolId id)
{
    const AppProtocolEntry* e = entryOf(id);
    return e && e->make ? e->make() : apps::makeNone();
}

AppProtocolId appFromUrl(const QUrl& url, QStringList* offer)
{
    const QString path = url.path().toLower();
    if (path.contains(QLatin1String("/socket.io/")) || url.query().contains(QLatin1String("EIO=")))
        return AppProtocolId::SocketIo;
    if (path.contains(QLatin1String("graphql")) || path.contains(QLatin1String("subscriptions"))) {
        // Legacy first: subscriptions-transport-ws takes the first offer and closes 1002 unless it
        // is "graphql-ws"; the graphql-ws library picks graphql-transport-ws wherever it stands.
        offerOnce(offer, QStringLiteral("graphql-ws"));
        offerOnce(offer, QStringLiteral("graphql-transport-ws"));
        return AppProtocolId::Auto;
    }
    if (path.contains(QLatin1String("/mqtt"))) {
        offerOnce(offer, QStringLiteral("mqtt"));
        return AppProtocolId::Auto;
    }
    if (path.contains(QLatin1String("/stomp"))) {
        offerOnce(offer, QStringLiteral("v12.stomp"));
        offerOnce(offer, QStringLiteral("v11.stomp"));
        return AppProtocolId::Auto;
    }
    if (path.endsWith(QLatin1String("/echo")))
        return AppProtocolId::Echo;
    return AppProtocolId::Auto;
}

AppProtocolId appFromSubprotocol(const QString& subprotocol)
{
    const QString s = subprotocol.trimmed().toLower();
    if (s.isEmpty())
        return AppProtocolId::Auto;
    for (const AppProtocolEntry& e : kProtocols)
        for (const QString& p : QString::fromLatin1(e.subprotocols).split(QLatin1Char(','), Qt::SkipEmptyParts))
            if (p == s)
                return e.id;
    return AppProtocolId::Auto;
}

AppProtocolId appFromFirstMessage(const QByteArray& message)
{
    // Engine.IO's open packet: "0" + JSON with sid and pingInterval.
    if (message.startsWith("0{")) {
        const QJsonObject o = QJsonDocument::fromJson(message.mid(1)).object();
        if (o.contains(QLatin1String("sid")) && o.contains(QLatin1String("pingInterval")))
            return AppProtocolId::SocketIo;
    }
    return AppProtocolId::Auto;
}

// ------------------------------------------------------------------ defaults of the interface

void AppProtocol::offer(QUrl& url, ProbeOptions& options)
{
    Q_UNUSED(url);
    Q_UNUSED(options);
}

std::optional<PreUpgradeRequest> AppProtocol::preUpgradeRequest(int index)
{
    Q_UNUSED(index);
    return std::nullopt;
}

bool AppProtocol::preUpgradeResponse(AppLink& link, int index, int status, const QByteArray& body, QUrl& url)
{
    Q_UNUSED(link);
    Q_UNUSED(index);
    Q_UNUSED(body);
    Q_UNUSED(url);
    return status == 200;
}

AppFailure AppProtocol::httpRefusal(int status, const QByteArray& body) const
{
    Q_UNUSED(status);
    Q_UNUSED(body);
    return AppFailure::None;
}

QString AppProtocol::preUpgradePhase() const { return QStringLiteral("polling"); }

int AppProtocol::roundTripCount(const ProbeOptions& options) const
{
    Q_UNUSED(options);
    return 1;
}

void AppProtocol::pong(AppLink& link, const QByteArray& payload)
{
    Q_UNUSED(link);
    Q_UNUSED(payload);
}

int AppProtocol::heartbeatMs(const ProbeOptions& options) const
{
    Q_UNUSED(options);
    return 0;
}

void AppProtocol::heartbeat(AppLink& link) { Q_UNUSED(link); }

int AppProtocol::heartbeatDeadlineMs(const ProbeOptions& options) const
{
    Q_UNUSED(options);
    return 0;
}

void AppProtocol::goodbye(AppLink& link) { Q_UNUSED(link); }

AppFailure AppProtocol::closeMeaning(int code, const QString& reason) const
{
    if (code == 4406 || (code == 1002 && reason.contains(QLatin1String("subprotocol"), Qt::CaseInsensitive)))
        return AppFailure::SubprotocolRejected;
    return AppFailure::None;
}

QString AppProtocol::handshakePhase() const { return QStringLiteral("app"); }
QString AppProtocol::roundTripPhase() const { return QStringLiteral("app"); }

QString AppProtocol::handshakeTimeout() const
{
    return QStringLiteral("no %1 handshake answer").arg(appProtocolName(id()));
}

QString AppProtocol::roundTripTimeout(int index) const
{
    return QStringLiteral("no answer to %1 round trip %2").arg(appProtocolName(id())).arg(index + 1);
}

} // namespace socketscope
