// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logs/LogFormat.h"
#include "profiles/Profile.h"

#include <QList>
#include <QString>

#include <optional>

namespace socketscope {

// The logs a profile can name (LogFiles), one table: the CLI's `logs PROFILE --log NAME`, the Logs
// tab's source list and the profile editor all read it, so the format a log is read with is the
// same everywhere.
enum class ProfileLog { NginxError, NginxAccess, App, HAProxy };

QList<ProfileLog> allProfileLogs();
// Stable name (a contract: `logs PROFILE --log NAME`): "error", "access", "app", "haproxy".
QString profileLogId(ProfileLog log);
// Parses a stable name; "nginx" is accepted for "error" (the older `--remote nginx`).
std::optional<ProfileLog> profileLogFromId(const QString& id);
// A label for the user ("nginx error log", "HAProxy log", ...).
QString profileLogName(ProfileLog log);
// The path the profile gives for this log (empty: not set).
QString profileLogPath(const Profile& profile, ProfileLog log);
// The format the log is read with: fixed for nginx and HAProxy logs, the profile's
// logs.appLogFormat for the application log (nullopt: detected from its first lines).
std::optional<logs::LogFormat> profileLogFormat(const Profile& profile, ProfileLog log);
// Which of the profile's logs has this path (the first in table order), if any.
std::optional<ProfileLog> profileLogForPath(const Profile& profile, const QString& path);

} // namespace socketscope
