// SPDX-License-Identifier: GPL-3.0-or-later
// `profiles export-modules [FILE] [--name NAME]...`: the exporter's modules file (issue 12) from
// profiles — application protocol, Origin, subprotocols, headers, TLS options — never a secret:
// a credential header becomes an "env:VARIABLE" reference, and the variables are listed.
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "cli/ProfileLookup.h"
#include "exporter/ExporterModules.h"
#include "profiles/ProfileStore.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace socketscope::cli {

int cmdProfilesExportModules(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    p.addValue(QStringLiteral("--name"));
    if (!p.parse(args) || p.positionals().size() > 1) {
        *ctx.err << "profiles export-modules: "
                 << (p.error().isEmpty() ? QStringLiteral("at most one FILE") : p.error()) << '\n'
                 << "usage: socketscope-cli [--profiles FILE] profiles export-modules [FILE|-] [--name NAME]...\n";
        return ExitUsage;
    }
    ProfileStore store(profilesFileFor(ctx));
    if (const Status st = store.load(); !st) {
        *ctx.err << "profiles export-modules: " << st.error() << '\n';
        return ExitUsage;
    }
    QList<Profile> selected;
    const QStringList names = p.values(QStringLiteral("--name"));
    if (names.isEmpty())
        selected = store.profiles();
    for (const QString& n : names) {
        const std::optional<Profile> prof = store.find(n);
        if (!prof) {
            *ctx.err << "profiles export-modules: no profile named '" << n << "'\n";
            return ExitUsage;
        }
        selected << *prof;
    }
    const ModulesExport exported = modulesFromProfiles(selected);
    const QByteArray& json = exported.json;
    const QString file = p.positionals().value(0, QStringLiteral("-"));
    if (file == QLatin1String("-")) {
        *ctx.out << QString::fromUtf8(json);
    } else {
        QSaveFile out(file);
        if (!out.open(QIODevice::WriteOnly) || out.write(json) != json.size() || !out.commit()) {
            *ctx.err << "profiles export-modules: cannot write " << file << ": " << out.errorString() << '\n';
            return ExitFinding;
        }
        *ctx.out << "Wrote " << exported.count << " module(s) to " << file << " (no secrets).\n";
    }
    for (const QString& t : exported.targets)
        *ctx.err << "  " << t << '\n';
    if (!exported.envNames.isEmpty())
        *ctx.err << "Before starting the exporter, set (from your secret store, not on a command line): "
                 << exported.envNames.join(QStringLiteral(", ")) << '\n';
    return ExitOk;
}

} // namespace socketscope::cli
