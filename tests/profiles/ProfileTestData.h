// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "profiles/Profile.h"

#include <QString>

namespace socketscope::testdata {

// A profile with every field set to something other than its default. `keyFile` must exist for
// the profile to validate (tests pass a temporary file).
inline Profile fullProfile(const QString& keyFile)
{
    Profile p;
    p.name = QStringLiteral("neo4j-prod");
    p.publicUrl = QStringLiteral("wss://flowdash.example.com/ws");
    p.directUrl = QStringLiteral("ws://127.0.0.1:7687/");
    p.origin = QStringLiteral("https://flowdash.example.com");
    p.extraHeaders = {{QStringLiteral("X-Tenant"), QStringLiteral("asos")}, {QStringLiteral("Authorization"), QStringLiteral("Bearer public-demo")}};
    p.subprotocols = {QStringLiteral("bolt"), QStringLiteral("v5.bolt")};
    p.bolt = true;
    p.tls.caFile = keyFile;
    p.tls.pinnedCertificate = QStringLiteral("sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    p.tls.clientCertificate = keyFile;
    p.tls.clientKey = keyFile;
    p.tls.insecure = true;
    p.ssh.host = QStringLiteral("neo4jprod.uksouth.cloudapp.azure.com");
    p.ssh.port = 2222;
    p.ssh.user = QStringLiteral("azureuser");
    p.ssh.auth = SshAccess::AuthMethod::KeyFile;
    p.ssh.keyFile = keyFile;
    p.ssh.jumpHost = QStringLiteral("ops@bastion.example.com:2200");
    p.ssh.sudoWithoutPassword = true;
    p.nginx.siteFile = QStringLiteral("/etc/nginx/sites-available/neo4j");
    p.nginx.enabledLink = QStringLiteral("/etc/nginx/sites-enabled/neo4j");
    p.nginx.testCommand = QStringLiteral("sudo nginx -t");
    p.nginx.reloadCommand = QStringLiteral("sudo nginx -s reload");
    p.nginx.backupDir = QStringLiteral("/var/backups/nginx");
    p.logs.nginxErrorLog = QStringLiteral("/var/log/nginx/neo4j-error.log");
    p.logs.appLog = QStringLiteral("/data/neo4j/logs/neo4j.log");
    p.logs.appLogFormat = logs::LogFormat::Neo4j;
    p.logs.nginxAccessLog = QStringLiteral("/var/log/nginx/neo4j-access.log");
    p.logs.haproxyLog = QStringLiteral("/var/log/haproxy.log");
    p.serviceName = QStringLiteral("neo4j");
    p.notes = QStringLiteral("Ünïcödé notes — \"quoted\"\nsecond line");
    p.builtinDemo = true;
    return p;
}

} // namespace socketscope::testdata
