// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/SshTypes.h"

#include "ssh/KnownHosts.h"

#include <QDir>
#include <QRegularExpression>

namespace socketscope {

QString SshTarget::describe() const
{
    return QStringLiteral("%1@%2:%3").arg(user, host).arg(port);
}

QString SshTarget::knownHostsName() const { return KnownHosts::lookupName(host, port); }

SshTarget SshTarget::fromProfile(const SshAccess& access)
{
    SshTarget t;
    t.host = access.host;
    t.port = access.port;
    t.user = access.user;
    t.keyFile = access.keyFile;
    if (t.keyFile == QLatin1String("~") || t.keyFile.startsWith(QLatin1String("~/")))
        t.keyFile = QDir::homePath() + t.keyFile.mid(1);
    t.jumpHost = access.jumpHost;
    t.sudoNoPassword = access.sudoWithoutPassword;
    switch (access.auth) {
    case SshAccess::AuthMethod::Agent: t.auth = Auth::Agent; break;
    case SshAccess::AuthMethod::KeyFile: t.auth = Auth::KeyFile; break;
    case SshAccess::AuthMethod::Password: t.auth = Auth::Password; break;
    }
    return t;
}

std::optional<SshTarget> SshTarget::parseJump(const QString& spec, const QString& defaultUser)
{
    // user@host:port, user@[v6]:port, host
    static const QRegularExpression re(QStringLiteral(R"(^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s\[\]]+)(?::(\d{1,5}))?$)"));
    const QRegularExpressionMatch m = re.match(spec.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    SshTarget t;
    t.user = m.captured(1).isEmpty() ? defaultUser : m.captured(1);
    t.host = m.captured(2);
    if (t.host.startsWith(QLatin1Char('[')))
        t.host = t.host.mid(1, t.host.size() - 2);
    if (!m.captured(3).isEmpty()) {
        const int port = m.captured(3).toInt();
        if (port < 1 || port > 65535)
            return std::nullopt;
        t.port = port;
    }
    return t;
}

QString HostKeyInfo::statusName(Status s)
{
    switch (s) {
    case Status::Known: return QStringLiteral("known");
    case Status::Unknown: return QStringLiteral("unknown");
    case Status::Changed: return QStringLiteral("changed");
    case Status::Revoked: return QStringLiteral("revoked");
    }
    return {};
}

QString HostKeyInfo::changedKeyMessage() const
{
    if (status == Status::Revoked)
        return QStringLiteral("The host key of %1 (%2 %3) is marked @revoked in %4. Refusing to connect.")
            .arg(host, keyType, fingerprint, knownIn);
    const QString file = knownIn.left(knownIn.lastIndexOf(QLatin1Char(':')));
    return QStringLiteral(
               "WARNING: the host key of %1 has CHANGED. Someone could be intercepting the connection "
               "(man-in-the-middle attack), or the server was reinstalled. Refusing to connect.\n"
               "Recorded key: %2 %3 (%4)\n"
               "Presented key: %5 %6\n"
               "If you have confirmed with the server's administrator that the key really changed, "
               "remove the old entry with: ssh-keygen -R '%1' -f '%7' and connect again.")
        .arg(host, oldKeyType, oldFingerprint, knownIn, keyType, fingerprint, file);
}

QString shellQuote(const QString& s)
{
    QString out = s;
    out.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

} // namespace socketscope
