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

bool RunbookLab::start(QString* error, const RunbookLabLayout& layout)
{
    if (const QString why = NginxLab::skipReason(); !why.isEmpty()) {
        *error = why;
        return false;
    }
    if (const Status st = m_backend.listen(QHostAddress::LocalHost, 0); !st) {
        *error = st.error();
        return false;
    }
    m_proxyPort = freePort();
    const QString p = m_nginx.prefix();
    m_errorLog = p + QStringLiteral("/logs/") + layout.errorLogName;
    const bool throughSymlink = layout.includeDir != QLatin1String("sites-enabled");
    m_nginx.writeSite(QStringLiteral("app"), brokenSite(), !throughSymlink);
    if (throughSymlink)
        QFile::link(p + QStringLiteral("/sites-available"), p + QLatin1Char('/') + layout.includeDir);
    // The lab's own main config (NginxLab's, with the paths and include the layout asks for).
    const QString at = layout.relativePaths ? QString() : p + QLatin1Char('/');
    QString conf = QStringLiteral("# SocketScope runbook lab nginx\nworker_processes 1;\n");
    conf += QStringLiteral("pid ") + at + QStringLiteral("logs/nginx.pid;\n");
    conf += QStringLiteral("error_log ") + at + QStringLiteral("logs/") + layout.errorLogName + QStringLiteral(" info;\n");
    conf += QStringLiteral("events { worker_connections 1024; }\nhttp {\n");
    conf += QStringLiteral("    access_log ") + p + QStringLiteral("/logs/access.log;\n");
    for (const char* t : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"})
        conf += QStringLiteral("    %1_temp_path ").arg(QLatin1String(t)) + p + QStringLiteral("/temp/") + QLatin1String(t) + QStringLiteral(";\n");
    conf += QStringLiteral("    include ") + p + QLatin1Char('/') + layout.includeDir + QStringLiteral("/*;\n}\n");
    writeFile(m_nginx.confPath(), conf.toUtf8());
    QByteArray log;
    if (!m_nginx.start(&log) || !waitForPort(m_proxyPort)) {
        *error = QStringLiteral("nginx did not start: ") + QString::fromUtf8(log);
        return false;
    }
    // waitForPort's probe connection is logged (at info) once nginx notices it closed: let that
    // happen now so that tests comparing the prefix before/after see only their own changes.
    QDeadlineTimer settle(3000);
    while (!readAll(m_errorLog).contains("closed connection while waiting for request") && !settle.hasExpired())
        QThread::msleep(20);
    m_profile.name = QStringLiteral("lab proxy");
    m_profile.publicUrl = QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(m_proxyPort);
    m_profile.directUrl = m_backend.echoUrl();
    m_profile.nginx.siteFile = siteAvailable();
    m_profile.nginx.enabledLink = throughSymlink ? QString() : siteEnabled();
    m_profile.nginx.testCommand = QStringLiteral("/usr/sbin/nginx -t -p ") + p + QStringLiteral("/ -c conf/nginx.conf");
    m_profile.nginx.reloadCommand = QStringLiteral("/usr/sbin/nginx -s reload -p ") + p + QStringLiteral("/ -c conf/nginx.conf");
    m_profile.logs.nginxErrorLog = m_errorLog;
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
    const SecretBytes password = options.sudoPassword;
    e->setHostFactory([password]() -> Result<std::unique_ptr<RemoteHost>> { return std::unique_ptr<RemoteHost>(new LocalHost(password)); });
    if (fixer)
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

namespace socketscope::lab {

Result<CommandResult> HookedHost::run(const QString& command, const CommandOptions& options)
{
    if (m_hook)
        if (std::optional<CommandResult> instead = m_hook(command))
            return *instead;
    return m_real.run(command, options);
}

} // namespace socketscope::lab
