// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "profiles/Profile.h"

#include <QList>
#include <QString>

namespace socketscope {

// One problem with a profile: the field it concerns (the JSON path, e.g. "ssh.port") and a
// sentence a person can act on.
struct ValidationIssue {
    QString field;
    QString message;
};

struct ValidationOptions {
    // Check that local files (SSH key, TLS CA / certificate / key) exist. Off when importing a
    // profile written on another machine.
    bool checkLocalFiles = true;
};

namespace ProfileValidator {
// Every problem with `profile`; `others` are the profiles it must not clash with (its own id is
// ignored among them). Empty: the profile is valid.
QList<ValidationIssue> validate(const Profile& profile, const QList<Profile>& others,
                                const ValidationOptions& options = {});
// The issues joined into one message ("name: ...; ssh.port: ..."), or success.
Status toStatus(const QList<ValidationIssue>& issues);

// Single-field checks the editor uses for inline messages; empty string when fine.
QString checkWebSocketUrl(const QString& url);
QString checkOrigin(const QString& origin);
QString checkHeader(const QString& name, const QString& value);
QString checkJumpHost(const QString& jump);
// Expands a leading "~/" to the home directory.
QString expandHome(const QString& path);
} // namespace ProfileValidator

} // namespace socketscope
