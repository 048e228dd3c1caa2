// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: the "All profiles" dashboard is the first view. "Probe all" probes four real
// endpoints at once on the engine's worker threads (the call returns at once), respecting the
// concurrency limit; the tiles then render each profile's state from the one state model, the
// most severe first; a click on a tile selects that profile and opens its Overview.
// With SOCKETSCOPE_SCREENSHOT_DIR set, saves dashboard.png of the main window there.
#include "AppContext.h"
#include "AppStartup.h"
#include "MainWindow.h"
#include "MonitorLabFixture.h"
#include "lab/AppServerLab.h"
#include "lab/Lab.h"
#include "monitor/ProfileDashboard.h"
#include "probe/DashboardPanel.h"
#include "probe/OverviewPanel.h"
#include "profiles/ProfileListPanel.h"
#include "profiles/ProfileStore.h"
#include "profiles/SecretStore.h"

#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

QStringList args(const QTemporaryDir& dir)
{
    return {QStringLiteral("socketscope"), QStringLiteral("--profiles"), dir.filePath(QStringLiteral("p.json")),
            QStringLiteral("--state"), dir.filePath(QStringLiteral("state.json"))};
}

Profile profile(const QString& name, const QString& url)
{
    Profile p;
    p.name = name;
    p.publicUrl = url;
    return p;
}

} // namespace

TEST(Dashboard, ProbeAllSortsRealEndpointsBySeverityAndATileOpensItsProfile)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    // nginx cuts an idle WebSocket after 1 s: held 3 s, that profile is degraded (idle_timeout).
    monitortest::ProxiedEndpoint idle(true, QStringLiteral("1s"));
    ASSERT_TRUE(idle.ok) << idle.nginx.errorLog().toStdString();
    QTemporaryDir dir;
    GuiApplication gui(args(dir), QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    const Profile dead = profile(QStringLiteral("Dead upstream"), QStringLiteral("ws://127.0.0.1:%1/ws").arg(lab::freePort()));
    const Profile cut = profile(QStringLiteral("Chat via nginx"), idle.url());
    const Profile noUrl = profile(QStringLiteral("Not configured"), QString());
    for (const Profile& p : {dead, cut, noUrl})
        ASSERT_TRUE(gui.context().profiles->add(p).ok());
    MainWindow* w = gui.window();
    w->show();

    auto* dashboard = w->findChild<DashboardPanel*>();
    ASSERT_NE(dashboard, nullptr);
    EXPECT_EQ(w->tabs()->currentWidget(), dashboard) << "the dashboard is the first view";
    EXPECT_EQ(w->tabs()->indexOf(dashboard), 0);
    ASSERT_EQ(dashboard->tiles().size(), 4);
    for (ProfileTileWidget* t : dashboard->tiles())
        EXPECT_EQ(t->property("state").toString(), QStringLiteral("unknown")) << "nothing probed yet";

    ProbeOptions base;
    base.echoCount = 2;
    base.holdS = 3;
    base.timeoutS = 5;
    base.connectTimeoutS = 5;
    dashboard->runner()->setBaseOptions(base);
    dashboard->runner()->setConcurrency(2);
    QSignalSpy finished(dashboard, &DashboardPanel::probeAllFinished);
    dashboard->findChild<QPushButton*>(QStringLiteral("probeAllPushButton"))->click();
    // The click returned with the probes still running: nothing waited on the UI thread.
    EXPECT_TRUE(dashboard->isProbingAll());
    EXPECT_FALSE(dashboard->findChild<QPushButton*>(QStringLiteral("probeAllPushButton"))->isEnabled());
    EXPECT_TRUE(dashboard->findChild<QPushButton*>(QStringLiteral("cancelProbeAllPushButton"))->isEnabled());
    ASSERT_TRUE(lab::waitForCount(finished, 1, 30000));
    EXPECT_EQ(dashboard->runner()->peakInFlight(), 2) << "three profiles to probe, two at a time";

    QStringList order;
    QStringList states;
    QStringList causes;
    for (ProfileTileWidget* t : dashboard->tiles()) {
        order << t->property("profileName").toString();
        states << t->property("state").toString();
        causes << t->property("cause").toString();
    }
    EXPECT_EQ(order, (QStringList{QStringLiteral("Dead upstream"), QStringLiteral("Chat via nginx"), QStringLiteral("Not configured"),
                                  QStringLiteral("Local demo")}));
    EXPECT_EQ(states, (QStringList{QStringLiteral("down"), QStringLiteral("degraded"), QStringLiteral("unknown"), QStringLiteral("ok")}));
    EXPECT_EQ(causes, (QStringList{QStringLiteral("connection_refused"), QStringLiteral("idle_timeout"), QString(), QStringLiteral("ok")}));
    // The window's status bar says it too, the tiles counted by state, most severe first.
    EXPECT_TRUE(w->statusBar()->currentMessage().contains(QStringLiteral("Probe all finished: 1 down, 1 degraded, 1 unknown, 1 ok")))
        << w->statusBar()->currentMessage().toStdString();
    // Each tile says the state word and when it was probed (never colour alone).
    ProfileTileWidget* first = dashboard->tiles().front();
    EXPECT_TRUE(first->findChild<QLabel*>(QStringLiteral("tileStateLabel"))->text().contains(QStringLiteral("down")));
    EXPECT_TRUE(first->findChild<QLabel*>(QStringLiteral("tileLastProbeLabel"))->text().startsWith(QStringLiteral("Last probe")));
    EXPECT_EQ(dashboard->tiles().at(2)->findChild<QLabel*>(QStringLiteral("tileLastProbeLabel"))->text(), QStringLiteral("Never probed"));
    EXPECT_TRUE(dashboard->tiles().at(2)->findChild<QLabel*>(QStringLiteral("tileSentenceLabel"))->text().contains(QStringLiteral("no URL")));
    EXPECT_TRUE(first->isVisible()) << "the tiles are shown as soon as they are rendered";
    EXPECT_TRUE(first->findChild<QLabel*>(QStringLiteral("tileStateLabel"))->text().contains(QStringLiteral("connection_refused")));
    EXPECT_FALSE(dashboard->tiles().at(3)->findChild<QLabel*>(QStringLiteral("tileStateLabel"))->text().contains(QStringLiteral("<code>")))
        << "no cause beside ok";
    // The tiles render the same state the list shows.
    EXPECT_EQ(profileStates(gui.context()).state(cut.id).probe.state, QStringLiteral("degraded"));

    const QByteArray shots = qgetenv("SOCKETSCOPE_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
        EXPECT_TRUE(w->grab().save(QString::fromLocal8Bit(shots) + QStringLiteral("/dashboard.png")));
    }

    // A click on the degraded tile selects that profile and opens its Overview.
    QTest::mouseClick(dashboard->tiles().at(1), Qt::LeftButton);
    ASSERT_TRUE(w->profileList()->currentProfile().has_value());
    EXPECT_EQ(w->profileList()->currentProfile()->id, cut.id);
    EXPECT_EQ(w->tabs()->currentWidget(), w->findChild<OverviewPanel*>());
    EXPECT_TRUE(QTest::qWaitFor([&] { return gui.context().secrets->availability() != SecretStore::Availability::Unknown; }, 15000));
}

// Issue 16: "Probe all" probes each profile as its own "Probe now" would — one function builds the
// options for both (profileProbeOptions): the Overview's echo and hold, and the profile's own
// application protocol. A real Socket.IO server (its namespace "/" as the URL: only the profile's
// protocol finds the Engine.IO path, and its 1 s heartbeats must be answered through the 3 s
// hold) comes out ok, the Local demo (echo) ok, and an nginx that cuts idle sockets after 1 s is
// caught by the hold set in the Overview (before: Probe all held nothing and called it ok).
TEST(Dashboard, ProbeAllProbesEachProfileWithItsOwnProtocolAndTheOverviewsHold)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    LAB_REQUIRE(lab::AppServerLab::unavailableReason());
    lab::AppServerLab socketIo;
    QString error;
    ASSERT_TRUE(socketIo.start({QStringLiteral("socketio"), QStringLiteral("--ping-interval"), QStringLiteral("1000")}, &error))
        << error.toStdString();
    monitortest::ProxiedEndpoint idle(true, QStringLiteral("1s"));
    ASSERT_TRUE(idle.ok) << idle.nginx.errorLog().toStdString();
    QTemporaryDir dir;
    GuiApplication gui(args(dir), QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    Profile chat = profile(QStringLiteral("Socket.IO chat"), socketIo.url(QStringLiteral("/")));
    chat.app = AppProtocolId::SocketIo;
    const Profile cut = profile(QStringLiteral("Echo via nginx"), idle.url());
    for (const Profile& p : {chat, cut})
        ASSERT_TRUE(gui.context().profiles->add(p).ok());
    MainWindow* w = gui.window();
    w->show();
    auto* overview = w->findChild<OverviewPanel*>();
    auto* dashboard = w->findChild<DashboardPanel*>();
    ASSERT_TRUE(overview && dashboard);
    overview->findChild<QSpinBox*>(QStringLiteral("holdSecondsSpinBox"))->setValue(3);
    overview->findChild<QSpinBox*>(QStringLiteral("echoCountSpinBox"))->setValue(2);

    QSignalSpy finished(dashboard, &DashboardPanel::probeAllFinished);
    dashboard->findChild<QPushButton*>(QStringLiteral("probeAllPushButton"))->click();
    ASSERT_TRUE(lab::waitForCount(finished, 1, 40000));

    QHash<QString, QString> stateOf;
    for (ProfileTileWidget* t : dashboard->tiles())
        stateOf.insert(t->property("profileName").toString(), t->property("state").toString());
    const ProbeRun chatRun = profileStates(gui.context()).state(chat.id).probe;
    ASSERT_EQ(chatRun.hops.size(), 1);
    const ProbeResult& sio = chatRun.hops.front().result;
    EXPECT_EQ(stateOf.value(chat.name), QStringLiteral("ok")) << lab::probeJsonText(sio);
    EXPECT_EQ(sio.app.protocol, QStringLiteral("socketio")) << lab::probeJsonText(sio);
    EXPECT_EQ(sio.app.detectedBy, AppDetectedBy::Profile);
    EXPECT_GE(sio.heldS, 3.0) << "the Overview's hold";
    EXPECT_GE(sio.app.heartbeatsAnswered, 1) << lab::probeJsonText(sio);
    EXPECT_EQ(stateOf.value(QStringLiteral("Local demo")), QStringLiteral("ok"));
    for (const Profile& p : gui.context().profiles->profiles()) {
        if (!p.builtinDemo)
            continue;
        const ProbeRun demoRun = profileStates(gui.context()).state(p.id).probe;
        ASSERT_EQ(demoRun.hops.size(), 1);
        EXPECT_EQ(demoRun.hops.front().result.echoSent, 2) << "the Overview's echo count";
    }
    const ProbeRun cutRun = profileStates(gui.context()).state(cut.id).probe;
    ASSERT_EQ(cutRun.hops.size(), 1);
    EXPECT_EQ(cutRun.hops.front().result.cause, QStringLiteral("idle_timeout")) << lab::probeJsonText(cutRun.hops.front().result);
    EXPECT_EQ(stateOf.value(cut.name), QStringLiteral("degraded"));
    EXPECT_TRUE(QTest::qWaitFor([&] { return gui.context().secrets->availability() != SecretStore::Availability::Unknown; }, 15000));
}
