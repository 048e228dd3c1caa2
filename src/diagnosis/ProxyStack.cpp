// SPDX-License-Identifier: GPL-3.0-or-later
#include "diagnosis/ProxyStack.h"

#include "profiles/Profile.h"

#include <QRegularExpression>
#include <QUrl>

namespace socketscope {

namespace {

struct HostSuffix {
    const char* suffix;
    Platform platform;
};
// Host names that only a cloud load balancer or platform answers for.
constexpr HostSuffix kCloudHosts[] = {
    {".elb.amazonaws.com", Platform::Aws},   {".amazonaws.com", Platform::Aws},
    {".cloudfront.net", Platform::Aws},       {".cloudapp.azure.com", Platform::Azure},
    {".azurewebsites.net", Platform::Azure},  {".azurefd.net", Platform::Azure},
    {".cloudapp.net", Platform::Azure},       {".run.app", Platform::Gcp},
    {".appspot.com", Platform::Gcp},
};

struct HeaderClue {
    const char* header;   // lower case
    const char* contains; // lower case
    Platform platform;
};
// Response headers the products put on every answer (or on their own error pages).
constexpr HeaderClue kHeaderClues[] = {
    {"server", "nginx", Platform::Nginx},
    {"server", "awselb", Platform::Aws},
    {"server", "microsoft-azure-application-gateway", Platform::Azure},
    {"server", "google frontend", Platform::Gcp},
    {"via", "google", Platform::Gcp},
    {"x-amz-cf-id", "", Platform::Aws},
    {"x-azure-ref", "", Platform::Azure},
};

// The idle-timeout directives an nginx dump may set for upgraded connections.
constexpr const char* kNginxIdleDirectives[] = {"proxy_read_timeout", "proxy_send_timeout"};

void addPlatform(ProxyStack& s, Platform p, const QString& why)
{
    s.platforms |= p;
    if (!s.reasons.contains(why))
        s.reasons << why;
}

bool mentionsHaproxy(const QString& text) { return text.contains(QLatin1String("haproxy"), Qt::CaseInsensitive); }

} // namespace

QString platformName(Platform p)
{
    switch (p) {
    case Platform::Nginx: return QStringLiteral("nginx");
    case Platform::Haproxy: return QStringLiteral("HAProxy");
    case Platform::Aws: return QStringLiteral("AWS");
    case Platform::Azure: return QStringLiteral("Azure");
    case Platform::Gcp: return QStringLiteral("GCP");
    }
    return {};
}

ProxyStack detectStack(const Profile& profile, const QList<ProbeResult>& results, const QByteArray& nginxDump)
{
    ProxyStack s;
    // The profile's own fields: the nginx site file and error log, or an HAProxy configuration
    // named where the nginx layout would be.
    const NginxLayout& n = profile.nginx;
    if (mentionsHaproxy(n.siteFile) || mentionsHaproxy(n.testCommand) || mentionsHaproxy(n.reloadCommand))
        addPlatform(s, Platform::Haproxy, QStringLiteral("the profile names an HAProxy configuration or command"));
    else if (!n.siteFile.trimmed().isEmpty())
        addPlatform(s, Platform::Nginx, QStringLiteral("the profile names an nginx site file (%1)").arg(n.siteFile));
    if (!profile.logs.nginxErrorLog.trimmed().isEmpty())
        addPlatform(s, Platform::Nginx, QStringLiteral("the profile names an nginx error log"));
    for (const QString& url : {profile.publicUrl, profile.directUrl}) {
        const QString host = QUrl(url).host().toLower();
        for (const HostSuffix& h : kCloudHosts)
            if (host.endsWith(QLatin1String(h.suffix)))
                addPlatform(s, h.platform, QStringLiteral("the host %1 is a %2 name").arg(host, platformName(h.platform)));
    }
    // What the probes saw.
    for (const ProbeResult& r : results) {
        for (const auto& [name, value] : r.responseHeaders) {
            const QString lname = name.toLower();
            const QString lvalue = value.toLower();
            for (const HeaderClue& c : kHeaderClues)
                if (lname == QLatin1String(c.header) && lvalue.contains(QLatin1String(c.contains)))
                    addPlatform(s, c.platform, QStringLiteral("the answer carried %1: %2").arg(name, value));
        }
        if (r.bodyExcerpt.contains("No server is available to handle this request"))
            addPlatform(s, Platform::Haproxy, QStringLiteral("the error page is HAProxy's"));
        if (r.bodyExcerpt.contains("<center>nginx"))
            addPlatform(s, Platform::Nginx, QStringLiteral("the error page is nginx's"));
    }
    // An nginx -T dump: nginx for sure, and the idle timeouts it sets.
    if (nginxDump.contains("# configuration file ")) {
        addPlatform(s, Platform::Nginx, QStringLiteral("nginx -T of the server"));
        for (const char* directive : kNginxIdleDirectives) {
            const QRegularExpression re(QStringLiteral("(?:^|[;{\\s])%1\\s+([^;\\s]+)\\s*;").arg(QLatin1String(directive)),
                                        QRegularExpression::MultilineOption);
            for (auto it = re.globalMatch(QString::fromUtf8(nginxDump)); it.hasNext();) {
                const QPair<QString, QString> d{QLatin1String(directive), it.next().captured(1)};
                if (!s.idleDirectives.contains(d))
                    s.idleDirectives << d;
            }
        }
    }
    return s;
}

QStringList adviceForStack(const ProbeResult& result, const ProxyStack& stack)
{
    QStringList out;
    for (const AdviceLine& line : adviceLines(result.cause, result)) {
        if (stack.known() && line.platforms.toInt() != 0 && !(line.platforms & stack.platforms))
            continue;
        QString text = line.text;
        // The directive's value as the server's configuration has it, next to the measured cutoff.
        if (line.platforms.testFlag(Platform::Nginx) && result.cause == QLatin1String("idle_timeout") && !stack.idleDirectives.isEmpty()) {
            QStringList now;
            for (const auto& [name, value] : stack.idleDirectives)
                now << QStringLiteral("`%1 %2;`").arg(name, value);
            text += QStringLiteral(" The configuration (nginx -T) has %1.").arg(now.join(QStringLiteral(", ")));
        }
        out << text;
    }
    return out;
}

} // namespace socketscope
