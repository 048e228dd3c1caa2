// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: a long probe (a hold of several seconds) shows what it is doing while it runs: the
// phases finished so far (✓ in the hop table), a countdown of the hold, and the window's status
// bar says what runs instead of "Ready". Against the in-process "Local demo" endpoint.
#include "AppStartup.h"
#include "MainWindow.h"
#include "lab/Lab.h"
#include "probe/OverviewPanel.h"
#include "profiles/ProfileListPanel.h"
#include "profiles/SecretStore.h"

#include <QDeadlineTimer>
#include <QLabel>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

#include <gtest/gtest.h>

using namespace socketscope;

TEST(ProbeProgress, AHoldShowsItsCountdownThePhasesDoneAndTheStatusBarSaysWhatRuns)
{
    QTemporaryDir dir;
    GuiApplication gui(
        { QStringLiteral("socketscope"), QStringLiteral("--profiles"), dir.filePath(QStringLiteral("p.json")) },
        QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    MainWindow* w = gui.window();
    w->show();
    auto* overview = w->findChild<OverviewPanel*>();
    ASSERT_NE(overview, nullptr);
    ASSERT_TRUE(w->profileList()->currentProfile().has_value()) << "the Local demo is selected";
    EXPECT_EQ(w->statusBar()->currentMessage(), QStringLiteral("Ready"));

    overview->findChild<QSpinBox*>(QStringLiteral("holdSecondsSpinBox"))->setValue(4);
    QSignalSpy done(overview, &OverviewPanel::probesFinished);
    overview->probeNow();
    auto* status = overview->findChild<QLabel*>(QStringLiteral("probeStatusLabel"));
    auto* table = overview->findChild<QTableWidget*>(QStringLiteral("hopTableWidget"));
    ASSERT_EQ(table->rowCount(), 1) << "the demo has one hop, public";

    // While it holds: every second a new "N s left", in the label, the table and the status bar.
    static const QRegularExpression left(QStringLiteral("(\\d+) s left"));
    QSet<int> countdown;
    QString seenStatus, seenBar, seenCells;
    QDeadlineTimer deadline(30000);
    while (done.isEmpty() && !deadline.hasExpired()) {
        done.wait(100);
        const QRegularExpressionMatch m = left.match(status->text());
        if (!m.hasMatch())
            continue;
        countdown.insert(m.captured(1).toInt());
        if (seenStatus.isEmpty()) {
            seenStatus = status->text();
            seenBar = w->statusBar()->currentMessage();
            for (int c = 1; c < 7; ++c)
                seenCells += table->item(0, c)->text() + QLatin1Char('|');
        }
    }
    ASSERT_EQ(done.count(), 1);
    EXPECT_GE(countdown.size(), 2) << "the countdown moves while the hold runs";
    for (int s : countdown)
        EXPECT_TRUE(s >= 1 && s <= 4) << s;
    EXPECT_TRUE(seenStatus.contains(QStringLiteral("public: hold"))) << seenStatus.toStdString();
    EXPECT_TRUE(seenStatus.contains(QStringLiteral("done: connect, upgrade"))) << seenStatus.toStdString();
    // TCP, Upgrade and Echo finished (no DNS for 127.0.0.1, no TLS for ws://); Hold counts down.
    EXPECT_TRUE(QRegularExpression(QStringLiteral("^\\|✓\\|\\|✓\\|✓\\|\\d s left\\|$")).match(seenCells).hasMatch())
        << seenCells.toStdString();
    EXPECT_TRUE(seenBar.contains(QStringLiteral("Local demo"))) << seenBar.toStdString();
    EXPECT_TRUE(seenBar.contains(QStringLiteral("s left"))) << seenBar.toStdString();

    // Done: the table has the measured values, and the status bar is back to "Ready".
    EXPECT_EQ(table->item(0, 4)->text(), QStringLiteral("101"));
    EXPECT_FALSE(status->text().contains(QStringLiteral("left"))) << status->text().toStdString();
    EXPECT_EQ(w->statusBar()->currentMessage(), QStringLiteral("Ready"));
    EXPECT_TRUE(QTest::qWaitFor(
        [&] { return gui.context().secrets->availability() != SecretStore::Availability::Unknown; }, 15000));
}
