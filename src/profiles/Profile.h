// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logs/LogFormat.h"
#include "probe/ProbeTypes.h"

#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUuid>

#include <optional>

namespace socketscope {

// TLS options used when probing a profile's endpoints.
struct TlsOptions {
    QString caFile;            // extra CA certificate(s), PEM
    QString pinnedCertificate; // the --pin notation (probe/CertificatePin.h): sha256/B64 of the public key, cert-sha256/B64, or a PEM file
    QString clientCertificate; // PEM
    QString clientKey;         // PEM; its passphrase lives in the keychain
    bool insecure = false;     // skip verification (always reported as such)
};

// How SocketScope reaches the server over SSH.
struct SshAccess {
    enum class AuthMethod { Agent, KeyFile, Password };
    QString host;              // empty: no SSH access configured
    int port = 22;
    QString user;
    AuthMethod auth = AuthMethod::Agent;
    QString keyFile;           // for KeyFile; passphrase lives in the keychain
    QString jumpHost;          // optional, "user@host:port" (OpenSSH ProxyJump syntax)
    bool sudoWithoutPassword = false; // the SSH user may change nginx files directly / NOPASSWD sudo
    bool isConfigured() const { return !host.isEmpty(); }
};

// Where nginx keeps the site and how it is tested and reloaded.
struct NginxLayout {
    QString siteFile;          // e.g. /etc/nginx/sites-available/neo4j
    QString enabledLink;       // e.g. /etc/nginx/sites-enabled/neo4j
    QString testCommand = QStringLiteral("nginx -t");
    QString reloadCommand = QStringLiteral("systemctl reload nginx");
    QString backupDir;         // optional; default: next to siteFile (never an included dir)
};

// The profile's logs (format 3 added the access and HAProxy logs and the app log's format; the
// table of which format each is read with: ProfileLogs.h).
struct LogFiles {
    QString nginxErrorLog;     // e.g. /var/log/nginx/error.log
    QString appLog;            // e.g. /data/neo4j/logs/neo4j.log
    std::optional<logs::LogFormat> appLogFormat; // what wrote the app log; nullopt: detected from its first lines
    QString nginxAccessLog;    // e.g. /var/log/nginx/access.log
    QString haproxyLog;        // e.g. /var/log/haproxy.log
};

// A server profile: everything SocketScope knows about one WebSocket service.
// Secrets (passwords, passphrases, the sudo password) are never fields here: they live in
// the OS keychain, keyed by the profile id (see SecretStore).
struct Profile {
    QUuid id = QUuid::createUuid();
    QString name;
    QString publicUrl;         // through the proxy, e.g. wss://host/ws
    QString directUrl;         // optional direct upstream, e.g. ws://127.0.0.1:7687/
    QString origin;            // the Origin a browser would send
    QList<QPair<QString, QString>> extraHeaders;
    QStringList subprotocols;
    bool bolt = false;         // Neo4j Bolt-over-WebSocket endpoint (format 1; same as app = Bolt)
    AppProtocolId app = AppProtocolId::Auto; // the application protocol every probe of this profile speaks
    TlsOptions tls;
    SshAccess ssh;
    NginxLayout nginx;
    LogFiles logs;
    QString serviceName;       // e.g. neo4j
    QString notes;
    bool builtinDemo = false;  // the "Local demo" profile served by the app itself

    bool operator==(const Profile& o) const;
    bool operator!=(const Profile& o) const { return !(*this == o); }
};

} // namespace socketscope
