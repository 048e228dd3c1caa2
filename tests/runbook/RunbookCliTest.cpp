// SPDX-License-Identifier: GPL-3.0-or-later
// `socketscope-cli runbook …` as a user runs it: a real profile store, a real nginx and backend,
// --local, --dry-run, --yes, --json, exit status 0 only when the proxy is fixed.
#include "lab/RunbookLab.h"

#include "lab/SshdLab.h"
#include "profiles/ProfileStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

class RunbookCli : public ::testing::Test {
protected:
    void SetUp() override
    {
        QString error;
        if (!lab.start(&error))
            LAB_UNAVAILABLE(error);
        lab.profile().name = QStringLiteral("lab-proxy");
        ProfileStore store(home.filePath(QStringLiteral("profiles.json")));
        ASSERT_TRUE(store.load());
        const Status st = store.add(lab.profile());
        ASSERT_TRUE(st) << st.error().toStdString();
    }
    // Runs the CLI with its own HOME/XDG dirs (run state and audit go there), stdin closed.
    int cli(const QStringList& args, QByteArray* out, const QByteArray& stdinData = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        p.setProcessEnvironment(env);
        p.setProcessChannelMode(QProcess::SeparateChannels);
        p.start(cliPath(), QStringList{QStringLiteral("--profiles"), home.filePath(QStringLiteral("profiles.json"))} + args);
        if (!stdinData.isEmpty())
            p.write(stdinData);
        p.closeWriteChannel();
        // The backend lives in this process: keep its event loop turning while the CLI runs.
        QDeadlineTimer deadline(120000);
        while (p.state() != QProcess::NotRunning && !deadline.hasExpired()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            p.waitForFinished(10);
        }
        *out = p.readAllStandardOutput() + p.readAllStandardError();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    RunbookLab lab;
    QTemporaryDir home;
};

} // namespace

TEST_F(RunbookCli, DryRunThenRunWithoutYesRefusesThenRunFixes)
{
    QByteArray out;
    const QByteArray original = readAll(lab.siteAvailable());
    ProbeOptions probe;
    probe.url = lab.profile().publicUrl;
    const ProbeResult before = lab::probe(probe);
    ASSERT_NE(before.cause, QStringLiteral("ok"));
    ASSERT_EQ(cli({QStringLiteral("runbook"), QStringLiteral("run"), QStringLiteral("nginx-websocket-fix"), QStringLiteral("--profile"),
                   QStringLiteral("lab-proxy"), QStringLiteral("--local"), QStringLiteral("--dry-run")}, &out), 0)
        << out.toStdString();
    EXPECT_TRUE(out.contains("would run:")) << out.toStdString();
    EXPECT_EQ(readAll(lab.siteAvailable()), original);

    // Without --yes and without a terminal, the first server change is refused: nothing changes.
    EXPECT_EQ(cli({QStringLiteral("runbook"), QStringLiteral("run"), QStringLiteral("nginx-websocket-fix"), QStringLiteral("--profile"),
                   QStringLiteral("lab-proxy"), QStringLiteral("--local")}, &out), 1);
    EXPECT_TRUE(out.contains("--yes")) << out.toStdString();
    EXPECT_EQ(readAll(lab.siteAvailable()), original);

    const int rc = cli({QStringLiteral("runbook"), QStringLiteral("run"), QStringLiteral("nginx-websocket-fix"), QStringLiteral("--profile"),
                        QStringLiteral("lab-proxy"), QStringLiteral("--local"), QStringLiteral("--yes"), QStringLiteral("--monitor-seconds"),
                        QStringLiteral("1"), QStringLiteral("--json")}, &out);
    const QJsonObject j = QJsonDocument::fromJson(out).object();
    EXPECT_EQ(rc, 0) << out.toStdString();
    EXPECT_EQ(j.value(QLatin1String("final_probe")).toString(), QStringLiteral("ok"));
    EXPECT_EQ(j.value(QLatin1String("outcome")).toString(), QStringLiteral("ok"));
    EXPECT_TRUE(j.value(QLatin1String("backup")).toString().contains(QLatin1String("sites-available")));
    EXPECT_NE(readAll(lab.siteAvailable()), original) << "the real nginx fixer changed the file";

    // And back: rollback restores the original and nginx serves it again.
    EXPECT_EQ(cli({QStringLiteral("runbook"), QStringLiteral("rollback"), QStringLiteral("--profile"), QStringLiteral("lab-proxy"),
                   QStringLiteral("--local"), QStringLiteral("--yes")}, &out), 0)
        << out.toStdString();
    EXPECT_EQ(readAll(lab.siteAvailable()), original);
    EXPECT_TRUE(lab.nginx().test());
    // nginx serves the original again: through it, the probe answers as before the change.
    const ProbeResult after = lab::probe(probe);
    EXPECT_EQ(after.cause, before.cause);
    EXPECT_EQ(after.httpStatus, before.httpStatus);
}

// A colleague edits the file after the run: `rollback` refuses with a unified diff between what
// the run wrote and what is there now, exit 1; --force saves their bytes, then restores.
TEST_F(RunbookCli, RollbackRefusesOverALaterEditUnlessForcedAndNeverLosesIt)
{
    QByteArray out;
    const QByteArray original = readAll(lab.siteAvailable());
    const QStringList base{QStringLiteral("--profile"), QStringLiteral("lab-proxy"), QStringLiteral("--local"), QStringLiteral("--yes")};
    ASSERT_EQ(cli(QStringList{QStringLiteral("runbook"), QStringLiteral("run"), QStringLiteral("nginx-websocket-fix"),
                              QStringLiteral("--monitor-seconds"), QStringLiteral("0")} + base, &out), 0)
        << out.toStdString();
    const QByteArray written = readAll(lab.siteAvailable());
    const QByteArray theirs = written + "# colleague: keep this\n";
    ASSERT_TRUE(writeFile(lab.siteAvailable(), theirs));

    EXPECT_EQ(cli(QStringList{QStringLiteral("runbook"), QStringLiteral("rollback")} + base, &out), 1) << out.toStdString();
    EXPECT_EQ(readAll(lab.siteAvailable()), theirs);
    EXPECT_TRUE(out.contains("(written by this run)")) << out.toStdString();
    EXPECT_TRUE(out.contains("+# colleague: keep this")) << out.toStdString();
    EXPECT_TRUE(out.contains("--force")) << out.toStdString();

    // The diff is a real unified diff: patch(1) turns what the run wrote into what is there now.
    QTemporaryDir work;
    ASSERT_TRUE(writeFile(work.filePath(QStringLiteral("f")), written));
    QByteArray diff;
    for (const QByteArray& line : out.split('\n'))
        if (line.startsWith("    "))
            diff += line.mid(4) + '\n';
    diff = diff.mid(diff.indexOf("--- "));
    ASSERT_TRUE(writeFile(work.filePath(QStringLiteral("d")), diff));
    QByteArray patchOut;
    EXPECT_EQ(runProgram(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("cd %1 && patch -s f < d").arg(work.path())}, &patchOut), 0)
        << patchOut.toStdString();
    EXPECT_EQ(readAll(work.filePath(QStringLiteral("f"))), theirs);

    EXPECT_EQ(cli(QStringList{QStringLiteral("runbook"), QStringLiteral("rollback"), QStringLiteral("--force"), QStringLiteral("--json")} + base, &out), 0)
        << out.toStdString();
    const QJsonObject j = QJsonDocument::fromJson(out).object();
    EXPECT_EQ(readAll(lab.siteAvailable()), original);
    const QJsonArray saved = j.value(QLatin1String("saved_before_rollback")).toArray();
    ASSERT_FALSE(saved.isEmpty()) << out.toStdString();
    EXPECT_EQ(readAll(saved.last().toString()), theirs) << "their edit is kept in the saved copy";
    EXPECT_EQ(cli({QStringLiteral("runbook"), QStringLiteral("run"), QStringLiteral("nginx-websocket-fix"), QStringLiteral("--profile"),
                   QStringLiteral("lab-proxy"), QStringLiteral("--force")}, &out), 2) << "--force is for rollback only";
}

TEST_F(RunbookCli, UsageErrorsExitTwo)
{
    QByteArray out;
    EXPECT_EQ(cli({QStringLiteral("runbook"), QStringLiteral("run"), QStringLiteral("nginx-websocket-fix")}, &out), 2);
    EXPECT_TRUE(out.contains("--profile")) << out.toStdString();
    EXPECT_EQ(cli({QStringLiteral("runbook"), QStringLiteral("run"), QStringLiteral("no-such-runbook"), QStringLiteral("--profile"),
                   QStringLiteral("lab-proxy"), QStringLiteral("--local")}, &out), 2);
    EXPECT_TRUE(out.contains("no runbook named")) << out.toStdString();
    EXPECT_EQ(cli({QStringLiteral("runbook"), QStringLiteral("frobnicate")}, &out), 2);
}

// Over a real sshd: like `ssh`, an unknown host key stops the run with its fingerprint and the
// flag to trust it; with --accept-new-host-key the run goes on and the key is remembered, so the
// next run needs no flag.
TEST_F(RunbookCli, OverSshAnUnknownHostKeyNeedsTheFlagOnce)
{
    LAB_REQUIRE(SshdLab::skipReason());
    SshdLab sshd;
    QString error;
    ASSERT_TRUE(sshd.start(&error)) << error.toStdString();
    ProfileStore store(home.filePath(QStringLiteral("profiles.json")));
    ASSERT_TRUE(store.load());
    Profile p = *store.find(QStringLiteral("lab-proxy"));
    p.ssh.host = sshd.host();
    p.ssh.port = sshd.port();
    p.ssh.user = SshdLab::user();
    p.ssh.auth = SshAccess::AuthMethod::KeyFile;
    p.ssh.keyFile = sshd.keyFile();
    p.ssh.sudoWithoutPassword = false;
    ASSERT_TRUE(store.update(p));
    const QStringList dryRun{QStringLiteral("runbook"), QStringLiteral("run"), QStringLiteral("nginx-websocket-fix"),
                             QStringLiteral("--profile"), QStringLiteral("lab-proxy"), QStringLiteral("--dry-run"),
                             QStringLiteral("--sudo-password-stdin")};
    const QByteArray sudo = SshdLab::password() + '\n';
    QByteArray out;
    EXPECT_NE(cli(dryRun, &out, sudo), 0);
    EXPECT_TRUE(out.contains(sshd.hostKeyFingerprint().toUtf8())) << out.constData();
    EXPECT_TRUE(out.contains("--accept-new-host-key")) << out.constData();

    EXPECT_EQ(cli(dryRun + QStringList{QStringLiteral("--accept-new-host-key")}, &out, sudo), 0) << out.constData();
    EXPECT_EQ(cli(dryRun, &out, sudo), 0) << "remembered: " << out.constData();
}
