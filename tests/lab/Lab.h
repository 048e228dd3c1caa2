// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Test fixtures that start real servers (nginx, HAProxy, sshd, WebSocket peers) on 127.0.0.1
// with their own configs in a temporary directory, and stop them by PID.

#include "probe/ProbeTypes.h"

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSet>
#include <QSignalSpy>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <memory>
#include <string>

// The skip policy, one for every lab (nginx, HAProxy, sshd, the keyring, helper programs):
//   LAB_REQUIRE(NginxLab::skipReason());     // ends the test when the reason is not empty
//   if (!lab.start(&error)) LAB_UNAVAILABLE(error);
// Outside CI the test is skipped and the message says what to install. Under CI (CI=true, as
// .ci/run sets it) the test FAILS with that reason: a green CI means every lab really ran.
// A skip that is legitimate by design uses DECLARED_SKIP and is listed, with its reason, in
// tests/declared-skips.txt; scripts/check-skips.py fails the run on any other skip.
#define LAB_UNAVAILABLE(reason)                                                                    \
    do {                                                                                           \
        const std::string labUnavailable_ = ::socketscope::lab::unavailableMessage(reason);        \
        if (::socketscope::lab::underCi())                                                         \
            GTEST_FAIL() << labUnavailable_;                                                       \
        GTEST_SKIP() << labUnavailable_;                                                           \
    } while (false)
#define LAB_REQUIRE(whyNot)                                                                        \
    do {                                                                                           \
        if (const QString labWhyNot_ = (whyNot); !labWhyNot_.isEmpty())                            \
            LAB_UNAVAILABLE(labWhyNot_);                                                           \
    } while (false)
#define DECLARED_SKIP(reason) GTEST_SKIP() << "declared skip (tests/declared-skips.txt): " << (reason)

namespace socketscope::lab {

// True under CI: the variable CI is set to anything but "", "0" or "false".
bool underCi();
// The message of LAB_UNAVAILABLE: the reason, and what it means here (skip outside CI, failure in CI).
std::string unavailableMessage(const QString& reason);
std::string unavailableMessage(const std::string& reason);
std::string unavailableMessage(const char* reason);
// "" when `path` is an installed executable; otherwise why not, naming the Debian package to
// install (scripts/bootstrap.sh installs every package the labs need).
QString missingProgram(const QString& path, const QString& debianPackage);
// Every process id in /proc right now (Linux).
QList<qint64> allPids();
// The daemons the labs run. SOCKETSCOPE_LAB_NGINX, SOCKETSCOPE_LAB_HAPROXY and SOCKETSCOPE_LAB_SSHD
// override the paths (another build; or a broken path, to see that CI turns red).
QString nginxProgram();
QString haproxyProgram();
QString sshdProgram();

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
// A probe result as the CLI's --json prints it (for failure messages).
std::string probeJsonText(const ProbeResult& r);
// The HTTP status of a raw WebSocket handshake to 127.0.0.1:port/path, as any client sends it
// (0 when no response head came back within 10 s).
int handshakeStatus(quint16 port, const QByteArray& path = "/ws/echo");
// The PIDs of an nginx master's worker processes (its children, from Linux /proc).
QSet<QByteArray> nginxWorkerPids(qint64 master);
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
    bool available() const;                    // nginxProgram() exists
    static QString skipReason();               // "" when nginx can run; else what to install
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
    // reload(), then waits until every worker of the old configuration has exited (a reload that
    // keeps the old workers, e.g. a port clash, fails here instead of testing the old config).
    bool reloadAndWaitForNewWorkers(QByteArray* log = nullptr);
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
    static QString skipReason();               // "" when HAProxy can run; else what to install
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
