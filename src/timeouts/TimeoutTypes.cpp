// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeouts/TimeoutTypes.h"

namespace socketscope {

QString deathKindId(DeathKind k)
{
    switch (k) {
    case DeathKind::CloseFrame: return QStringLiteral("close_frame");
    case DeathKind::Fin: return QStringLiteral("fin");
    case DeathKind::Reset: return QStringLiteral("reset");
    case DeathKind::HttpError: return QStringLiteral("http_error");
    case DeathKind::SilentDrop: return QStringLiteral("silent_drop");
    case DeathKind::None: break;
    }
    return QStringLiteral("none");
}

QString cutKindId(CutKind k) { return k == CutKind::Lifetime ? QStringLiteral("lifetime") : QStringLiteral("idle"); }

QString keepaliveTrafficId(KeepaliveTraffic t)
{
    switch (t) {
    case KeepaliveTraffic::ClientPing: return QStringLiteral("client_ping");
    case KeepaliveTraffic::ClientData: return QStringLiteral("client_data");
    case KeepaliveTraffic::ServerData: return QStringLiteral("server_data");
    case KeepaliveTraffic::None: break;
    }
    return QStringLiteral("none");
}

QString keepaliveTrafficLabel(KeepaliveTraffic t)
{
    switch (t) {
    case KeepaliveTraffic::ClientPing: return QStringLiteral("client WebSocket pings");
    case KeepaliveTraffic::ClientData: return QStringLiteral("client data messages");
    case KeepaliveTraffic::ServerData: return QStringLiteral("server data/pings (the app's heartbeat)");
    case KeepaliveTraffic::None: break;
    }
    return QStringLiteral("no traffic");
}

QList<KeepaliveTraffic> allKeepaliveTraffic()
{
    return {KeepaliveTraffic::None, KeepaliveTraffic::ClientPing, KeepaliveTraffic::ClientData, KeepaliveTraffic::ServerData};
}

QString timeoutSecondsText(double s) { return QString::number(s, 'f', s < 10 ? 2 : 1); }

} // namespace socketscope
