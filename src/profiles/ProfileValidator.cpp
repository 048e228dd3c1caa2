// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiles/ProfileValidator.h"

#include "probe/CertificatePin.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

namespace socketscope::ProfileValidator {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ProfileValidator", text); }

// RFC 9110 token characters (header names, subprotocol names).
bool isToken(const QString& s)
{
    if (s.isEmpty())
        return false;
    static const QString extra = QStringLiteral("!#$%&'*+-.^_`|~");
    for (const QChar c : s) {
        const char16_t u = c.unicode();
        const bool alnum = (u >= u'a' && u <= u'z') || (u >= u'A' && u <= u'Z') || (u >= u'0' && u <= u'9');
        if (!alnum && !extra.contains(c))
            return false;
    }
    return true;
}

// The port in "scheme://[user@]host[:port]/..." as written (QUrl rejects out-of-range ports
// without saying why). -1: none given; -2: not a number.
int explicitPort(const QString& url)
{
    const qsizetype start = url.indexOf(QLatin1String("://"));
    if (start < 0)
        return -1;
    QString authority = url.mid(start + 3);
    const qsizetype end = authority.indexOf(QRegularExpression(QStringLiteral("[/?#]")));
    if (end >= 0)
        authority.truncate(end);
    authority = authority.mid(authority.lastIndexOf(u'@') + 1);
    const qsizetype bracket = authority.lastIndexOf(u']');
    const qsizetype colon = authority.lastIndexOf(u':');
    if (colon < 0 || colon < bracket)
        return -1;
    const QString digits = authority.mid(colon + 1);
    if (digits.isEmpty())
        return -1;
    bool ok = false;
    const qlonglong port = digits.toLongLong(&ok);
    if (!ok || port < 0)
        return -2;
    return port > 99999 ? 99999 : int(port);
}

QString checkHostPort(const QString& what, const QString& hostPort)
{
    QString rest = hostPort;
    const qsizetype at = rest.lastIndexOf(u'@');
    if (at >= 0) {
        if (at == 0)
            return tr("%1 '%2' has an empty user before '@'").arg(what, hostPort);
        rest = rest.mid(at + 1);
    }
    QString host = rest;
    const qsizetype colon = rest.lastIndexOf(u':');
    if (colon >= 0 && !rest.endsWith(u']')) {
        host = rest.left(colon);
        bool ok = false;
        const int port = rest.mid(colon + 1).toInt(&ok);
        if (!ok || port < 1 || port > 65535)
            return tr("%1 '%2': the port must be a number from 1 to 65535").arg(what, hostPort);
    }
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    if (host.isEmpty() || host.contains(QRegularExpression(QStringLiteral("[\\s/@]"))))
        return tr("%1 '%2' needs a host name, e.g. admin@bastion.example.com:22").arg(what, hostPort);
    return {};
}

void checkFile(QList<ValidationIssue>& issues, const QString& field, const QString& what, const QString& path)
{
    if (path.isEmpty())
        return;
    const QFileInfo fi(expandHome(path));
    if (!fi.exists())
        issues.append({field, tr("%1 %2 does not exist; check the path or copy the file to this machine").arg(what, path)});
    else if (!fi.isFile() || !fi.isReadable())
        issues.append({field, tr("%1 %2 is not a readable file").arg(what, path)});
}

} // namespace

QString expandHome(const QString& path)
{
    if (path == QLatin1String("~"))
        return QDir::homePath();
    if (path.startsWith(QLatin1String("~/")))
        return QDir::homePath() + path.mid(1);
    return path;
}

QString checkWebSocketUrl(const QString& url)
{
    const QString trimmed = url.trimmed();
    if (trimmed != url)
        return tr("remove the spaces around the URL");
    const qsizetype sep = url.indexOf(QLatin1String("://"));
    if (sep <= 0)
        return tr("'%1' is not a URL; write it like wss://example.com/ws or ws://127.0.0.1:7687/").arg(url);
    const QString scheme = url.left(sep).toLower();
    if (scheme == QLatin1String("https"))
        return tr("use wss:// instead of https:// (a WebSocket URL); e.g. wss://%1").arg(url.mid(sep + 3));
    if (scheme == QLatin1String("http"))
        return tr("use ws:// instead of http:// (a WebSocket URL); e.g. ws://%1").arg(url.mid(sep + 3));
    if (scheme != QLatin1String("ws") && scheme != QLatin1String("wss"))
        return tr("the scheme '%1' is not a WebSocket scheme; use ws:// or wss://").arg(scheme);
    const int port = explicitPort(url);
    if (port == -2 || port == 0 || port > 65535)
        return tr("the port in '%1' is out of range; use a number from 1 to 65535").arg(url);
    // Qt's parser says "Invalid path (character ' ' not allowed)": say it as a person would.
    if (const qsizetype space = url.indexOf(QRegularExpression(QStringLiteral("\\s"))); space >= 0)
        return tr("the URL contains a space (after '%1'); remove it, or write it as %20 if the server's path really has one")
            .arg(url.left(space));
    const QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid())
        return tr("'%1' is not a valid URL: %2").arg(url, parsed.errorString());
    if (parsed.host().isEmpty())
        return tr("'%1' has no host name").arg(url);
    if (parsed.hasFragment())
        return tr("a WebSocket URL cannot have a #fragment; remove '#%1'").arg(parsed.fragment());
    return {};
}

QString checkOrigin(const QString& origin)
{
    if (origin.isEmpty() || origin == QLatin1String("null"))
        return {};
    const qsizetype sep = origin.indexOf(QLatin1String("://"));
    if (sep <= 0)
        return tr("an Origin looks like https://app.example.com (scheme and host, no path)");
    const QUrl parsed(origin, QUrl::StrictMode);
    const int port = explicitPort(origin);
    if (port == -2 || port == 0 || port > 65535)
        return tr("the port in the Origin '%1' is out of range (1 to 65535)").arg(origin);
    if (!parsed.isValid() || parsed.host().isEmpty())
        return tr("the Origin '%1' is not valid; write it like https://app.example.com").arg(origin);
    if (!parsed.path().isEmpty() || parsed.hasQuery() || parsed.hasFragment() || !parsed.userInfo().isEmpty())
        return tr("an Origin has only a scheme, a host and an optional port; remove the rest of '%1'").arg(origin);
    return {};
}

QString checkHeader(const QString& name, const QString& value)
{
    if (!isToken(name))
        return tr("the header name '%1' may contain only letters, digits and !#$%&'*+-.^_`|~").arg(name);
    static const QStringList reserved = {QStringLiteral("host"), QStringLiteral("upgrade"), QStringLiteral("connection"),
                                         QStringLiteral("sec-websocket-key"), QStringLiteral("sec-websocket-version"),
                                         QStringLiteral("sec-websocket-accept")};
    if (reserved.contains(name.toLower()))
        return tr("SocketScope sets the '%1' header itself; remove it from the extra headers").arg(name);
    if (name.compare(QLatin1String("origin"), Qt::CaseInsensitive) == 0)
        return tr("set the Origin in the Origin field, not as an extra header");
    if (name.compare(QLatin1String("sec-websocket-protocol"), Qt::CaseInsensitive) == 0)
        return tr("list subprotocols in the Subprotocols field, not as an extra header");
    for (const QChar c : value)
        if (c == u'\r' || c == u'\n' || c == QChar(0))
            return tr("the value of header '%1' contains a line break; headers are one line").arg(name);
    return {};
}

QString checkJumpHost(const QString& jump)
{
    if (jump.isEmpty())
        return {};
    // OpenSSH ProxyJump: a comma-separated chain of [user@]host[:port] (or ssh:// URLs).
    for (QString hop : jump.split(u',')) {
        if (hop.startsWith(QLatin1String("ssh://")))
            hop = hop.mid(6);
        if (const QString e = checkHostPort(tr("the jump host"), hop); !e.isEmpty())
            return e;
    }
    return {};
}

QList<ValidationIssue> validate(const Profile& p, const QList<Profile>& others, const ValidationOptions& options)
{
    QList<ValidationIssue> issues;
    const QString name = p.name.trimmed();
    if (name.isEmpty())
        issues.append({QStringLiteral("name"), tr("give the profile a name")});
    else if (name != p.name)
        issues.append({QStringLiteral("name"), tr("remove the spaces at the start or end of the name")});
    for (const Profile& o : others) {
        if (o.id != p.id && !name.isEmpty() && o.name.trimmed().compare(name, Qt::CaseInsensitive) == 0) {
            issues.append({QStringLiteral("name"), tr("a profile named '%1' already exists; choose another name").arg(o.name)});
            break;
        }
    }
    if (!p.publicUrl.isEmpty())
        if (const QString e = checkWebSocketUrl(p.publicUrl); !e.isEmpty())
            issues.append({QStringLiteral("publicUrl"), tr("public URL: %1").arg(e)});
    if (!p.directUrl.isEmpty())
        if (const QString e = checkWebSocketUrl(p.directUrl); !e.isEmpty())
            issues.append({QStringLiteral("directUrl"), tr("direct URL: %1").arg(e)});
    if (const QString e = checkOrigin(p.origin); !e.isEmpty())
        issues.append({QStringLiteral("origin"), e});
    for (const auto& [hname, hvalue] : p.extraHeaders)
        if (const QString e = checkHeader(hname, hvalue); !e.isEmpty())
            issues.append({QStringLiteral("headers"), e});
    for (const QString& sp : p.subprotocols)
        if (!isToken(sp))
            issues.append({QStringLiteral("subprotocols"),
                           tr("the subprotocol '%1' may contain only letters, digits and !#$%&'*+-.^_`|~").arg(sp)});

    if (p.ssh.port < 1 || p.ssh.port > 65535)
        issues.append({QStringLiteral("ssh.port"), tr("the SSH port %1 is out of range; use 1 to 65535 (usually 22)").arg(p.ssh.port)});
    if (p.ssh.isConfigured()) {
        if (p.ssh.host.contains(QRegularExpression(QStringLiteral("[\\s/@]"))))
            issues.append({QStringLiteral("ssh.host"), tr("the SSH host '%1' must be a host name or address; put the user in the User field").arg(p.ssh.host)});
        if (p.ssh.user.contains(QRegularExpression(QStringLiteral("[\\s@:]"))))
            issues.append({QStringLiteral("ssh.user"), tr("the SSH user '%1' cannot contain spaces, '@' or ':'").arg(p.ssh.user)});
        if (p.ssh.auth == SshAccess::AuthMethod::KeyFile && p.ssh.keyFile.isEmpty())
            issues.append({QStringLiteral("ssh.keyFile"), tr("choose the private key file, or switch authentication to the SSH agent")});
        if (const QString e = checkJumpHost(p.ssh.jumpHost); !e.isEmpty())
            issues.append({QStringLiteral("ssh.jumpHost"), e});
    }
    const CertificatePin pin = CertificatePin::parse(p.tls.pinnedCertificate);
    if (!pin.error().isEmpty())
        issues.append({QStringLiteral("tls.pinnedCertificate"), pin.error()});
    if (options.checkLocalFiles) {
        if (p.ssh.auth == SshAccess::AuthMethod::KeyFile || !p.ssh.keyFile.isEmpty())
            checkFile(issues, QStringLiteral("ssh.keyFile"), tr("the SSH key file"), p.ssh.keyFile);
        checkFile(issues, QStringLiteral("tls.caFile"), tr("the CA file"), p.tls.caFile);
        checkFile(issues, QStringLiteral("tls.clientCertificate"), tr("the client certificate"), p.tls.clientCertificate);
        checkFile(issues, QStringLiteral("tls.clientKey"), tr("the client key"), p.tls.clientKey);
        if (pin.kind() == CertificatePin::Kind::PemFile)
            checkFile(issues, QStringLiteral("tls.pinnedCertificate"), tr("the pinned certificate"), pin.file());
    }
    // Paths on the server are POSIX paths.
    const QList<std::pair<QString, QString>> remotePaths = {
        {QStringLiteral("nginx.siteFile"), p.nginx.siteFile}, {QStringLiteral("nginx.enabledLink"), p.nginx.enabledLink},
        {QStringLiteral("nginx.backupDir"), p.nginx.backupDir}, {QStringLiteral("logs.nginxErrorLog"), p.logs.nginxErrorLog},
        {QStringLiteral("logs.appLog"), p.logs.appLog}, {QStringLiteral("logs.nginxAccessLog"), p.logs.nginxAccessLog},
        {QStringLiteral("logs.haproxyLog"), p.logs.haproxyLog}};
    for (const auto& [field, path] : remotePaths)
        if (!path.isEmpty() && !path.startsWith(u'/'))
            issues.append({field, tr("'%1' must be an absolute path on the server (starting with /)").arg(path)});
    if (!p.nginx.siteFile.isEmpty() && p.nginx.testCommand.trimmed().isEmpty())
        issues.append({QStringLiteral("nginx.testCommand"), tr("give the command that tests the nginx configuration (usually: nginx -t)")});
    if (!p.nginx.siteFile.isEmpty() && p.nginx.reloadCommand.trimmed().isEmpty())
        issues.append({QStringLiteral("nginx.reloadCommand"), tr("give the command that reloads nginx (usually: systemctl reload nginx)")});
    return issues;
}

Status toStatus(const QList<ValidationIssue>& issues)
{
    if (issues.isEmpty())
        return Status::success();
    QStringList parts;
    for (const ValidationIssue& i : issues)
        parts << i.message;
    return Status::failure(parts.join(QStringLiteral("; ")));
}

} // namespace socketscope::ProfileValidator
