// SPDX-License-Identifier: GPL-3.0-or-later
// `socketscope-cli reload-test --profile P` over SSH (issue 13): the reload runs on the profile's
// SSH target as the runbook's does (the real sshd lab, a user who needs sudo for root's nginx,
// the sudo password on stdin or `sudo -n` for a NOPASSWD account), the old workers are watched
// there by pid. Judges: nginx's documented drain (old workers keep live sockets; with
// worker_shutdown_timeout they exit after it), its worker processes in /proc, the CLI's JSON and
// exit code as the contract; the sudo password must show in no process command line.
#include "lab/RunbookLab.h"
#include "lab/SshdLab.h"

#include "profiles/ProfileStore.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

QByteArray allCommandLines()
{
    QByteArray all;
    QDirIterator it(QStringLiteral("/proc"), {QStringLiteral("[0-9]*")}, QDir::Dirs);
    while (it.hasNext())
        all += readAll(it.next() + QStringLiteral("/cmdline")) + '\n';
    return all;
}

class ReloadTestOverSsh : public ::testing::Test {
protected:
    // A working WebSocket site behind the lab's nginx (root's, in a 0700 prefix), with
    // mainExtra at nginx's top level; the profile reaches it through the sshd lab as `user`.
    void startLab(const QString& user, bool sudoWithoutPassword, const QString& mainExtra = {})
    {
        QString why;
        sshd = SshdLab::shared(&why);
        if (!sshd)
            LAB_UNAVAILABLE(why);
        if (!lab.start(&why))
            LAB_UNAVAILABLE(why);
        ASSERT_TRUE(writeFile(lab.siteAvailable(), lab.fixedSite().toUtf8()));
        if (!mainExtra.isEmpty()) {
            ASSERT_TRUE(writeFile(lab.nginx().confPath(), mainExtra.toUtf8() + '\n' + readAll(lab.nginx().confPath())));
        }
        QByteArray log;
        ASSERT_TRUE(lab.nginx().reloadAndWaitForNewWorkers(&log)) << log.constData();
        Profile& p = lab.profile();
        p.name = QStringLiteral("lab-proxy");
        p.ssh.host = sshd->host();
        p.ssh.port = sshd->port();
        p.ssh.user = user;
        p.ssh.auth = SshAccess::AuthMethod::KeyFile;
        p.ssh.keyFile = sshd->keyFile();
        p.ssh.sudoWithoutPassword = sudoWithoutPassword;
        ProfileStore store(home.filePath(QStringLiteral("profiles.json")));
        ASSERT_TRUE(store.load());
        ASSERT_TRUE(store.add(p));
    }

    // Runs reload-test to its end, sampling every process's command line; its JSON.
    QJsonObject run(const QByteArray& sudoPassword, int* exitCode, std::string* dump)
    {
        QStringList args{QStringLiteral("--profiles"), home.filePath(QStringLiteral("profiles.json")), QStringLiteral("reload-test"),
                         QStringLiteral("--profile"), QStringLiteral("lab-proxy"), QStringLiteral("--sockets"), QStringLiteral("3"),
                         QStringLiteral("--window"), QStringLiteral("4"), QStringLiteral("--accept-new-host-key"), QStringLiteral("--json")};
        if (!sudoPassword.isEmpty())
            args << QStringLiteral("--sudo-password-stdin");
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        p.setProcessEnvironment(env);
        p.start(cliPath(), args);
        if (!sudoPassword.isEmpty())
            p.write(sudoPassword + '\n');
        p.closeWriteChannel();
        QDeadlineTimer deadline(60000);
        while (p.state() != QProcess::NotRunning && !deadline.hasExpired()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20); // the backend lives in this process
            p.waitForFinished(10);
            if (!sudoPassword.isEmpty())
                passwordInArgv = passwordInArgv || allCommandLines().contains(sudoPassword);
        }
        *exitCode = p.state() == QProcess::NotRunning ? p.exitCode() : -1;
        const QByteArray out = p.readAllStandardOutput();
        *dump = out.toStdString() + p.readAllStandardError().toStdString();
        return QJsonDocument::fromJson(out).object();
    }

    SshdLab* sshd = nullptr;
    RunbookLab lab;
    QTemporaryDir home;
    bool passwordInArgv = false;
};

} // namespace

TEST_F(ReloadTestOverSsh, NoPasswordSudoAccountReloadsAndTheSocketsSurvive)
{
    startLab(SshdLab::noPasswordSudoUser(), true);
    const qint64 master = lab.nginx().masterPid();
    const QSet<QByteArray> before = nginxWorkerPids(master);
    int code = -1;
    std::string dump;
    const QJsonObject o = run({}, &code, &dump);
    EXPECT_EQ(code, 0) << dump;
    EXPECT_EQ(o.value(QLatin1String("sockets")).toInt(), 3) << dump;
    EXPECT_EQ(o.value(QLatin1String("survived")).toInt(), 3) << dump;
    // The old worker keeps the live sockets: still draining when the window ended.
    EXPECT_TRUE(o.value(QLatin1String("drain_s")).isNull()) << dump;
    EXPECT_EQ(o.value(QLatin1String("drain_from")).toString(), QStringLiteral("workers")) << dump;
    EXPECT_TRUE(o.value(QLatin1String("new_connections_ok")).toBool()) << dump;
    EXPECT_NE(nginxWorkerPids(master), before) << "nginx was reloaded over SSH";
}

TEST_F(ReloadTestOverSsh, PasswordSudoReloadWithWorkerShutdownTimeoutReportsTheDrainAndTheAdvice)
{
    startLab(SshdLab::user(), false, QStringLiteral("worker_shutdown_timeout 1s;"));
    const qint64 master = lab.nginx().masterPid();
    const QSet<QByteArray> before = nginxWorkerPids(master);
    int code = -1;
    std::string dump;
    const QJsonObject o = run(SshdLab::password(), &code, &dump);
    EXPECT_EQ(code, 1) << dump;
    EXPECT_EQ(o.value(QLatin1String("opened")).toInt(), 3) << dump;
    EXPECT_EQ(o.value(QLatin1String("survived")).toInt(), 0) << dump;
    ASSERT_TRUE(o.value(QLatin1String("drain_s")).isDouble()) << dump;
    // Ended by nginx's 1 s timeout: not before it, and well before the window's end (our own close).
    EXPECT_GE(o.value(QLatin1String("drain_s")).toDouble(), 0.95) << dump;
    EXPECT_LT(o.value(QLatin1String("drain_s")).toDouble(), 2.9) << dump;
    EXPECT_EQ(o.value(QLatin1String("drain_from")).toString(), QStringLiteral("workers")) << dump;
    EXPECT_TRUE(o.value(QLatin1String("new_connections_ok")).toBool()) << dump;
    EXPECT_TRUE(o.value(QLatin1String("advice")).toArray().first().toString().contains(QStringLiteral("worker_shutdown_timeout"))) << dump;
    EXPECT_TRUE(o.value(QLatin1String("advice")).toArray().first().toString().contains(QStringLiteral("hard-stop-after"))) << dump;
    EXPECT_NE(nginxWorkerPids(master), before) << "nginx was reloaded over SSH";
    EXPECT_FALSE(passwordInArgv) << "the sudo password appeared in a process command line";
    EXPECT_FALSE(sshd->log().contains(SshdLab::password()));
}
