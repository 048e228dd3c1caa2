// SPDX-License-Identifier: GPL-3.0-or-later
// The dashboard's core: tiles sorted by severity from the state model, and "Probe all" against
// real endpoints (the reference server, a closed port) with a concurrency limit.
#include "monitor/ProfileDashboard.h"
#include "diagnosis/Diagnosis.h"
#include "lab/Lab.h"
#include "probe/ProbeEngine.h"
#include "server/ReferenceServer.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

Profile named(const QString& name, const QString& url)
{
    Profile p;
    p.name = name;
    p.publicUrl = url;
    return p;
}

void finishProbe(ProfileStateModel& states, const Profile& p, const QString& cause)
{
    states.beginProbe(p.id, probeHopsFor(p));
    ProbeResult r;
    r.url = p.publicUrl;
    r.cause = cause;
    r.ok = cause == QLatin1String("ok");
    states.setHopResult(p.id, 0, r);
}

} // namespace

TEST(ProfileDashboard, TilesAreSortedBySeverityThenName)
{
    ProfileStateModel states;
    const Profile a = named(QStringLiteral("alpha"), QStringLiteral("ws://a/ws"));
    const Profile b = named(QStringLiteral("Bravo"), QStringLiteral("ws://b/ws"));
    const Profile c = named(QStringLiteral("charlie"), QStringLiteral("ws://c/ws"));
    const Profile d = named(QStringLiteral("delta"), QStringLiteral("ws://d/ws"));
    const Profile e = named(QStringLiteral("echo"), QStringLiteral("ws://e/ws"));
    finishProbe(states, a, QStringLiteral("ok"));
    finishProbe(states, b, QStringLiteral("idle_timeout"));
    finishProbe(states, d, QStringLiteral("bad_gateway"));
    finishProbe(states, e, QStringLiteral("no_pong"));
    const QList<ProfileTile> tiles = dashboardTiles({a, b, c, d, e}, states);
    QStringList names;
    for (const ProfileTile& t : tiles)
        names << t.name;
    EXPECT_EQ(names, (QStringList{QStringLiteral("delta"), QStringLiteral("Bravo"), QStringLiteral("echo"), QStringLiteral("charlie"),
                                  QStringLiteral("alpha")}));
    EXPECT_EQ(tiles.at(0).state, QStringLiteral("down"));
    EXPECT_EQ(tiles.at(0).cause, QStringLiteral("bad_gateway"));
    EXPECT_TRUE(tiles.at(0).lastProbe.isValid());
    EXPECT_EQ(tiles.at(3).state, QStringLiteral("unknown"));
    EXPECT_TRUE(tiles.at(3).sentence.contains(QStringLiteral("not probed yet"))) << tiles.at(3).sentence.toStdString();
    EXPECT_TRUE(tiles.at(3).cause.isEmpty());
    EXPECT_FALSE(tiles.at(3).lastProbe.isValid());
}

TEST(ProfileDashboard, ProbeAllRespectsTheConcurrencyLimitAndFillsEveryState)
{
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    ProbeEngine engine;
    ProfileStateModel states;
    QList<Profile> profiles;
    for (int i = 0; i < 3; ++i)
        profiles << named(QStringLiteral("up %1").arg(i), server.echoUrl());
    for (int i = 0; i < 2; ++i)
        profiles << named(QStringLiteral("dead %1").arg(i), QStringLiteral("ws://127.0.0.1:%1/ws").arg(lab::freePort()));
    Profile both = named(QStringLiteral("two hops"), server.echoUrl());
    both.directUrl = server.echoUrl();
    profiles << both << named(QStringLiteral("no url"), QString());

    ProbeAllRunner runner(&engine, &states);
    runner.setConcurrency(2);
    QSignalSpy finished(&runner, &ProbeAllRunner::finished);
    QSignalSpy progress(&runner, &ProbeAllRunner::progress);
    EXPECT_EQ(runner.start(profiles), 6) << "the profile without a URL is not probed";
    EXPECT_TRUE(runner.isRunning());
    EXPECT_EQ(runner.start(profiles), 0) << "one Probe all at a time";
    ASSERT_TRUE(lab::waitForCount(finished, 1, 30000));
    EXPECT_EQ(finished.count(), 1);
    EXPECT_EQ(runner.peakInFlight(), 2);
    EXPECT_EQ(progress.count(), 6);
    EXPECT_EQ(progress.last().at(0).toInt(), 6);
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(states.state(profiles.at(i).id).probe.state, QStringLiteral("ok"));
    for (int i = 3; i < 5; ++i) {
        EXPECT_EQ(states.state(profiles.at(i).id).probe.state, QStringLiteral("down"));
        EXPECT_EQ(states.state(profiles.at(i).id).probe.hops.front().result.cause, QStringLiteral("connection_refused"));
    }
    EXPECT_EQ(states.state(both.id).probe.hops.size(), 2);
    const QList<ProfileTile> tiles = dashboardTiles(profiles, states);
    ASSERT_EQ(tiles.size(), 7);
    EXPECT_EQ(tiles.at(2).name, QStringLiteral("no url")) << "down, down, then unknown before the ok ones";
    EXPECT_TRUE(tiles.at(2).sentence.contains(QStringLiteral("no URL"))) << tiles.at(2).sentence.toStdString();
    EXPECT_TRUE(states.state(both.id).probe.finished());
    EXPECT_FALSE(states.state(profiles.last().id).probe.finished());
}

TEST(ProfileDashboard, CancelLeavesQueuedProfilesUntouched)
{
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    ProbeEngine engine;
    ProfileStateModel states;
    QList<Profile> profiles;
    for (int i = 0; i < 4; ++i)
        profiles << named(QStringLiteral("up %1").arg(i), server.echoUrl());
    ProbeAllRunner runner(&engine, &states);
    ProbeOptions held;
    held.holdS = 30; // would run for half a minute: cancel cuts it short
    held.timeoutS = 5;
    runner.setBaseOptions(held);
    runner.setConcurrency(1);
    QSignalSpy finished(&runner, &ProbeAllRunner::finished);
    ASSERT_EQ(runner.start(profiles), 4);
    EXPECT_TRUE(states.state(profiles.at(0).id).probe.running());
    EXPECT_FALSE(states.state(profiles.at(1).id).probe.running()) << "queued, not started";
    runner.cancel();
    ASSERT_TRUE(lab::waitForCount(finished, 1, 15000));
    EXPECT_FALSE(runner.isRunning());
    EXPECT_TRUE(states.state(profiles.at(0).id).probe.finished());
    for (int i = 1; i < 4; ++i)
        EXPECT_TRUE(states.state(profiles.at(i).id).probe.hops.isEmpty());
}
