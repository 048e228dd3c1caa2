// SPDX-License-Identifier: GPL-3.0-or-later
#include "lab/Lab.h"

#include "probe/ProbeEngine.h"
#include "probe/ProbeJson.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
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

bool underCi()
{
    const QByteArray ci = qgetenv("CI").trimmed().toLower();
    return !ci.isEmpty() && ci != "0" && ci != "false";
}

std::string unavailableMessage(const QString& reason) { return unavailableMessage(reason.toStdString()); }
std::string unavailableMessage(const char* reason) { return unavailableMessage(std::string(reason)); }

std::string unavailableMessage(const std::string& reason)
{
    if (underCi())
        return "lab unavailable under CI=true (a lab that cannot run fails the test): " + reason;
    return "lab unavailable, test skipped (under CI=true this fails): " + reason;
}

QList<qint64> allPids()
{
    QList<qint64> pids;
    for (const QString& e : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool ok = false;
        const qint64 pid = e.toLongLong(&ok);
        if (ok)
            pids << pid;
    }
    return pids;
}

QString missingProgram(const QString& path, const QString& debianPackage)
{
    if (haveExecutable(path))
        return {};
    return QStringLiteral("%1 is not installed or not executable (install the Debian package %2, or run "
                          "scripts/bootstrap.sh test, which installs everything the tests need)").arg(path, debianPackage);
}

static QString programFromEnvironment(const char* variable, const QString& fallback)
{
    const QString p = qEnvironmentVariable(variable);
    return p.isEmpty() ? fallback : p;
}

QString nginxProgram() { return programFromEnvironment("SOCKETSCOPE_LAB_NGINX", QStringLiteral("/usr/sbin/nginx")); }
QString haproxyProgram() { return programFromEnvironment("SOCKETSCOPE_LAB_HAPROXY", QStringLiteral("/usr/sbin/haproxy")); }
QString sshdProgram() { return programFromEnvironment("SOCKETSCOPE_LAB_SSHD", QStringLiteral("/usr/sbin/sshd")); }

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

std::string probeJsonText(const ProbeResult& r)
{
    return QJsonDocument(probeResultToJson(r)).toJson(QJsonDocument::Indented).toStdString();
}

int handshakeStatus(quint16 port, const QByteArray& path)
{
    // Waits spin the event loop: the backend is often a ReferenceServer in this very thread.
    QTcpSocket socket;
    QSignalSpy connected(&socket, &QTcpSocket::connected);
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!waitForCount(connected, 1, 10000))
        return 0;
    socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray head;
    QSignalSpy ready(&socket, &QTcpSocket::readyRead);
    int seen = 0;
    while (!head.contains("\r\n\r\n")) {
        if (!waitForCount(ready, ++seen, 10000))
            return 0;
        head += socket.readAll();
    }
    return head.left(head.indexOf("\r\n")).split(' ').value(1).toInt();
}

QSet<QByteArray> nginxWorkerPids(qint64 master)
{
    const QByteArray children = readAll(QStringLiteral("/proc/%1/task/%1/children").arg(master)).trimmed();
    QSet<QByteArray> pids;
    for (const QByteArray& pid : children.split(' ')) {
        if (!pid.isEmpty())
            pids.insert(pid);
    }
    return pids;
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

bool NginxLab::available() const { return skipReason().isEmpty(); }
QString NginxLab::skipReason() { return missingProgram(nginxProgram(), QStringLiteral("nginx")); }
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
    return runProgram(nginxProgram(), args, log) == 0;
}

bool NginxLab::start(QByteArray* log)
{
    if (!test(log))
        return false;
    QByteArray out;
    if (runProgram(nginxProgram(), baseArgs(), &out) != 0) {
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
    return runProgram(nginxProgram(), args, log) == 0;
}

bool NginxLab::reloadAndWaitForNewWorkers(QByteArray* log)
{
    const QSet<QByteArray> old = nginxWorkerPids(masterPid());
    if (!reload(log))
        return false;
    QDeadlineTimer deadline(15000);
    while (!deadline.hasExpired()) {
        const QSet<QByteArray> now = nginxWorkerPids(masterPid());
        if (!now.isEmpty() && !now.intersects(old))
            return true;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20); // in-process backends keep serving
        QThread::msleep(20);
    }
    if (log)
        *log += "old nginx workers still running 15 s after the reload\n" + readAll(errorLog());
    return false;
}

void NginxLab::stop() { m_master.stop(); }
qint64 NginxLab::masterPid() const { return m_master.pid(); }

// ---------------------------------------------------------------- HAProxy

HaproxyLab::HaproxyLab() = default;
bool HaproxyLab::available() const { return skipReason().isEmpty(); }
QString HaproxyLab::skipReason() { return missingProgram(haproxyProgram(), QStringLiteral("haproxy")); }
QString HaproxyLab::configPath() const { return m_dir.filePath(QStringLiteral("haproxy.cfg")); }
void HaproxyLab::writeConfig(const QString& content) { writeFile(configPath(), content.toUtf8()); }

bool HaproxyLab::check(QByteArray* log) const
{
    return runProgram(haproxyProgram(), {QStringLiteral("-c"), QStringLiteral("-f"), configPath()}, log) == 0;
}

bool HaproxyLab::start()
{
    return m_process.start(haproxyProgram(), {QStringLiteral("-W"), QStringLiteral("-db"), QStringLiteral("-f"), configPath(),
                                      QStringLiteral("-p"), m_dir.filePath(QStringLiteral("haproxy.pid"))});
}

void HaproxyLab::stop() { m_process.stop(); }

} // namespace socketscope::lab
