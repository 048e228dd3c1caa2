// SPDX-License-Identifier: GPL-3.0-or-later
#include "lab/RunbookLab.h"

#include "remote/LocalHost.h"
#include "runbook/NginxFacts.h"
#include "runbook/Runbook.h"

#include <QDeadlineTimer>
#include <QDirIterator>
#include <QThread>
#include <QHostAddress>

namespace socketscope::lab {

RunbookLab::RunbookLab() = default;

QString RunbookLab::siteAvailable() const { return m_nginx.prefix() + QStringLiteral("/sites-available/app"); }
QString RunbookLab::siteEnabled() const { return m_nginx.prefix() + QStringLiteral("/sites-enabled/app"); }

quint16 RunbookLab::backendPort() const { return m_backendPort ? m_backendPort : m_backend.port(); }

QString RunbookLab::brokenSite() const
{
    return QStringLiteral("server {\n"
                          "    listen 127.0.0.1:%1;\n"
                          "    location /ws/ {\n"
                          "        proxy_pass http://127.0.0.1:%2;\n"
                          "        proxy_read_timeout 3s;\n"
                          "    }\n"
                          "}\n").arg(m_proxyPort).arg(backendPort());
}

QString RunbookLab::fixedSite() const
{
    return QStringLiteral("server {\n"
                          "    listen 127.0.0.1:%1;\n"
                          "    location /ws/ {\n"
                          "        proxy_pass http://127.0.0.1:%2;\n"
                          "        proxy_http_version 1.1;\n"
                          "        proxy_set_header Upgrade $http_upgrade;\n"
                          "        proxy_set_header Connection \"upgrade\";\n"
                          "        proxy_read_timeout 3600s;\n"
                          "        proxy_send_timeout 3600s;\n"
                          "        proxy_buffering off;\n"
                          "    }\n"
                          "}\n").arg(m_proxyPort).arg(backendPort());
}

bool RunbookLab::start(QString* error)
{
    if (!m_nginx.available()) {
        *error = QStringLiteral("nginx is not installed");
        return false;
    }
    if (const Status st = m_backend.listen(QHostAddress::LocalHost, 0); !st) {
        *error = st.error();
        return false;
    }
    m_proxyPort = freePort();
    m_nginx.writeMainConfig();
    m_nginx.writeSite(QStringLiteral("app"), brokenSite());
    QByteArray log;
    if (!m_nginx.start(&log) || !waitForPort(m_proxyPort)) {
        *error = QStringLiteral("nginx did not start: ") + QString::fromUtf8(log);
        return false;
    }
    // waitForPort's probe connection is logged (at info) once nginx notices it closed: let that
    // happen now so that tests comparing the prefix before/after see only their own changes.
    QDeadlineTimer settle(3000);
    while (!readAll(m_nginx.errorLog()).contains("closed connection while waiting for request") && !settle.hasExpired())
        QThread::msleep(20);
    const QString p = m_nginx.prefix();
    m_profile.name = QStringLiteral("lab proxy");
    m_profile.publicUrl = QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(m_proxyPort);
    m_profile.directUrl = m_backend.echoUrl();
    m_profile.nginx.siteFile = siteAvailable();
    m_profile.nginx.enabledLink = siteEnabled();
    m_profile.nginx.testCommand = QStringLiteral("/usr/sbin/nginx -t -p %1/ -c conf/nginx.conf").arg(p);
    m_profile.nginx.reloadCommand = QStringLiteral("/usr/sbin/nginx -s reload -p %1/ -c conf/nginx.conf").arg(p);
    m_profile.logs.nginxErrorLog = m_nginx.errorLog();
    m_profile.ssh.sudoWithoutPassword = true; // the test runs as the user owning the lab
    return true;
}

QMap<QString, QString> RunbookLab::prefixChecksums() const
{
    QMap<QString, QString> out;
    QDirIterator it(m_nginx.prefix(), QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        out.insert(QDir(m_nginx.prefix()).relativeFilePath(path), NginxFacts::sha256Hex(readAll(path)));
    }
    QDirIterator links(m_nginx.prefix() + QStringLiteral("/sites-enabled"), QDir::System | QDir::Files);
    while (links.hasNext()) {
        const QString path = links.next();
        out.insert(QStringLiteral("link:") + QFileInfo(path).fileName(), QFileInfo(path).symLinkTarget());
    }
    return out;
}

std::unique_ptr<RunbookEngine> RunbookLab::engine(std::unique_ptr<ConfigFixer> fixer, EngineOptions options)
{
    Result<Runbook> rb = Runbooks::find(QStringLiteral("nginx-websocket-fix"));
    if (!rb)
        return nullptr;
    auto e = std::make_unique<RunbookEngine>(rb.value(), m_profile);
    const QByteArray password = options.sudoPassword;
    e->setHostFactory([password]() -> Result<std::unique_ptr<RemoteHost>> { return std::unique_ptr<RemoteHost>(new LocalHost(password)); });
    e->setConfigFixer(std::move(fixer));
    if (options.runsDir.isEmpty())
        options.runsDir = m_runs.path();
    e->setOptions(options);
    return e;
}

Result<FixPlan> FixedTargetFixer::plan(const QByteArray& text, const QString& path)
{
    FixPlan p;
    p.newText = m_target;
    if (text != m_target) {
        p.findings << QStringLiteral("test-target: %1 differs from the target given by the test").arg(path);
        p.diff = QStringLiteral("--- %1\n+++ %1 (target)\n").arg(path);
        for (const QByteArray& l : text.split('\n'))
            p.diff += QStringLiteral("-") + QString::fromUtf8(l) + QLatin1Char('\n');
        for (const QByteArray& l : m_target.split('\n'))
            p.diff += QStringLiteral("+") + QString::fromUtf8(l) + QLatin1Char('\n');
    }
    return p;
}

} // namespace socketscope::lab
