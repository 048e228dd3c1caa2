// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/AppPaths.h"

#include <QDir>
#include <QStandardPaths>

namespace socketscope::AppPaths {

static QString ensured(const QString& dir)
{
    QDir().mkpath(dir);
    return dir;
}

QString configDir()
{
    return ensured(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation));
}

QString dataDir()
{
    return ensured(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation));
}

QString defaultProfilesFile()
{
    return configDir() + QStringLiteral("/profiles.json");
}

} // namespace socketscope::AppPaths
