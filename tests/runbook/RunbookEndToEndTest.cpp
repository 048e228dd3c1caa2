// SPDX-License-Identifier: GPL-3.0-or-later
// The nginx-websocket-fix runbook end to end on this machine (LocalHost): a real nginx in front of
// a real WebSocket backend, broken the way the seeds' proxies were, fixed, verified, rolled back.
#include "lab/RunbookLab.h"

#include "runbook/AuditTrail.h"
#include "runbook/NginxFacts.h"
#include "runbook/RunbookProber.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>

#include <gtest/gtest.h>

#include <iostream>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

// Runs one engine call to its end; on failure the run's output goes to the test log.
bool runAndWait(RunbookEngine& e, const std::function<void()>& call, int timeoutMs = 90000)
{
    QSignalSpy spy(&e, &RunbookEngine::finished);
    QStringList said;
    const auto c = QObject::connect(&e, &RunbookEngine::output, &e, [&](int, const QString& t) { said << t; });
    call();
    const bool done = waitForCount(spy, 1, timeoutMs);
    QObject::disconnect(c);
    const bool ok = done && spy.first().at(0).toBool();
    if (!ok && qEnvironmentVariableIsSet("RUNBOOK_TEST_VERBOSE"))
    {
        std::cerr << said.join(QLatin1Char('\n')).toStdString() << std::endl;
        for (const StepRecord& r : e.state().steps)
            std::cerr << "  [" << stepStateId(r.state).toStdString() << "] " << r.message.toStdString() << std::endl;
        if (done)
            std::cerr << "finished: " << spy.first().at(1).toString().toStdString() << std::endl;
    }
    return ok;
}

QSet<QString> stepIdsIn(const QList<QJsonObject>& audit, const QString& event)
{
    QSet<QString> ids;
    for (const QJsonObject& o : audit)
        if (o.value(QLatin1String("event")).toString() == event)
            ids.insert(o.value(QLatin1String("step")).toString());
    return ids;
}

EngineOptions quickOptions()
{
    EngineOptions o;
    o.autoConfirm = true;
    o.monitorSeconds = 2;
    return o;
}

class RunbookEndToEnd : public ::testing::Test {
protected:
    void SetUp() override
    {
        QString error;
        if (!lab.start(&error))
            LAB_UNAVAILABLE(error);
    }
    RunbookLab lab;
};

} // namespace

TEST_F(RunbookEndToEnd, FixesTheBrokenProxyAndProvesIt)
{
    // Before: the proxy refuses the upgrade (no Upgrade headers, HTTP/1.0 upstream).
    ProbeEngineProber prober; // the product's one prober (issue 10 removed the QWebSocket copy)
    ProbeOptions before;
    before.url = lab.profile().publicUrl;
    EXPECT_NE(prober.probe(before, nullptr).cause, QStringLiteral("ok"));
    const QByteArray original = readAll(lab.siteAvailable());

    auto engine = lab.engine(nullptr, quickOptions()); // the product's nginx fixer
    ASSERT_TRUE(engine);
    ASSERT_TRUE(engine->begin());
    ASSERT_TRUE(runAndWait(*engine, [&] { engine->runAll(); }));
    const RunState s = engine->state();
    EXPECT_EQ(s.outcome, QStringLiteral("ok"));
    EXPECT_EQ(s.finalProbeCause, QStringLiteral("ok"));
    const QByteArray written = readAll(lab.siteAvailable());
    EXPECT_NE(written, original);
    EXPECT_EQ(NginxFacts::sha256Hex(written), s.newSha256);
    EXPECT_TRUE(QFileInfo(lab.siteEnabled()).isSymLink()) << "the enabled entry stays a symlink";

    // After: through the proxy, upgrade + echo + an idle hold longer than the old 3 s cutoff.
    ProbeOptions after;
    after.url = lab.profile().publicUrl;
    after.holdS = 4.5;
    EXPECT_EQ(prober.probe(after, nullptr).cause, QStringLiteral("ok"));

    // The backup: outside sites-enabled, byte-identical to the original.
    ASSERT_FALSE(s.backupPath.isEmpty());
    EXPECT_FALSE(s.backupPath.contains(QLatin1String("sites-enabled")));
    EXPECT_EQ(QFileInfo(s.backupPath).absolutePath(), QFileInfo(lab.siteAvailable()).absolutePath());
    EXPECT_EQ(readAll(s.backupPath), original);
    QByteArray testLog;
    EXPECT_TRUE(lab.nginx().test(&testLog)) << "the backup is not loaded by nginx: " << testLog.toStdString();

    // The audit trail: every step, every command with its exit status, checksums before/after.
    const QList<QJsonObject> audit = AuditTrail::read(s.auditPath);
    ASSERT_FALSE(audit.isEmpty());
    for (const char* id : {"preflight", "plan", "backup", "patch", "test", "reload", "verify", "monitor"})
        EXPECT_TRUE(stepIdsIn(audit, QStringLiteral("step")).contains(QString::fromLatin1(id))) << id;
    bool sawBackupChecksum = false, sawPatchChecksums = false, sawReloadCommand = false;
    for (const QJsonObject& o : audit) {
        EXPECT_TRUE(o.value(QLatin1String("time")).toString().contains(QRegularExpression(QStringLiteral("(Z|[+-]\\d\\d:\\d\\d)$"))))
            << "time carries its UTC offset";
        EXPECT_EQ(o.value(QLatin1String("profile")).toString(), QStringLiteral("lab proxy"));
        const QString step = o.value(QLatin1String("step")).toString();
        if (step == QLatin1String("backup") && o.value(QLatin1String("event")) == QLatin1String("file"))
            sawBackupChecksum = o.value(QLatin1String("sha256_after")).toString() == NginxFacts::sha256Hex(original)
                                && o.value(QLatin1String("backup_path")).toString() == s.backupPath;
        if (step == QLatin1String("patch") && o.value(QLatin1String("event")) == QLatin1String("file"))
            sawPatchChecksums = o.value(QLatin1String("sha256_before")).toString() == NginxFacts::sha256Hex(original)
                                && o.value(QLatin1String("sha256_after")).toString() == NginxFacts::sha256Hex(written);
        if (step == QLatin1String("reload") && o.value(QLatin1String("command")).toString() == lab.profile().nginx.reloadCommand)
            sawReloadCommand = o.value(QLatin1String("exit_status")).toInt(-1) == 0;
    }
    EXPECT_TRUE(sawBackupChecksum);
    EXPECT_TRUE(sawPatchChecksums);
    EXPECT_TRUE(sawReloadCommand);

    // The plan's WS001 names what the real nginx defaults to: the version comes from `nginx -V`
    // run by Preflight (issue 11). The oracle is the real `nginx -v`.
    QProcess v;
    v.start(QStringLiteral("/usr/sbin/nginx"), {QStringLiteral("-v")});
    ASSERT_TRUE(v.waitForFinished(10000));
    const QByteArray versionOutput = v.readAllStandardError() + v.readAllStandardOutput();
    const QString version = QString::fromUtf8(versionOutput.mid(versionOutput.indexOf('/') + 1).trimmed());
    bool sawVersionedWs001 = false;
    for (const QJsonObject& o : audit) {
        const QString message = o.value(QLatin1String("message")).toString();
        if (o.value(QLatin1String("step")).toString() == QLatin1String("plan") && message.contains(QLatin1String("WS001")))
            sawVersionedWs001 = sawVersionedWs001 || message.contains(QStringLiteral("nginx %1 talks HTTP/1.0").arg(version));
    }
    EXPECT_TRUE(sawVersionedWs001) << "version " << version.toStdString();
}

TEST_F(RunbookEndToEnd, DryRunChangesNothing)
{
    const auto before = lab.prefixChecksums();
    const QByteArray logBefore = readAll(lab.nginx().errorLog());
    EngineOptions o = quickOptions();
    o.dryRun = true;
    auto engine = lab.engine(nullptr, o);
    ASSERT_TRUE(engine->begin());
    QStringList said;
    QObject::connect(engine.get(), &RunbookEngine::output, engine.get(), [&](int, const QString& t) { said << t; });
    ASSERT_TRUE(runAndWait(*engine, [&] { engine->runAll(); }));
    const auto after = lab.prefixChecksums();
    for (auto it = before.cbegin(); it != before.cend(); ++it)
        EXPECT_EQ(after.value(it.key()), it.value()) << "changed by the dry run: " << it.key().toStdString()
                                                     << readAll(lab.nginx().errorLog()).mid(logBefore.size()).toStdString();
    EXPECT_EQ(after.keys(), before.keys()) << "no file created or removed";
    const QString all = said.join(QLatin1Char('\n'));
    EXPECT_TRUE(all.contains(QStringLiteral("would run: sudo mkdir -p"))) << "always through sudo (not needed as root here)";
    EXPECT_TRUE(all.contains(QStringLiteral("would run: %1").arg(lab.profile().nginx.reloadCommand)));
    EXPECT_TRUE(all.contains(QRegularExpression(QStringLiteral("\\n\\+\\s+proxy_set_header Upgrade \\$http_upgrade;")))) << "the diff is shown";
    EXPECT_TRUE(engine->state().backupPath.isEmpty());
}

TEST_F(RunbookEndToEnd, PatchThatBreaksSyntaxIsRestoredAtOnce)
{
    const QByteArray original = readAll(lab.siteAvailable());
    QByteArray broken = lab.fixedSite().toUtf8();
    broken.replace("proxy_buffering off;", "proxy_buffering off"); // missing ';'
    auto engine = lab.engine(std::make_unique<FixedTargetFixer>(broken), quickOptions());
    ASSERT_TRUE(engine->begin());
    EXPECT_FALSE(runAndWait(*engine, [&] { engine->runAll(); }));
    const RunState s = engine->state();
    EXPECT_EQ(s.steps.at(4).state, StepState::Failed);
    EXPECT_TRUE(s.steps.at(4).message.contains(QStringLiteral("restored"))) << s.steps.at(4).message.toStdString();
    EXPECT_EQ(readAll(lab.siteAvailable()), original);
    EXPECT_TRUE(lab.nginx().test());
    EXPECT_EQ(readAll(s.backupPath), original) << "the backup is intact";
    EXPECT_EQ(s.outcome, QStringLiteral("rolled_back"));
}

TEST_F(RunbookEndToEnd, ReloadThatFailsSilentlyIsDetectedAndRolledBack)
{
    // A port already in use: nginx -t passes, the reload command exits 0, nginx keeps the old config.
    QTcpServer squatter;
    ASSERT_TRUE(squatter.listen(QHostAddress::LocalHost, 0));
    QByteArray clash = lab.fixedSite().toUtf8();
    clash.replace("    location /ws/", QStringLiteral("    listen 127.0.0.1:%1;\n    location /ws/").arg(squatter.serverPort()).toUtf8());
    const QByteArray original = readAll(lab.siteAvailable());
    auto engine = lab.engine(std::make_unique<FixedTargetFixer>(clash), quickOptions());
    ASSERT_TRUE(engine->begin());
    EXPECT_FALSE(runAndWait(*engine, [&] { engine->runAll(); }));
    const RunState s = engine->state();
    EXPECT_EQ(s.steps.at(4).state, StepState::RolledBack) << "Test passed before the rollback";
    EXPECT_EQ(s.steps.at(5).state, StepState::Failed);
    EXPECT_TRUE(s.steps.at(5).message.contains(QStringLiteral("[emerg]"))) << s.steps.at(5).message.toStdString();
    EXPECT_EQ(s.steps.at(8).state, StepState::Ok) << s.steps.at(8).message.toStdString();
    EXPECT_EQ(s.outcome, QStringLiteral("rolled_back"));
    EXPECT_EQ(readAll(lab.siteAvailable()), original);
    EXPECT_TRUE(lab.nginx().test());
    EXPECT_EQ(readAll(s.backupPath), original);
    const QList<QJsonObject> audit = AuditTrail::read(s.auditPath);
    EXPECT_TRUE(stepIdsIn(audit, QStringLiteral("file")).contains(QStringLiteral("rollback")));
}

TEST_F(RunbookEndToEnd, FileChangedBetweenReadAndWriteIsRefused)
{
    auto engine = lab.engine(nullptr, quickOptions());
    ASSERT_TRUE(engine->begin());
    for (int i = 0; i < 3; ++i) // preflight, plan, backup
        ASSERT_TRUE(runAndWait(*engine, [&] { engine->runStep(i); })) << i;
    const QByteArray theirs = lab.brokenSite().toUtf8() + "# edited by a colleague meanwhile\n";
    ASSERT_TRUE(writeFile(lab.siteAvailable(), theirs));
    EXPECT_FALSE(runAndWait(*engine, [&] { engine->runStep(3); }));
    const RunState s = engine->state();
    EXPECT_EQ(s.steps.at(3).state, StepState::Failed);
    EXPECT_TRUE(s.steps.at(3).message.contains(QStringLiteral("changed on the server"))) << s.steps.at(3).message.toStdString();
    EXPECT_EQ(readAll(lab.siteAvailable()), theirs) << "their edit is kept";
    EXPECT_EQ(s.steps.at(8).state, StepState::Pending) << "no rollback over their edit";
}

TEST_F(RunbookEndToEnd, PlainFileInSitesEnabledIsRefusedWithTheReason)
{
    QFile::remove(lab.siteEnabled());
    ASSERT_TRUE(QFile::copy(lab.siteAvailable(), lab.siteEnabled()));
    QFile::remove(lab.siteAvailable());
    lab.profile().nginx.siteFile.clear();
    const auto before = lab.prefixChecksums();
    auto engine = lab.engine(nullptr, quickOptions());
    ASSERT_TRUE(engine->begin());
    EXPECT_FALSE(runAndWait(*engine, [&] { engine->runAll(); }));
    const RunState s = engine->state();
    EXPECT_EQ(s.steps.at(0).state, StepState::Failed);
    EXPECT_TRUE(s.steps.at(0).message.contains(QStringLiteral("plain file, not a symlink"))) << s.steps.at(0).message.toStdString();
    EXPECT_EQ(lab.prefixChecksums(), before);
}

TEST_F(RunbookEndToEnd, BackupThatCannotBeWrittenStopsBeforeTheConfigIsTouched)
{
    // The test runs as root, for whom permissions do not stop a write; a backup directory below a
    // regular file fails the same way a permission error does (cp cannot create the file).
    lab.profile().nginx.backupDir = lab.nginx().confPath() + QStringLiteral("/backups");
    const QByteArray original = readAll(lab.siteAvailable());
    auto engine = lab.engine(nullptr, quickOptions());
    ASSERT_TRUE(engine->begin());
    EXPECT_FALSE(runAndWait(*engine, [&] { engine->runAll(); }));
    const RunState s = engine->state();
    EXPECT_EQ(s.steps.at(2).state, StepState::Failed);
    EXPECT_TRUE(s.steps.at(2).message.contains(QStringLiteral("cannot write the backup"))) << s.steps.at(2).message.toStdString();
    EXPECT_TRUE(s.steps.at(2).message.contains(QStringLiteral("not touched")));
    EXPECT_EQ(s.steps.at(3).state, StepState::Pending);
    EXPECT_EQ(readAll(lab.siteAvailable()), original);
}
