// SPDX-License-Identifier: GPL-3.0-or-later
// socketscope-cli profiles ...: the subcommand table, list, show, add, remove, set-secret, forget-secrets
// (export, import, export-inventory, import-ssh-config: ProfilesExchange.cpp).
// Output formats (--json) are documented in docs/profiles.md; keep them stable.
#include "cli/ArgParser.h"
#include "cli/CommandHelp.h"
#include "cli/Commands.h"
#include "cli/ProfileLookup.h"
#include "cli/ProfilesShared.h"
#include "core/SecretBytes.h"
#include "profiles/ProfileJson.h"
#include "profiles/ProfileStore.h"
#include "profiles/SecretStore.h"

#include <QCoreApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace socketscope::cli {

namespace profiles {

void printJson(CliContext& ctx, const QJsonValue& v)
{
    const QJsonDocument doc = v.isArray() ? QJsonDocument(v.toArray()) : QJsonDocument(v.toObject());
    *ctx.out << QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
}

int usageError(CliContext& ctx, const QString& message)
{
    *ctx.err << "profiles: " << message << "\n(see: socketscope-cli profiles help)\n";
    return ExitUsage;
}

// Parses the command's options; positional count must be within [minPos, maxPos].
bool parseArgs(CliContext& ctx, ArgParser& p, const QStringList& args, int minPos, int maxPos, int* rc)
{
    p.addFlag(QStringLiteral("--json"));
    if (!p.parse(args)) {
        *rc = usageError(ctx, p.error());
        return false;
    }
    const qsizetype n = p.positionals().size();
    if (n < minPos || n > maxPos) {
        *rc = usageError(ctx,
            n < minPos ? QStringLiteral("missing argument")
                       : QStringLiteral("unexpected argument '%1'").arg(p.positionals().last()));
        return false;
    }
    return true;
}

// Loads the store; on failure prints why (naming the file) and returns nullopt.
bool loadStore(CliContext& ctx, ProfileStore& store)
{
    if (const Status st = store.load(); !st) {
        *ctx.err << "profiles: " << st.error() << '\n';
        return false;
    }
    return true;
}

QString sshSummary(const SshAccess& s)
{
    if (!s.isConfigured())
        return {};
    QString out = s.user.isEmpty() ? s.host : s.user + u'@' + s.host;
    if (s.port != 22)
        out += u':' + QString::number(s.port);
    return out;
}

} // namespace profiles

namespace {

using namespace profiles;

constexpr const char* kUsage
    = "usage: socketscope-cli [--profiles FILE] profiles list [--json]\n"
      "       socketscope-cli [--profiles FILE] profiles show NAME [--json]\n"
      "       socketscope-cli [--profiles FILE] profiles add NAME [--url URL] [--direct-url URL] [--origin O]\n"
      "             [--ssh USER@HOST[:PORT]] [--key FILE] [--jump USER@HOST[:PORT]] [--auth agent|key-file|password]\n"
      "             [--site-file PATH] [--enabled-link PATH] [--error-log PATH] [--app-log PATH]\n"
      "             [--app-log-format auto|FORMAT] [--access-log PATH] [--haproxy-log PATH]\n"
      "             [--test-cmd CMD] [--reload-cmd CMD] [--service NAME] [--header 'NAME: VALUE']...\n"
      "             [--subprotocol P]... [--bolt] [--app NAME] [--ca-file FILE] [--notes TEXT] [--json]\n"
      "       socketscope-cli [--profiles FILE] profiles remove NAME\n"
      "       socketscope-cli [--profiles FILE] profiles export FILE [--name NAME]... [--json]\n"
      "       socketscope-cli [--profiles FILE] profiles export-modules [FILE|-] [--name NAME]...   (the exporter's "
      "modules)\n"
      "       socketscope-cli [--profiles FILE] profiles import FILE [--json]\n"
      "       socketscope-cli [--profiles FILE] profiles export-inventory [-o FILE] [--name NAME]... [--group G]\n"
      "       socketscope-cli [--profiles FILE] profiles import-ssh-config [FILE] [--host ALIAS]... [--dry-run] "
      "[--json]\n"
      "       socketscope-cli [--profiles FILE] profiles set-secret NAME --kind "
      "ssh-password|key-passphrase|sudo-password\n"
      "             --password-stdin\n"
      "       socketscope-cli [--profiles FILE] profiles forget-secrets NAME\n"
      "Secrets are never options: set-secret reads the secret from standard input and stores it in the\n"
      "OS keychain (service SocketScope, or $SOCKETSCOPE_KEYCHAIN_SERVICE).\n";

int cmdList(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    int rc = ExitOk;
    if (!parseArgs(ctx, p, args, 0, 0, &rc))
        return rc;
    ProfileStore store(profilesFileFor(ctx));
    if (!loadStore(ctx, store))
        return ExitUsage;
    if (p.isSet(QStringLiteral("--json"))) {
        QJsonArray list;
        for (const Profile& prof : store.profiles())
            list.append(ProfileJson::toJson(prof));
        printJson(ctx,
            QJsonObject { { QStringLiteral("file"), QDir::toNativeSeparators(store.filePath()) },
                { QStringLiteral("profiles"), list } });
        return ExitOk;
    }
    if (store.profiles().isEmpty()) {
        *ctx.out << "No profiles in " << QDir::toNativeSeparators(store.filePath())
                 << ". Add one with: socketscope-cli profiles add NAME --url wss://host/ws\n";
        return ExitOk;
    }
    // Columns as wide as their longest value, so a long URL never pushes the SSH column out of line.
    const auto urlOf
        = [](const Profile& prof) { return prof.publicUrl.isEmpty() ? QStringLiteral("-") : prof.publicUrl; };
    qsizetype width = 4;
    qsizetype urlWidth = 10;
    for (const Profile& prof : store.profiles()) {
        width = qMax(width, prof.name.size());
        urlWidth = qMax(urlWidth, urlOf(prof).size());
    }
    *ctx.out << QStringLiteral("NAME").leftJustified(width + 2)
             << QStringLiteral("PUBLIC URL").leftJustified(urlWidth + 2) << "SSH\n";
    for (const Profile& prof : store.profiles())
        *ctx.out << prof.name.leftJustified(width + 2) << urlOf(prof).leftJustified(urlWidth + 2)
                 << (prof.ssh.isConfigured() ? sshSummary(prof.ssh) : QStringLiteral("-")) << '\n';
    return ExitOk;
}

void showLine(CliContext& ctx, const char* label, const QString& value)
{
    if (!value.isEmpty())
        *ctx.out << QString::fromLatin1(label).leftJustified(20) << value << '\n';
}

int cmdShow(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    int rc = ExitOk;
    if (!parseArgs(ctx, p, args, 1, 1, &rc))
        return rc;
    const Result<Profile> found = loadProfileForCli(ctx, p.positionals().first());
    if (!found) {
        *ctx.err << "profiles: " << found.error() << '\n';
        return ExitUsage;
    }
    const Profile& prof = *found;
    if (p.isSet(QStringLiteral("--json"))) {
        printJson(ctx, ProfileJson::toJson(prof));
        return ExitOk;
    }
    showLine(ctx, "name", prof.name);
    showLine(ctx, "id", prof.id.toString(QUuid::WithoutBraces));
    showLine(ctx, "public URL", prof.publicUrl);
    showLine(ctx, "direct URL", prof.directUrl);
    showLine(ctx, "origin", prof.origin);
    for (const auto& [name, value] : prof.extraHeaders)
        showLine(ctx, "header", name + QStringLiteral(": ") + value);
    showLine(ctx, "subprotocols", prof.subprotocols.join(QStringLiteral(", ")));
    showLine(ctx, "bolt", prof.bolt ? QStringLiteral("yes") : QString());
    showLine(ctx, "app", prof.app == AppProtocolId::Auto ? QString() : appProtocolName(prof.app));
    showLine(ctx, "TLS CA file", prof.tls.caFile);
    showLine(ctx, "TLS pinned cert", prof.tls.pinnedCertificate);
    showLine(ctx, "TLS client cert", prof.tls.clientCertificate);
    showLine(ctx, "TLS client key", prof.tls.clientKey);
    showLine(ctx, "TLS verification", prof.tls.insecure ? QStringLiteral("OFF (insecure)") : QString());
    if (prof.ssh.isConfigured()) {
        showLine(ctx, "ssh", sshSummary(prof.ssh));
        showLine(ctx, "ssh auth", ProfileJson::authMethodName(prof.ssh.auth));
        showLine(ctx, "ssh key file", prof.ssh.keyFile);
        showLine(ctx, "ssh jump host", prof.ssh.jumpHost);
        showLine(ctx, "sudo",
            prof.ssh.sudoWithoutPassword ? QStringLiteral("without password") : QStringLiteral("asks for password"));
    }
    showLine(ctx, "nginx site file", prof.nginx.siteFile);
    showLine(ctx, "nginx enabled link", prof.nginx.enabledLink);
    showLine(ctx, "nginx test", prof.nginx.testCommand);
    showLine(ctx, "nginx reload", prof.nginx.reloadCommand);
    showLine(ctx, "nginx backups", prof.nginx.backupDir);
    showLine(ctx, "nginx error log", prof.logs.nginxErrorLog);
    showLine(ctx, "app log", prof.logs.appLog);
    if (!prof.logs.appLog.isEmpty())
        showLine(ctx, "app log format",
            prof.logs.appLogFormat ? logs::logFormatId(*prof.logs.appLogFormat) : QStringLiteral("auto (detected)"));
    showLine(ctx, "nginx access log", prof.logs.nginxAccessLog);
    showLine(ctx, "HAProxy log", prof.logs.haproxyLog);
    showLine(ctx, "service", prof.serviceName);
    showLine(ctx, "notes", prof.notes);
    showLine(ctx, "built-in", prof.builtinDemo ? QStringLiteral("Local demo (served by the app)") : QString());
    return ExitOk;
}

// "user@host:port", "host", "user@[::1]:2222" → SshAccess fields.
bool parseSshTarget(const QString& target, SshAccess& ssh, QString* error)
{
    QString rest = target;
    const qsizetype at = rest.lastIndexOf(u'@');
    if (at >= 0) {
        ssh.user = rest.left(at);
        rest = rest.mid(at + 1);
    }
    qsizetype colon = rest.lastIndexOf(u':');
    if (rest.startsWith(u'[')) {
        const qsizetype close = rest.indexOf(u']');
        if (close < 0) {
            *error = QStringLiteral("--ssh: missing ']' in '%1'").arg(target);
            return false;
        }
        ssh.host = rest.mid(1, close - 1);
        colon = close + 1 < rest.size() && rest.at(close + 1) == u':' ? close + 1 : -1;
    } else if (colon >= 0 && rest.indexOf(u':') != colon) {
        colon = -1; // a bare IPv6 address
        ssh.host = rest;
    } else {
        ssh.host = colon >= 0 ? rest.left(colon) : rest;
    }
    if (colon >= 0) {
        bool ok = false;
        const int port = rest.mid(colon + 1).toInt(&ok);
        if (!ok || port < 1 || port > 65535) {
            *error = QStringLiteral("--ssh: the port in '%1' must be a number from 1 to 65535").arg(target);
            return false;
        }
        ssh.port = port;
    }
    if (ssh.host.isEmpty()) {
        *error = QStringLiteral("--ssh needs USER@HOST[:PORT], e.g. admin@web1.example.com:22");
        return false;
    }
    return true;
}

int cmdAdd(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    for (const char* opt : { "--url", "--direct-url", "--origin", "--ssh", "--key", "--jump", "--auth", "--site-file",
             "--enabled-link", "--error-log", "--app-log", "--test-cmd", "--reload-cmd", "--service", "--header",
             "--subprotocol", "--ca-file", "--notes", "--app", "--app-log-format", "--access-log", "--haproxy-log" })
        p.addValue(QString::fromLatin1(opt));
    p.addFlag(QStringLiteral("--bolt"));
    int rc = ExitOk;
    if (!parseArgs(ctx, p, args, 1, 1, &rc))
        return rc;
    Profile prof;
    prof.name = p.positionals().first();
    prof.publicUrl = p.value(QStringLiteral("--url"));
    prof.directUrl = p.value(QStringLiteral("--direct-url"));
    prof.origin = p.value(QStringLiteral("--origin"));
    prof.serviceName = p.value(QStringLiteral("--service"));
    prof.notes = p.value(QStringLiteral("--notes"));
    prof.bolt = p.isSet(QStringLiteral("--bolt"));
    if (p.isSet(QStringLiteral("--app"))) {
        const auto app = appProtocolFromName(p.value(QStringLiteral("--app")));
        if (!app)
            return usageError(
                ctx, QStringLiteral("--app must be one of %1").arg(appProtocolNames().join(QStringLiteral(", "))));
        prof.app = *app;
    }
    prof.subprotocols = p.values(QStringLiteral("--subprotocol"));
    prof.tls.caFile = p.value(QStringLiteral("--ca-file"));
    for (const QString& h : p.values(QStringLiteral("--header"))) {
        const qsizetype colon = h.indexOf(u':');
        if (colon <= 0)
            return usageError(ctx, QStringLiteral("--header needs 'NAME: VALUE' (got '%1')").arg(h));
        prof.extraHeaders.append({ h.left(colon).trimmed(), h.mid(colon + 1).trimmed() });
    }
    if (p.isSet(QStringLiteral("--ssh"))) {
        QString error;
        if (!parseSshTarget(p.value(QStringLiteral("--ssh")), prof.ssh, &error))
            return usageError(ctx, error);
    }
    if (p.isSet(QStringLiteral("--key"))) {
        prof.ssh.keyFile = p.value(QStringLiteral("--key"));
        prof.ssh.auth = SshAccess::AuthMethod::KeyFile;
    }
    prof.ssh.jumpHost = p.value(QStringLiteral("--jump"));
    if (p.isSet(QStringLiteral("--auth"))) {
        const auto method = ProfileJson::authMethodFromName(p.value(QStringLiteral("--auth")));
        if (!method)
            return usageError(ctx, QStringLiteral("--auth must be agent, key-file or password"));
        prof.ssh.auth = *method;
    }
    if ((p.isSet(QStringLiteral("--key")) || p.isSet(QStringLiteral("--jump")) || p.isSet(QStringLiteral("--auth")))
        && !prof.ssh.isConfigured())
        return usageError(ctx, QStringLiteral("--key, --jump and --auth need --ssh USER@HOST"));
    prof.nginx.siteFile = p.value(QStringLiteral("--site-file"));
    prof.nginx.enabledLink = p.value(QStringLiteral("--enabled-link"));
    prof.nginx.testCommand = p.value(QStringLiteral("--test-cmd"), prof.nginx.testCommand);
    prof.nginx.reloadCommand = p.value(QStringLiteral("--reload-cmd"), prof.nginx.reloadCommand);
    prof.logs.nginxErrorLog = p.value(QStringLiteral("--error-log"));
    prof.logs.appLog = p.value(QStringLiteral("--app-log"));
    prof.logs.nginxAccessLog = p.value(QStringLiteral("--access-log"));
    prof.logs.haproxyLog = p.value(QStringLiteral("--haproxy-log"));
    if (const QString format = p.value(QStringLiteral("--app-log-format"));
        !format.isEmpty() && format != QLatin1String("auto")) {
        prof.logs.appLogFormat = logs::logFormatFromId(format);
        if (!prof.logs.appLogFormat) {
            QStringList names { QStringLiteral("auto") };
            for (logs::LogFormat f : logs::allLogFormats())
                names.append(logs::logFormatId(f));
            return usageError(
                ctx, QStringLiteral("--app-log-format must be one of %1").arg(names.join(QStringLiteral(", "))));
        }
    }

    ProfileStore store(profilesFileFor(ctx));
    if (!loadStore(ctx, store))
        return ExitUsage;
    const QList<ValidationIssue> issues = store.validate(prof);
    if (!issues.isEmpty()) {
        *ctx.err << "profiles add: '" << prof.name << "' was not added:\n";
        for (const ValidationIssue& i : issues)
            *ctx.err << "  " << i.field << ": " << i.message << '\n';
        return ExitUsage;
    }
    if (const Status st = store.add(prof); !st) {
        *ctx.err << "profiles add: " << st.error() << '\n';
        return ExitFinding;
    }
    if (p.isSet(QStringLiteral("--json")))
        printJson(ctx, ProfileJson::toJson(prof));
    else
        *ctx.out << "Added profile '" << prof.name << "' to " << QDir::toNativeSeparators(store.filePath()) << '\n';
    return ExitOk;
}

int cmdRemove(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    int rc = ExitOk;
    if (!parseArgs(ctx, p, args, 1, 1, &rc))
        return rc;
    ProfileStore store(profilesFileFor(ctx));
    if (!loadStore(ctx, store))
        return ExitUsage;
    const std::optional<Profile> prof = store.find(p.positionals().first());
    if (!prof) {
        *ctx.err << "profiles remove: no profile named '" << p.positionals().first() << "' in "
                 << QDir::toNativeSeparators(store.filePath()) << '\n';
        return ExitUsage;
    }
    if (const Status st = store.remove(prof->id); !st) {
        *ctx.err << "profiles remove: " << st.error() << '\n';
        return ExitFinding;
    }
    if (p.isSet(QStringLiteral("--json")))
        printJson(ctx,
            QJsonObject { { QStringLiteral("removed"), prof->name },
                { QStringLiteral("id"), prof->id.toString(QUuid::WithoutBraces) } });
    else
        *ctx.out << "Removed profile '" << prof->name
                 << "'. Its saved passwords stay in the keychain under the service "
                 << "'SocketScope', keys " << prof->id.toString(QUuid::WithoutBraces)
                 << "/*; delete them there if you wish.\n";
    return ExitOk;
}

QString keychainService()
{
    const QString env = qEnvironmentVariable("SOCKETSCOPE_KEYCHAIN_SERVICE");
    return env.isEmpty() ? QStringLiteral("SocketScope") : env;
}

// Runs `action` once the keychain's availability is known; reports an unavailable keychain (exit 1).
void withKeychain(CliContext& ctx, const QString& what, std::function<void(SecretStore*)> action)
{
    auto* secrets = new SecretStore(keychainService(), QCoreApplication::instance());
    QObject::connect(
        secrets, &SecretStore::availabilityChanged, secrets,
        [&ctx, secrets, what, action] {
            if (secrets->availability() != SecretStore::Availability::Available) {
                *ctx.err << "profiles " << what << ": " << secrets->availabilityText() << '\n';
                ctx.finish(ExitFinding);
                return;
            }
            action(secrets);
        },
        Qt::SingleShotConnection);
    secrets->checkAvailability();
}

int cmdSetSecret(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    p.addValue(QStringLiteral("--kind"));
    p.addFlag(QStringLiteral("--password-stdin"));
    int rc = ExitOk;
    if (!parseArgs(ctx, p, args, 1, 1, &rc))
        return rc;
    const QString kindName = p.value(QStringLiteral("--kind"));
    std::optional<SecretKind> kind;
    for (SecretKind k : { SecretKind::SshPassword, SecretKind::KeyPassphrase, SecretKind::SudoPassword })
        if (SecretStore::kindName(k) == kindName)
            kind = k;
    if (!kind)
        return usageError(ctx, QStringLiteral("--kind must be ssh-password, key-passphrase or sudo-password"));
    if (!p.isSet(QStringLiteral("--password-stdin")))
        return usageError(
            ctx, QStringLiteral("give the secret on standard input with --password-stdin (never as an argument)"));
    const Result<Profile> prof = loadProfileForCli(ctx, p.positionals().first());
    if (!prof) {
        *ctx.err << "profiles set-secret: " << prof.error() << '\n';
        return ExitUsage;
    }
    QByteArray secret = ctx.readStdin ? ctx.readStdin() : QByteArray();
    if (secret.isEmpty())
        return usageError(ctx, QStringLiteral("standard input was empty; pipe the secret into the command"));
    const QUuid id = prof->id;
    const QString name = prof->name;
    auto held = std::make_shared<QByteArray>(std::move(secret));
    withKeychain(ctx, QStringLiteral("set-secret"), [&ctx, id, name, held, kind](SecretStore* secrets) {
        secrets->write(id, *kind, *held, secrets, [&ctx, name, kind](const Status& st) {
            if (!st) {
                *ctx.err << "profiles set-secret: " << st.error() << '\n';
                ctx.finish(ExitFinding);
                return;
            }
            *ctx.out << "Saved the " << SecretStore::kindName(*kind) << " of '" << name << "' in the keychain.\n";
            ctx.finish(ExitOk);
        });
        wipeSecret(*held);
    });
    // Wiped here too when the keychain turned out unavailable.
    QObject::connect(QCoreApplication::instance(), &QCoreApplication::aboutToQuit, QCoreApplication::instance(),
        [held] { wipeSecret(*held); });
    return ExitAsync;
}

int cmdForgetSecrets(CliContext& ctx, const QStringList& args)
{
    ArgParser p;
    int rc = ExitOk;
    if (!parseArgs(ctx, p, args, 1, 1, &rc))
        return rc;
    const Result<Profile> prof = loadProfileForCli(ctx, p.positionals().first());
    if (!prof) {
        *ctx.err << "profiles forget-secrets: " << prof.error() << '\n';
        return ExitUsage;
    }
    const QUuid id = prof->id;
    const QString name = prof->name;
    withKeychain(ctx, QStringLiteral("forget-secrets"), [&ctx, id, name](SecretStore* secrets) {
        secrets->removeAll(id, secrets, [&ctx, name](const Status& st) {
            if (!st) {
                *ctx.err << "profiles forget-secrets: " << st.error() << '\n';
                ctx.finish(ExitFinding);
                return;
            }
            *ctx.out << "Removed the saved secrets of '" << name << "' from the keychain.\n";
            ctx.finish(ExitOk);
        });
    });
    return ExitAsync;
}

struct Subcommand {
    const char* name;
    int (*run)(CliContext&, const QStringList&);
};

// One line per subcommand; the usage above lists them for the user.
constexpr Subcommand kSubcommands[] = {
    { "list", cmdList },
    { "show", cmdShow },
    { "add", cmdAdd },
    { "remove", cmdRemove },
    { "export", cmdExport },
    { "export-modules", cmdProfilesExportModules },
    { "import", cmdImport },
    { "export-inventory", cmdExportInventory },
    { "import-ssh-config", cmdImportSshConfig },
    { "set-secret", cmdSetSecret },
    { "forget-secrets", cmdForgetSecrets },
};

} // namespace

int cmdProfiles(CliContext& ctx)
{
    if (ctx.args.isEmpty())
        return usageError(ctx, QStringLiteral("missing subcommand"));
    const QString sub = ctx.args.first();
    // `help`, or --help / -h anywhere (`profiles list --help`): the usage of every subcommand.
    if (sub == QLatin1String("help") || asksForHelp(ctx.args)) {
        *ctx.out << kUsage;
        return ExitOk;
    }
    for (const Subcommand& s : kSubcommands)
        if (sub == QLatin1String(s.name))
            return s.run(ctx, ctx.args.mid(1));
    return usageError(ctx, QStringLiteral("unknown subcommand '%1'").arg(sub));
}

} // namespace socketscope::cli
