// SPDX-License-Identifier: GPL-3.0-or-later
#include "ProxyLab.h"

#include <gtest/gtest.h>

namespace socketscope::proxylab {

bool Backend::start(const QString& mode)
{
    m_port = lab::freePort();
    if (mode == QLatin1String("serve")) {
        if (!m_daemon.start(lab::cliPath(), {QStringLiteral("serve"), QStringLiteral("--listen"),
                                             QStringLiteral("127.0.0.1:%1").arg(m_port)}))
            return false;
    } else {
        const QString script = QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/proxylab/ws_peer.py");
        if (!m_daemon.start(QStringLiteral("/usr/bin/python3"), {script, mode, QString::number(m_port)}))
            return false;
    }
    return lab::waitForPort(m_port, 10000);
}

QString upgradeDirectives()
{
    return QStringLiteral("proxy_http_version 1.1;\n"
                          "        proxy_set_header Upgrade $http_upgrade;\n"
                          "        proxy_set_header Connection \"upgrade\";\n");
}

QString proxySite(quint16 listenPort, quint16 backendPort, const QString& locationBody, const QString& serverExtra)
{
    return QStringLiteral("server {\n"
                          "    listen 127.0.0.1:%1%4;\n"
                          "    location / {\n"
                          "        proxy_pass http://127.0.0.1:%2;\n"
                          "        %3\n"
                          "    }\n"
                          "}\n")
        .arg(listenPort)
        .arg(backendPort)
        .arg(locationBody, serverExtra);
}

bool startNginx(lab::NginxLab& nginx, const QList<QPair<QString, QString>>& sites, QByteArray* log)
{
    nginx.writeMainConfig();
    for (const auto& s : sites)
        nginx.writeSite(s.first, s.second);
    return nginx.start(log);
}

bool makeSelfSignedCert(const QString& dir, const QString& san, QByteArray* log)
{
    return lab::runProgram(QStringLiteral("/usr/bin/openssl"),
                           {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                            QStringLiteral("-nodes"), QStringLiteral("-keyout"), dir + QStringLiteral("/key.pem"),
                            QStringLiteral("-out"), dir + QStringLiteral("/cert.pem"), QStringLiteral("-days"),
                            QStringLiteral("30"), QStringLiteral("-subj"), QStringLiteral("/CN=SocketScope lab"),
                            QStringLiteral("-addext"), QStringLiteral("subjectAltName=") + san},
                           log)
        == 0;
}

ProbeOptions quickOptions(const QString& url)
{
    ProbeOptions o;
    o.url = url;
    o.timeoutS = 2;
    o.connectTimeoutS = 2;
    return o;
}

QString describe(const ProbeResult& r)
{
    return r.cause + QStringLiteral("\n  ") + r.evidence.join(QStringLiteral("\n  "));
}

} // namespace socketscope::proxylab
