// SPDX-License-Identifier: GPL-3.0-or-later
#include "lab/Lab.h"

#include "probe/ProbeEngine.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <gtest/gtest.h>

#include <csignal>
#ifndef _WIN32
#include <sys/types.h>
#include <unistd.h>
#endif

namespace socketscope::lab {

quint16 freePort()
{
    QTcpServer s;
    if (!s.listen(QHostAddress::LocalHost, 0))
        return 0;
    const quint16 p = s.serverPort();
    s.close();
    return p;
}

bool waitForPort(quint16 port, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, port);
        if (s.waitForConnected(200))
            return true;
        QThread::msleep(20);
    }
    return false;
}

bool waitForCount(QSignalSpy& spy, int n, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (spy.count() < n && !deadline.hasExpired())
        spy.wait(int(qMax<qint64>(1, deadline.remainingTime())));
    return spy.count() >= n;
}

bool haveExecutable(const QString& path)
{
    const QFileInfo fi(path);
    return fi.exists() && fi.isExecutable();
}

QString cliPath() { return QStringLiteral(SOCKETSCOPE_CLI_PATH); }
QString fixturePath(const QString& relative) { return QStringLiteral(SOCKETSCOPE_TEST_FIXTURES_DIR "/") + relative; }

QByteArray readAll(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size();
}

int runProgram(const QString& program, const QStringList& args, QByteArray* output, int timeoutMs)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForStarted(5000))
        return -1;
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(2000);
        return -1;
    }
    if (output)
        *output = p.readAll();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

// ---------------------------------------------------------------- Daemon

Daemon::~Daemon() { stop(); }

bool Daemon::start(const QString& program, const QStringList& args, const QString& workDir,
                   const QProcessEnvironment& environment, const QByteArray& stdinData)
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    if (!workDir.isEmpty())
        m_process->setWorkingDirectory(workDir);
    if (!environment.isEmpty())
        m_process->setProcessEnvironment(environment);
    m_process->start(program, args);
    if (!m_process->waitForStarted(5000))
        return false;
    m_pid = m_process->processId();
    if (!stdinData.isEmpty()) {
        m_process->write(stdinData);
        m_process->waitForBytesWritten(5000); // no event loop runs here to flush it later
    }
    m_process->closeWriteChannel();
    return true;
}

bool Daemon::adoptPidFile(const QString& pidFile, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        bool ok = false;
        const qint64 pid = readAll(pidFile).trimmed().toLongLong(&ok);
        if (ok && pid > 0) {
            m_pid = pid;
            return true;
        }
        QThread::msleep(20);
    }
    return false;
}

qint64 Daemon::pid() const { return m_pid; }

bool Daemon::isRunning() const
{
#ifndef _WIN32
    return m_pid > 0 && ::kill(pid_t(m_pid), 0) == 0;
#else
    return m_process && m_process->state() == QProcess::Running;
#endif
}

void Daemon::stop()
{
    if (m_pid <= 0)
        return;
#ifndef _WIN32
    ::kill(pid_t(m_pid), SIGTERM);
    QDeadlineTimer deadline(5000);
    while (isRunning() && !deadline.hasExpired()) {
        if (m_process)
            m_process->waitForFinished(50);
        else
            QThread::msleep(20);
    }
    if (isRunning())
        ::kill(pid_t(m_pid), SIGKILL);
#endif
    if (m_process) {
        m_process->waitForFinished(2000);
        m_process.reset();
    }
    m_pid = 0;
}

QByteArray Daemon::output() const
{
    if (!m_process)
        return {};
    m_process->waitForReadyRead(0);
    return m_process->readAll();
}

ProbeResult probe(const ProbeOptions& options, int waitMs)
{
    ProbeEngine engine;
    QSignalSpy spy(&engine, &ProbeEngine::finished);
    engine.start(options);
    if (!waitForCount(spy, 1, waitMs)) {
        ADD_FAILURE() << "probe of " << options.url.toStdString() << " did not finish";
        return {};
    }
    return spy.at(0).at(1).value<ProbeResult>();
}

// ---------------------------------------------------------------- nginx

static const QString kNginx = QStringLiteral("/usr/sbin/nginx");

NginxLab::NginxLab()
{
    // nginx's workers drop privileges when started as root: the prefix must be readable.
    QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                            | QFileDevice::ReadGroup | QFileDevice::ExeGroup
                                            | QFileDevice::ReadOther | QFileDevice::ExeOther);
    for (const char* d : {"conf", "logs", "sites-available", "sites-enabled", "temp"})
        QDir(m_dir.path()).mkpath(QString::fromLatin1(d));
}

NginxLab::~NginxLab() { stop(); }

bool NginxLab::available() const { return haveExecutable(kNginx); }
QString NginxLab::confPath() const { return m_dir.filePath(QStringLiteral("conf/nginx.conf")); }
QString NginxLab::errorLog() const { return m_dir.filePath(QStringLiteral("logs/error.log")); }
QStringList NginxLab::baseArgs() const
{
    return {QStringLiteral("-p"), m_dir.path() + QLatin1Char('/'), QStringLiteral("-c"), QStringLiteral("conf/nginx.conf")};
}

void NginxLab::writeMainConfig(const QString& httpExtra, const QString& mainExtra)
{
    const QString p = m_dir.path();
    QString conf = QStringLiteral(
        "# SocketScope test lab nginx (prefix %1)\n"
        "worker_processes 1;\n"
        "pid %1/logs/nginx.pid;\n"
        "error_log %1/logs/error.log info;\n"
        "%2\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "    access_log %1/logs/access.log;\n"
        "    client_body_temp_path %1/temp/client_body;\n"
        "    proxy_temp_path %1/temp/proxy;\n"
        "    fastcgi_temp_path %1/temp/fastcgi;\n"
        "    uwsgi_temp_path %1/temp/uwsgi;\n"
        "    scgi_temp_path %1/temp/scgi;\n"
        "%3\n"
        "    include %1/sites-enabled/*;\n"
        "}\n").arg(p, mainExtra, httpExtra);
    writeFile(confPath(), conf.toUtf8());
}

void NginxLab::writeSite(const QString& name, const QString& content, bool enable)
{
    const QString avail = m_dir.filePath(QStringLiteral("sites-available/") + name);
    writeFile(avail, content.toUtf8());
    const QString link = m_dir.filePath(QStringLiteral("sites-enabled/") + name);
    QFile::remove(link);
    if (enable)
        QFile::link(avail, link);
}

bool NginxLab::test(QByteArray* log) const
{
    QStringList args = baseArgs();
    args << QStringLiteral("-t");
    return runProgram(kNginx, args, log) == 0;
}

bool NginxLab::start(QByteArray* log)
{
    if (!test(log))
        return false;
    QByteArray out;
    if (runProgram(kNginx, baseArgs(), &out) != 0) {
        if (log)
            *log += out;
        return false;
    }
    return m_master.adoptPidFile(m_dir.filePath(QStringLiteral("logs/nginx.pid")));
}

bool NginxLab::reload(QByteArray* log)
{
    QStringList args = baseArgs();
    args << QStringLiteral("-s") << QStringLiteral("reload");
    return runProgram(kNginx, args, log) == 0;
}

void NginxLab::stop() { m_master.stop(); }
qint64 NginxLab::masterPid() const { return m_master.pid(); }

// ---------------------------------------------------------------- HAProxy

static const QString kHaproxy = QStringLiteral("/usr/sbin/haproxy");

HaproxyLab::HaproxyLab() = default;
bool HaproxyLab::available() const { return haveExecutable(kHaproxy); }
QString HaproxyLab::configPath() const { return m_dir.filePath(QStringLiteral("haproxy.cfg")); }
void HaproxyLab::writeConfig(const QString& content) { writeFile(configPath(), content.toUtf8()); }

bool HaproxyLab::check(QByteArray* log) const
{
    return runProgram(kHaproxy, {QStringLiteral("-c"), QStringLiteral("-f"), configPath()}, log) == 0;
}

bool HaproxyLab::start()
{
    return m_process.start(kHaproxy, {QStringLiteral("-W"), QStringLiteral("-db"), QStringLiteral("-f"), configPath(),
                                      QStringLiteral("-p"), m_dir.filePath(QStringLiteral("haproxy.pid"))});
}

void HaproxyLab::stop() { m_process.stop(); }

} // namespace socketscope::lab
