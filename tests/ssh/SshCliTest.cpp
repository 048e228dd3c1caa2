// SPDX-License-Identifier: GPL-3.0-or-later
// socketscope-cli ssh / ssh-fingerprint against a real sshd, with HOME and XDG_CONFIG_HOME in a
// temporary directory so the user's real known_hosts files are never read or written.
#include "SshTestSupport.h"

#include <QDirIterator>
#include <QProcess>
#include <QProcessEnvironment>

using namespace socketscope;
using namespace socketscope::testing;

namespace {

struct CliRun {
    int exitCode = -1;
    QByteArray out, err;
};

class SshCliTest : public SshLabTest {
protected:
    CliRun cli(const QStringList& args, const QByteArray& stdinData = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), m_tmp.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_tmp.filePath(QStringLiteral("config")));
        env.remove(QStringLiteral("SSH_AUTH_SOCK"));
        p.setProcessEnvironment(env);
        p.start(lab::cliPath(), args);
        EXPECT_TRUE(p.waitForStarted(5000));
        p.write(stdinData);
        p.closeWriteChannel();
        EXPECT_TRUE(p.waitForFinished(60000));
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(), p.readAllStandardError()};
    }
    QString spec() const { return QStringLiteral("%1@127.0.0.1:%2").arg(lab::SshdLab::user()).arg(m_lab->port()); }
};

} // namespace

TEST_F(SshCliTest, FingerprintThenAcceptNewHostKeyThenRun)
{
    CliRun fp = cli({QStringLiteral("ssh-fingerprint"), spec()});
    EXPECT_EQ(fp.exitCode, 1) << fp.err.constData();
    EXPECT_TRUE(fp.out.contains(m_lab->hostKeyFingerprint().toLatin1())) << fp.out.constData();
    EXPECT_TRUE(fp.out.contains("status       unknown"));

    CliRun refused = cli({QStringLiteral("ssh"), spec(), QStringLiteral("--key"), m_lab->keyFile(), QStringLiteral("--"), QStringLiteral("true")});
    EXPECT_EQ(refused.exitCode, 255);
    EXPECT_TRUE(refused.err.contains("not known")) << refused.err.constData();
    EXPECT_TRUE(refused.err.contains("--accept-new-host-key"));

    CliRun ran = cli({QStringLiteral("ssh"), spec(), QStringLiteral("--key"), m_lab->keyFile(), QStringLiteral("--accept-new-host-key"),
                      QStringLiteral("--"), QStringLiteral("echo out; echo err >&2; exit 7")});
    EXPECT_EQ(ran.exitCode, 7) << ran.err.constData();
    EXPECT_EQ(ran.out, QByteArray("out\n"));
    EXPECT_EQ(ran.err, QByteArray("err\n"));

    CliRun known = cli({QStringLiteral("ssh-fingerprint"), spec(), QStringLiteral("--json")});
    EXPECT_EQ(known.exitCode, 0) << known.out.constData();
    EXPECT_TRUE(known.out.contains("\"status\": \"known\"")) << known.out.constData();
}

TEST_F(SshCliTest, PasswordAndSudoPasswordFromStdin)
{
    ASSERT_TRUE(QDir().mkpath(m_tmp.filePath(QStringLiteral(".ssh"))));
    ASSERT_TRUE(m_lab->writeKnownHosts(m_tmp.filePath(QStringLiteral(".ssh/known_hosts")), true));
    const QByteArray pw = lab::SshdLab::password();
    CliRun ok = cli({QStringLiteral("ssh"), spec(), QStringLiteral("--password-stdin"), QStringLiteral("--sudo"),
                     QStringLiteral("--sudo-password-stdin"), QStringLiteral("--"), QStringLiteral("id"), QStringLiteral("-u")},
                    pw + '\n' + pw + '\n');
    EXPECT_EQ(ok.exitCode, 0) << ok.err.constData();
    EXPECT_EQ(ok.out, QByteArray("0\n"));

    CliRun wrongSudo = cli({QStringLiteral("ssh"), spec(), QStringLiteral("--password-stdin"), QStringLiteral("--sudo"),
                            QStringLiteral("--sudo-password-stdin"), QStringLiteral("--"), QStringLiteral("id")},
                           pw + "\nnot-it\n");
    EXPECT_EQ(wrongSudo.exitCode, 255);
    EXPECT_TRUE(wrongSudo.err.contains("sudo: incorrect password for sstest")) << wrongSudo.err.constData();

    CliRun wrongLogin = cli({QStringLiteral("ssh"), spec(), QStringLiteral("--password-stdin"), QStringLiteral("--"), QStringLiteral("id")},
                            "nope\n");
    EXPECT_EQ(wrongLogin.exitCode, 255) << wrongLogin.err.constData();
    EXPECT_TRUE(wrongLogin.err.contains("wrong password")) << wrongLogin.err.constData();
}

TEST_F(SshCliTest, ProfileFromTheStoreGivesHostUserAndKey)
{
    const QString store = m_tmp.filePath(QStringLiteral("profiles.json"));
    CliRun added = cli({QStringLiteral("--profiles"), store, QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("lab box"),
                        QStringLiteral("--url"), QStringLiteral("ws://127.0.0.1:9/ws"), QStringLiteral("--ssh"), spec(),
                        QStringLiteral("--auth"), QStringLiteral("key-file"), QStringLiteral("--key"), m_lab->keyFile()});
    ASSERT_EQ(added.exitCode, 0) << added.err.constData() << added.out.constData();
    CliRun ran = cli({QStringLiteral("--profiles"), store, QStringLiteral("ssh"), QStringLiteral("lab box"),
                      QStringLiteral("--accept-new-host-key"), QStringLiteral("--"), QStringLiteral("id"), QStringLiteral("-un")});
    EXPECT_EQ(ran.exitCode, 0) << ran.err.constData();
    EXPECT_EQ(ran.out, QByteArray("sstest\n"));
    CliRun missing = cli({QStringLiteral("--profiles"), store, QStringLiteral("ssh"), QStringLiteral("no such"), QStringLiteral("--"), QStringLiteral("true")});
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_TRUE(missing.err.contains("lab box")) << "the error lists the known profiles: " << missing.err.constData();
}

// The report: `ssh-fingerprint user@LOCALHOST:PORT` said "unknown" for a host whose
// recorded key had changed (so --accept-new-host-key would have accepted a man-in-the-middle
// key). The name is lower-cased before the lookup, hashed entries included: "changed", and
// `ssh --accept-new-host-key` refuses and writes nothing. (HostKeyOracleTest grades the same
// cases against OpenSSH's own `ssh`.)
TEST_F(SshCliTest, UpperCaseHostWithAChangedKeyIsChangedNeverUnknown)
{
    const QString knownHosts = m_tmp.filePath(QStringLiteral(".ssh/known_hosts"));
    ASSERT_TRUE(m_lab->writeKnownHosts(knownHosts, true));
    ASSERT_TRUE(m_lab->rotateHostKey());
    for (const QString& host : {QStringLiteral("LOCALHOST"), QStringLiteral("127.0.0.1")}) {
        SCOPED_TRACE(host.toStdString());
        // writeKnownHosts records "[127.0.0.1]:PORT"; add the same old key under "[localhost]:PORT".
        const QString upper = QStringLiteral("%1@%2:%3").arg(lab::SshdLab::user(), host).arg(m_lab->port());
        if (host == QLatin1String("LOCALHOST")) {
            QByteArray line = lab::readAll(knownHosts).split('\n').value(0);
            const QString hashedFile = m_tmp.filePath(QStringLiteral("lower"));
            ASSERT_TRUE(lab::writeFile(hashedFile, "[localhost]:" + QByteArray::number(m_lab->port()) + ' '
                                                       + line.mid(line.indexOf(' ') + 1) + '\n'));
            ASSERT_EQ(lab::runProgram(QStringLiteral("/usr/bin/ssh-keygen"), {QStringLiteral("-H"), QStringLiteral("-f"), hashedFile}), 0);
            QFile::remove(hashedFile + QStringLiteral(".old"));
            ASSERT_TRUE(lab::writeFile(knownHosts, lab::readAll(knownHosts) + lab::readAll(hashedFile)));
        }
        CliRun fp = cli({QStringLiteral("ssh-fingerprint"), upper, QStringLiteral("--json")});
        EXPECT_EQ(fp.exitCode, 1) << fp.err.constData();
        EXPECT_TRUE(fp.out.contains("\"status\": \"changed\"")) << fp.out.constData();
        CliRun ran = cli({QStringLiteral("ssh"), upper, QStringLiteral("--key"), m_lab->keyFile(), QStringLiteral("--accept-new-host-key"),
                          QStringLiteral("--"), QStringLiteral("true")});
        EXPECT_EQ(ran.exitCode, 255);
        EXPECT_TRUE(ran.err.contains("CHANGED")) << ran.err.constData();
    }
    // Nothing was accepted: no app known_hosts file holds the new key.
    QDirIterator it(m_tmp.filePath(QStringLiteral("config")), {QStringLiteral("known_hosts")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString f = it.next();
        EXPECT_FALSE(lab::readAll(f).contains(m_lab->hostPublicKey().split(' ').value(1))) << f.toStdString();
    }
}
