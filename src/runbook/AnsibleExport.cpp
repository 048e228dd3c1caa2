// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/AnsibleExport.h"

#include "profiles/Profile.h"
#include "runbook/Runbook.h"

#include <QFile>
#include <QUrl>

namespace socketscope::AnsibleExport {

// YAML double-quoted scalar.
static QString yq(const QString& s)
{
    QString out = s;
    out.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    out.replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}

// A variable's value from a profile: a YAML double-quoted scalar tagged !unsafe, so that Ansible
// never templates it ("{{ lookup('pipe', …) }}" in a site-file path would run on the controller).
static QString unsafeValue(const QString& s)
{
    return QStringLiteral("!unsafe ") + yq(s);
}

Result<QString> playbook(const Runbook& runbook, const Profile* profile)
{
    const QString name = runbook.ansible.value(QLatin1String("playbook")).toString();
    if (name.isEmpty() || name.contains(QLatin1Char('/')))
        return Result<QString>::failure(
            QObject::tr("runbook \"%1\" has no \"ansible\" playbook: it cannot be exported as a playbook")
                .arg(runbook.name));
    QFile f(QStringLiteral(":/ansible/") + name);
    if (!f.open(QIODevice::ReadOnly))
        return Result<QString>::failure(QObject::tr("runbook \"%1\": no built-in playbook %2").arg(runbook.name, name));
    QString y = QString::fromUtf8(f.readAll());

    auto pick
        = [&](const QString& value, const QString& fallback) { return profile && !value.isEmpty() ? value : fallback; };
    const QString publicUrl = pick(profile ? profile->publicUrl : QString(), QStringLiteral("wss://CHANGE-ME/ws"));
    const QUrl url(publicUrl);
    const QString endpoint = url.path().isEmpty() ? QStringLiteral("/") : url.path();
    const QString app
        = profile ? appProtocolName(profile->bolt ? AppProtocolId::Bolt : profile->app) : QStringLiteral("auto");
    const QList<QPair<QString, QString>> defaults = {
        { QStringLiteral("site_file"),
            pick(profile ? profile->nginx.siteFile : QString(),
                QStringLiteral("/etc/nginx/sites-available/CHANGE-ME")) },
        { QStringLiteral("backup_dir"),
            pick(profile ? profile->nginx.backupDir : QString(), QStringLiteral("/var/backups/socketscope")) },
        { QStringLiteral("nginx_test_command"),
            pick(profile ? profile->nginx.testCommand : QString(), QStringLiteral("nginx -t")) },
        { QStringLiteral("nginx_reload_command"),
            pick(profile ? profile->nginx.reloadCommand : QString(), QStringLiteral("systemctl reload nginx")) },
        { QStringLiteral("nginx_error_log"),
            pick(profile ? profile->logs.nginxErrorLog : QString(), QStringLiteral("/var/log/nginx/error.log")) },
        { QStringLiteral("websocket_check_url"), publicUrl },
        { QStringLiteral("websocket_endpoint"), endpoint },
        { QStringLiteral("socketscope_app"), app },
        { QStringLiteral("socketscope_cli"), QStringLiteral("socketscope-cli") },
        // The probe speaks like the profile's clients (headers come from the inventory only).
        { QStringLiteral("socketscope_origin"), profile ? profile->origin : QString() },
        { QStringLiteral("socketscope_ca"), profile ? profile->tls.caFile : QString() },
        { QStringLiteral("socketscope_pin"), profile ? profile->tls.pinnedCertificate : QString() },
    };
    QString block;
    for (const auto& [key, value] : defaults)
        block += QStringLiteral("      %1: %2\n").arg(key, unsafeValue(value));
    block += QStringLiteral("      socketscope_hold: 0\n");
    block += QStringLiteral("      socketscope_insecure: %1\n").arg(profile && profile->tls.insecure ? QStringLiteral("true") : QStringLiteral("false"));
    QString subprotocols;
    for (const QString& sp : profile ? profile->subprotocols : QStringList())
        subprotocols += (subprotocols.isEmpty() ? QString() : QStringLiteral(", ")) + unsafeValue(sp);
    block += QStringLiteral("      socketscope_subprotocols: [%1]\n").arg(subprotocols);
    y.replace(QStringLiteral("#@DEFAULTS@\n"), block);
    QString title = runbook.title;
    title.replace(QLatin1Char('\n'), QLatin1Char(' '));
    y.replace(QStringLiteral("@TITLE_YAML@"), unsafeValue(title));
    y.replace(QStringLiteral("@TITLE@"), title);
    return y;
}

} // namespace socketscope::AnsibleExport
