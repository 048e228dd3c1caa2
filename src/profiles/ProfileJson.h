// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "profiles/Profile.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>

#include <optional>

namespace socketscope::ProfileJson {

// The document envelope: {"format":"socketscope-profiles","version":2,"profiles":[...]}.
// Version 2 added the profile's "app" (application protocol); version 3 the logs' "appLogFormat",
// "nginxAccessLog" and "haproxyLog". Version 1 and 2 files load unchanged.
inline constexpr const char* kFormat = "socketscope-profiles";
inline constexpr int kVersion = 3;
// Documents larger than this are refused (a profile store is a few KiB).
inline constexpr qsizetype kMaxDocumentBytes = 16 * 1024 * 1024;

// One profile as a JSON object (every field, never a secret).
QJsonObject toJson(const Profile& profile);
// Reads one profile; fails naming the field and what is wrong with it. Missing fields keep their
// defaults, unknown fields are ignored (a newer minor writer may add some).
Result<Profile> fromJson(const QJsonObject& object);

// The whole document, indented, UTF-8.
QByteArray serialize(const QList<Profile>& profiles);
// Parses a document; fails (without naming the file: callers add it) when it is not JSON, not our
// format, of a newer version, or a profile is malformed / duplicated.
Result<QList<Profile>> parse(const QByteArray& data);

// "agent" / "key-file" / "password".
QString authMethodName(SshAccess::AuthMethod method);
std::optional<SshAccess::AuthMethod> authMethodFromName(const QString& name);

} // namespace socketscope::ProfileJson
