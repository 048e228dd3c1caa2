// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/ProfileLookup.h"

#include "core/AppPaths.h"
#include "profiles/ProfileStore.h"

#include <QCoreApplication>
#include <QDir>

namespace socketscope::cli {

QString profilesFileFor(const CliContext& ctx)
{
    return ctx.profilesFile.isEmpty() ? AppPaths::defaultProfilesFile() : ctx.profilesFile;
}

Result<Profile> loadProfileForCli(const CliContext& ctx, const QString& name)
{
    ProfileStore store(profilesFileFor(ctx));
    if (const Status st = store.load(); !st)
        return Result<Profile>::failure(st.error());
    if (std::optional<Profile> p = store.find(name))
        return *p;
    QStringList names;
    for (const Profile& p : store.profiles())
        names << p.name;
    const QString file = QDir::toNativeSeparators(store.filePath());
    if (names.isEmpty())
        return Result<Profile>::failure(
            QCoreApplication::translate("cli", "no profile named '%1': %2 has no profiles yet "
                                               "(add one with: socketscope-cli profiles add NAME --url URL)")
                .arg(name, file));
    return Result<Profile>::failure(QCoreApplication::translate("cli", "no profile named '%1' in %2; known profiles: %3")
                                        .arg(name, file, names.join(QStringLiteral(", "))));
}

} // namespace socketscope::cli
