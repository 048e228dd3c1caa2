// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/MonitorTypes.h"

#include "probe/ProbeProfile.h"

#include "profiles/Profile.h"

#include <QTimeZone>

namespace socketscope {

ProbeOptions MonitorSpec::defaultOptions(const QString& url)
{
    ProbeOptions o;
    o.url = url;
    o.echoCount = 3;
    o.pingIntervalS = 0.1;
    o.holdS = 0.3;
    o.timeoutS = 5;
    o.connectTimeoutS = 5;
    return o;
}

MonitorSpec MonitorSpec::fromProfile(const Profile& profile)
{
    MonitorSpec spec;
    spec.name = profile.name;
    spec.profileId = profile.id.toString(QUuid::WithoutBraces);
    spec.options = defaultOptions(profile.publicUrl.isEmpty() ? profile.directUrl : profile.publicUrl);
    applyProfile(spec.options, profile);
    return spec;
}

QString monitorStateId(MonitorState s)
{
    switch (s) {
    case MonitorState::Ok: return QStringLiteral("ok");
    case MonitorState::Degraded: return QStringLiteral("degraded");
    case MonitorState::Down: return QStringLiteral("down");
    case MonitorState::Paused: return QStringLiteral("paused");
    case MonitorState::Stopped: return QStringLiteral("stopped");
    case MonitorState::Unknown: break;
    }
    return QStringLiteral("unknown");
}

QString eventKindId(MonitorEvent::Kind k)
{
    switch (k) {
    case MonitorEvent::Kind::Started: return QStringLiteral("started");
    case MonitorEvent::Kind::Paused: return QStringLiteral("paused");
    case MonitorEvent::Kind::Resumed: return QStringLiteral("resumed");
    case MonitorEvent::Kind::IntervalChanged: return QStringLiteral("interval_changed");
    case MonitorEvent::Kind::StateChanged: return QStringLiteral("state_changed");
    case MonitorEvent::Kind::CauseChanged: return QStringLiteral("cause_changed");
    case MonitorEvent::Kind::ConnectionClosed: return QStringLiteral("connection_closed");
    case MonitorEvent::Kind::Stopped: return QStringLiteral("stopped");
    }
    return {};
}

QString isoWithOffset(qint64 msSinceEpoch)
{
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(msSinceEpoch);
    // An explicit offset makes Qt print "+HH:MM" (a LocalTime QDateTime would print none).
    const QDateTime fixed = local.toTimeZone(QTimeZone(local.offsetFromUtc()));
    QString s = fixed.toString(Qt::ISODateWithMs);
    if (s.endsWith(QLatin1Char('Z'))) {
        s.chop(1);
        s += QStringLiteral("+00:00");
    }
    return s;
}

} // namespace socketscope
