// SPDX-License-Identifier: GPL-3.0-or-later
// The runbook over a real sshd (SshdLab: user `sstest`, password-protected sudo) against a real
// nginx owned by root: every change goes through sudo with the password on stdin. The password
// must appear in no audit line, run file, log or process command line.
#include "lab/RunbookLab.h"
#include "lab/SshdLab.h"

#include "runbook/AuditTrail.h"
#include "runbook/NginxFacts.h"
#include "runbook/Runbook.h"
#include "runbook/RunbookConnect.h"
#include "ssh/SshPromptRelay.h"

#include <QDir>
#include <QDirIterator>
#include <QSignalSpy>
#include <QTimer>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

// Every process's command line right now (Linux /proc).
QByteArray allCommandLines()
{
    QByteArray all;
    QDirIterator it(QStringLiteral("/proc"), {QStringLiteral("[0-9]*")}, QDir::Dirs);
    while (it.hasNext())
        all += readAll(it.next() + QStringLiteral("/cmdline")) + '\n';
    return all;
}

class RunbookOverSsh : public ::testing::Test {
protected:
    void SetUp() override
    {
        QString why;
        sshd = SshdLab::shared(&why);
        if (!sshd)
            LAB_UNAVAILABLE(why);
        if (!lab.start(&why))
            LAB_UNAVAILABLE(why);
        lab.profile().ssh.host = sshd->host();
        lab.profile().ssh.port = sshd->port();
        lab.profile().ssh.user = SshdLab::user();
        lab.profile().ssh.sudoWithoutPassword = false; // sstest must use sudo for root's nginx files
        ASSERT_TRUE(sshd->writeKnownHosts(tmp.filePath(QStringLiteral("known_hosts"))));
        target.host = sshd->host();
        target.port = sshd->port();
        target.user = SshdLab::user();
        target.auth = SshTarget::Auth::KeyFile;
        target.keyFile = sshd->keyFile();
        target.appKnownHostsFile = tmp.filePath(QStringLiteral("known_hosts"));
        target.userKnownHostsFile = tmp.filePath(QStringLiteral("none"));
        target.connectTimeoutMs = 10000;
    }
    std::unique_ptr<RunbookEngine> engine(EngineOptions o)
    {
        o.sudoPassword = SecretBytes(SshdLab::password());
        auto e = lab.engine(nullptr, o);
        e->setHostFactory(RunbookConnect::sshFactory(target, SecretBytes(SshdLab::password())));
        return e;
    }

    SshdLab* sshd = nullptr;
    RunbookLab lab;
    QTemporaryDir tmp;
    SshTarget target;
};

bool waitFinished(RunbookEngine& e, const std::function<void()>& call, const std::function<void()>& tick = {})
{
    QSignalSpy spy(&e, &RunbookEngine::finished);
    QTimer sampler;
    if (tick) {
        QObject::connect(&sampler, &QTimer::timeout, &sampler, tick);
        sampler.start(20);
    }
    call();
    return waitForCount(spy, 1, 120000) && spy.first().at(0).toBool();
}

} // namespace

TEST_F(RunbookOverSsh, FixesWithSudoAndTheSudoPasswordLeaksNowhere)
{
    EngineOptions o;
    o.autoConfirm = true;
    o.monitorSeconds = 1;
    o.auditCopy = tmp.filePath(QStringLiteral("audit-copy.jsonl"));
    auto e = engine(o);
    ASSERT_TRUE(e->begin());
    const QByteArray password = SshdLab::password();
    int samples = 0;
    bool inCommandLine = false;
    ASSERT_TRUE(waitFinished(*e, [&] { e->runAll(); }, [&] {
        ++samples;
        inCommandLine = inCommandLine || allCommandLines().contains(password);
    }));
    const RunState s = e->state();
    EXPECT_EQ(s.finalProbeCause, QStringLiteral("ok"));
    EXPECT_TRUE(s.host.contains(SshdLab::user()));
    EXPECT_EQ(NginxFacts::sha256Hex(readAll(lab.siteAvailable())), s.newSha256) << "the product's fixer wrote the file";
    EXPECT_GT(samples, 10);
    EXPECT_FALSE(inCommandLine) << "the sudo password appeared in a process command line";

    // Every file the run wrote locally, the audit copy, nginx's logs and sshd's log.
    QStringList files{o.auditCopy, lab.nginx().errorLog(), sshd->logPath()};
    QDirIterator it(lab.runsDir(), QDir::Files);
    while (it.hasNext())
        files << it.next();
    for (const QString& f : files)
        EXPECT_FALSE(readAll(f).contains(password)) << f.toStdString();
    bool sudoUsed = false;
    for (const QJsonObject& line : AuditTrail::read(s.auditPath))
        sudoUsed = sudoUsed || (line.value(QLatin1String("event")) == QLatin1String("command") && line.value(QLatin1String("sudo")).toBool());
    EXPECT_TRUE(sudoUsed) << "the run really went through sudo";
}

TEST_F(RunbookOverSsh, ConnectionKilledDuringPatchThenResumeFinishes)
{
    EngineOptions o;
    o.monitorSeconds = 1;
    auto first = engine(o);
    ASSERT_TRUE(first->begin());
    // Approve everything, but kill the SSH connection the moment Patch asks, and keep sshd down
    // so that the session cannot simply reconnect.
    QObject::connect(first.get(), &RunbookEngine::confirmationRequested, first.get(), [&](int index, const QString&, const QString&) {
        if (first->runbook().steps.at(index).id == QLatin1String("patch")) {
            sshd->killSessions();
            sshd->stop();
        }
        first->answerConfirmation(true);
    });
    QStringList said;
    QObject::connect(first.get(), &RunbookEngine::output, first.get(), [&](int, const QString& t) { said << t; });
    EXPECT_FALSE(waitFinished(*first, [&] { first->runAll(); })) << said.join(QLatin1Char('\n')).right(3000).toStdString();
    const RunState s = first->state();
    EXPECT_EQ(s.steps.at(3).state, StepState::Failed) << s.steps.at(3).message.toStdString();
    EXPECT_FALSE(s.isFinished());
    EXPECT_FALSE(s.backupPath.isEmpty());
    const QByteArray original = readAll(s.backupPath);
    EXPECT_EQ(readAll(lab.siteAvailable()), original) << "the connection died before the write";
    first.reset();
    QString error;
    ASSERT_TRUE(sshd->start(&error)) << error.toStdString();

    o.autoConfirm = true;
    auto second = engine(o);
    ASSERT_TRUE(second->resumeRun(s.id));
    ASSERT_TRUE(waitFinished(*second, [&] { second->runAll(); }));
    EXPECT_EQ(second->state().finalProbeCause, QStringLiteral("ok"));
    EXPECT_EQ(NginxFacts::sha256Hex(readAll(lab.siteAvailable())), second->state().newSha256);
    EXPECT_NE(readAll(lab.siteAvailable()), original);
    EXPECT_EQ(readAll(s.backupPath), original);
}

TEST_F(RunbookOverSsh, SudoWithoutPasswordMeansSudoNAndStopsBeforeTheConfigIsTouched)
{
    // The profile says sstest needs no password for sudo: `sudo -n`, which sstest's rule refuses.
    // (It used to mean "no sudo at all", and Backup then failed on root's directory.)
    target.sudoNoPassword = true;
    lab.profile().ssh.sudoWithoutPassword = true;
    const QByteArray original = readAll(lab.siteAvailable());
    EngineOptions o;
    o.autoConfirm = true;
    o.monitorSeconds = 1;
    auto e = engine(o);
    ASSERT_TRUE(e->begin());
    EXPECT_FALSE(waitFinished(*e, [&] { e->runAll(); }));
    const RunState s = e->state();
    EXPECT_EQ(s.steps.at(0).state, StepState::Failed);
    EXPECT_TRUE(s.steps.at(0).message.contains(QStringLiteral("a password is required"))) << s.steps.at(0).message.toStdString();
    EXPECT_EQ(s.steps.at(2).state, StepState::Pending);
    EXPECT_EQ(readAll(lab.siteAvailable()), original);
    EXPECT_TRUE(s.backupPath.isEmpty());
}

// An unknown host key is a question for whoever drives the run (the GUI's dialog): asked once
// with the server's real fingerprint, remembered when so answered, and the run goes on.
TEST_F(RunbookOverSsh, UnknownHostKeyIsAskedThroughTheRelayAndRemembered)
{
    target.appKnownHostsFile = tmp.filePath(QStringLiteral("fresh_known_hosts"));
    auto relay = std::make_shared<SshPromptRelay>();
    QObject receiver;
    QStringList asked;
    QObject::connect(relay.get(), &SshPromptRelay::hostKeyDecisionNeeded, &receiver, [&](const HostKeyInfo& info) {
        asked << info.fingerprint;
        relay->answerHostKey(HostKeyDecision::AcceptAndRemember);
    });
    EngineOptions o;
    o.dryRun = true;
    o.sudoPassword = SecretBytes(SshdLab::password());
    auto e = lab.engine(nullptr, o);
    e->setHostFactory(RunbookConnect::sshFactory(target, SecretBytes(SshdLab::password()), promptsFor(relay)));
    ASSERT_TRUE(e->begin());
    ASSERT_TRUE(waitFinished(*e, [&] { e->runAll(); })) << e->state().steps.at(0).message.toStdString();
    ASSERT_EQ(asked.size(), 1);
    EXPECT_EQ(asked.first(), sshd->hostKeyFingerprint());
    EXPECT_TRUE(QFileInfo::exists(target.appKnownHostsFile)) << "remembered in the app's known_hosts";

    // Known now: a second run with nobody to ask connects without a question.
    auto again = lab.engine(nullptr, o);
    again->setHostFactory(RunbookConnect::sshFactory(target, SecretBytes(SshdLab::password())));
    ASSERT_TRUE(again->begin());
    EXPECT_TRUE(waitFinished(*again, [&] { again->runAll(); })) << again->state().steps.at(0).message.toStdString();
    EXPECT_EQ(asked.size(), 1);
}

// Rejected, or refused because the relay was shut down while the question was open (the tab
// closed): Preflight fails with the fingerprint and the way to trust it, and nothing is touched.
TEST_F(RunbookOverSsh, RejectedOrAbandonedHostKeyQuestionStopsPreflight)
{
    target.appKnownHostsFile = tmp.filePath(QStringLiteral("fresh_known_hosts"));
    const QByteArray original = readAll(lab.siteAvailable());
    for (const bool abandon : {false, true}) {
        auto relay = std::make_shared<SshPromptRelay>();
        QObject receiver;
        int asked = 0;
        QObject::connect(relay.get(), &SshPromptRelay::hostKeyDecisionNeeded, &receiver, [&](const HostKeyInfo&) {
            ++asked;
            if (abandon)
                relay->shutdown();
            else
                relay->answerHostKey(HostKeyDecision::Reject);
        });
        EngineOptions o;
        o.autoConfirm = true;
        auto e = lab.engine(nullptr, o);
        e->setHostFactory(RunbookConnect::sshFactory(target, SecretBytes(SshdLab::password()), promptsFor(relay)));
        ASSERT_TRUE(e->begin());
        EXPECT_FALSE(waitFinished(*e, [&] { e->runAll(); }));
        EXPECT_EQ(asked, 1) << abandon;
        const RunState s = e->state();
        EXPECT_EQ(s.steps.at(0).state, StepState::Failed);
        EXPECT_TRUE(s.steps.at(0).message.contains(sshd->hostKeyFingerprint())) << s.steps.at(0).message.toStdString();
        EXPECT_TRUE(s.steps.at(0).message.contains(QStringLiteral("--accept-new-host-key")));
        EXPECT_FALSE(QFileInfo::exists(target.appKnownHostsFile));
        EXPECT_EQ(readAll(lab.siteAvailable()), original);
    }
}
