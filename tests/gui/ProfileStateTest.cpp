// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: one state per profile. Two real monitors (the Local demo, answering, and a profile
// whose port has no listener) run at once; the header, the list entry, the Overview and the Live
// tab show the *selected* profile's state, a monitor never writes into another profile's header
// or over "No profile selected", and a profile's last probe survives switching and a restart.
#include "AppContext.h"
#include "AppStartup.h"
#include "MainWindow.h"
#include "lab/Lab.h"
#include "monitor/LivePanel.h"
#include "monitor/MonitorManager.h"
#include "probe/OverviewPanel.h"
#include "profiles/ProfileListPanel.h"
#include "profiles/ProfileStore.h"
#include "profiles/SecretStore.h"
#include "server/ReferenceServer.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

QString keychainService() { return QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces); }

QStringList args(const QTemporaryDir& dir)
{
    return {QStringLiteral("socketscope"), QStringLiteral("--profiles"), dir.filePath(QStringLiteral("p.json")),
            QStringLiteral("--state"), dir.filePath(QStringLiteral("state.json"))};
}

// The keychain check answers asynchronously: let it finish before the application goes, so no
// answer is delivered to a destroyed store in a later test.
void settleKeychain(GuiApplication& gui)
{
    EXPECT_TRUE(QTest::qWaitFor([&] { return gui.context().secrets->availability() != SecretStore::Availability::Unknown; }, 15000));
}

QString header(MainWindow* w) { return w->findChild<QLabel*>(QStringLiteral("verdictHeaderLabel"))->text(); }

QString listText(MainWindow* w, const QString& name)
{
    auto* list = w->findChild<QListWidget*>(QStringLiteral("profileListWidget"));
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->text().startsWith(name + QStringLiteral(" — ")))
            return list->item(i)->text();
    return {};
}

Profile deadProfile()
{
    Profile p;
    p.name = QStringLiteral("Dead upstream");
    p.publicUrl = QStringLiteral("ws://127.0.0.1:%1/ws").arg(lab::freePort());
    return p;
}

} // namespace

TEST(ProfileState, TwoMonitorsEachViewShowsTheSelectedProfilesState)
{
    QTemporaryDir dir;
    GuiApplication gui(args(dir), keychainService());
    const Profile dead = deadProfile();
    ASSERT_TRUE(gui.context().profiles->add(dead).ok());
    MainWindow* w = gui.window();
    w->show();
    ProfileListPanel* profiles = w->profileList();
    auto* live = w->findChild<LivePanel*>();
    ASSERT_NE(live, nullptr);
    live->findChild<QDoubleSpinBox*>(QStringLiteral("intervalSpinBox"))->setValue(0.3);
    live->findChild<QCheckBox*>(QStringLiteral("longLivedCheckBox"))->setChecked(false);

    profiles->selectProfile(gui.demoProfileId());
    const int demoMonitor = live->startMonitor();
    profiles->selectProfile(dead.id);
    const int deadMonitor = live->startMonitor();
    ASSERT_GT(demoMonitor, 0);
    ASSERT_GT(deadMonitor, 0);
    ASSERT_NE(demoMonitor, deadMonitor);
    ASSERT_TRUE(QTest::qWaitFor([&] { return live->stateWord(demoMonitor) == QLatin1String("ok") &&
                                             live->stateWord(deadMonitor) == QLatin1String("down"); }, 20000));
    // Let both keep reporting while the dead profile is selected: the demo's "ok" must not land here.
    QSignalSpy samples(live->manager(), &MonitorManager::sampleAdded);
    ASSERT_TRUE(lab::waitForCount(samples, 6, 20000));
    EXPECT_TRUE(header(w).contains(QStringLiteral("Dead upstream")) && header(w).contains(QStringLiteral(" down ")))
        << header(w).toStdString();
    EXPECT_FALSE(header(w).contains(QStringLiteral("Local demo"))) << header(w).toStdString();
    EXPECT_EQ(listText(w, QStringLiteral("Dead upstream")), QStringLiteral("Dead upstream — down"));
    EXPECT_EQ(listText(w, QStringLiteral("Local demo")), QStringLiteral("Local demo — ok"));
    EXPECT_EQ(live->currentMonitor(), deadMonitor) << "the Live tab shows the selected profile's monitor";
    EXPECT_TRUE(live->findChild<QLabel*>(QStringLiteral("stateLabel"))->text().contains(QStringLiteral("down")));

    profiles->selectProfile(gui.demoProfileId());
    EXPECT_TRUE(header(w).contains(QStringLiteral("Local demo")) && header(w).contains(QStringLiteral(" ok ")))
        << header(w).toStdString();
    EXPECT_EQ(live->currentMonitor(), demoMonitor);

    // No profile selected (a search that matches nothing): the header says so and stays so while
    // both monitors keep changing (the demo endpoint goes away: its monitor turns down).
    profiles->findChild<QLineEdit*>(QStringLiteral("searchLineEdit"))->setText(QStringLiteral("no such profile"));
    ASSERT_FALSE(profiles->currentProfile().has_value());
    EXPECT_EQ(header(w), QStringLiteral("No profile selected"));
    EXPECT_EQ(live->currentMonitor(), 0) << "no other profile's charts under \"No profile selected\"";
    gui.context().demoServer->close();
    ASSERT_TRUE(QTest::qWaitFor([&] { return live->stateWord(demoMonitor) == QLatin1String("down"); }, 20000));
    EXPECT_EQ(header(w), QStringLiteral("No profile selected"));
    settleKeychain(gui);
}

TEST(ProfileState, AProbeResultSurvivesSwitchingProfilesAndARestart)
{
    QTemporaryDir dir;
    const Profile dead = deadProfile();
    QString lastProbeLabel;
    {
        GuiApplication gui(args(dir), keychainService());
        ASSERT_TRUE(gui.context().profiles->add(dead).ok());
        MainWindow* w = gui.window();
        auto* overview = w->findChild<OverviewPanel*>();
        auto* status = overview->findChild<QLabel*>(QStringLiteral("probeStatusLabel"));
        auto* table = overview->findChild<QTableWidget*>(QStringLiteral("hopTableWidget"));
        w->profileList()->selectProfile(dead.id);
        QSignalSpy done(overview, &OverviewPanel::probesFinished);
        overview->probeNow();
        // Switch away while the probe runs: its result still lands on the dead profile.
        w->profileList()->selectProfile(gui.demoProfileId());
        ASSERT_TRUE(lab::waitForCount(done, 1, 20000));
        EXPECT_EQ(table->rowCount(), 0) << "the demo was never probed: no other profile's hops";
        EXPECT_TRUE(status->text().isEmpty()) << "no other profile's \"Last probe\": " << status->text().toStdString();
        EXPECT_TRUE(header(w).contains(QStringLiteral("not probed yet"))) << header(w).toStdString();
        EXPECT_EQ(listText(w, QStringLiteral("Dead upstream")), QStringLiteral("Dead upstream — down"));

        w->profileList()->selectProfile(dead.id);
        ASSERT_EQ(table->rowCount(), 1);
        EXPECT_TRUE(table->item(0, 7)->text().contains(QStringLiteral("connection_refused")));
        EXPECT_TRUE(status->text().startsWith(QStringLiteral("Last probe "))) << status->text().toStdString();
        EXPECT_TRUE(header(w).contains(QStringLiteral(" down ")) && header(w).contains(QStringLiteral("probed ")))
            << header(w).toStdString();
        lastProbeLabel = status->text();
        settleKeychain(gui);
    }
    // A restart with the same files: the last result is back, kept outside profiles.json.
    EXPECT_FALSE(lab::readAll(dir.filePath(QStringLiteral("p.json"))).contains("connection_refused"));
    EXPECT_TRUE(lab::readAll(dir.filePath(QStringLiteral("state.json"))).contains("connection_refused"));
    GuiApplication again(args(dir), keychainService());
    MainWindow* w = again.window();
    w->profileList()->selectProfile(dead.id);
    auto* overview = w->findChild<OverviewPanel*>();
    auto* table = overview->findChild<QTableWidget*>(QStringLiteral("hopTableWidget"));
    ASSERT_EQ(table->rowCount(), 1);
    EXPECT_TRUE(table->item(0, 7)->text().contains(QStringLiteral("connection_refused")));
    EXPECT_EQ(overview->findChild<QLabel*>(QStringLiteral("probeStatusLabel"))->text(), lastProbeLabel);
    EXPECT_EQ(listText(w, QStringLiteral("Dead upstream")), QStringLiteral("Dead upstream — down"));
    EXPECT_TRUE(header(w).contains(QStringLiteral(" down "))) << header(w).toStdString();
    settleKeychain(again);
}
