// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: "Hand to runbook" keeps what the user reviewed. The Config tab analyses the real lab
// site with the endpoint the user typed (/live/, not the profile's URL path) and the findings the
// user kept checked; the runbook's dry run against the real nginx then plans exactly those
// findings — before, it planned with the profile's path and found fewer. (The site's WebSocket
// location is /live/: a /ws/ location is recognised by its name alone, endpoint or not.)
#include "AppContext.h"
#include "common/Banner.h"
#include "core/ActivityLog.h"
#include "lab/RunbookLab.h"
#include "nginx/ConfigPanel.h"
#include "runbook/RunbookEngine.h"
#include "runbook/RunbookPanel.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTreeWidget>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

bool pumpUntil(const std::function<bool()>& pred, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!pred()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    return true;
}

struct Handover {
    RunbookLab lab;
    ActivityLog activity;
    AppContext context;
    std::unique_ptr<ConfigPanel> config;
    std::unique_ptr<RunbookPanel> runbook;
    Profile profile;

    bool start(QString* error)
    {
        if (!lab.start(error))
            return false;
        // The WebSocket location under a name no catalogue knows: only the endpoint marks it.
        QFile site(lab.siteAvailable());
        if (!site.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        site.write(QStringLiteral("server {\n    listen 127.0.0.1:%1;\n    location /live/ {\n"
                                  "        proxy_pass http://127.0.0.1:%2;\n        proxy_read_timeout 3s;\n    }\n}\n")
                       .arg(lab.proxyPort())
                       .arg(lab.backendPort())
                       .toUtf8());
        site.close();
        // The profile's URL names another path than the WebSocket location the user reviews.
        profile = lab.profile();
        profile.name = QStringLiteral("chat");
        profile.publicUrl = QStringLiteral("ws://127.0.0.1:%1/app/").arg(lab.proxyPort());
        profile.directUrl.clear();
        context.activity = &activity;
        config = std::make_unique<ConfigPanel>(context);
        runbook = std::make_unique<RunbookPanel>(context);
        runbook->setRunsDirectory(lab.runsDir());
        runbook->setActOnThisMachine(true);
        runbook->setMonitorSeconds(0);
        config->setProfile(&profile);
        runbook->setProfile(&profile);
        // As the main window wires them.
        QObject::connect(config.get(), &ConfigPanel::handToRunbook, runbook.get(), &RunbookPanel::takeHandedFix);
        return true;
    }

    // The Config tab's findings (in the runbook plan's words) after analysing the lab site.
    QStringList analyse(const QString& endpoint)
    {
        config->findChild<QLineEdit*>(QStringLiteral("endpointLineEdit"))->setText(endpoint);
        QSignalSpy done(config.get(), &ConfigPanel::analysisFinished);
        config->openFile(lab.siteAvailable());
        EXPECT_TRUE(lab::waitForCount(done, 1, 15000));
        return shownFindings();
    }
    QStringList shownFindings() const
    {
        QStringList out;
        for (const nginx::ConfigFinding& f : config->report().findings)
            out << QStringLiteral("%1 (%2) line %3: %4").arg(f.rule, f.severity).arg(f.line).arg(f.message);
        return out;
    }

    // A dry run of the runbook; returns what its Lint-and-plan step planned.
    QStringList dryRunPlan()
    {
        runbook->findChild<QPushButton*>(QStringLiteral("dryRunPushButton"))->click();
        EXPECT_TRUE(runbook->engine());
        if (!runbook->engine())
            return {};
        QSignalSpy finished(runbook->engine(), &RunbookEngine::finished);
        EXPECT_TRUE(pumpUntil([&] { return finished.count() > 0; }, 60000));
        return runbook->engine()->state().findings;
    }
};

// "WS001 (error) line 3" of each finding: the runbook reads the running nginx's version (nginx -V)
// and its messages name that version's defaults, which the Config tab's analysis of the file
// alone cannot; the findings themselves (rule, severity, line) must be the same.
QStringList findingKeys(const QStringList& findings)
{
    QStringList keys;
    for (const QString& f : findings)
        keys << f.section(QLatin1Char(':'), 0, 0);
    return keys;
}

} // namespace

TEST(ConfigHandover, TheRunbookPlansTheReviewedFindingsWithTheReviewedEndpoint)
{
    Handover h;
    QString error;
    if (!h.start(&error))
        LAB_UNAVAILABLE(error);
    EXPECT_EQ(h.config->findChild<QLineEdit*>(QStringLiteral("endpointLineEdit"))->text(), QStringLiteral("/app/"))
        << "the endpoint starts as the profile's path";
    // Without the hand-over the runbook plans with the profile's path: fewer findings.
    const QStringList byProfile = h.dryRunPlan();

    const QStringList reviewed = h.analyse(QStringLiteral("/live/"));
    ASSERT_GT(reviewed.size(), byProfile.size()) << reviewed.join(QLatin1Char('\n')).toStdString();
    h.config->findChild<QPushButton*>(QStringLiteral("runbookPushButton"))->click();
    ASSERT_TRUE(h.runbook->handedScope().has_value());
    EXPECT_EQ(h.runbook->handedScope()->endpointPaths, QStringList{QStringLiteral("/live/")});
    const QString output = h.runbook->findChild<QPlainTextEdit*>(QStringLiteral("outputPlainTextEdit"))->toPlainText();
    EXPECT_TRUE(output.contains(QStringLiteral("endpoint /live/"))) << output.toStdString();
    // Issue 16: what to do with the handed fix (Dry run, or Run all) is an instruction: a neutral banner.
    Banner* banner = h.runbook->findChild<Banner*>(QStringLiteral("bannerFrame"));
    ASSERT_NE(banner, nullptr);
    EXPECT_TRUE(banner->text().contains(QStringLiteral("Run all"))) << banner->text().toStdString();
    EXPECT_EQ(banner->kind(), Banner::Kind::Info) << banner->text().toStdString();
    EXPECT_EQ(findingKeys(h.dryRunPlan()), findingKeys(reviewed));
}

TEST(ConfigHandover, UncheckedFindingsAreLeftOutOfTheFixAndThePlan)
{
    Handover h;
    QString error;
    if (!h.start(&error))
        LAB_UNAVAILABLE(error);
    const QStringList all = h.analyse(QStringLiteral("/live/"));
    auto* tree = h.config->findChild<QTreeWidget*>(QStringLiteral("findingsTreeWidget"));
    ASSERT_EQ(tree->topLevelItemCount(), all.size());
    // Leave the idle-timeout finding (the lab's proxy_read_timeout 3s) out.
    QTreeWidgetItem* timeout = nullptr;
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->text(1) == QLatin1String("WS004"))
            timeout = tree->topLevelItem(i);
    ASSERT_NE(timeout, nullptr) << all.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(timeout->checkState(0), Qt::Checked);
    QSignalSpy reanalysed(h.config.get(), &ConfigPanel::analysisFinished);
    timeout->setCheckState(0, Qt::Unchecked);
    ASSERT_TRUE(lab::waitForCount(reanalysed, 1, 15000));
    const QByteArray fixed = h.config->report().fixedText(h.lab.siteAvailable());
    EXPECT_TRUE(fixed.contains("proxy_read_timeout 3s;")) << fixed.toStdString();
    EXPECT_TRUE(fixed.contains("$http_upgrade"));

    h.config->findChild<QPushButton*>(QStringLiteral("runbookPushButton"))->click();
    QStringList expected;
    for (const QString& f : all)
        if (!f.startsWith(QLatin1String("WS004 ")))
            expected << f;
    EXPECT_EQ(findingKeys(h.dryRunPlan()), findingKeys(expected));
    const QString output = h.runbook->findChild<QPlainTextEdit*>(QStringLiteral("outputPlainTextEdit"))->toPlainText();
    EXPECT_TRUE(output.contains(QStringLiteral("left out in the Config tab (not changed): WS004"))) << output.toStdString();
}
