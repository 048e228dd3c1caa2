// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: at 1024×700 the Runbook's audit table and its steps list lost columns off the right
// edge. A dry run of the nginx fix against a real nginx on this machine fills the audit trail and
// the steps' results; the panel as wide as it is in a 1024 px window shows every column of both
// (no sideways scrolling), the command and result columns keep a usable width, and a cut cell
// carries its whole text in its tooltip.
#include "AppContext.h"
#include "core/ActivityLog.h"
#include "lab/RunbookLab.h"
#include "runbook/RunbookEngine.h"
#include "runbook/RunbookPanel.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QHeaderView>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>

#include <gtest/gtest.h>

using namespace socketscope;

TEST(RunbookAuditLayout, EveryColumnStaysInViewAt1024)
{
    lab::RunbookLab lab;
    QString error;
    if (!lab.start(&error))
        LAB_UNAVAILABLE(error);
    ActivityLog activity;
    AppContext context;
    context.activity = &activity;
    RunbookPanel panel(context);
    panel.setRunsDirectory(lab.runsDir());
    panel.setActOnThisMachine(true);
    panel.setMonitorSeconds(0);
    panel.setProfile(&lab.profile());
    panel.resize(780, 560); // the Runbook tab in a 1024×700 window
    panel.show();
    panel.findChild<QPushButton*>(QStringLiteral("dryRunPushButton"))->click();
    ASSERT_TRUE(panel.engine());
    QSignalSpy done(panel.engine(), &RunbookEngine::finished);
    QDeadlineTimer deadline(60000);
    while (done.isEmpty() && !deadline.hasExpired())
        done.wait(100);
    ASSERT_EQ(done.count(), 1);
    panel.findChild<QTabWidget*>(QStringLiteral("runbookTabWidget"))->setCurrentIndex(1);
    QApplication::processEvents();
    auto* audit = panel.findChild<QTableWidget*>(QStringLiteral("auditTableWidget"));
    ASSERT_GT(audit->rowCount(), 3);
    const int viewport = audit->viewport()->width();
    for (int c = 0; c < audit->columnCount(); ++c) {
        const int right
            = audit->horizontalHeader()->sectionViewportPosition(c) + audit->horizontalHeader()->sectionSize(c);
        EXPECT_LE(right, viewport + 1) << "column " << audit->horizontalHeaderItem(c)->text().toStdString()
                                       << " ends at " << right << " of " << viewport;
    }
    EXPECT_FALSE(audit->horizontalScrollBar()->isVisible());
    EXPECT_GE(audit->columnWidth(3), 120) << "Command / message keeps room to read";
    // The longest command is cut in the cell and whole in the tooltip.
    int longest = 0;
    for (int r = 1; r < audit->rowCount(); ++r)
        if (audit->item(r, 3)->text().size() > audit->item(longest, 3)->text().size())
            longest = r;
    EXPECT_TRUE(audit->item(longest, 3)->toolTip().contains(audit->item(longest, 3)->text()))
        << audit->item(longest, 3)->toolTip().toStdString();

    // The steps: State, Step, risk and Result all in view, the result readable, every cell's
    // whole text in its tooltip (the narrow columns are cut with "…", the result wraps).
    auto* steps = panel.findChild<QTreeWidget*>(QStringLiteral("stepsTreeWidget"));
    ASSERT_NE(steps, nullptr);
    ASSERT_GT(steps->topLevelItemCount(), 5);
    const int stepsViewport = steps->viewport()->width();
    for (int c = 0; c < steps->columnCount(); ++c) {
        const int right = steps->header()->sectionViewportPosition(c) + steps->header()->sectionSize(c);
        EXPECT_LE(right, stepsViewport + 1) << "column " << steps->headerItem()->text(c).toStdString() << " ends at "
                                            << right << " of " << stepsViewport;
    }
    EXPECT_FALSE(steps->horizontalScrollBar()->isVisible());
    EXPECT_GE(steps->columnWidth(3), 100) << "Result keeps room to read";
    int results = 0;
    for (int row = 0; row < steps->topLevelItemCount(); ++row) {
        const QTreeWidgetItem* item = steps->topLevelItem(row);
        results += !item->text(3).isEmpty();
        for (int c = 0; c < steps->columnCount(); ++c)
            EXPECT_TRUE(item->toolTip(c).contains(item->text(c)))
                << "row " << row << ", column " << c << ": '" << item->toolTip(c).toStdString() << "' lacks '"
                << item->text(c).toStdString() << "'";
    }
    EXPECT_GT(results, 3) << "the dry run gave the steps their results";
    if (const QString shots = qEnvironmentVariable("SOCKETSCOPE_TEST_ARTIFACTS"); !shots.isEmpty())
        panel.grab().save(shots + QStringLiteral("/runbook-steps-780x560.png"));
}
