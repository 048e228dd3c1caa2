// SPDX-License-Identifier: GPL-3.0-or-later
// SshWorker on its own thread against a real sshd: queued requests, signals back to this
// thread, host-key and secret prompts answered like the GUI does, cancellation, follow, jobs.
#include "SshTestSupport.h"

#include "ssh/SshWorker.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QFileInfo>

using namespace socketscope;
using namespace socketscope::testing;

namespace {

// Spins this thread's event loop (queued signals from the worker arrive) until pred() holds.
template <typename Pred>
bool waitUntil(Pred pred, int timeoutMs = 20000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!pred() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents | QEventLoop::WaitForMoreEvents, 20);
    return pred();
}

class SshWorkerTest : public SshLabTest {
protected:
    // Records the worker's signals in this thread (connections are queued to `m_context`).
    void record(SshWorker* w)
    {
        connect(w, &SshWorker::failed, &m_context, [this](quint64 id, const QString& e) { m_failed[id] = e; });
        connect(w, &SshWorker::commandFinished, &m_context, [this](quint64 id, const CommandResult& r) { m_results[id] = r; });
        connect(w, &SshWorker::output, &m_context, [this](quint64 id, const QByteArray& c, bool) { m_output[id] += c; });
        connect(w, &SshWorker::stateChanged, &m_context, [this](SshWorker::State s, const QString&) { m_states << s; });
    }
    template <typename Sig, typename Fn>
    void connect(SshWorker* w, Sig sig, QObject* ctx, Fn fn) { QObject::connect(w, sig, ctx, fn); }

    QObject m_context;
    QHash<quint64, QString> m_failed;
    QHash<quint64, CommandResult> m_results;
    QHash<quint64, QByteArray> m_output;
    QList<SshWorker::State> m_states;
};

} // namespace

TEST_F(SshWorkerTest, AsksForTheHostKeyThenRunsACommand)
{
    SshWorkerThread thread(target(SshTarget::Auth::KeyFile));
    SshWorker* w = thread.worker();
    record(w);
    QList<HostKeyInfo> asked;
    QObject::connect(w, &SshWorker::hostKeyDecisionNeeded, &m_context, [&](const HostKeyInfo& info) {
        asked << info;
        w->answerHostKey(HostKeyDecision::AcceptAndRemember);
    });
    const quint64 id = w->run(QStringLiteral("echo hello; echo oops >&2"));
    ASSERT_TRUE(waitUntil([&] { return m_results.contains(id) || m_failed.contains(id); })) << "no answer";
    ASSERT_FALSE(m_failed.contains(id)) << m_failed.value(id).toStdString();
    EXPECT_EQ(m_results[id].stdOut, QByteArray("hello\n"));
    EXPECT_EQ(m_results[id].stdErr, QByteArray("oops\n"));
    EXPECT_EQ(m_results[id].exitStatus, 0);
    EXPECT_TRUE(m_output[id].contains("hello"));
    ASSERT_EQ(asked.size(), 1);
    EXPECT_EQ(asked[0].fingerprint, m_lab->hostKeyFingerprint());
    EXPECT_TRUE(m_states.contains(SshWorker::State::Connected));
    EXPECT_TRUE(lab::readAll(appKnownHosts()).contains(m_lab->hostPublicKey()));
}

TEST_F(SshWorkerTest, UnknownHostKeyWithoutAnyoneToAskIsRefused)
{
    SshWorkerThread thread(target());
    record(thread.worker());
    const quint64 id = thread.worker()->connectToHost();
    ASSERT_TRUE(waitUntil([&] { return m_failed.contains(id); }));
    EXPECT_TRUE(m_failed[id].contains(QStringLiteral("not known"))) << m_failed[id].toStdString();
    EXPECT_TRUE(m_states.contains(SshWorker::State::Failed));
}

TEST_F(SshWorkerTest, PasswordAskedThroughSecretNeeded)
{
    trustLab();
    SshWorkerThread thread(target(SshTarget::Auth::Password));
    SshWorker* w = thread.worker();
    record(w);
    QList<SecretRequest> asked;
    QObject::connect(w, &SshWorker::secretNeeded, &m_context, [&](const SecretRequest& r) {
        asked << r;
        w->answerSecret(SecretBytes(lab::SshdLab::password()));
    });
    CommandOptions sudo;
    sudo.sudo = true;
    const quint64 id = w->run(QStringLiteral("id -u"), sudo);
    ASSERT_TRUE(waitUntil([&] { return m_results.contains(id) || m_failed.contains(id); }));
    ASSERT_FALSE(m_failed.contains(id)) << m_failed.value(id).toStdString();
    EXPECT_EQ(m_results[id].stdOut, QByteArray("0\n"));
    // Asked once: sudo reuses the login password (the usual sudoers setup).
    ASSERT_EQ(asked.size(), 1);
    EXPECT_EQ(asked[0].kind, SecretRequest::Kind::Password);
}

TEST_F(SshWorkerTest, CancelStopsARunningCommandAndQueuedOnes)
{
    trustLab();
    SshWorkerThread thread(target());
    SshWorker* w = thread.worker();
    record(w);
    const quint64 slow = w->run(QStringLiteral("echo started; exec sleep 20"));
    const quint64 queued = w->run(QStringLiteral("echo never"));
    ASSERT_TRUE(waitUntil([&] { return m_output[slow].contains("started"); }));
    w->cancel(queued);
    w->cancel(slow);
    ASSERT_TRUE(waitUntil([&] { return m_failed.contains(slow) && m_failed.contains(queued); }));
    EXPECT_EQ(m_failed[slow], QStringLiteral("Cancelled."));
    EXPECT_EQ(m_failed[queued], QStringLiteral("Cancelled."));
    EXPECT_FALSE(m_results.contains(queued));
    // Still usable afterwards.
    const quint64 next = w->run(QStringLiteral("echo next"));
    ASSERT_TRUE(waitUntil([&] { return m_results.contains(next); }));
    EXPECT_EQ(m_results[next].stdOut, QByteArray("next\n"));
}

TEST_F(SshWorkerTest, FollowEmitsChunksAndEndsWhenCancelled)
{
    trustLab();
    const QString log = homePath(QStringLiteral("worker-follow.log"));
    ASSERT_TRUE(lab::writeFile(log, "a\nb\n"));
    SshWorkerThread thread(target());
    SshWorker* w = thread.worker();
    QByteArray received;
    bool ended = false;
    QString endError = QStringLiteral("unset");
    QObject::connect(w, &SshWorker::followChunk, &m_context, [&](quint64, const QByteArray& c, bool isStderr) {
        if (!isStderr)
            received += c;
    });
    QObject::connect(w, &SshWorker::followEnded, &m_context, [&](quint64, const QString& e) { ended = true; endError = e; });
    const quint64 id = w->follow(log, 10);
    ASSERT_TRUE(waitUntil([&] { return received == "a\nb\n"; })) << received.constData();
    {
        QFile f(log);
        ASSERT_TRUE(f.open(QIODevice::Append));
        f.write("c\n");
    }
    ASSERT_TRUE(waitUntil([&] { return received.endsWith("c\n"); }));
    w->cancel(id);
    ASSERT_TRUE(waitUntil([&] { return ended; }));
    EXPECT_TRUE(endError.isEmpty()) << endError.toStdString();
    QFile::remove(log);
}

TEST_F(SshWorkerTest, JobGetsARemoteHost)
{
    trustLab();
    const QString path = homePath(QStringLiteral("job.txt"));
    SshWorkerThread thread(target());
    SshWorker* w = thread.worker();
    record(w);
    QString jobError = QStringLiteral("unset");
    QObject::connect(w, &SshWorker::jobFinished, &m_context, [&](quint64, const QString& e) { jobError = e; });
    w->runJob([path](RemoteHost& host, const std::atomic_bool&) -> QString {
        if (Status s = host.writeFileAtomic(path, "via job\n"); !s)
            return s.error();
        Result<QByteArray> back = host.readFile(path);
        if (!back)
            return back.error();
        return *back == "via job\n" ? QString() : QStringLiteral("read back: %1").arg(QString::fromUtf8(*back));
    });
    ASSERT_TRUE(waitUntil([&] { return jobError != QStringLiteral("unset"); }));
    EXPECT_TRUE(jobError.isEmpty()) << jobError.toStdString();
    QFile::remove(path);
}

TEST_F(SshWorkerTest, DestroyingTheThreadDuringACommandDoesNotHang)
{
    trustLab();
    auto thread = std::make_unique<SshWorkerThread>(target());
    record(thread->worker());
    // The shell prints its PID, then becomes `sleep` (exec): that PID is the remote command.
    const quint64 id = thread->worker()->run(QStringLiteral("echo started $$; exec sleep 30"));
    ASSERT_TRUE(waitUntil([&] { return m_output[id].contains("started") && m_output[id].contains('\n'); }));
    const qint64 remotePid = m_output[id].mid(m_output[id].indexOf("started") + 8).trimmed().toLongLong();
    ASSERT_GT(remotePid, 0) << m_output[id].toStdString();
    const QString remoteProc = QStringLiteral("/proc/%1").arg(remotePid);
    ASSERT_TRUE(QFileInfo::exists(remoteProc)); // the lab's sshd runs on this machine
    const QList<qint64> sessions = m_lab->sessionPids();
    ASSERT_FALSE(sessions.isEmpty()) << "the connection has its sshd session process";

    thread.reset(); // cancels, disconnects and joins; a hang here fails the test by its timeout

    // What a user checks after closing: nothing left behind on the server: neither the command
    // (30 s of sleep still to go) nor the SSH session that ran it.
    EXPECT_TRUE(waitUntil([&] { return !QFileInfo::exists(remoteProc); }, 10000)) << "the remote command is still running";
    EXPECT_TRUE(waitUntil([&] {
        for (qint64 pid : sessions) {
            if (QFileInfo::exists(QStringLiteral("/proc/%1").arg(pid)))
                return false;
        }
        return true;
    }, 10000)) << "the sshd session is still open";
}
