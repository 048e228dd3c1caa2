// SPDX-License-Identifier: GPL-3.0-or-later
// socketscope-cli profiles export, export-inventory, import, import-ssh-config: profiles in and out of the store.
// Output formats (--json) are documented in docs/profiles.md; keep them stable.
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "cli/ProfileLookup.h"
#include "cli/ProfilesShared.h"
#include "exporter/ExporterModules.h"
#include "profiles/ProfileJson.h"
#include "profiles/ProfileStore.h"
#include "profiles/SshConfigImporter.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>
#include <QUrl>

namespace socketscope::cli::profiles {

int cmdExport(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    p.addValue(QStringLiteral("--name"));
    int rc = ExitOk;
    if (!parseArgs(ctx, p, args, 1, 1, &rc))
        return rc;
    ProfileStore store(profilesFileFor(ctx));
    if (!loadStore(ctx, store))
        return ExitUsage;
    QList<Profile> selected;
    const QStringList names = p.values(QStringLiteral("--name"));
    if (names.isEmpty()) {
        selected = store.profiles();
    } else {
        for (const QString& n : names) {
            const std::optional<Profile> prof = store.find(n);
            if (!prof) {
                *ctx.err << "profiles export: no profile named '" << n << "'\n";
                return ExitUsage;
            }
            selected << *prof;
        }
    }
    const QString target = p.positionals().first();
    if (const Status st = ProfileStore::exportTo(target, selected); !st) {
        *ctx.err << "profiles export: " << st.error() << '\n';
        return ExitFinding;
    }
    if (p.isSet(QStringLiteral("--json")))
        printJson(ctx,
            QJsonObject { { QStringLiteral("file"), QDir::toNativeSeparators(target) },
                { QStringLiteral("exported"), int(selected.size()) } });
    else
        *ctx.out << "Exported " << selected.size() << " profile(s) to " << QDir::toNativeSeparators(target)
                 << " (no passwords or passphrases: those stay in the keychain).\n";
    return ExitOk;
}

// YAML double-quoted scalar (escapes backslash, quote and control characters).
static QString yamlQuoted(const QString& v)
{
    QString out = QStringLiteral("\"");
    for (const QChar c : v) {
        if (c == u'\\' || c == u'"')
            out += u'\\' + QString(c);
        else if (c == u'\n')
            out += QStringLiteral("\\n");
        else if (c == u'\t')
            out += QStringLiteral("\\t");
        else if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            out += QStringLiteral("\\x%1").arg(c.unicode(), 2, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out + u'"';
}

// An Ansible inventory host name from a profile name ("Neo4j prod" → "neo4j-prod").
static QString inventoryHostName(const QString& profileName)
{
    QString slug = profileName.toLower();
    slug.replace(QRegularExpression(QStringLiteral("[^a-z0-9_.-]+")), QStringLiteral("-"));
    slug.remove(QRegularExpression(QStringLiteral("^-+|-+$")));
    return slug.isEmpty() ? QStringLiteral("profile") : slug;
}

// `profiles export-inventory`: the profiles as an Ansible YAML inventory for the exported
// playbook (runbook export-ansible): one host per profile in one group, with the variables the
// playbook reads. Never a secret: profiles hold none (the keychain does), and the inventory says
// which prompt (-k, -K) a run needs instead. Every string is !unsafe so Ansible never templates it.
int cmdExportInventory(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    p.addValue(QStringLiteral("--name"));
    p.addValue(QStringLiteral("--output"), QStringLiteral("-o"));
    p.addValue(QStringLiteral("--group"));
    int rc = ExitOk;
    if (!parseArgs(ctx, p, args, 0, 0, &rc))
        return rc;
    const QString group = p.value(QStringLiteral("--group")).isEmpty() ? QStringLiteral("nginx_proxies")
                                                                       : p.value(QStringLiteral("--group"));
    if (!QRegularExpression(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$")).match(group).hasMatch())
        return usageError(ctx, QStringLiteral("--group takes an Ansible group name (letters, digits, _)"));
    ProfileStore store(profilesFileFor(ctx));
    if (!loadStore(ctx, store))
        return ExitUsage;
    QList<Profile> selected;
    const QStringList names = p.values(QStringLiteral("--name"));
    for (const Profile& prof : store.profiles()) {
        if (names.isEmpty() ? !prof.builtinDemo : names.contains(prof.name))
            selected << prof;
    }
    for (const QString& n : names) {
        if (!store.find(n)) {
            *ctx.err << "profiles export-inventory: no profile named '" << n << "'\n";
            return ExitUsage;
        }
    }
    // ProxyJump values are shell-split by Ansible: only [user@]host[:port] lists pass.
    static const QRegularExpression jumpRe(QStringLiteral("^[A-Za-z0-9._%\\[\\]:@-]+(,[A-Za-z0-9._%\\[\\]:@-]+)*$"));
    QString y = QStringLiteral(
        "# Ansible inventory exported by socketscope-cli profiles export-inventory, for the playbook of\n"
        "# `socketscope-cli runbook export-ansible nginx-websocket-fix`. No secrets: passwords, passphrases\n"
        "# and sudo passwords stay in the keychain; hosts that need one say which prompt to use.\n"
        "all:\n  children:\n    %1:\n      hosts:\n")
                    .arg(group);
    QSet<QString> used;
    for (const Profile& prof : std::as_const(selected)) {
        QString host = inventoryHostName(prof.name);
        for (int i = 2; used.contains(host); ++i)
            host = inventoryHostName(prof.name) + QLatin1Char('-') + QString::number(i);
        used.insert(host);
        const auto var = [&y](const char* name, const QString& value) {
            if (!value.isEmpty())
                y += QStringLiteral("          %1: !unsafe %2\n").arg(QLatin1String(name), yamlQuoted(value));
        };
        y += QStringLiteral("        %1:\n").arg(host);
        const SshAccess& ssh = prof.ssh;
        if (ssh.isConfigured()) {
            var("ansible_host", ssh.host);
            y += QStringLiteral("          ansible_port: %1\n").arg(ssh.port);
            var("ansible_user", ssh.user);
            if (ssh.auth == SshAccess::AuthMethod::KeyFile)
                var("ansible_ssh_private_key_file", ssh.keyFile);
            if (ssh.auth == SshAccess::AuthMethod::Password)
                y += QStringLiteral("          # password login: run ansible-playbook with --ask-pass (-k)\n");
            if (!ssh.jumpHost.isEmpty()) {
                if (jumpRe.match(ssh.jumpHost).hasMatch())
                    var("ansible_ssh_common_args", QStringLiteral("-o ProxyJump=") + ssh.jumpHost);
                else
                    *ctx.err << "profiles export-inventory: " << prof.name << ": jump host '" << ssh.jumpHost
                             << "' is not [user@]host[:port]: left out\n";
            }
        } else {
            y += QStringLiteral("          ansible_connection: local\n");
        }
        if (!ssh.sudoWithoutPassword)
            y += QStringLiteral("          # sudo asks a password: run ansible-playbook with --ask-become-pass (-K)\n");
        var("socketscope_profile", prof.name);
        var("site_file", prof.nginx.siteFile);
        var("backup_dir", prof.nginx.backupDir);
        var("nginx_test_command", prof.nginx.testCommand);
        var("nginx_reload_command", prof.nginx.reloadCommand);
        var("nginx_error_log", prof.logs.nginxErrorLog);
        var("websocket_check_url", prof.publicUrl);
        const QUrl url(prof.publicUrl);
        if (url.isValid() && !prof.publicUrl.isEmpty())
            var("websocket_endpoint", url.path().isEmpty() ? QStringLiteral("/") : url.path());
        var("socketscope_app", appProtocolName(prof.bolt ? AppProtocolId::Bolt : prof.app));
        // The probe speaks like the profile's clients: Origin, subprotocols, TLS options, plain
        // headers. A header carrying a credential is only named (its value goes into
        // socketscope_secret_headers, in an ansible-vault file).
        var("socketscope_origin", prof.origin);
        var("socketscope_ca", prof.tls.caFile);
        var("socketscope_pin", prof.tls.pinnedCertificate);
        if (prof.tls.insecure)
            y += QStringLiteral("          socketscope_insecure: true\n");
        if (!prof.subprotocols.isEmpty()) {
            QStringList items;
            for (const QString& sp : prof.subprotocols)
                items << QStringLiteral("!unsafe ") + yamlQuoted(sp);
            y += QStringLiteral("          socketscope_subprotocols: [%1]\n").arg(items.join(QStringLiteral(", ")));
        }
        QStringList plain;
        QStringList secret;
        for (const auto& [name, value] : prof.extraHeaders) {
            if (isSecretHeader(name))
                secret << name;
            else
                plain << QStringLiteral("            %1: !unsafe %2\n").arg(yamlQuoted(name), yamlQuoted(value));
        }
        if (!plain.isEmpty())
            y += QStringLiteral("          socketscope_headers:\n") + plain.join(QString());
        if (!secret.isEmpty())
            y += QStringLiteral(
                "          # credential headers %1: give their values in socketscope_secret_headers (ansible-vault)\n")
                     .arg(secret.join(QStringLiteral(", ")));
    }
    if (selected.isEmpty())
        y += QStringLiteral("        {}\n");
    const QString out = p.value(QStringLiteral("--output"));
    if (out.isEmpty()) {
        *ctx.out << y;
        return ExitOk;
    }
    QSaveFile f(out);
    if (!f.open(QIODevice::WriteOnly) || f.write(y.toUtf8()) < 0 || !f.commit()) {
        *ctx.err << "profiles export-inventory: cannot write " << out << ": " << f.errorString() << '\n';
        return ExitFinding;
    }
    *ctx.err << "Exported " << selected.size() << " host(s) to " << QDir::toNativeSeparators(out) << " (no secrets).\n";
    return ExitOk;
}

static int reportImport(CliContext& ctx, bool json, const ImportReport& report, const QString& from)
{
    if (json) {
        printJson(ctx,
            QJsonObject { { QStringLiteral("from"), from },
                { QStringLiteral("added"), QJsonArray::fromStringList(report.added) },
                { QStringLiteral("skipped"), QJsonArray::fromStringList(report.skipped) },
                { QStringLiteral("notes"), QJsonArray::fromStringList(report.notes) } });
    } else {
        for (const QString& n : report.added)
            *ctx.out << "added    " << n << '\n';
        for (const QString& s : report.skipped)
            *ctx.out << "skipped  " << s << '\n';
        for (const QString& s : report.notes)
            *ctx.out << "note     " << s << '\n';
        *ctx.out << report.added.size() << " added, " << report.skipped.size() << " skipped.\n";
    }
    return report.skipped.isEmpty() ? ExitOk : ExitFinding;
}

int cmdImport(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    int rc = ExitOk;
    if (!parseArgs(ctx, p, args, 1, 1, &rc))
        return rc;
    const Result<QList<Profile>> incoming = ProfileStore::readFile(p.positionals().first());
    if (!incoming) {
        *ctx.err << "profiles import: " << incoming.error() << '\n';
        return ExitUsage;
    }
    ProfileStore store(profilesFileFor(ctx));
    if (!loadStore(ctx, store))
        return ExitUsage;
    return reportImport(ctx, p.isSet(QStringLiteral("--json")), store.importProfiles(*incoming),
        QDir::toNativeSeparators(p.positionals().first()));
}

int cmdImportSshConfig(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    p.addValue(QStringLiteral("--host"));
    p.addFlag(QStringLiteral("--dry-run"));
    int rc = ExitOk;
    if (!parseArgs(ctx, p, args, 0, 1, &rc))
        return rc;
    const QString path = p.positionals().isEmpty() ? SshConfigImporter::defaultPath() : p.positionals().first();
    if (!QFileInfo(path).isFile()) {
        *ctx.err << "profiles import-ssh-config: " << QDir::toNativeSeparators(path)
                 << " does not exist or is not a file\n";
        return ExitUsage;
    }
    const SshConfigParse parsed = SshConfigImporter::parseFile(path);
    for (const QString& w : parsed.warnings)
        *ctx.err << "warning: " << w << '\n';
    const QStringList only = p.values(QStringLiteral("--host"));
    QList<Profile> profiles;
    for (const SshConfigHost& h : parsed.hosts)
        if (only.isEmpty() || only.contains(h.alias, Qt::CaseInsensitive))
            profiles << SshConfigImporter::toProfile(h);
    const bool json = p.isSet(QStringLiteral("--json"));
    if (p.isSet(QStringLiteral("--dry-run"))) {
        QJsonArray list;
        for (const Profile& prof : std::as_const(profiles)) {
            list.append(ProfileJson::toJson(prof));
            if (!json)
                *ctx.out << prof.name << "  " << sshSummary(prof.ssh)
                         << (prof.ssh.jumpHost.isEmpty() ? QString() : QStringLiteral("  via ") + prof.ssh.jumpHost)
                         << '\n';
        }
        if (json)
            printJson(ctx,
                QJsonObject {
                    { QStringLiteral("from"), QDir::toNativeSeparators(path) }, { QStringLiteral("profiles"), list } });
        return ExitOk;
    }
    ProfileStore store(profilesFileFor(ctx));
    if (!loadStore(ctx, store))
        return ExitUsage;
    return reportImport(ctx, json, store.importProfiles(profiles), QDir::toNativeSeparators(path));
}

} // namespace socketscope::cli::profiles
