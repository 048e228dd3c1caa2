// SPDX-License-Identifier: GPL-3.0-or-later
// The nginx-websocket-fix runbook on a real nginx in front of real application backends (issue 10):
// Verify probes with the profile's application protocol, so a correct fix in front of an
// application that does not echo (Neo4j's Bolt, Socket.IO) is kept, not rolled back.
#include "lab/AppServerLab.h"
#include "lab/RunbookLab.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

class AppRunbook : public ::testing::Test {
protected:
    void SetUp() override
    {
        LAB_REQUIRE(AppServerLab::unavailableReason());
    }

    // Starts the backend, then nginx with the broken site in front of it.
    void startLab(const QStringList& backend)
    {
        QString error;
        ASSERT_TRUE(app.start(backend, &error)) << error.toStdString();
        lab.useBackendPort(app.port());
        if (!lab.start(&error))
            LAB_UNAVAILABLE(error);
    }

    // Runs the whole runbook; returns its final state.
    RunState run()
    {
        EngineOptions o;
        o.autoConfirm = true;
        o.monitorSeconds = 1;
        auto engine = lab.engine(std::make_unique<FixedTargetFixer>(lab.fixedSite().toUtf8()), o);
        EXPECT_TRUE(engine && engine->begin());
        if (!engine)
            return {};
        QSignalSpy spy(engine.get(), &RunbookEngine::finished);
        QStringList said;
        QObject::connect(engine.get(), &RunbookEngine::output, engine.get(), [&](int, const QString& t) { said << t; });
        engine->runAll();
        EXPECT_TRUE(waitForCount(spy, 1, 120000));
        const RunState s = engine->state();
        if (s.outcome != QLatin1String("ok"))
            ADD_FAILURE() << said.join(QLatin1Char('\n')).toStdString();
        return s;
    }

    AppServerLab app;
    RunbookLab lab;
};

} // namespace

TEST_F(AppRunbook, BoltBackendKeepsItsFix)
{
    // Seed 000: Neo4j behind nginx. The lab's Bolt responder ends the connection on anything but
    // the Bolt handshake, as Neo4j does — an echo-demanding Verify rolled the correct fix back.
    startLab({QStringLiteral("bolt")});
    lab.profile().publicUrl = QStringLiteral("ws://127.0.0.1:%1/ws/").arg(lab.proxyPort());
    lab.profile().directUrl = app.url(QStringLiteral("/"));
    lab.profile().bolt = true;
    const RunState s = run();
    EXPECT_EQ(s.outcome, QStringLiteral("ok"));
    EXPECT_EQ(s.finalProbeCause, QStringLiteral("ok"));
    EXPECT_EQ(readAll(lab.siteAvailable()), lab.fixedSite().toUtf8()) << "the fix stays";
}

TEST_F(AppRunbook, SocketIoBackendKeepsItsFix)
{
    // The Engine.IO path carries the proxy's prefix; Verify holds past the 2 s heartbeat.
    startLab({QStringLiteral("socketio"), QStringLiteral("--ping-interval"), QStringLiteral("2000"), QStringLiteral("--path"),
              QStringLiteral("/ws/socket.io/")});
    lab.profile().publicUrl = QStringLiteral("ws://127.0.0.1:%1/ws/socket.io/?EIO=4&transport=websocket").arg(lab.proxyPort());
    lab.profile().directUrl = app.url(QStringLiteral("/ws/socket.io/?EIO=4&transport=websocket"));
    const RunState s = run();
    EXPECT_EQ(s.outcome, QStringLiteral("ok"));
    EXPECT_EQ(s.finalProbeCause, QStringLiteral("ok"));
    EXPECT_EQ(readAll(lab.siteAvailable()), lab.fixedSite().toUtf8()) << "the fix stays";
}
