// SPDX-License-Identifier: GPL-3.0-or-later
// The runbook's safety promises on a real nginx (LocalHost), each as a user could break it:
// a rollback never removes bytes it did not write, a dry run runs only read-only commands, a check
// that cannot read never passes, a backup never lands where nginx includes it or over another file,
// and a rollback after a failed Verify leaves nginx serving what it served before.
#include "lab/RunbookLab.h"

#include "runbook/AuditTrail.h"
#include "runbook/NginxFacts.h"
#include "runbook/Runbook.h"

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>

#include <gtest/gtest.h>

#include <atomic>
#include <iostream>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

enum Step { Preflight, Plan, Backup, Patch, Test, Reload, Verify, Monitor, Rollback };

// Runs one engine call to its end; `onOutput` sees every line the run prints (on this thread).
bool runAndWait(RunbookEngine& e, const std::function<void()>& call, const std::function<void(const QString&)>& onOutput = {})
{
    QSignalSpy spy(&e, &RunbookEngine::finished);
    QStringList said;
    const auto c = QObject::connect(&e, &RunbookEngine::output, &e, [&](int, const QString& t) {
        said << t;
        if (onOutput)
            onOutput(t);
    });
    call();
    const bool done = waitForCount(spy, 1, 120000);
    QObject::disconnect(c);
    if (qEnvironmentVariableIsSet("RUNBOOK_TEST_VERBOSE"))
        std::cerr << said.join(QLatin1Char('\n')).toStdString() << std::endl;
    return done && spy.first().at(0).toBool();
}

EngineOptions quick(int monitorSeconds = 1)
{
    EngineOptions o;
    o.autoConfirm = true;
    o.monitorSeconds = monitorSeconds;
    return o;
}

ProbeResult probeThrough(const RunbookLab& lab)
{
    ProbeOptions o;
    o.url = lab.profile().publicUrl;
    o.timeoutS = 10;
    return lab::probe(o);
}

class RunbookSafety : public ::testing::Test {
protected:
    void startLab(const RunbookLabLayout& layout = {})
    {
        QString error;
        if (!lab.start(&error, layout))
            LAB_UNAVAILABLE(error);
        original = readAll(lab.siteAvailable());
    }
    // A fix by the product's fixer, run to the end.
    RunState fixed()
    {
        auto e = lab.engine(nullptr, quick());
        EXPECT_TRUE(e->begin());
        EXPECT_TRUE(runAndWait(*e, [&] { e->runAll(); }));
        const RunState s = e->state();
        EXPECT_EQ(s.outcome, QStringLiteral("ok"));
        return s;
    }
    std::unique_ptr<RunbookEngine> resumed(const QString& runId, EngineOptions o = quick())
    {
        auto e = lab.engine(nullptr, o);
        const Status st = e->resumeRun(runId);
        EXPECT_TRUE(st) << st.error().toStdString();
        return st ? std::move(e) : nullptr;
    }
    RunbookLab lab;
    QByteArray original;
};

} // namespace

// ---------------------------------------------------------------- rollback (issue 14 items 2, 10)

TEST_F(RunbookSafety, RollbackRefusesOverALaterEditAndForceSavesItFirst)
{
    startLab();
    const RunState run = fixed();
    const QByteArray written = readAll(lab.siteAvailable());
    ASSERT_EQ(NginxFacts::sha256Hex(written), run.newSha256);
    QByteArray theirs = written;
    theirs.replace("    location /ws/ {", "    # a colleague's note, made after the run\n    location /ws/ {");
    ASSERT_TRUE(writeFile(lab.siteAvailable(), theirs));

    auto refused = resumed(run.id);
    ASSERT_TRUE(refused);
    QStringList said;
    EXPECT_FALSE(runAndWait(*refused, [&] { refused->rollback(); }, [&](const QString& t) { said << t; }));
    const RunState r = refused->state();
    EXPECT_EQ(r.steps.at(Rollback).state, StepState::Failed);
    EXPECT_TRUE(r.steps.at(Rollback).message.contains(QStringLiteral("--force"))) << r.steps.at(Rollback).message.toStdString();
    EXPECT_EQ(readAll(lab.siteAvailable()), theirs) << "their edit is untouched";
    EXPECT_TRUE(r.conflictDiff.contains(QStringLiteral("+    # a colleague's note, made after the run"))) << r.conflictDiff.toStdString();
    EXPECT_TRUE(said.join(QLatin1Char('\n')).contains(QStringLiteral("@@"))) << "the diff is shown";
    EXPECT_TRUE(r.savedBeforeRollback.isEmpty());

    EngineOptions force = quick();
    force.forceRollback = true;
    auto forced = resumed(run.id, force);
    ASSERT_TRUE(forced);
    EXPECT_TRUE(runAndWait(*forced, [&] { forced->rollback(); }));
    const RunState f = forced->state();
    EXPECT_EQ(f.outcome, QStringLiteral("rolled_back")) << f.steps.at(Rollback).message.toStdString();
    EXPECT_EQ(readAll(lab.siteAvailable()), original);
    ASSERT_EQ(f.savedBeforeRollback.size(), 1);
    EXPECT_EQ(readAll(f.savedBeforeRollback.first()), theirs) << "their edit survives in the saved copy";
    EXPECT_EQ(readAll(run.backupPath), original);
    EXPECT_FALSE(f.savedBeforeRollback.first().contains(QLatin1String("sites-enabled")));
}

TEST_F(RunbookSafety, EveryRestoreSavesTheCurrentBytesFirst)
{
    startLab();
    const RunState run = fixed();
    const QByteArray written = readAll(lab.siteAvailable());
    auto e = resumed(run.id);
    ASSERT_TRUE(e);
    ASSERT_TRUE(runAndWait(*e, [&] { e->rollback(); }));
    const RunState s = e->state();
    EXPECT_EQ(readAll(lab.siteAvailable()), original);
    ASSERT_EQ(s.savedBeforeRollback.size(), 1);
    EXPECT_EQ(readAll(s.savedBeforeRollback.first()), written);
    EXPECT_NE(s.savedBeforeRollback.first(), s.backupPath);
    EXPECT_TRUE(lab.nginx().test());
}

TEST_F(RunbookSafety, RollbackFallsBackToTheVerifiedServerBackupWhenTheLocalCopyIsGone)
{
    startLab();
    const RunState run = fixed();
    ASSERT_TRUE(QFile::remove(RunStore(lab.runsDir()).originalPath(run.id)));
    auto e = resumed(run.id);
    ASSERT_TRUE(e);
    ASSERT_TRUE(runAndWait(*e, [&] { e->rollback(); }));
    EXPECT_EQ(e->state().outcome, QStringLiteral("rolled_back"));
    EXPECT_EQ(readAll(lab.siteAvailable()), original);

    // A server backup that no longer matches its recorded checksum is not used.
    const RunState again = fixed();
    ASSERT_TRUE(QFile::remove(RunStore(lab.runsDir()).originalPath(again.id)));
    ASSERT_TRUE(writeFile(again.backupPath, original + "# tampered\n"));
    auto tampered = resumed(again.id);
    ASSERT_TRUE(tampered);
    EXPECT_FALSE(runAndWait(*tampered, [&] { tampered->rollback(); }));
    EXPECT_TRUE(tampered->state().steps.at(Rollback).message.contains(QStringLiteral("neither the backup")));
    EXPECT_NE(readAll(lab.siteAvailable()), original + "# tampered\n");
}

// ---------------------------------------------------------------- Verify fails (issue 18 item 2)

TEST_F(RunbookSafety, AFailedVerifyIsRolledBackAndNginxServesTheOriginalAgain)
{
    startLab();
    const ProbeResult before = probeThrough(lab);
    // A config nginx accepts (test and reload pass) that breaks the endpoint: Verify must catch it.
    QByteArray teapot = lab.fixedSite().toUtf8();
    teapot.replace("        proxy_pass", "        return 418;\n        proxy_pass");
    auto e = lab.engine(std::make_unique<FixedTargetFixer>(teapot), quick());
    ASSERT_TRUE(e->begin());
    EXPECT_FALSE(runAndWait(*e, [&] { e->runAll(); }));
    const RunState s = e->state();
    EXPECT_EQ(s.steps.at(Reload).state, StepState::RolledBack) << "the reload had taken effect";
    EXPECT_EQ(s.steps.at(Verify).state, StepState::Failed) << s.steps.at(Verify).message.toStdString();
    EXPECT_EQ(s.steps.at(Rollback).state, StepState::Ok) << s.steps.at(Rollback).message.toStdString();
    EXPECT_EQ(s.outcome, QStringLiteral("rolled_back"));
    EXPECT_EQ(readAll(lab.siteAvailable()), original);
    // nginx serves the original again: the probe through it answers exactly as before the change,
    // not as the broken config did.
    const ProbeResult after = probeThrough(lab);
    EXPECT_EQ(after.cause, before.cause);
    EXPECT_EQ(after.httpStatus, before.httpStatus);
    EXPECT_NE(after.httpStatus, std::optional<int>(418));
    EXPECT_NE(s.finalProbeCause, before.cause) << "Verify saw the broken config";
}

// ---------------------------------------------------------------- dry run (issue 14 item 3)

TEST_F(RunbookSafety, ADryRunNeverRunsTheProfilesTestOrReloadLine)
{
    startLab();
    QTemporaryDir tmp;
    const QString canary = tmp.filePath(QStringLiteral("CANARY"));
    const QString canary2 = tmp.filePath(QStringLiteral("CANARY2"));
    lab.profile().nginx.testCommand += QStringLiteral(" && touch ") + canary;
    lab.profile().nginx.reloadCommand = QStringLiteral("touch ") + canary2 + QStringLiteral("; ") + lab.profile().nginx.reloadCommand;
    const auto before = lab.prefixChecksums();
    EngineOptions o = quick();
    o.dryRun = true;
    auto e = lab.engine(nullptr, o);
    ASSERT_TRUE(e->begin());
    QStringList said;
    ASSERT_TRUE(runAndWait(*e, [&] { e->runAll(); }, [&](const QString& t) { said << t; }));
    EXPECT_FALSE(QFileInfo::exists(canary)) << "the test command ran in a dry run";
    EXPECT_FALSE(QFileInfo::exists(canary2)) << "the reload command ran in a dry run";
    EXPECT_EQ(lab.prefixChecksums(), before);
    const QString all = said.join(QLatin1Char('\n'));
    EXPECT_TRUE(all.contains(QStringLiteral("nginx includes: ") + lab.nginx().prefix())) << "the dump still ran, rebuilt from nginx's options";
    EXPECT_TRUE(all.contains(QStringLiteral("would run: ") + lab.profile().nginx.reloadCommand));
    // And the rollback's dry run too.
    const RunState run = [&] {
        lab.profile().nginx.testCommand = lab.profile().nginx.testCommand.section(QStringLiteral(" && "), 0, 0);
        lab.profile().nginx.reloadCommand = lab.profile().nginx.reloadCommand.section(QStringLiteral("; "), 1);
        return fixed();
    }();
    const QByteArray written = readAll(lab.siteAvailable());
    lab.profile().nginx.testCommand += QStringLiteral(" && touch ") + canary;
    lab.profile().nginx.reloadCommand = QStringLiteral("touch ") + canary2 + QStringLiteral("; ") + lab.profile().nginx.reloadCommand;
    auto dryRollback = resumed(run.id, o);
    ASSERT_TRUE(dryRollback);
    EXPECT_TRUE(runAndWait(*dryRollback, [&] { dryRollback->rollback(); }));
    EXPECT_FALSE(QFileInfo::exists(canary));
    EXPECT_FALSE(QFileInfo::exists(canary2));
    EXPECT_EQ(readAll(lab.siteAvailable()), written);
}

// A runbook's own command step says it does not change the server; a dry run still only shows it.
TEST(RunbookDryRun, ARunbooksOwnCommandIsShownNotRun)
{
    QTemporaryDir tmp;
    const QString canary = tmp.filePath(QStringLiteral("CANARY"));
    const QByteArray json = QStringLiteral("{\"name\": \"canary\", \"steps\": [{\"id\": \"look\", \"kind\": \"command\", "
                                           "\"changes_server\": false, \"params\": {\"command\": \"touch %1\"}}]}").arg(canary).toUtf8();
    const Result<Runbook> rb = Runbooks::parse(json, QStringLiteral("test"));
    ASSERT_TRUE(rb) << rb.error().toStdString();
    for (const bool dryRun : {true, false}) {
        RunbookEngine e(rb.value(), Profile{});
        e.setHostFactory([]() -> Result<std::unique_ptr<RemoteHost>> { return std::unique_ptr<RemoteHost>(new LocalHost); });
        EngineOptions o;
        o.dryRun = dryRun;
        o.runsDir = tmp.filePath(QStringLiteral("runs"));
        e.setOptions(o);
        ASSERT_TRUE(e.begin());
        QStringList said;
        EXPECT_TRUE(runAndWait(e, [&] { e.runAll(); }, [&](const QString& t) { said << t; }));
        EXPECT_EQ(QFileInfo::exists(canary), !dryRun) << "dry run: " << dryRun;
        if (dryRun) {
            EXPECT_TRUE(said.join(QLatin1Char('\n')).contains(QStringLiteral("would run: touch ") + canary));
        }
    }
}

// ---------------------------------------------------------------- checks that cannot read (issue 14 item 4)

TEST_F(RunbookSafety, MonitorReadsALogWhosePathHoldsPercentOne)
{
    RunbookLabLayout layout;
    layout.errorLogName = QStringLiteral("error%1.log");
    startLab(layout);
    auto e = lab.engine(nullptr, quick(5));
    ASSERT_TRUE(e->begin());
    bool injected = false;
    EXPECT_FALSE(runAndWait(*e, [&] { e->runAll(); }, [&](const QString& t) {
        if (!injected && t.startsWith(QStringLiteral("following "))) {
            injected = true;
            QFile f(lab.errorLog());
            ASSERT_TRUE(f.open(QIODevice::Append));
            f.write("2026/01/01 00:00:00 [emerg] 1#1: injected by the test\n");
        }
    }));
    ASSERT_TRUE(injected);
    const RunState s = e->state();
    EXPECT_EQ(s.steps.at(Reload).state, StepState::Ok);
    EXPECT_EQ(s.steps.at(Monitor).state, StepState::Failed);
    EXPECT_TRUE(s.steps.at(Monitor).message.contains(QStringLiteral("[emerg]"))) << s.steps.at(Monitor).message.toStdString();
    for (const QJsonObject& o : AuditTrail::read(s.auditPath))
        EXPECT_FALSE(o.value(QLatin1String("command")).toString().contains(QLatin1String("%3"))) << "no placeholder left in a command";
}

TEST_F(RunbookSafety, MonitorFailsWhenALogIsDeletedRotatedOrUnreadable)
{
    startLab();
    QTemporaryDir tmp;
    const QString appLog = tmp.filePath(QStringLiteral("app.log"));
    ASSERT_TRUE(writeFile(appLog, "started\n"));
    lab.profile().logs.appLog = appLog;
    {   // deleted while followed
        auto e = lab.engine(nullptr, quick(5));
        ASSERT_TRUE(e->begin());
        EXPECT_FALSE(runAndWait(*e, [&] { e->runAll(); }, [&](const QString& t) {
            if (t.startsWith(QStringLiteral("following ")))
                QFile::remove(appLog);
        }));
        const RunState s = e->state();
        EXPECT_EQ(s.steps.at(Verify).state, StepState::Ok);
        EXPECT_EQ(s.steps.at(Monitor).state, StepState::Failed);
        EXPECT_TRUE(s.steps.at(Monitor).message.contains(QStringLiteral("unverified"))) << s.steps.at(Monitor).message.toStdString();
    }
    // The lab's nginx site is fixed after each case: reset it so the next run goes through every step.
    auto reset = [&] {
        ASSERT_TRUE(writeFile(lab.siteAvailable(), original));
        ASSERT_TRUE(lab.nginx().reload());
    };
    {   // rotated while followed (logrotate without copytruncate): nginx writes on in the old file
        reset();
        ASSERT_TRUE(writeFile(appLog, "started\n"));
        auto e = lab.engine(nullptr, quick(5));
        ASSERT_TRUE(e->begin());
        EXPECT_FALSE(runAndWait(*e, [&] { e->runAll(); }, [&](const QString& t) {
            if (t.startsWith(QStringLiteral("following "))) {
                QFile::rename(appLog, appLog + QStringLiteral(".1"));
                writeFile(appLog, QByteArray());
            }
        }));
        const RunState s = e->state();
        EXPECT_EQ(s.steps.at(Monitor).state, StepState::Failed);
        EXPECT_TRUE(s.steps.at(Monitor).message.contains(QStringLiteral("rotated"))) << s.steps.at(Monitor).message.toStdString();
        QFile::remove(appLog + QStringLiteral(".1"));
    }
    // Unreadable while followed: root reads every file here, so the host answers every command on
    // the log the way it answers a user without the permission.
    ASSERT_TRUE(writeFile(appLog, "started\n"));
    auto again = lab.engine(nullptr, quick(5));
    auto denied = std::make_shared<std::atomic_bool>(false);
    const QString word = LocalHost::shellWord(appLog);
    again->setHostFactory([denied, word]() -> Result<std::unique_ptr<RemoteHost>> {
        return std::unique_ptr<RemoteHost>(new HookedHost([denied, word](const QString& cmd) -> std::optional<CommandResult> {
            if (!denied->load() || !cmd.contains(word))
                return std::nullopt;
            CommandResult r;
            r.exitStatus = 1;
            r.stdErr = word.toUtf8() + ": Permission denied\n";
            return r;
        }));
    });
    reset();
    ASSERT_TRUE(again->begin());
    EXPECT_FALSE(runAndWait(*again, [&] { again->runAll(); }, [&](const QString& t) {
        if (t.startsWith(QStringLiteral("following ")))
            denied->store(true);
    }));
    const RunState s = again->state();
    EXPECT_EQ(s.steps.at(Monitor).state, StepState::Failed);
    EXPECT_TRUE(s.steps.at(Monitor).message.contains(QStringLiteral("Permission denied"))) << s.steps.at(Monitor).message.toStdString();
}

TEST_F(RunbookSafety, AReloadWhoseErrorLogCannotBeReadIsNotASuccess)
{
    startLab();
    auto e = lab.engine(nullptr, quick());
    // The first read of the error log after the reload is refused (as for a user without the
    // permission); later reads (the rollback's) work.
    auto state = std::make_shared<int>(0); // 0 before the reload, 1 after it, 2 refused once
    const QString word = LocalHost::shellWord(lab.errorLog());
    e->setHostFactory([state, word]() -> Result<std::unique_ptr<RemoteHost>> {
        return std::unique_ptr<RemoteHost>(new HookedHost([state, word](const QString& cmd) -> std::optional<CommandResult> {
            if (*state == 0 && cmd.contains(QLatin1String("-s reload")))
                *state = 1;
            else if (*state == 1 && cmd.contains(word) && !cmd.startsWith(QLatin1String("wc -c"))) {
                *state = 2;
                CommandResult r;
                r.exitStatus = 1;
                r.stdErr = word.toUtf8() + ": Permission denied\n";
                return r;
            }
            return std::nullopt;
        }));
    });
    ASSERT_TRUE(e->begin());
    EXPECT_FALSE(runAndWait(*e, [&] { e->runAll(); }));
    const RunState s = e->state();
    EXPECT_EQ(*state, 2);
    EXPECT_EQ(s.steps.at(Reload).state, StepState::Failed);
    EXPECT_TRUE(s.steps.at(Reload).message.contains(QStringLiteral("unverified"))) << s.steps.at(Reload).message.toStdString();
    EXPECT_EQ(s.outcome, QStringLiteral("rolled_back"));
    EXPECT_EQ(readAll(lab.siteAvailable()), original);
}

// ---------------------------------------------------------------- backups (issue 14 item 9, suspected)

TEST_F(RunbookSafety, ABackupDirectoryThatNginxIncludesThroughASymlinkIsRefused)
{
    RunbookLabLayout layout;
    layout.includeDir = QStringLiteral("live"); // include PREFIX/live/*; live -> sites-available
    startLab(layout);
    const QString p = lab.nginx().prefix();
    ASSERT_TRUE(QFile::link(p + QStringLiteral("/sites-available"), p + QStringLiteral("/backups")));
    lab.profile().nginx.backupDir = p + QStringLiteral("/backups");
    auto e = lab.engine(nullptr, quick());
    ASSERT_TRUE(e->begin());
    EXPECT_FALSE(runAndWait(*e, [&] { e->runAll(); }));
    const RunState s = e->state();
    EXPECT_EQ(s.steps.at(Backup).state, StepState::Failed);
    EXPECT_TRUE(s.steps.at(Backup).message.contains(QStringLiteral("really ") + p + QStringLiteral("/sites-available")))
        << s.steps.at(Backup).message.toStdString();
    EXPECT_EQ(QDir(p + QStringLiteral("/sites-available")).entryList(QDir::Files), QStringList{QStringLiteral("app")});
    EXPECT_EQ(readAll(lab.siteAvailable()), original);

    // A directory nginx does not reach is fine, and the whole fix goes through.
    lab.profile().nginx.backupDir = p + QStringLiteral("/safe");
    auto ok = lab.engine(nullptr, quick());
    ASSERT_TRUE(ok->begin());
    EXPECT_TRUE(runAndWait(*ok, [&] { ok->runAll(); }));
    EXPECT_EQ(QFileInfo(ok->state().backupPath).absolutePath(), p + QStringLiteral("/safe"));
}

TEST_F(RunbookSafety, ABackupNeverOverwritesAnExistingFile)
{
    startLab();
    // Files already named as this minute's backups would be (another run, a colleague's copy).
    const QString dir = QFileInfo(lab.siteAvailable()).absolutePath();
    QStringList decoys;
    const QDateTime now = QDateTime::currentDateTime();
    for (int s = -5; s <= 90; ++s) {
        decoys << dir + QStringLiteral("/app.backup.") + now.addSecs(s).toString(QStringLiteral("yyyyMMdd_HHmmss"));
        ASSERT_TRUE(writeFile(decoys.last(), "not yours\n"));
    }
    auto e = lab.engine(nullptr, quick());
    ASSERT_TRUE(e->begin());
    for (int i = Preflight; i <= Backup; ++i)
        ASSERT_TRUE(runAndWait(*e, [&] { e->runStep(i); })) << i;
    const RunState s = e->state();
    EXPECT_FALSE(decoys.contains(s.backupPath)) << s.backupPath.toStdString();
    EXPECT_EQ(readAll(s.backupPath), original);
    for (const QString& d : std::as_const(decoys))
        EXPECT_EQ(readAll(d), QByteArray("not yours\n")) << d.toStdString();
}

TEST_F(RunbookSafety, AnEditRightBeforePatchsMoveIsNeverOverwritten)
{
    startLab();
    const QByteArray theirs = original + "# edited by a colleague at the last moment\n";
    auto e = lab.engine(nullptr, quick());
    // The colleague saves right between Patch's re-read and its move into place.
    const QString site = lab.siteAvailable();
    auto armed = std::make_shared<std::atomic_bool>(false);
    auto edit = [armed, site, theirs](const QString& cmd) -> std::optional<CommandResult> {
        if (armed->load() && (cmd.contains(QLatin1String("mv -f")) || cmd.startsWith(QLatin1String("writeFileAtomic ")))) {
            armed->store(false);
            writeFile(site, theirs);
        }
        return std::nullopt;
    };
    e->setHostFactory([edit]() -> Result<std::unique_ptr<RemoteHost>> { return std::unique_ptr<RemoteHost>(new HookedHost(edit)); });
    ASSERT_TRUE(e->begin());
    for (int i = Preflight; i <= Backup; ++i)
        ASSERT_TRUE(runAndWait(*e, [&] { e->runStep(i); })) << i;
    armed->store(true);
    EXPECT_FALSE(runAndWait(*e, [&] { e->runStep(Patch); }));
    EXPECT_FALSE(armed->load()) << "the edit happened";
    const RunState s = e->state();
    EXPECT_EQ(s.steps.at(Patch).state, StepState::Failed);
    EXPECT_TRUE(s.steps.at(Patch).message.contains(QStringLiteral("changed on the server"))) << s.steps.at(Patch).message.toStdString();
    EXPECT_EQ(readAll(site), theirs);
    EXPECT_EQ(s.steps.at(Rollback).state, StepState::Pending) << "no rollback over their edit";
}

// ---------------------------------------------------------------- relative pid (issue 14 item 13)

TEST_F(RunbookSafety, ARelativePidAndErrorLogAreResolvedAgainstThePrefix)
{
    RunbookLabLayout layout;
    layout.relativePaths = true; // pid logs/nginx.pid; error_log logs/error.log (with -p PREFIX/)
    startLab(layout);
    lab.profile().logs.nginxErrorLog.clear(); // read from nginx's own configuration
    auto e = lab.engine(nullptr, quick());
    ASSERT_TRUE(e->begin());
    ASSERT_TRUE(runAndWait(*e, [&] { e->runStep(Preflight); })) << e->state().steps.at(Preflight).message.toStdString();
    const RunState s = e->state();
    EXPECT_EQ(s.pidFile, lab.nginx().prefix() + QStringLiteral("/logs/nginx.pid"));
    EXPECT_EQ(s.errorLog, lab.nginx().prefix() + QStringLiteral("/logs/error.log"));
    EXPECT_EQ(readAll(s.pidFile).trimmed().toLongLong(), lab.nginx().masterPid());
    // And the reload is proven with it.
    ASSERT_TRUE(runAndWait(*e, [&] { e->runAll(); }));
    EXPECT_EQ(e->state().outcome, QStringLiteral("ok"));
}

// ---------------------------------------------------------------- service check (issue 14, suspected)

// The profile's service name reaches `systemctl cat/is-active` as one word after `--`: a hostile or
// dash-leading name is never an option nor a second command. There is no systemd in the lab, so
// the hook runs Preflight's service check as the engine wrote it, with only the systemd guard
// pointed at a directory of the test's and `systemctl` resolved to a recording stand-in first on
// PATH (a fake, because systemd cannot run here); the shell, quoting and arguments are real.
TEST_F(RunbookSafety, TheServiceNameIsOneArgumentAfterDoubleDashForSystemctl)
{
    startLab();
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());
    const QString bin = dir.filePath(QStringLiteral("bin"));
    const QString systemdDir = dir.filePath(QStringLiteral("systemd"));
    const QString argLog = dir.filePath(QStringLiteral("systemctl.args"));
    const QString canary = dir.filePath(QStringLiteral("canary"));
    ASSERT_TRUE(QDir().mkpath(bin) && QDir().mkpath(systemdDir));
    ASSERT_TRUE(writeFile(bin + QStringLiteral("/systemctl"),
                          QStringLiteral("#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done >> %1\necho ==== >> %1\n"
                                         "[ \"$1\" = is-active ] && echo active\nexit 0\n")
                              .arg(LocalHost::shellWord(argLog))
                              .toUtf8()));
    ASSERT_TRUE(QFile::setPermissions(bin + QStringLiteral("/systemctl"), QFileDevice::ReadOwner | QFileDevice::ExeOwner));
    const QString hostile = QStringLiteral("-H evil; touch %1").arg(canary);
    lab.profile().serviceName = hostile;
    auto e = lab.engine(nullptr, quick());
    auto seen = std::make_shared<int>(0);
    e->setHostFactory([=]() -> Result<std::unique_ptr<RemoteHost>> {
        return std::unique_ptr<RemoteHost>(new HookedHost([=](const QString& cmd) -> std::optional<CommandResult> {
            if (!cmd.contains(QLatin1String("systemctl cat")))
                return std::nullopt;
            ++*seen;
            QString local = cmd;
            local.replace(QStringLiteral("/run/systemd/system"), systemdDir);
            LocalHost real;
            Result<CommandResult> r = real.run(QStringLiteral("PATH=%1:\"$PATH\"; %2").arg(LocalHost::shellWord(bin), local), {});
            return r ? std::optional<CommandResult>(*r) : std::nullopt;
        }));
    });
    ASSERT_TRUE(e->begin());
    runAndWait(*e, [&] { e->runStep(Preflight); });
    EXPECT_EQ(*seen, 1);
    EXPECT_FALSE(QFileInfo::exists(canary)) << "the service name ran as a command";
    const QStringList calls = QString::fromUtf8(readAll(argLog)).split(QStringLiteral("====\n"), Qt::SkipEmptyParts);
    ASSERT_EQ(calls.size(), 2) << readAll(argLog).toStdString();
    EXPECT_EQ(calls[0], QStringLiteral("cat\n--\n%1\n").arg(hostile));
    EXPECT_EQ(calls[1], QStringLiteral("is-active\n--\n%1\n").arg(hostile));
}
