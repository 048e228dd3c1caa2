// SPDX-License-Identifier: GPL-3.0-or-later
// Remote logs over a real sshd on 127.0.0.1 (tests/lab/SshdLab): the whole file, a live follow,
// and `socketscope-cli logs PROFILE` with strict host-key checking.
#include "LogTestUtil.h"
#include "lab/Lab.h"
#include "ssh/SshTestSupport.h"

#include "logs/LogSession.h"
#include "logs/RemoteLogSource.h"
#include "profiles/ProfileStore.h"

#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>

using namespace socketscope;
using namespace socketscope::logs;
using namespace socketscope::testing;

namespace {

class RemoteLogsTest : public SshLabTest {
protected:
    void SetUp() override
    {
        SshLabTest::SetUp();
        if (IsSkipped())
            return;
        m_path = homePath(QStringLiteral("error.log"));
        ASSERT_TRUE(logtest::writeBytes(m_path, lab::readAll(QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/logs/data/seed-mixed.log"))));
    }
    void TearDown() override
    {
        if (!m_path.isEmpty())
            QFile::remove(m_path);
    }
    static bool waitFor(const std::function<bool()>& condition, int timeoutMs = 15000)
    {
        return QTest::qWaitFor(condition, timeoutMs);
    }
    QString m_path;
};

} // namespace

TEST_F(RemoteLogsTest, WholeRemoteFileIsIndexedSearchedAndCounted)
{
    trustLab();
    LogSession session;
    auto source = std::make_unique<RemoteLogSource>(target(), m_path, RemoteLogSource::Mode::WholeFile);
    LogSource* raw = source.get();
    session.open(std::move(source));
    ASSERT_TRUE(waitFor([&] { return raw->state() == LogSource::State::Finished && !session.isIndexing(); }))
        << int(raw->state());
    const QByteArray local = lab::readAll(m_path);
    EXPECT_EQ(lab::readAll(raw->localPath()), local); // byte for byte
    EXPECT_EQ(session.lineCount(), local.count('\n') + 1);
    ASSERT_TRUE(waitFor([&] { return session.problems().lines.size() > 10; }));
}

TEST_F(RemoteLogsTest, FollowShowsLinesAppendedOnTheServer)
{
    trustLab();
    LogSession session;
    session.open(std::make_unique<RemoteLogSource>(target(), m_path, RemoteLogSource::Mode::Follow, 5));
    ASSERT_TRUE(waitFor([&] { return session.lineCount() >= 4; }));
    EXPECT_EQ(session.file()->readLines(session.lineCount() - 1, 1).value(0), QStringLiteral("no final newline: Connection reset by peer"));
    ASSERT_TRUE(logtest::writeBytes(m_path, "\n2026/01/28 10:20:00 [error] 1#1: *9 upstream timed out (live)\n", true));
    ASSERT_TRUE(waitFor([&] {
        const auto f = session.file();
        return f && f->readLines(0, session.lineCount()).contains(QStringLiteral("2026/01/28 10:20:00 [error] 1#1: *9 upstream timed out (live)"));
    }));
}

TEST_F(RemoteLogsTest, UnknownHostKeyIsRefused)
{
    LogSession session; // no known_hosts entry and nobody to ask: refused
    QSignalSpy failed(&session, &LogSession::sourceFailed);
    session.open(std::make_unique<RemoteLogSource>(target(), m_path, RemoteLogSource::Mode::WholeFile));
    ASSERT_TRUE(lab::waitForCount(failed, 1, 15000));
    EXPECT_TRUE(failed.first().first().toString().contains(QStringLiteral("not known"))) << failed.first().first().toString().toStdString();
}

TEST_F(RemoteLogsTest, CliReadsAProfilesRemoteLogLikeGrep)
{
    // A profile store and config dir of its own: the user's files are never read or written.
    const QString profiles = m_tmp.filePath(QStringLiteral("profiles.json"));
    {
        ProfileStore store(profiles);
        ASSERT_TRUE(store.load().ok());
        Profile p;
        p.name = QStringLiteral("lab");
        p.publicUrl = QStringLiteral("ws://127.0.0.1:1/ws");
        p.ssh.host = m_lab->host();
        p.ssh.port = m_lab->port();
        p.ssh.user = lab::SshdLab::user();
        p.ssh.auth = SshAccess::AuthMethod::KeyFile;
        p.ssh.keyFile = m_lab->keyFile();
        p.logs.nginxErrorLog = m_path;
        const Status st = store.add(p);
        ASSERT_TRUE(st.ok()) << st.error().toStdString();
    }
    auto cli = [&](const QStringList& args) {
        QProcess proc;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_tmp.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_tmp.filePath(QStringLiteral("config")));
        env.remove(QStringLiteral("SSH_AUTH_SOCK"));
        proc.setProcessEnvironment(env);
        proc.start(lab::cliPath(), QStringList{QStringLiteral("--profiles"), profiles, QStringLiteral("logs"), QStringLiteral("lab")} + args);
        proc.closeWriteChannel();
        EXPECT_TRUE(proc.waitForFinished(60000));
        return std::make_tuple(proc.exitCode(), proc.readAllStandardOutput(), proc.readAllStandardError());
    };
    auto [refusedCode, refusedOut, refusedErr] = cli({QStringLiteral("--grep"), QStringLiteral("timed out")});
    EXPECT_EQ(refusedCode, 2);
    EXPECT_TRUE(refusedErr.contains("not known")) << refusedErr.constData();

    auto [code, out, err] = cli({QStringLiteral("--grep"), QStringLiteral("upstream timed out|Connection reset"), QStringLiteral("-n"),
                                 QStringLiteral("--accept-new-host-key")});
    EXPECT_EQ(code, 0) << err.constData();
    QByteArray ref;
    lab::runProgram(QStringLiteral("grep"), {QStringLiteral("-a"), QStringLiteral("-n"), QStringLiteral("-E"),
                                             QStringLiteral("upstream timed out|Connection reset"), m_path}, &ref);
    EXPECT_EQ(out, ref);

    auto [pcode, pout, perr] = cli({QStringLiteral("--remote"), m_path, QStringLiteral("--problems"), QStringLiteral("-c")});
    EXPECT_EQ(pcode, 1) << perr.constData();
    EXPECT_GT(pout.trimmed().toInt(), 10);
}
