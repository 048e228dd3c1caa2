// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Test fixtures that start real servers (nginx, HAProxy, sshd, WebSocket peers) on 127.0.0.1
// with their own configs in a temporary directory, and stop them by PID.

#include "probe/ProbeTypes.h"

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <memory>

namespace socketscope::lab {

// A free TCP port on 127.0.0.1 (bound and released; good enough for tests on a quiet machine).
quint16 freePort();
// Waits until something accepts TCP connections on 127.0.0.1:port; false after timeoutMs.
bool waitForPort(quint16 port, int timeoutMs = 10000);
// True when the executable exists (tests skip with a reason when a server is not installed).
bool haveExecutable(const QString& path);
// Waits (spinning the event loop) until the spy has recorded at least n signals; unlike
// QSignalSpy::wait it counts signals that arrived before the call.
bool waitForCount(QSignalSpy& spy, int n, int timeoutMs = 5000);
// Runs one probe to completion on its own ProbeEngine (spinning the event loop while waiting);
// a test failure and an empty result when it does not finish within waitMs.
ProbeResult probe(const ProbeOptions& options, int waitMs = 20000);
// Path of the built socketscope-cli.
QString cliPath();
// tests/fixtures/<relative>.
QString fixturePath(const QString& relative);
// Reads a whole file ("" when missing).
QByteArray readAll(const QString& path);
bool writeFile(const QString& path, const QByteArray& data);
// Runs a program to completion; returns exit code (-1 on failure to start); output merged.
int runProgram(const QString& program, const QStringList& args, QByteArray* output = nullptr, int timeoutMs = 30000);

// A daemon started by a test, stopped by PID (SIGTERM, then SIGKILL) in the destructor.
class Daemon {
public:
    Daemon() = default;
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;
    // Starts a foreground process (the fixture keeps its QProcess), optionally with its own
    // environment and bytes written to its stdin (then closed).
    bool start(const QString& program, const QStringList& args, const QString& workDir = {},
               const QProcessEnvironment& environment = QProcessEnvironment(), const QByteArray& stdinData = {});
    // Adopts a daemon that forked and wrote its PID to pidFile (waits for the file).
    bool adoptPidFile(const QString& pidFile, int timeoutMs = 10000);
    qint64 pid() const;
    bool isRunning() const;
    void stop();
    QByteArray output() const; // for a foreground process: what it printed so far

private:
    std::unique_ptr<QProcess> m_process;
    qint64 m_pid = 0;
};

// A real nginx run from its own prefix (-p DIR -c nginx.conf), on ports chosen by the test.
// The prefix has conf/nginx.conf, sites-available/, sites-enabled/ (included by glob), logs/.
class NginxLab {
public:
    NginxLab();
    ~NginxLab();
    bool available() const;                    // /usr/sbin/nginx exists
    QString prefix() const { return m_dir.path(); }
    QString confPath() const;                  // PREFIX/conf/nginx.conf
    QString errorLog() const;                  // PREFIX/logs/error.log
    // Writes PREFIX/conf/nginx.conf with an http block that includes sites-enabled/* and the
    // given extra http-level text; error_log at `info` so idle-timeout drops are logged.
    void writeMainConfig(const QString& httpExtra = {}, const QString& mainExtra = {});
    // Writes sites-available/NAME and links sites-enabled/NAME to it.
    void writeSite(const QString& name, const QString& content, bool enable = true);
    // `nginx -t`; output in *log.
    bool test(QByteArray* log = nullptr) const;
    bool start(QByteArray* log = nullptr);
    bool reload(QByteArray* log = nullptr);
    void stop();
    qint64 masterPid() const;
    // The nginx command prefix for this lab: "nginx -p PREFIX/ -c conf/nginx.conf".
    QStringList baseArgs() const;

private:
    QTemporaryDir m_dir;
    Daemon m_master;
};

// A real HAProxy in master-worker mode (-W -db), config written by the test.
class HaproxyLab {
public:
    HaproxyLab();
    bool available() const;
    QString dir() const { return m_dir.path(); }
    QString configPath() const;
    void writeConfig(const QString& content);
    bool check(QByteArray* log = nullptr) const;   // haproxy -c -f CFG
    bool start();
    void stop();
    QByteArray output() const { return m_process.output(); }

private:
    QTemporaryDir m_dir;
    Daemon m_process;
};

} // namespace socketscope::lab
