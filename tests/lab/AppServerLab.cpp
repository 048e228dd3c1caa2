// SPDX-License-Identifier: GPL-3.0-or-later
#include "lab/AppServerLab.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QThread>

namespace socketscope::lab {

namespace {

QString scriptsDir() { return QStringLiteral(SOCKETSCOPE_APPSERVERS_DIR); }
QString nodeModules() { return QStringLiteral(SOCKETSCOPE_APPSERVERS_NODE_MODULES); }
QString node() { return QStandardPaths::findExecutable(QStringLiteral("node")); }

QProcessEnvironment nodeEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("NODE_PATH"), nodeModules()); // the pinned packages, installed in the build tree
    return env;
}

} // namespace

QString AppServerLab::unavailableReason()
{
    if (node().isEmpty())
        return QStringLiteral("node is not installed (Debian package nodejs; scripts/bootstrap.sh installs it)");
    if (!QFileInfo::exists(nodeModules() + QStringLiteral("/socket.io/package.json")))
        return QStringLiteral("the npm packages of tests/appservers are not installed in %1 (the build runs `npm ci`; "
                              "it needs npm and the npm registry or its cache)").arg(nodeModules());
    return {};
}

bool AppServerLab::start(const QStringList& args, QString* error)
{
    if (!m_process.start(node(), QStringList{scriptsDir() + QStringLiteral("/appserver.js")} + args, scriptsDir(),
                         nodeEnvironment())) {
        *error = QStringLiteral("node did not start");
        return false;
    }
    QByteArray out;
    static const QRegularExpression portLine(QStringLiteral("PORT (\\d+)"));
    QDeadlineTimer deadline(15000);
    while (!deadline.hasExpired()) {
        out += m_process.output();
        const QRegularExpressionMatch m = portLine.match(QString::fromUtf8(out));
        if (m.hasMatch()) {
            m_port = quint16(m.captured(1).toUInt());
            return true;
        }
        if (!m_process.isRunning())
            break;
        QThread::msleep(20);
    }
    *error = QStringLiteral("the %1 server did not report its port: %2").arg(args.value(0), QString::fromUtf8(out));
    return false;
}

QString AppServerLab::url(const QString& pathAndQuery) const
{
    return QStringLiteral("ws://127.0.0.1:%1%2").arg(m_port).arg(pathAndQuery);
}

bool AppServerLab::proveWithOwnClient(const QStringList& args, QByteArray* output)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.setProcessEnvironment(nodeEnvironment());
    p.setWorkingDirectory(scriptsDir());
    p.start(node(), QStringList{scriptsDir() + QStringLiteral("/appclient.js")} + args);
    const bool finished = p.waitForFinished(20000);
    if (!finished)
        p.kill();
    *output = p.readAll();
    return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0 && output->startsWith("OK");
}

quint16 startNginxInFront(NginxLab& nginx, const QList<quint16>& backends, const QString& balance, QByteArray* log)
{
    const quint16 port = freePort();
    QString servers;
    for (quint16 b : backends)
        servers += QStringLiteral("    server 127.0.0.1:%1;\n").arg(b);
    nginx.writeMainConfig();
    nginx.writeSite(QStringLiteral("app"),
                    QStringLiteral("upstream app {\n    %1\n%2}\n"
                                   "server {\n    listen 127.0.0.1:%3;\n"
                                   "    location / {\n"
                                   "        proxy_pass http://app;\n"
                                   "        proxy_http_version 1.1;\n"
                                   "        proxy_set_header Upgrade $http_upgrade;\n"
                                   "        proxy_set_header Connection \"upgrade\";\n"
                                   "        proxy_read_timeout 10s;\n"
                                   "    }\n}\n")
                        .arg(balance, servers).arg(port));
    if (!nginx.test(log) || !nginx.start(log) || !waitForPort(port)) {
        if (log)
            *log += readAll(nginx.errorLog());
        return 0;
    }
    return port;
}

} // namespace socketscope::lab
