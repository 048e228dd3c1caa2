// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiles/Profile.h"

#include <tuple>

namespace socketscope {

static auto tied(const TlsOptions& t)
{
    return std::tie(t.caFile, t.pinnedCertificate, t.clientCertificate, t.clientKey, t.insecure);
}

static auto tied(const SshAccess& s)
{
    return std::tie(s.host, s.port, s.user, s.auth, s.keyFile, s.jumpHost, s.sudoWithoutPassword);
}

static auto tied(const NginxLayout& n)
{
    return std::tie(n.siteFile, n.enabledLink, n.testCommand, n.reloadCommand, n.backupDir);
}

static auto tied(const LogFiles& l) { return std::tie(l.nginxErrorLog, l.appLog, l.appLogFormat, l.nginxAccessLog, l.haproxyLog); }

bool Profile::operator==(const Profile& o) const
{
    return id == o.id && name == o.name && publicUrl == o.publicUrl && directUrl == o.directUrl
        && origin == o.origin && extraHeaders == o.extraHeaders && subprotocols == o.subprotocols
        && bolt == o.bolt && app == o.app && tied(tls) == tied(o.tls) && tied(ssh) == tied(o.ssh) && tied(nginx) == tied(o.nginx)
        && tied(logs) == tied(o.logs) && serviceName == o.serviceName && notes == o.notes
        && builtinDemo == o.builtinDemo;
}

} // namespace socketscope
