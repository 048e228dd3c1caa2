// SPDX-License-Identifier: GPL-3.0-or-later
// Commands on a real sshd: streams apart, exit status, sudo (right, wrong, never visible in
// /proc), dropped and stalled connections, cancellation, and `tail -F` streaming.
#include "SshTestSupport.h"

#include "ssh/SshSession.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QThread>

#include <csignal>
#include <future>
#include <mutex>
#include <thread>

#include <sys/types.h>
#include <unistd.h>

using namespace socketscope;
using namespace socketscope::testing;

namespace {

class SshCommandTest : public SshLabTest {
protected:
    void SetUp() override
    {
        SshLabTest::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        trustLab();
    }
    std::unique_ptr<SshSession> connected(SshTarget::Auth auth = SshTarget::Auth::KeyFile)
    {
        auto s = std::make_unique<SshSession>(target(auth));
        SshCredentials c;
        c.sudoPassword = SecretBytes(lab::SshdLab::password());
        s->setCredentials(c);
        const Status st = s->connect();
        EXPECT_TRUE(st.ok()) << st.error().toStdString();
        return s;
    }
};

// PIDs whose command line is exactly `argv` (NUL-separated as in /proc/PID/cmdline).
QList<qint64> findProcesses(const QByteArray& cmdline)
{
    QList<qint64> found;
    for (qint64 pid : lab::allPids()) {
        if (lab::readAll(QStringLiteral("/proc/%1/cmdline").arg(pid)) == cmdline)
            found << pid;
    }
    return found;
}

bool waitForProcess(const QByteArray& cmdline, int timeoutMs = 15000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (!findProcesses(cmdline).isEmpty())
            return true;
        QThread::msleep(10);
    }
    return false;
}

} // namespace

TEST_F(SshCommandTest, StdoutStderrAndExitStatusApart)
{
    auto s = connected();
    ASSERT_TRUE(s->isConnected());
    QByteArray streamed;
    CommandOptions o;
    o.stdinData = "from stdin\n";
    o.onOutput = [&](const QByteArray& chunk, bool isStderr) { streamed += (isStderr ? "E:" : "O:") + chunk; };
    Result<CommandResult> r = s->run(QStringLiteral("echo out; echo err >&2; cat; exit 3"), o);
    ASSERT_TRUE(r.ok()) << r.error().toStdString();
    EXPECT_EQ(r->stdOut, QByteArray("out\nfrom stdin\n"));
    EXPECT_EQ(r->stdErr, QByteArray("err\n"));
    EXPECT_EQ(r->exitStatus, 3);
    EXPECT_FALSE(r->timedOut);
    EXPECT_TRUE(streamed.contains("E:err\n"));
    EXPECT_TRUE(streamed.contains("O:out\n"));
}

TEST_F(SshCommandTest, LargeOutputOnBothStreamsDoesNotStall)
{
    auto s = connected();
    // 4 MB on stdout and stderr at the same time: reading only one would stall the other.
    Result<CommandResult> r = s->run(QStringLiteral("head -c 4000000 /dev/zero | tr '\\0' o & head -c 4000000 /dev/zero | tr '\\0' e >&2; wait"));
    ASSERT_TRUE(r.ok()) << r.error().toStdString();
    EXPECT_EQ(r->stdOut.size(), 4000000);
    EXPECT_EQ(r->stdErr.size(), 4000000);
    EXPECT_EQ(r->exitStatus, 0);
}

TEST_F(SshCommandTest, SudoRunsAsRootWithThePasswordOnStdin)
{
    auto s = connected();
    CommandOptions o;
    o.sudo = true;
    o.stdinData = "input after the password\n";
    Result<CommandResult> r = s->run(QStringLiteral("id -u; cat"), o);
    ASSERT_TRUE(r.ok()) << r.error().toStdString();
    EXPECT_EQ(r->exitStatus, 0) << r->stdErr.constData();
    EXPECT_EQ(r->stdOut, QByteArray("0\ninput after the password\n"));
    EXPECT_FALSE(r->stdErr.contains("SOCKETSCOPE_SUDO_")) << "the prompt and the marker are internal";
    // -k: every command asks again; a second sudo in the same session works the same way.
    Result<CommandResult> again = s->run(QStringLiteral("id -u"), o);
    ASSERT_TRUE(again.ok()) << again.error().toStdString();
    EXPECT_EQ(again->stdOut, QByteArray("0\n"));
}

TEST_F(SshCommandTest, WrongSudoPasswordIsAClearError)
{
    auto s = std::make_unique<SshSession>(target());
    SshCredentials c;
    c.sudoPassword = SecretBytes(QByteArrayLiteral("not-the-sudo-password"));
    s->setCredentials(c);
    ASSERT_TRUE(s->connect().ok());
    CommandOptions o;
    o.sudo = true;
    Result<CommandResult> r = s->run(QStringLiteral("id -u"), o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), QStringLiteral("sudo: incorrect password for sstest on 127.0.0.1."));
}

TEST_F(SshCommandTest, SudoPasswordNeverInAnyProcessCommandLineOrEnvironment)
{
    auto s = connected();
    const QByteArray secret = lab::SshdLab::password();
    const QByteArray sleeper("sleep\0" "3.1415\0", 13);
    std::future<Result<CommandResult>> running = std::async(std::launch::async, [&] {
        CommandOptions o;
        o.sudo = true;
        return s->run(QStringLiteral("sleep 3.1415"), o);
    });
    ASSERT_TRUE(waitForProcess(sleeper)) << "the sudo'd command never started";
    // While it runs, look at every process on the machine (sshd, sudo, sh, sleep, ...).
    int scanned = 0;
    QStringList leaks;
    for (qint64 pid : lab::allPids()) {
        for (const char* what : {"cmdline", "environ"}) {
            QFile f(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(what)));
            if (!f.open(QIODevice::ReadOnly))
                continue;
            ++scanned;
            if (f.readAll().contains(secret))
                leaks << QStringLiteral("%1/%2").arg(pid).arg(QLatin1String(what));
        }
    }
    const bool stillRunning = !findProcesses(sleeper).isEmpty();
    Result<CommandResult> r = running.get();
    ASSERT_TRUE(r.ok()) << r.error().toStdString();
    EXPECT_EQ(r->exitStatus, 0);
    EXPECT_TRUE(stillRunning) << "the scan must happen while the command runs";
    EXPECT_GT(scanned, 10);
    EXPECT_TRUE(leaks.isEmpty()) << leaks.join(QLatin1Char(' ')).toStdString();
    EXPECT_FALSE(m_lab->log().contains(secret));
}

TEST_F(SshCommandTest, DroppedConnectionMidCommandIsReportedNotHung)
{
    auto s = connected();
    const QByteArray sleeper("sleep\0" "27.18\0", 12);
    std::future<Result<CommandResult>> running = std::async(std::launch::async, [&] {
        CommandOptions o;
        o.timeoutMs = 60000;
        return s->run(QStringLiteral("sleep 27.18"), o);
    });
    ASSERT_TRUE(waitForProcess(sleeper));
    m_lab->killSessions();
    ASSERT_EQ(running.wait_for(std::chrono::seconds(20)), std::future_status::ready) << "run() hung after the drop";
    Result<CommandResult> r = running.get();
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().contains(QStringLiteral("connection to sstest@127.0.0.1"))) << r.error().toStdString();
    EXPECT_TRUE(r.error().contains(QStringLiteral("lost"))) << r.error().toStdString();
    EXPECT_FALSE(s->isConnected());
    for (qint64 pid : findProcesses(sleeper))
        ::kill(pid_t(pid), SIGKILL);
}

TEST_F(SshCommandTest, StalledServerEndsInTheTimeout)
{
    auto s = connected();
    const QByteArray sleeper("sleep\0" "31.41\0", 12);
    std::future<Result<CommandResult>> running = std::async(std::launch::async, [&] {
        CommandOptions o;
        o.timeoutMs = 1500;
        return s->run(QStringLiteral("sleep 31.41"), o);
    });
    ASSERT_TRUE(waitForProcess(sleeper));
    // Freeze the server side of the connection: no FIN, no data, like a dead network path.
    const QList<qint64> sessions = m_lab->sessionPids();
    ASSERT_FALSE(sessions.isEmpty());
    for (qint64 pid : sessions)
        ::kill(pid_t(pid), SIGSTOP);
    ASSERT_EQ(running.wait_for(std::chrono::seconds(20)), std::future_status::ready) << "run() hung on a stalled server";
    Result<CommandResult> r = running.get();
    for (qint64 pid : sessions)
        ::kill(pid_t(pid), SIGCONT);
    m_lab->killSessions();
    ASSERT_TRUE(r.ok()) << r.error().toStdString();
    EXPECT_TRUE(r->timedOut);
    EXPECT_EQ(r->exitStatus, -1);
}

TEST_F(SshCommandTest, CancellationStopsARunningCommand)
{
    auto s = connected();
    std::atomic_bool cancel{false};
    const QByteArray sleeper("sleep\0" "16.18\0", 12);
    std::future<Result<CommandResult>> running = std::async(std::launch::async, [&] {
        CommandOptions o;
        o.cancel = &cancel;
        return s->run(QStringLiteral("exec sleep 16.18"), o);
    });
    ASSERT_TRUE(waitForProcess(sleeper));
    cancel = true;
    ASSERT_EQ(running.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    Result<CommandResult> r = running.get();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), QStringLiteral("Cancelled."));
    // The session stays usable, and the remote command was signalled (TERM).
    Result<CommandResult> after = s->run(QStringLiteral("echo still here"));
    ASSERT_TRUE(after.ok()) << after.error().toStdString();
    EXPECT_EQ(after->stdOut, QByteArray("still here\n"));
    QDeadlineTimer deadline(5000);
    while (!findProcesses(sleeper).isEmpty() && !deadline.hasExpired())
        QThread::msleep(10);
    EXPECT_TRUE(findProcesses(sleeper).isEmpty());
}

TEST_F(SshCommandTest, FollowStreamsAppendedLinesAndStopsWithTerm)
{
    auto s = connected();
    const QString log = homePath(QStringLiteral("follow.log"));
    ASSERT_TRUE(lab::writeFile(log, "one\ntwo\nthree\n"));
    std::mutex mutex;
    QByteArray received;
    std::atomic_bool stop{false};
    std::future<Status> following = std::async(std::launch::async, [&] {
        StreamOptions o;
        o.stop = &stop;
        o.onChunk = [&](const QByteArray& chunk, bool isStderr) {
            if (!isStderr) {
                std::lock_guard<std::mutex> lock(mutex);
                received += chunk;
            }
        };
        return s->follow(log, 2, o);
    });
    const auto waitFor = [&](const QByteArray& what) {
        QDeadlineTimer deadline(10000);
        while (!deadline.hasExpired()) {
            {
                std::lock_guard<std::mutex> lock(mutex);
                if (received.contains(what))
                    return true;
            }
            QThread::msleep(5);
        }
        return false;
    };
    ASSERT_TRUE(waitFor("two\nthree\n"));
    {
        QFile f(log);
        ASSERT_TRUE(f.open(QIODevice::Append));
        f.write("four\nfive\n");
    }
    ASSERT_TRUE(waitFor("four\nfive\n"));
    stop = true;
    ASSERT_EQ(following.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    const Status st = following.get();
    EXPECT_TRUE(st.ok()) << st.error().toStdString();
    EXPECT_FALSE(received.contains("one\n")) << "-n 2 shows only the last two lines";
    QFile::remove(log);
}

TEST_F(SshCommandTest, KeepaliveNoticesAFrozenServer)
{
    SshTarget t = target();
    t.connectTimeoutMs = 2000;
    SshSession s(t);
    ASSERT_TRUE(s.connect().ok());
    EXPECT_TRUE(s.sendKeepalive()) << "a live server answers";
    const QList<qint64> sessions = m_lab->sessionPids();
    ASSERT_FALSE(sessions.isEmpty());
    for (qint64 pid : sessions)
        ::kill(pid_t(pid), SIGSTOP);
    const bool alive = s.sendKeepalive();
    for (qint64 pid : sessions)
        ::kill(pid_t(pid), SIGCONT);
    m_lab->killSessions();
    EXPECT_FALSE(alive) << "no answer within the timeout must count as dead";
}
