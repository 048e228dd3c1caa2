// SPDX-License-Identifier: GPL-3.0-or-later
// Connecting to a real sshd: host-key verification (unknown, accepted, hashed, changed) and every
// authentication method (key, encrypted key, password, keyboard-interactive, agent, jump host).
#include "SshTestSupport.h"

#include "ssh/KnownHosts.h"
#include "ssh/SshSession.h"

#include <QDeadlineTimer>
#include <QProcess>
#include <QProcessEnvironment>
#include <QThread>

using namespace socketscope;
using namespace socketscope::testing;

namespace {

class SshConnectTest : public SshLabTest {};

SshPrompts acceptWith(HostKeyDecision decision, int* calls, HostKeyInfo* seen)
{
    SshPrompts p;
    p.hostKey = [=](const HostKeyInfo& info) {
        ++*calls;
        *seen = info;
        return decision;
    };
    return p;
}

} // namespace

TEST_F(SshConnectTest, UnknownHostKeyIsRefusedByDefault)
{
    SshSession s(target());
    const Status st = s.connect();
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.error().contains(QStringLiteral("not known"))) << st.error().toStdString();
    // The refusal names the fingerprint OpenSSH's ssh-keygen computes for the server's key.
    EXPECT_TRUE(st.error().contains(m_lab->hostKeyFingerprint())) << st.error().toStdString();
    EXPECT_FALSE(s.isConnected());
    EXPECT_FALSE(QFile::exists(appKnownHosts()));
}

TEST_F(SshConnectTest, UnknownHostKeyAcceptedAndRememberedInTheAppFile)
{
    int calls = 0;
    HostKeyInfo seen;
    {
        SshSession s(target());
        s.setPrompts(acceptWith(HostKeyDecision::AcceptAndRemember, &calls, &seen));
        const Status st = s.connect();
        ASSERT_TRUE(st.ok()) << st.error().toStdString();
    }
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(seen.status, HostKeyInfo::Status::Unknown);
    EXPECT_EQ(seen.fingerprint, m_lab->hostKeyFingerprint());
    EXPECT_EQ(seen.keyType, QStringLiteral("ssh-ed25519"));
    EXPECT_EQ(seen.host, m_lab->knownHostsPattern());
    EXPECT_TRUE(lab::readAll(appKnownHosts()).contains(m_lab->hostPublicKey()));

    // The next connection trusts the remembered key without asking.
    SshSession again(target());
    again.setPrompts(acceptWith(HostKeyDecision::Reject, &calls, &seen));
    const Status st = again.connect();
    ASSERT_TRUE(st.ok()) << st.error().toStdString();
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(again.hostKey().status, HostKeyInfo::Status::Known);
}

TEST_F(SshConnectTest, AcceptOnceDoesNotPersistAndRejectDoesNotConnect)
{
    int calls = 0;
    HostKeyInfo seen;
    SshSession once(target());
    once.setPrompts(acceptWith(HostKeyDecision::AcceptOnce, &calls, &seen));
    ASSERT_TRUE(once.connect().ok());
    EXPECT_FALSE(QFile::exists(appKnownHosts()));

    SshSession rejected(target());
    rejected.setPrompts(acceptWith(HostKeyDecision::Reject, &calls, &seen));
    const Status st = rejected.connect();
    EXPECT_FALSE(st.ok());
    EXPECT_TRUE(st.error().contains(QStringLiteral("not accepted")));
    EXPECT_EQ(calls, 2);
}

TEST_F(SshConnectTest, HashedEntryInUsersKnownHostsIsAccepted)
{
    trustLab(/*hashed=*/true);
    const QByteArray file = lab::readAll(userKnownHosts());
    ASSERT_TRUE(file.startsWith("|1|")) << file.constData();
    ASSERT_FALSE(file.contains(m_lab->knownHostsPattern().toLatin1()));
    SshSession s(target());
    const Status st = s.connect();
    ASSERT_TRUE(st.ok()) << st.error().toStdString();
    EXPECT_EQ(s.hostKey().status, HostKeyInfo::Status::Known);
    EXPECT_TRUE(s.hostKey().knownIn.startsWith(userKnownHosts()));
}

TEST_F(SshConnectTest, ChangedHostKeyIsRefusedWithTheAttackWarningAndNoPrompt)
{
    // A private lab: rotating the key must not disturb the other tests' shared server.
    lab::SshdLab own;
    QString error;
    ASSERT_TRUE(own.start(&error)) << error.toStdString();
    ASSERT_TRUE(own.writeKnownHosts(userKnownHosts()));
    const QString oldFingerprint = own.hostKeyFingerprint();
    ASSERT_TRUE(own.rotateHostKey(&error)) << error.toStdString();
    ASSERT_NE(own.hostKeyFingerprint(), oldFingerprint);

    SshTarget t = target();
    t.port = own.port();
    t.keyFile = own.keyFile();
    int calls = 0;
    HostKeyInfo seen;
    SshSession s(t);
    s.setPrompts(acceptWith(HostKeyDecision::AcceptAndRemember, &calls, &seen));
    const Status st = s.connect();
    ASSERT_FALSE(st.ok());
    EXPECT_EQ(calls, 0) << "a changed key must never be offered for acceptance";
    EXPECT_TRUE(st.error().contains(QStringLiteral("CHANGED"))) << st.error().toStdString();
    EXPECT_TRUE(st.error().contains(QStringLiteral("man-in-the-middle")));
    EXPECT_TRUE(st.error().contains(oldFingerprint));
    EXPECT_TRUE(st.error().contains(own.hostKeyFingerprint()));
    EXPECT_TRUE(st.error().contains(QStringLiteral("ssh-keygen -R")));
    EXPECT_EQ(s.hostKey().status, HostKeyInfo::Status::Changed);
    EXPECT_FALSE(QFile::exists(appKnownHosts()));
}

TEST_F(SshConnectTest, KeyFileWithAndWithoutPassphrase)
{
    trustLab();
    {
        SshSession s(target(SshTarget::Auth::KeyFile));
        const Status st = s.connect();
        ASSERT_TRUE(st.ok()) << st.error().toStdString();
    }
    SshTarget t = target(SshTarget::Auth::KeyFile);
    t.keyFile = m_lab->encryptedKeyFile();
    {
        SshSession s(t);
        const Status st = s.connect();
        EXPECT_FALSE(st.ok());
        EXPECT_TRUE(st.error().contains(QStringLiteral("needs a passphrase"))) << st.error().toStdString();
    }
    {
        SshSession s(t);
        SshCredentials c;
        c.keyPassphrase = SecretBytes(QByteArrayLiteral("not the passphrase"));
        s.setCredentials(c);
        const Status st = s.connect();
        EXPECT_FALSE(st.ok());
        EXPECT_TRUE(st.error().contains(QStringLiteral("Wrong passphrase"))) << st.error().toStdString();
    }
    {
        // Asked through the prompt callback (what the GUI does).
        SshSession s(t);
        SshPrompts p;
        int asked = 0;
        p.secret = [&](const SecretRequest& r) -> std::optional<SecretBytes> {
            ++asked;
            EXPECT_EQ(r.kind, SecretRequest::Kind::KeyPassphrase);
            return SecretBytes(lab::SshdLab::keyPassphrase());
        };
        s.setPrompts(p);
        const Status st = s.connect();
        ASSERT_TRUE(st.ok()) << st.error().toStdString();
        EXPECT_EQ(asked, 1);
    }
    {
        SshTarget other = target(SshTarget::Auth::KeyFile);
        other.keyFile = m_lab->unauthorizedKeyFile();
        SshSession s(other);
        const Status st = s.connect();
        EXPECT_FALSE(st.ok());
        EXPECT_TRUE(st.error().contains(QStringLiteral("refused the key"))) << st.error().toStdString();
    }
}

TEST_F(SshConnectTest, PasswordRightAndWrong)
{
    trustLab();
    {
        SshSession s(target(SshTarget::Auth::Password));
        SshCredentials c;
        c.password = SecretBytes(lab::SshdLab::password());
        s.setCredentials(c);
        const Status st = s.connect();
        ASSERT_TRUE(st.ok()) << st.error().toStdString();
        Result<CommandResult> r = s.run(QStringLiteral("id -un"));
        ASSERT_TRUE(r.ok()) << r.error().toStdString();
        EXPECT_EQ(r->stdOut.trimmed(), lab::SshdLab::user().toLatin1());
    }
    SshSession s(target(SshTarget::Auth::Password));
    SshCredentials c;
    c.password = SecretBytes(QByteArrayLiteral("wrong-password"));
    s.setCredentials(c);
    const Status st = s.connect();
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.error().contains(QStringLiteral("wrong password"))) << st.error().toStdString();
}

TEST_F(SshConnectTest, KeyboardInteractiveAnswersThePasswordPrompt)
{
    trustLab();
    SshSession s(target(SshTarget::Auth::KeyboardInteractive));
    SshPrompts p;
    QList<SecretRequest> asked;
    p.secret = [&](const SecretRequest& r) -> std::optional<SecretBytes> {
        asked << r;
        return SecretBytes(lab::SshdLab::password());
    };
    s.setPrompts(p);
    const Status st = s.connect();
    ASSERT_TRUE(st.ok()) << st.error().toStdString();
    ASSERT_EQ(asked.size(), 1);
    EXPECT_EQ(asked[0].kind, SecretRequest::Kind::Password);
}

TEST_F(SshConnectTest, AgentWithARealSshAgent)
{
    LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/ssh-agent"), QStringLiteral("openssh-client")));
    LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/ssh-add"), QStringLiteral("openssh-client")));
    trustLab();
    const QString sock = m_tmp.filePath(QStringLiteral("agent.sock"));
    lab::Daemon agent;
    ASSERT_TRUE(agent.start(QStringLiteral("/usr/bin/ssh-agent"), {QStringLiteral("-D"), QStringLiteral("-a"), sock}));
    QDeadlineTimer deadline(5000);
    while (!QFile::exists(sock) && !deadline.hasExpired())
        QThread::msleep(10);
    ASSERT_TRUE(QFile::exists(sock));

    SshTarget t = target(SshTarget::Auth::Agent);
    t.agentSocket = sock;
    {
        SshSession empty(t);
        EXPECT_FALSE(empty.connect().ok()) << "an empty agent has no key to offer";
    }
    QProcess add;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SSH_AUTH_SOCK"), sock);
    add.setProcessEnvironment(env);
    add.start(QStringLiteral("/usr/bin/ssh-add"), {m_lab->keyFile()});
    ASSERT_TRUE(add.waitForFinished(10000));
    ASSERT_EQ(add.exitCode(), 0) << add.readAllStandardError().constData();

    SshSession s(t);
    const Status st = s.connect();
    ASSERT_TRUE(st.ok()) << st.error().toStdString();
}

TEST_F(SshConnectTest, JumpHostTunnelsToTheTarget)
{
    trustLab();
    SshTarget t = target(SshTarget::Auth::KeyFile);
    // The lab's sshd is both the jump host and (through the tunnel) the target.
    t.jumpHost = QStringLiteral("%1@%2:%3").arg(lab::SshdLab::user(), m_lab->host()).arg(m_lab->port());
    SshSession s(t);
    const Status st = s.connect();
    ASSERT_TRUE(st.ok()) << st.error().toStdString();
    Result<CommandResult> r = s.run(QStringLiteral("echo $SSH_CONNECTION"));
    ASSERT_TRUE(r.ok()) << r.error().toStdString();
    EXPECT_EQ(r->exitStatus, 0);
    EXPECT_TRUE(r->stdOut.startsWith("127.0.0.1 ")) << r->stdOut.constData();
}

// Each hop authenticates with its own credentials only. The jump host is the lab's `sstjump`
// (its own password, password authentication only); the target is `sstest`, whose password
// and key passphrase are given in advance. The jump session must ask for its own password,
// marked as a jump host's request, and sshd must never see the target's password tried on the
// jump account.
TEST_F(SshConnectTest, JumpHostNeverReceivesTheTargetsSecrets)
{
    trustLab();
    SshTarget t = target(SshTarget::Auth::Password);
    t.keyFile.clear();
    t.jumpHost = QStringLiteral("%1@%2:%3").arg(lab::SshdLab::jumpUser(), m_lab->host()).arg(m_lab->port());
    SshCredentials credentials;
    credentials.password = SecretBytes(lab::SshdLab::password());
    credentials.keyPassphrase = SecretBytes(lab::SshdLab::keyPassphrase());
    credentials.sudoPassword = SecretBytes(lab::SshdLab::password());

    struct Asked {
        SecretRequest::Hop hop;
        SecretRequest::Kind kind;
        QString target;
        bool retry;
    };
    QList<Asked> asked;
    SshPrompts prompts;
    prompts.secret = [&](const SecretRequest& r) -> std::optional<SecretBytes> {
        asked.append({r.hop, r.kind, r.target, r.retry});
        if (r.hop == SecretRequest::Hop::JumpHost && r.kind == SecretRequest::Kind::Password)
            return SecretBytes(lab::SshdLab::jumpPassword());
        return std::nullopt;
    };
    const qsizetype logFrom = m_lab->log().size();
    SshSession s(t);
    s.setPrompts(prompts);
    s.setCredentials(credentials);
    const Status st = s.connect();
    ASSERT_TRUE(st.ok()) << st.error().toStdString();
    Result<CommandResult> r = s.run(QStringLiteral("id -un"));
    ASSERT_TRUE(r.ok()) << r.error().toStdString();
    EXPECT_EQ(r->stdOut, QByteArray("sstest\n"));

    // The credentials provider was asked once, by the jump host, for the jump host's password.
    ASSERT_EQ(asked.size(), 1);
    EXPECT_EQ(asked[0].hop, SecretRequest::Hop::JumpHost);
    EXPECT_EQ(asked[0].kind, SecretRequest::Kind::Password);
    EXPECT_EQ(asked[0].target, QStringLiteral("%1@%2:%3").arg(lab::SshdLab::jumpUser(), m_lab->host()).arg(m_lab->port()));
    EXPECT_FALSE(asked[0].retry) << "a first answer was tried on the jump host before asking";

    // sshd's own record: the jump account logged in with its password at the first try, the
    // target with its own; no password ever failed.
    const QByteArray log = m_lab->log().mid(logFrom);
    EXPECT_TRUE(log.contains(QByteArray("Accepted password for " + lab::SshdLab::jumpUser().toLatin1()))) << log.constData();
    EXPECT_TRUE(log.contains(QByteArray("Accepted password for " + lab::SshdLab::user().toLatin1()))) << log.constData();
    EXPECT_FALSE(log.contains("Failed password")) << log.constData();
}

TEST_F(SshConnectTest, ConnectionRefusedIsAClearError)
{
    SshTarget t = target();
    t.port = lab::freePort();
    SshSession s(t);
    const Status st = s.connect();
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.error().startsWith(QStringLiteral("Cannot connect to"))) << st.error().toStdString();
}
