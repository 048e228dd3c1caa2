// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiles/ProfileFields.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace socketscope {

namespace {

// A key that cannot be an ordinary word of a sentence.
bool isKeyLike(const QString& key)
{
    return key.contains(QLatin1Char('.')) || key != key.toLower();
}

QRegularExpression keyPattern(const QString& key)
{
    return QRegularExpression(QStringLiteral("(?<![A-Za-z0-9_.])%1(?![A-Za-z0-9_])").arg(QRegularExpression::escape(key)));
}

} // namespace

const QList<ProfileFieldInfo>& profileFields()
{
    static const QList<ProfileFieldInfo> fields = [] {
        const auto tr = [](const char* s) { return QCoreApplication::translate("ProfileEditorDialog", s); };
        const QString endpoint = tr("Endpoint");
        const QString tls = tr("TLS");
        const QString ssh = tr("SSH");
        const QString nginx = tr("nginx & logs");
        return QList<ProfileFieldInfo>{
            {QStringLiteral("name"), endpoint, tr("Name")},
            {QStringLiteral("publicUrl"), endpoint, tr("Public URL")},
            {QStringLiteral("directUrl"), endpoint, tr("Direct URL")},
            {QStringLiteral("origin"), endpoint, tr("Origin")},
            {QStringLiteral("headers"), endpoint, tr("Extra headers")},
            {QStringLiteral("subprotocols"), endpoint, tr("Subprotocols")},
            {QStringLiteral("tls.caFile"), tls, tr("Extra CA file")},
            {QStringLiteral("tls.pinnedCertificate"), tls, tr("Pinned certificate")},
            {QStringLiteral("tls.clientCertificate"), tls, tr("Client certificate")},
            {QStringLiteral("tls.clientKey"), tls, tr("Client key")},
            {QStringLiteral("ssh.host"), ssh, tr("Host")},
            {QStringLiteral("ssh.port"), ssh, tr("Port")},
            {QStringLiteral("ssh.user"), ssh, tr("User")},
            {QStringLiteral("ssh.keyFile"), ssh, tr("Key file")},
            {QStringLiteral("ssh.jumpHost"), ssh, tr("Jump host")},
            {QStringLiteral("nginx.siteFile"), nginx, tr("Site file")},
            {QStringLiteral("nginx.enabledLink"), nginx, tr("Enabled link")},
            {QStringLiteral("nginx.testCommand"), nginx, tr("Test command")},
            {QStringLiteral("nginx.reloadCommand"), nginx, tr("Reload command")},
            {QStringLiteral("nginx.backupDir"), nginx, tr("Backup folder")},
            {QStringLiteral("logs.nginxErrorLog"), nginx, tr("nginx error log")},
            {QStringLiteral("logs.appLog"), nginx, tr("Application log")},
            {QStringLiteral("logs.appLogFormat"), nginx, tr("App log format")},
            {QStringLiteral("logs.nginxAccessLog"), nginx, tr("nginx access log")},
            {QStringLiteral("logs.haproxyLog"), nginx, tr("HAProxy log")},
            {QStringLiteral("serviceName"), nginx, tr("Service name")},
        };
    }();
    return fields;
}

std::optional<ProfileFieldInfo> profileField(const QString& key)
{
    for (const ProfileFieldInfo& f : profileFields())
        if (f.key == key)
            return f;
    return std::nullopt;
}

QStringList profileFieldsIn(const QString& message)
{
    QList<QPair<qsizetype, QString>> found;
    for (const ProfileFieldInfo& f : profileFields()) {
        if (!isKeyLike(f.key))
            continue;
        const QRegularExpressionMatch m = keyPattern(f.key).match(message);
        if (m.hasMatch())
            found.append({m.capturedStart(), f.key});
    }
    std::sort(found.begin(), found.end());
    QStringList keys;
    for (const auto& [at, key] : found)
        keys << key;
    return keys;
}

QString withEditorLabels(const QString& message)
{
    QString out = message;
    for (const QString& key : profileFieldsIn(message)) {
        const ProfileFieldInfo f = *profileField(key);
        out.replace(keyPattern(key), QCoreApplication::translate("ProfileEditorDialog", "“%1” on the %2 tab").arg(f.label, f.tab));
    }
    return out;
}

} // namespace socketscope
