// SPDX-License-Identifier: GPL-3.0-or-later
// The safety matrix: `socketscope-cli runbook run nginx-websocket-fix` as a user runs it, against
// a real nginx owned by root, on this machine (--local, the CLI running as an unprivileged user)
// and over the real sshd lab, with a password sudo rule and with a NOPASSWD rule (with and
// without a password given). After every run: the site file holds exactly what the product's
// fixer planned; no file under the nginx prefix (the backup included), in the run directory, in
// the audit trail (and its --audit copy) or in sshd's log contains the sudo password; and no
// process's /proc/PID/cmdline or environ held it at any sample taken during the run.
#include "lab/RunbookLab.h"
#include "lab/SshdLab.h"

#include "core/ProcessHardening.h"
#include "profiles/ProfileStore.h"
#include "runbook/ConfigFixer.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QUrl>

#include <gtest/gtest.h>

#ifndef _WIN32
#include <pwd.h>
#include <unistd.h>
#endif

using namespace socketscope;
using namespace socketscope::lab;

namespace {

enum class Transport { Local, Ssh };
enum class SudoRule { Password, NoPassword };

struct Case {
    const char* name;
    Transport transport;
    SudoRule rule;           // the account's sudoers rule
    bool sudoWithoutPassword; // the profile's "sudo without password" (`sudo -n`)
    bool givePassword;       // --sudo-password-stdin with the account's password
};

// gtest and ctest show the case by its name.
void PrintTo(const Case& c, std::ostream* os)
{
    *os << c.name;
}

const Case kCases[] = {
    {"LocalPasswordSudo", Transport::Local, SudoRule::Password, false, true},
    {"LocalNopasswdSudoWithAPasswordGiven", Transport::Local, SudoRule::NoPassword, false, true},
    {"LocalNopasswdSudoN", Transport::Local, SudoRule::NoPassword, true, false},
    {"SshPasswordSudo", Transport::Ssh, SudoRule::Password, false, true},
    {"SshNopasswdSudoWithAPasswordGiven", Transport::Ssh, SudoRule::NoPassword, false, true},
    {"SshNopasswdSudoN", Transport::Ssh, SudoRule::NoPassword, true, false},
};

// Every process's command line and environment right now: where the secret was found.
QStringList procLeaks(const QByteArray& secret, int* scanned)
{
    QStringList leaks;
    for (qint64 pid : lab::allPids()) {
        for (const char* what : {"cmdline", "environ"}) {
            QFile f(QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1String(what)));
            if (!f.open(QIODevice::ReadOnly))
                continue;
            ++*scanned;
            if (f.readAll().contains(secret))
                leaks << QStringLiteral("%1/%2").arg(pid).arg(QLatin1String(what));
        }
    }
    return leaks;
}

// A copy of the CLI that any user may run (the build tree may sit in a home directory that the
// lab's users cannot enter).
QString cliForOtherUsers()
{
    static QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/socketscope-cli-XXXXXX"));
    static const QString path = [] {
        const QString copy = dir.filePath(QStringLiteral("socketscope-cli"));
        if (!QFile::copy(cliPath(), copy))
            return QString();
        const auto rx = QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner | QFileDevice::ReadGroup
                        | QFileDevice::ExeGroup | QFileDevice::ReadOther | QFileDevice::ExeOther;
        QFile::setPermissions(dir.path(), rx);
        QFile::setPermissions(copy, rx);
        return copy;
    }();
    return path;
}

// Regular files under dir, recursively (hidden ones included).
QStringList filesUnder(const QString& dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (it.hasNext())
        out << it.next();
    return out;
}

class RunbookSafetyMatrix : public ::testing::TestWithParam<Case> {
protected:
    void SetUp() override
    {
        QString why;
        sshd = SshdLab::shared(&why); // also creates the lab users and their sudo rules
        if (!sshd)
            LAB_UNAVAILABLE(why);
        if (!lab.start(&why))
            LAB_UNAVAILABLE(why);
        ASSERT_TRUE(home.isValid());
        const Case& c = GetParam();
        user = c.rule == SudoRule::Password ? SshdLab::user() : SshdLab::noPasswordSudoUser();
        Profile& p = lab.profile();
        p.name = QStringLiteral("lab-proxy");
        p.ssh.sudoWithoutPassword = c.sudoWithoutPassword;
        if (c.transport == Transport::Ssh) {
            p.ssh.host = sshd->host();
            p.ssh.port = sshd->port();
            p.ssh.user = user;
            p.ssh.auth = SshAccess::AuthMethod::KeyFile;
            p.ssh.keyFile = sshd->keyFile();
        }
        ProfileStore store(home.filePath(QStringLiteral("profiles.json")));
        ASSERT_TRUE(store.load());
        ASSERT_TRUE(store.add(p));
        // What the product's fixer plans for the broken site: the only bytes the file may hold.
        const QStringList paths{QUrl(p.publicUrl).path(), QUrl(p.directUrl).path()};
        Result<FixPlan> plan = makeDefaultConfigFixer(paths)->plan(readAll(lab.siteAvailable()), lab.siteAvailable());
        ASSERT_TRUE(plan) << plan.error().toStdString();
        expectedSite = plan->newText;
        ASSERT_NE(expectedSite, readAll(lab.siteAvailable()));
#ifndef _WIN32
        if (c.transport == Transport::Local) {
            // The CLI runs as the lab user: its home (run directory, audit) belongs to it, the
            // nginx prefix stays root's (0700), so every step needs sudo.
            const struct passwd* pw = ::getpwnam(user.toLocal8Bit().constData());
            ASSERT_NE(pw, nullptr);
            uid = pw->pw_uid;
            ASSERT_EQ(lab::runProgram(QStringLiteral("/bin/chown"), {QStringLiteral("-R"), user + QLatin1Char(':') + user, home.path()}), 0);
            ASSERT_FALSE(cliForOtherUsers().isEmpty()) << "cannot copy " << cliPath().toStdString();
        }
#endif
    }

    // Runs the CLI to its end, sampling /proc all the while; the backend lives in this process.
    int runCli(QByteArray* out)
    {
        const Case& c = GetParam();
        QStringList args{QStringLiteral("--profiles"), home.filePath(QStringLiteral("profiles.json")), QStringLiteral("runbook"),
                         QStringLiteral("run"), QStringLiteral("nginx-websocket-fix"), QStringLiteral("--profile"),
                         QStringLiteral("lab-proxy"), QStringLiteral("--yes"), QStringLiteral("--monitor-seconds"), QStringLiteral("1"),
                         QStringLiteral("--json"), QStringLiteral("--audit"), auditCopy()};
        if (c.transport == Transport::Local)
            args << QStringLiteral("--local");
        else
            args << QStringLiteral("--accept-new-host-key");
        if (c.givePassword)
            args << QStringLiteral("--sudo-password-stdin");
        QString program = cliPath();
        if (c.transport == Transport::Local) {
            program = cliForOtherUsers();
            args = QStringList{QStringLiteral("--reuid=") + user, QStringLiteral("--regid=") + user, QStringLiteral("--init-groups"),
                               QStringLiteral("--"), program} + args;
            program = QStringLiteral("/usr/bin/setpriv");
        }
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.remove(QStringLiteral("XDG_RUNTIME_DIR")); // root's, not the lab user's
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::SeparateChannels);
        p.start(program, args);
        if (!p.waitForStarted(10000))
            return -1;
        if (c.givePassword)
            p.write(SshdLab::password() + '\n');
        p.closeWriteChannel();
        QDeadlineTimer deadline(180000);
        while (p.state() != QProcess::NotRunning && !deadline.hasExpired()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            p.waitForFinished(10);
            ++samples;
            for (const QString& leak : procLeaks(SshdLab::password(), &scanned))
                if (!leaks.contains(leak))
                    leaks << leak;
            if (c.transport == Transport::Local && !sawHardened)
                sawHardened = hardened(p.processId());
        }
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished();
        }
        *out = p.readAllStandardOutput();
        stdErr = p.readAllStandardError();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    // The CLI (running as the lab user) may not dump core and is not dumpable: its /proc/PID
    // belongs to the user, but /proc/PID/environ to root (Linux does that for non-dumpable tasks).
    bool hardened(qint64 pid) const
    {
        const QString dir = QStringLiteral("/proc/%1").arg(pid);
        if (QFileInfo(dir + QStringLiteral("/exe")).symLinkTarget() != QFileInfo(cliForOtherUsers()).canonicalFilePath())
            return false; // still setpriv
        const QByteArray limits = readAll(dir + QStringLiteral("/limits"));
        const qsizetype at = limits.indexOf("Max core file size");
        const QList<QByteArray> words = limits.mid(at, limits.indexOf('\n', at) - at).simplified().split(' ');
        return at >= 0 && words.size() >= 6 && words.at(4) == "0" && words.at(5) == "0"
            && QFileInfo(dir).ownerId() == uid && uid != 0 && QFileInfo(dir + QStringLiteral("/environ")).ownerId() == 0;
    }

    QString auditCopy() const { return home.filePath(QStringLiteral("audit-copy.jsonl")); }

    SshdLab* sshd = nullptr;
    RunbookLab lab;
    QTemporaryDir home;
    QString user;
    uint uid = 0;
    QByteArray expectedSite;
    QByteArray stdErr;
    int samples = 0;
    int scanned = 0;
    QStringList leaks;
    bool sawHardened = false;
};

} // namespace

TEST_P(RunbookSafetyMatrix, FixesAndTheSudoPasswordLeaksNowhere)
{
    const Case& c = GetParam();
    const QByteArray password = SshdLab::password();
    QByteArray out;
    const int rc = runCli(&out);
    const QJsonObject j = QJsonDocument::fromJson(out).object();
    EXPECT_EQ(rc, 0) << out.toStdString() << stdErr.toStdString();
    EXPECT_EQ(j.value(QLatin1String("outcome")).toString(), QStringLiteral("ok")) << out.toStdString();
    EXPECT_EQ(j.value(QLatin1String("final_probe")).toString(), QStringLiteral("ok"));
    EXPECT_TRUE(j.value(QLatin1String("host")).toString().contains(user)) << "the run acted as " << user.toStdString();

    // Exactly the fixer's bytes: nothing meant for sudo reached `cat > temp` of the upload.
    const QByteArray site = readAll(lab.siteAvailable());
    EXPECT_FALSE(site.contains(password)) << "the sudo password is in the live site file";
    EXPECT_EQ(site, expectedSite);
    const QString backup = j.value(QLatin1String("backup")).toString();
    ASSERT_FALSE(backup.isEmpty());
    EXPECT_EQ(readAll(backup), lab.brokenSite().toUtf8()) << "the backup holds the original, byte for byte";
    EXPECT_TRUE(lab.nginx().test());

    // Every file: the nginx prefix (site, backup, logs), the run directory and audit trail, the
    // --audit copy, sshd's log.
    QStringList files = filesUnder(lab.nginx().prefix()) + filesUnder(QFileInfo(backup).absolutePath()) + filesUnder(home.path());
    if (c.transport == Transport::Ssh)
        files << sshd->logPath();
    const QString audit = j.value(QLatin1String("audit")).toString();
    EXPECT_TRUE(files.contains(audit)) << audit.toStdString();
    EXPECT_TRUE(files.contains(auditCopy()));
    EXPECT_GT(files.size(), 8);
    for (const QString& f : std::as_const(files))
        EXPECT_FALSE(readAll(f).contains(password)) << "the sudo password is in " << f.toStdString();
    EXPECT_FALSE(out.contains(password) || stdErr.contains(password));

    // The /proc watch ran during the whole run and never saw it.
    EXPECT_GT(samples, 10);
    EXPECT_GT(scanned, 100);
    EXPECT_TRUE(leaks.isEmpty()) << leaks.join(QLatin1Char(' ')).toStdString();
    if (c.transport == Transport::Local) {
        EXPECT_TRUE(sawHardened) << "the CLI disables core dumps and is not dumpable";
    }
}

INSTANTIATE_TEST_SUITE_P(Matrix, RunbookSafetyMatrix, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& p) { return std::string(p.param.name); });

// A profile that says "sudo without password" means `sudo -n`, never "act without sudo": an
// account whose sudo needs a password then fails clearly at the first sudo, and nothing changes.
TEST(RunbookSudoN, PasswordSudoAccountMarkedWithoutPasswordFailsBeforeAnyChange)
{
    QString why;
    SshdLab* sshd = SshdLab::shared(&why);
    if (!sshd)
        LAB_UNAVAILABLE(why);
    RunbookLab lab;
    if (!lab.start(&why))
        LAB_UNAVAILABLE(why);
    QTemporaryDir home;
    Profile& p = lab.profile();
    p.name = QStringLiteral("lab-proxy");
    p.ssh.host = sshd->host();
    p.ssh.port = sshd->port();
    p.ssh.user = SshdLab::user();
    p.ssh.auth = SshAccess::AuthMethod::KeyFile;
    p.ssh.keyFile = sshd->keyFile();
    p.ssh.sudoWithoutPassword = true;
    ProfileStore store(home.filePath(QStringLiteral("profiles.json")));
    ASSERT_TRUE(store.load());
    ASSERT_TRUE(store.add(p));
    const QMap<QString, QString> before = lab.prefixChecksums();
    QProcess cli;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    cli.setProcessEnvironment(env);
    cli.start(cliPath(), {QStringLiteral("--profiles"), home.filePath(QStringLiteral("profiles.json")), QStringLiteral("runbook"),
                          QStringLiteral("run"), QStringLiteral("nginx-websocket-fix"), QStringLiteral("--profile"), QStringLiteral("lab-proxy"),
                          QStringLiteral("--yes"), QStringLiteral("--json"), QStringLiteral("--accept-new-host-key")});
    cli.closeWriteChannel();
    QDeadlineTimer deadline(120000);
    while (cli.state() != QProcess::NotRunning && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        cli.waitForFinished(10);
    }
    const QByteArray out = cli.readAllStandardOutput();
    EXPECT_EQ(cli.exitCode(), 1) << out.toStdString();
    const QJsonObject j = QJsonDocument::fromJson(out).object();
    const QJsonObject preflight = j.value(QLatin1String("steps")).toArray().first().toObject();
    EXPECT_EQ(preflight.value(QLatin1String("state")).toString(), QStringLiteral("failed")) << out.toStdString();
    EXPECT_TRUE(preflight.value(QLatin1String("message")).toString().contains(QStringLiteral("a password is required"))) << out.toStdString();
    EXPECT_EQ(lab.prefixChecksums(), before) << "nothing changed on the server";
}

// On this machine with a wrong sudo password: sudo asks again, which ends the step at once with
// a clear error (no hang, no retry with the same password), and nothing changes.
TEST(RunbookLocalSudo, WrongPasswordFailsPreflightClearlyAndChangesNothing)
{
    QString why;
    if (!SshdLab::shared(&why)) // creates the lab users
        LAB_UNAVAILABLE(why);
    RunbookLab lab;
    if (!lab.start(&why))
        LAB_UNAVAILABLE(why);
    QTemporaryDir home;
    Profile& p = lab.profile();
    p.name = QStringLiteral("lab-proxy");
    p.ssh.sudoWithoutPassword = false;
    ProfileStore store(home.filePath(QStringLiteral("profiles.json")));
    ASSERT_TRUE(store.load());
    ASSERT_TRUE(store.add(p));
    const QString user = SshdLab::user();
    ASSERT_EQ(lab::runProgram(QStringLiteral("/bin/chown"), {QStringLiteral("-R"), user + QLatin1Char(':') + user, home.path()}), 0);
    ASSERT_FALSE(cliForOtherUsers().isEmpty());
    const QMap<QString, QString> before = lab.prefixChecksums();
    QProcess cli;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
    env.remove(QStringLiteral("XDG_RUNTIME_DIR"));
    cli.setProcessEnvironment(env);
    cli.start(QStringLiteral("/usr/bin/setpriv"),
              {QStringLiteral("--reuid=") + user, QStringLiteral("--regid=") + user, QStringLiteral("--init-groups"), QStringLiteral("--"),
               cliForOtherUsers(), QStringLiteral("--profiles"), home.filePath(QStringLiteral("profiles.json")), QStringLiteral("runbook"),
               QStringLiteral("run"), QStringLiteral("nginx-websocket-fix"), QStringLiteral("--profile"), QStringLiteral("lab-proxy"),
               QStringLiteral("--local"), QStringLiteral("--yes"), QStringLiteral("--json"), QStringLiteral("--sudo-password-stdin")});
    ASSERT_TRUE(cli.waitForStarted(10000));
    cli.write("not-the-sudo-password\n");
    cli.closeWriteChannel();
    QDeadlineTimer deadline(120000);
    while (cli.state() != QProcess::NotRunning && !deadline.hasExpired()) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        cli.waitForFinished(10);
    }
    ASSERT_EQ(cli.state(), QProcess::NotRunning) << "the CLI hung";
    const QByteArray out = cli.readAllStandardOutput();
    EXPECT_EQ(cli.exitCode(), 1) << out.toStdString();
    const QJsonObject preflight = QJsonDocument::fromJson(out).object().value(QLatin1String("steps")).toArray().first().toObject();
    EXPECT_EQ(preflight.value(QLatin1String("state")).toString(), QStringLiteral("failed")) << out.toStdString();
    EXPECT_TRUE(preflight.value(QLatin1String("message")).toString().contains(QStringLiteral("sudo: incorrect password for sstest on this machine.")))
        << out.toStdString();
    EXPECT_EQ(lab.prefixChecksums(), before) << "nothing changed on the server";
    for (const QString& f : filesUnder(home.path()))
        EXPECT_FALSE(readAll(f).contains("not-the-sudo-password")) << f.toStdString();
}
