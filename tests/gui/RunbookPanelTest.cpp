// SPDX-License-Identifier: GPL-3.0-or-later
// The Runbook panel driving the real engine against a real nginx on this machine: confirmations
// with the diff, the checklist's states, Rollback appearing once a backup exists, the audit view.
// Screenshots go to $SOCKETSCOPE_SCREENSHOT_DIR when it is set.
#include "AppContext.h"
#include "common/Banner.h"
#include "core/ActivityLog.h"
#include "lab/RunbookLab.h"
#include "lab/KeyringLab.h"
#include "lab/SshdLab.h"
#include "profiles/SecretStore.h"
#include "runbook/RunbookConfirmDialog.h"
#include "runbook/RunbookEngine.h"
#include "runbook/RunbookPanel.h"
#include "ssh/HostKeyDialog.h"
#include "ssh/SecretPromptDialog.h"

#include <QApplication>
#include <QComboBox>
#include <QDeadlineTimer>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QThread>
#include <QTreeWidget>
#include <QUuid>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

// Spins the event loop until pred() holds; tick() runs on every turn (to answer dialogs).
bool pumpUntil(const std::function<bool()>& pred, int timeoutMs, const std::function<void()>& tick = {})
{
    QDeadlineTimer deadline(timeoutMs);
    while (!pred()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (tick)
            tick();
        QThread::msleep(5);
    }
    return true;
}

// Issue 16: a green banner states a result; an instruction ("press Run all", "select a
// profile", "now reload …") is news for a neutral banner. An instruction is a clause that starts
// with an imperative verb (after the start, ✔, or . , : ; —), or says "now".
bool instructs(const QString& text)
{
    static const QRegularExpression imperative(
        QStringLiteral("(^|[.,:;!—✔✖]\\s*)(then\\s+)?(press|click|run|reload|check|set|add|choose|select|open|use|restart|"
                       "try|edit|apply|go|make|start|type|enter)\\b|\\bnow\\b"),
        QRegularExpression::CaseInsensitiveOption);
    return imperative.match(text.trimmed()).hasMatch();
}

Banner* bannerOf(QWidget& panel)
{
    return panel.findChild<Banner*>(QStringLiteral("bannerFrame"));
}

void shoot(QWidget& w, const char* name)
{
    const QString dir = qEnvironmentVariable("SOCKETSCOPE_SCREENSHOT_DIR");
    if (!dir.isEmpty())
        w.grab().save(dir + QLatin1Char('/') + QString::fromLatin1(name));
}

class RunbookPanelTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        QString error;
        if (!lab.start(&error))
            LAB_UNAVAILABLE(error);
        lab.profile().name = QStringLiteral("neo4j-lab");
        context.activity = &activity;
        panel = std::make_unique<RunbookPanel>(context);
        panel->resize(1280, 760);
        panel->setRunsDirectory(lab.runsDir());
        // The product's nginx fixer plans the change (no fixer factory set).
        panel->setActOnThisMachine(true);
        panel->setMonitorSeconds(2);
        panel->setProfile(&lab.profile());
        panel->show();
    }
    QString stateText(int row) const
    {
        return panel->findChild<QTreeWidget*>(QStringLiteral("stepsTreeWidget"))->topLevelItem(row)->text(0);
    }

    RunbookLab lab;
    ActivityLog activity;
    AppContext context;
    std::unique_ptr<RunbookPanel> panel;
};

} // namespace

TEST_F(RunbookPanelTest, RunAllWithConfirmationsFixesTheProxy)
{
    auto* rollback = panel->findChild<QPushButton*>(QStringLiteral("rollbackPushButton"));
    EXPECT_FALSE(rollback->isVisible()) << "no backup yet";
    panel->findChild<QPushButton*>(QStringLiteral("runAllPushButton"))->click();
    ASSERT_TRUE(panel->engine());
    QSignalSpy finished(panel->engine(), &RunbookEngine::finished);
    QStringList asked;
    bool sawDiff = false, shotRunning = false, shotDialog = false;
    const bool done = pumpUntil(
        [&] { return finished.count() > 0; },
        120000,
        [&] {
            RunbookConfirmDialog* d = panel->confirmDialog();
            if (d->isVisible()) {
                asked << d->windowTitle();
                if (d->details().contains(QRegularExpression(QStringLiteral("\\n\\+\\s+proxy_set_header\\s+Upgrade\\s+\\$http_upgrade;")))) {
                    sawDiff = true;
                    if (!shotDialog) {
                        shotDialog = true;
                        shoot(*d, "runbook-confirm-patch.png");
                    }
                }
                d->applyButton()->click();
            }
            if (!shotRunning && stateText(6) == QLatin1String("running")) {
                shotRunning = true;
                shoot(*panel, "runbook-running.png");
            }
        });
    ASSERT_TRUE(done);
    EXPECT_EQ(asked.size(), 3) << "Backup, Patch and Reload each asked first";
    EXPECT_TRUE(sawDiff) << "the diff is shown before Patch";
    for (int i = 0; i < 8; ++i)
        EXPECT_EQ(stateText(i), QStringLiteral("ok")) << i;
    EXPECT_EQ(panel->engine()->state().finalProbeCause, QStringLiteral("ok"));
    EXPECT_TRUE(rollback->isVisible()) << "Rollback is visible once a backup exists";
    auto* banner = panel->findChild<QLabel*>(QStringLiteral("bannerLabel"));
    EXPECT_TRUE(banner->isVisible());
    EXPECT_TRUE(banner->text().contains(QStringLiteral("ok"))) << banner->text().toStdString();
    // Issue 16: the green banner of a real run on this machine states the result, no instruction.
    ASSERT_NE(bannerOf(*panel), nullptr);
    EXPECT_EQ(bannerOf(*panel)->kind(), Banner::Kind::Success);
    EXPECT_FALSE(instructs(banner->text())) << banner->text().toStdString();
    // Issue 16: a run on this machine does not claim a connection ("connected to root@vm").
    const QString output = panel->findChild<QPlainTextEdit*>(QStringLiteral("outputPlainTextEdit"))->toPlainText();
    // (The probe's "TCP: connected to 127.0.0.1:PORT" is a real connection; "connected to USER@HOST" is not.)
    EXPECT_FALSE(output.contains(QRegularExpression(QStringLiteral("connected to \\S+@")))) << output.toStdString();
    EXPECT_TRUE(output.contains(QStringLiteral("acting on this machine, no SSH connection"))) << output.toStdString();
    auto* audit = panel->findChild<QTableWidget*>(QStringLiteral("auditTableWidget"));
    EXPECT_GT(audit->rowCount(), 20);
    EXPECT_TRUE(readAll(lab.siteAvailable()).contains("$http_upgrade")) << "the fix is on disk";
    shoot(*panel, "runbook-done.png");
    panel->findChild<QTabWidget*>(QStringLiteral("runbookTabWidget"))->setCurrentIndex(1);
    shoot(*panel, "runbook-audit.png");
}

TEST_F(RunbookPanelTest, DeclinedPatchChangesNothingAndDryRunAsksNothing)
{
    const QByteArray original = readAll(lab.siteAvailable());
    panel->findChild<QPushButton*>(QStringLiteral("dryRunPushButton"))->click();
    ASSERT_TRUE(panel->engine());
    QSignalSpy dryDone(panel->engine(), &RunbookEngine::finished);
    bool asked = false;
    ASSERT_TRUE(pumpUntil([&] { return dryDone.count() > 0; }, 60000, [&] { asked = asked || panel->confirmDialog()->isVisible(); }));
    EXPECT_TRUE(dryDone.first().at(0).toBool()) << dryDone.first().at(1).toString().toStdString();
    EXPECT_FALSE(asked) << "a dry run changes nothing, so it asks nothing";
    EXPECT_TRUE(panel->findChild<QPlainTextEdit*>(QStringLiteral("outputPlainTextEdit"))->toPlainText().contains(QStringLiteral("would run:")));
    EXPECT_EQ(readAll(lab.siteAvailable()), original);
    // Issue 16: a dry run's steps read "simulated", never a green "ok".
    int simulated = 0;
    for (int row = 0; row < panel->findChild<QTreeWidget*>(QStringLiteral("stepsTreeWidget"))->topLevelItemCount(); ++row) {
        EXPECT_NE(stateText(row), QStringLiteral("ok")) << row;
        simulated += stateText(row) == QLatin1String("simulated");
    }
    EXPECT_GT(simulated, 0);
    // Issue 16: a dry run's end is not green; what to do next is said in a neutral banner.
    ASSERT_NE(bannerOf(*panel), nullptr);
    const QString dryBanner = bannerOf(*panel)->text();
    EXPECT_NE(bannerOf(*panel)->kind(), Banner::Kind::Success) << dryBanner.toStdString();
    EXPECT_EQ(bannerOf(*panel)->kind(), Banner::Kind::Info) << dryBanner.toStdString();
    EXPECT_TRUE(dryBanner.contains(QStringLiteral("nothing was changed"))) << dryBanner.toStdString();
    EXPECT_TRUE(instructs(dryBanner) && dryBanner.contains(QStringLiteral("Run all"))) << dryBanner.toStdString();

    panel->findChild<QPushButton*>(QStringLiteral("runAllPushButton"))->click();
    ASSERT_TRUE(panel->engine());
    QSignalSpy runDone(panel->engine(), &RunbookEngine::finished);
    int answered = 0;
    ASSERT_TRUE(pumpUntil([&] { return runDone.count() > 0; }, 60000, [&] {
        RunbookConfirmDialog* d = panel->confirmDialog();
        if (!d->isVisible())
            return;
        if (answered++ == 0)
            d->applyButton()->click(); // Backup: yes
        else
            d->reject();               // Patch: no
    }));
    EXPECT_EQ(readAll(lab.siteAvailable()), original);
    EXPECT_EQ(stateText(2), QStringLiteral("ok"));
    EXPECT_EQ(stateText(3), QStringLiteral("failed"));
}

// A sudo password typed for one profile or target must never reach another server: the field is
// emptied on a profile switch, on a target change and after every run.
TEST_F(RunbookPanelTest, SudoPasswordIsForgottenOnProfileSwitchTargetChangeAndAfterEveryRun)
{
    auto* sudo = panel->findChild<QLineEdit*>(QStringLiteral("sudoPasswordLineEdit"));
    ASSERT_TRUE(sudo);
    Profile other = lab.profile();
    other.id = QUuid::createUuid();
    other.name = QStringLiteral("another-server");
    other.ssh.host = QStringLiteral("192.0.2.10");
    other.ssh.user = QStringLiteral("ops");
    other.ssh.sudoWithoutPassword = false;

    sudo->setText(QStringLiteral("typed-for-neo4j-lab"));
    panel->setProfile(&other);
    EXPECT_TRUE(sudo->text().isEmpty()) << "profile switch";

    panel->setActOnThisMachine(false);
    sudo->setText(QStringLiteral("typed-for-ssh"));
    panel->setActOnThisMachine(true);
    EXPECT_TRUE(sudo->text().isEmpty()) << "target change";

    panel->setProfile(&lab.profile());
    panel->setActOnThisMachine(true);
    sudo->setText(QStringLiteral("typed-for-this-run"));
    panel->findChild<QPushButton*>(QStringLiteral("dryRunPushButton"))->click();
    ASSERT_TRUE(panel->engine());
    QSignalSpy finished(panel->engine(), &RunbookEngine::finished);
    ASSERT_TRUE(pumpUntil([&] { return finished.count() > 0; }, 60000));
    EXPECT_TRUE(finished.first().at(0).toBool()) << finished.first().at(1).toString().toStdString();
    EXPECT_TRUE(sudo->text().isEmpty()) << "after the run";
}

// Over a real sshd with password login: the panel's run asks the unknown host key and then the
// login password through the same dialogs as the Logs tab, and goes on with the answers. With
// the password saved in the OS keychain (a real Secret Service), no password dialog appears.
class RunbookPanelOverSsh : public ::testing::Test {
protected:
    void SetUp() override
    {
        LAB_REQUIRE(SshdLab::skipReason());
        QString error;
        ASSERT_TRUE(sshd.start(&error)) << error.toStdString();
        if (!lab.start(&error))
            LAB_UNAVAILABLE(error);
        lab.profile().name = QStringLiteral("neo4j-over-ssh");
        lab.profile().ssh.host = sshd.host();
        lab.profile().ssh.port = sshd.port();
        lab.profile().ssh.user = SshdLab::user();
        lab.profile().ssh.auth = SshAccess::AuthMethod::Password;
        lab.profile().ssh.sudoWithoutPassword = false;
        context.activity = &activity;
    }
    struct Seen {
        QString fingerprint;
        QStringList passwordPrompts;
        bool ok = false;
        QString firstStep;
    };
    // A dry run from the panel; dialogs are answered as a user would (accept once, the password).
    Seen dryRun()
    {
        Seen seen;
        RunbookPanel panel(context);
        panel.resize(1280, 760);
        panel.setRunsDirectory(lab.runsDir());
        panel.setActOnThisMachine(false);
        panel.setProfile(&lab.profile());
        panel.show();
        auto* sudo = panel.findChild<QLineEdit*>(QStringLiteral("sudoPasswordLineEdit"));
        EXPECT_TRUE(sudo && sudo->isVisible()) << "over SSH the remote user's sudo password is asked";
        if (sudo)
            sudo->setText(QString::fromUtf8(SshdLab::password()));
        panel.findChild<QPushButton*>(QStringLiteral("dryRunPushButton"))->click();
        if (!panel.engine()) {
            seen.firstStep = panel.findChild<QLabel*>(QStringLiteral("bannerLabel"))->text();
            return seen;
        }
        QSignalSpy finished(panel.engine(), &RunbookEngine::finished);
        const bool done = pumpUntil([&] { return finished.count() > 0; }, 60000, [&] {
            if (auto* d = panel.findChild<HostKeyDialog*>(); d && d->isVisible()) {
                seen.fingerprint = d->info().fingerprint;
                shoot(*d, "runbook-host-key.png");
                d->findChild<QPushButton*>(QStringLiteral("acceptOncePushButton"))->click();
            }
            if (auto* d = panel.findChild<SecretPromptDialog*>(); d && d->isVisible()) {
                seen.passwordPrompts << d->findChild<QLabel*>(QStringLiteral("promptLabel"))->text();
                d->findChild<QLineEdit*>(QStringLiteral("secretLineEdit"))->setText(QString::fromUtf8(SshdLab::password()));
                d->findChild<QPushButton*>(QStringLiteral("okPushButton"))->click();
            }
        });
        EXPECT_TRUE(done);
        seen.ok = done && finished.first().at(0).toBool();
        seen.firstStep = panel.engine()->state().steps.at(0).message;
        EXPECT_TRUE(panel.engine()->state().host.contains(SshdLab::user()));
        return seen;
    }

    SshdLab sshd;
    RunbookLab lab;
    ActivityLog activity;
    AppContext context;
};

TEST_F(RunbookPanelOverSsh, AsksTheHostKeyAndThePasswordThenRuns)
{
    const Seen seen = dryRun();
    EXPECT_EQ(seen.fingerprint, sshd.hostKeyFingerprint()) << "the dialog shows the server's real key";
    ASSERT_EQ(seen.passwordPrompts.size(), 1);
    EXPECT_TRUE(seen.passwordPrompts.first().contains(SshdLab::user())) << seen.passwordPrompts.first().toStdString();
    EXPECT_TRUE(seen.ok) << seen.firstStep.toStdString();
}

TEST_F(RunbookPanelOverSsh, UsesTheLoginPasswordSavedInTheKeychain)
{
    LAB_REQUIRE(KeyringLab::skipReason());
    KeyringLab keyring;
    QString error;
    if (!keyring.start(&error)) // e.g. a container that forbids the daemon's memory locking
        LAB_UNAVAILABLE(QStringLiteral("no Secret Service can run here: ") + error);
    keyring.useInThisProcess();
    SecretStore secrets(QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    QSignalSpy availability(&secrets, &SecretStore::availabilityChanged);
    secrets.checkAvailability(5000);
    ASSERT_TRUE(waitForCount(availability, 1, 8000));
    ASSERT_EQ(secrets.availability(), SecretStore::Availability::Available) << secrets.availabilityText().toStdString();
    bool saved = false;
    QObject ctx;
    secrets.write(lab.profile().id, SecretKind::SshPassword, SshdLab::password(), &ctx, [&](const Status& st) {
        EXPECT_TRUE(st.ok()) << st.error().toStdString();
        saved = true;
    });
    ASSERT_TRUE(pumpUntil([&] { return saved; }, 10000));
    context.secrets = &secrets;

    const Seen seen = dryRun();
    EXPECT_EQ(seen.fingerprint, sshd.hostKeyFingerprint());
    EXPECT_TRUE(seen.passwordPrompts.isEmpty()) << "the saved password was used: " << seen.passwordPrompts.join(QStringLiteral("; ")).toStdString();
    EXPECT_TRUE(seen.ok) << seen.firstStep.toStdString();
}

// Issue 16: a profile without a site file and without SSH: the Run buttons are disabled and a
// checklist says what is missing and where to set it; "Over SSH" cannot be chosen.
// The test's own yardstick: it must tell an instruction from a result.
TEST(RunbookPanelBanner, InstructionsAreToldFromResults)
{
    EXPECT_TRUE(instructs(QStringLiteral("Select a profile to run a runbook against its server.")));
    EXPECT_TRUE(instructs(QStringLiteral("✔ patched. Now reload nginx")));
    EXPECT_TRUE(instructs(QStringLiteral("Dry run complete: nothing was changed. To apply these steps, press Run all.")));
    EXPECT_TRUE(instructs(QStringLiteral("done; check the error log")));
    EXPECT_FALSE(instructs(QStringLiteral("✔ all steps done; through the proxy: ok")));
    EXPECT_FALSE(instructs(QStringLiteral("✔ Every step is done.")));
}

// Issue 16: with no profile, the hint to select one is neutral, not green.
TEST(RunbookPanelBanner, TheHintToSelectAProfileIsNotGreen)
{
    AppContext context;
    RunbookPanel panel(context);
    Banner* banner = bannerOf(panel);
    ASSERT_NE(banner, nullptr);
    EXPECT_TRUE(instructs(banner->text())) << banner->text().toStdString();
    EXPECT_EQ(banner->kind(), Banner::Kind::Info);
}

TEST(RunbookPanelChecklist, MissingSiteFileAndSshDisableRunWithAChecklist)
{
    AppContext context;
    RunbookPanel panel(context);
    Profile p;
    p.name = QStringLiteral("no-ssh");
    p.publicUrl = QStringLiteral("wss://example.com/ws");
    panel.setProfile(&p);
    auto* target = panel.findChild<QComboBox*>(QStringLiteral("targetComboBox"));
    ASSERT_NE(target, nullptr);
    EXPECT_EQ(target->currentIndex(), 1) << "on this machine";
    auto* model = qobject_cast<QStandardItemModel*>(target->model());
    ASSERT_NE(model, nullptr);
    EXPECT_FALSE(model->item(0)->isEnabled()) << "Over SSH is not offered without SSH";
    auto* checklist = panel.findChild<QLabel*>(QStringLiteral("missingChecklistLabel"));
    ASSERT_NE(checklist, nullptr);
    EXPECT_FALSE(checklist->isHidden());
    EXPECT_TRUE(checklist->text().contains(QStringLiteral("site file"))) << checklist->text().toStdString();
    // Issue 16: the checklist names the editor's field and links to it.
    EXPECT_TRUE(checklist->text().contains(QStringLiteral("“Site file”"))) << checklist->text().toStdString();
    QSignalSpy edit(&panel, &RunbookPanel::editProfileField);
    emit checklist->linkActivated(QStringLiteral("edit:nginx.siteFile"));
    ASSERT_EQ(edit.count(), 1);
    EXPECT_EQ(edit.at(0).at(0).toString(), QStringLiteral("nginx.siteFile"));
    EXPECT_TRUE(checklist->text().contains(QStringLiteral("href=\"edit:nginx.siteFile\""))) << checklist->text().toStdString();
    for (const char* name : {"runAllPushButton", "runStepPushButton", "dryRunPushButton"})
        EXPECT_FALSE(panel.findChild<QPushButton*>(QString::fromLatin1(name))->isEnabled()) << name;

    QTemporaryDir dir;
    p.nginx.siteFile = dir.filePath(QStringLiteral("site"));
    p.ssh.host = QStringLiteral("192.0.2.10");
    panel.setProfile(&p);
    EXPECT_TRUE(model->item(0)->isEnabled());
    EXPECT_TRUE(checklist->isHidden()) << checklist->text().toStdString();
    EXPECT_TRUE(panel.findChild<QPushButton*>(QStringLiteral("runAllPushButton"))->isEnabled());
}
