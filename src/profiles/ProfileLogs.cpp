// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiles/ProfileLogs.h"

#include <QCoreApplication>

namespace socketscope {

namespace {

struct LogInfo {
    ProfileLog log;
    const char* id;
    const char* name;
    QString LogFiles::*path;
    std::optional<logs::LogFormat> fixedFormat; // nullopt: the profile's appLogFormat
};

const QList<LogInfo>& table()
{
    using F = logs::LogFormat;
    static const QList<LogInfo> t = {
        {ProfileLog::NginxError, "error", QT_TRANSLATE_NOOP("ProfileLogs", "nginx error log"), &LogFiles::nginxErrorLog, F::NginxError},
        {ProfileLog::NginxAccess, "access", QT_TRANSLATE_NOOP("ProfileLogs", "nginx access log"), &LogFiles::nginxAccessLog, F::NginxAccess},
        {ProfileLog::App, "app", QT_TRANSLATE_NOOP("ProfileLogs", "App log"), &LogFiles::appLog, std::nullopt},
        {ProfileLog::HAProxy, "haproxy", QT_TRANSLATE_NOOP("ProfileLogs", "HAProxy log"), &LogFiles::haproxyLog, F::HAProxy},
    };
    return t;
}

const LogInfo& info(ProfileLog log)
{
    for (const LogInfo& i : table())
        if (i.log == log)
            return i;
    return table().front();
}

} // namespace

QList<ProfileLog> allProfileLogs()
{
    QList<ProfileLog> out;
    for (const LogInfo& i : table())
        out.append(i.log);
    return out;
}

QString profileLogId(ProfileLog log)
{
    return QString::fromLatin1(info(log).id);
}

std::optional<ProfileLog> profileLogFromId(const QString& id)
{
    if (id == QLatin1String("nginx"))
        return ProfileLog::NginxError;
    for (const LogInfo& i : table())
        if (id == QLatin1String(i.id))
            return i.log;
    return std::nullopt;
}

QString profileLogName(ProfileLog log)
{
    return QCoreApplication::translate("ProfileLogs", info(log).name);
}

QString profileLogPath(const Profile& profile, ProfileLog log)
{
    return profile.logs.*(info(log).path);
}

std::optional<logs::LogFormat> profileLogFormat(const Profile& profile, ProfileLog log)
{
    const LogInfo& i = info(log);
    return i.fixedFormat ? i.fixedFormat : profile.logs.appLogFormat;
}

std::optional<ProfileLog> profileLogForPath(const Profile& profile, const QString& path)
{
    if (path.isEmpty())
        return std::nullopt;
    for (const LogInfo& i : table())
        if (profile.logs.*(i.path) == path)
            return i.log;
    return std::nullopt;
}

} // namespace socketscope
