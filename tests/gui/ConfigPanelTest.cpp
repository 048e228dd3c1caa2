// SPDX-License-Identifier: GPL-3.0-or-later
// The Config tab: a real file analysed on the worker thread, findings in the list and the margin,
// the fix as a side-by-side diff, and the fixed text handed to the runbook.
#include "AppContext.h"
#include "core/ActivityLog.h"
#include "lab/Lab.h"
#include "nginx/ConfigCodeView.h"
#include "nginx/ConfigDiffView.h"
#include "nginx/ConfigPanel.h"
#include "nginx/NginxFixer.h"

#include <QDir>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTreeWidget>

#include <gtest/gtest.h>

using namespace socketscope;
using socketscope::lab::waitForCount;

namespace {

struct PanelFixture {
    ActivityLog activity;
    AppContext context;
    std::unique_ptr<ConfigPanel> panel;
    PanelFixture()
    {
        context.activity = &activity;
        panel = std::make_unique<ConfigPanel>(context);
        panel->resize(1280, 760);
    }
};

} // namespace

TEST(ConfigPanel, ShowsTheNeo4jFindingsAndItsFix)
{
    PanelFixture f;
    QSignalSpy finished(f.panel.get(), &ConfigPanel::analysisFinished);
    const QString path = QDir(lab::fixturePath(QStringLiteral("nginx"))).absoluteFilePath(QStringLiteral("neo4j-current.conf"));
    f.panel->openFile(path);
    ASSERT_TRUE(waitForCount(finished, 1));

    auto* findings = f.panel->findChild<QTreeWidget*>(QStringLiteral("findingsTreeWidget"));
    ASSERT_NE(findings, nullptr);
    ASSERT_EQ(findings->topLevelItemCount(), 4);
    EXPECT_EQ(findings->topLevelItem(0)->text(1), QStringLiteral("WS005"));
    EXPECT_EQ(findings->topLevelItem(0)->text(2), QStringLiteral("neo4j-current.conf:4"));

    auto* code = f.panel->findChild<ConfigCodeView*>(QStringLiteral("codePlainTextEdit"));
    ASSERT_NE(code, nullptr);
    EXPECT_EQ(QByteArray(code->toPlainText().toUtf8()), lab::readAll(path));
    ASSERT_EQ(code->marks().size(), 1);
    EXPECT_EQ(code->marks().firstKey(), 4);
    EXPECT_EQ(code->marks().first().severity, QStringLiteral("warning"));
    EXPECT_TRUE(code->marks().first().tooltip.contains(QStringLiteral("WS006: location /: proxy_buffering")));

    auto* banner = f.panel->findChild<QLabel*>(QStringLiteral("bannerLabel"));
    EXPECT_TRUE(banner->text().contains(QStringLiteral("Risky")));
    // Buffering of `location /` is left as is (WS006/WS007 are info; issue 11): only WS005 is fixed.
    EXPECT_TRUE(banner->text().contains(QStringLiteral("the fix below addresses WS005"))) << banner->text().toStdString();

    auto* diff = f.panel->findChild<ConfigDiffView*>(QStringLiteral("diffView"));
    EXPECT_EQ(diff->removedLines(), 0);
    EXPECT_EQ(diff->addedLines(), 2); // a comment and proxy_send_timeout
    EXPECT_TRUE(diff->rightEdit()->toPlainText().contains(QStringLiteral("proxy_send_timeout 86400s;")));

    // Clicking a finding jumps to its line.
    findings->setCurrentItem(findings->topLevelItem(2));
    EXPECT_EQ(code->textCursor().blockNumber() + 1, 4);

    // Hand to runbook carries exactly what the fixer produces.
    QSignalSpy handed(f.panel.get(), &ConfigPanel::handToRunbook);
    auto* runbook = f.panel->findChild<QPushButton*>(QStringLiteral("runbookPushButton"));
    ASSERT_TRUE(runbook->isEnabled());
    runbook->click();
    ASSERT_EQ(handed.count(), 1);
    const nginx::FixResult expected = nginx::NginxFixer::fix(lab::readAll(path), path, {});
    const HandedFix fix = handed.at(0).at(0).value<HandedFix>();
    EXPECT_EQ(fix.path, path);
    EXPECT_EQ(fix.fixedText, expected.newText);
    EXPECT_EQ(fix.diff, expected.diff);

    const QString shots = qEnvironmentVariable("SOCKETSCOPE_SCREENSHOT_DIR");
    if (!shots.isEmpty()) {
        f.panel->show();
        findings->setCurrentItem(findings->topLevelItem(1));
        EXPECT_TRUE(f.panel->grab().save(shots + QStringLiteral("/config.png")));
    }
}

TEST(ConfigPanel, ParseErrorIsAnInlineBannerWithItsPosition)
{
    PanelFixture f;
    QSignalSpy finished(f.panel.get(), &ConfigPanel::analysisFinished);
    f.panel->analyzeText("server {\n    listen 80;\n    location / {\n", QStringLiteral("pasted.conf"));
    ASSERT_TRUE(waitForCount(finished, 1));
    auto* banner = f.panel->findChild<QLabel*>(QStringLiteral("bannerLabel"));
    EXPECT_TRUE(banner->text().contains(QStringLiteral("Parse error")));
    EXPECT_TRUE(banner->text().contains(QStringLiteral("pasted.conf:4:1")));
    EXPECT_FALSE(f.panel->findChild<QPushButton*>(QStringLiteral("copyPushButton"))->isEnabled());
    EXPECT_EQ(f.activity.snapshot().last().level, ActivityEntry::Level::Error);
}

TEST(ConfigPanel, PastedNginxTOutputShowsEveryFile)
{
    PanelFixture f;
    QSignalSpy finished(f.panel.get(), &ConfigPanel::analysisFinished);
    f.panel->analyzeText("# configuration file /etc/nginx/nginx.conf:\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n\n"
                         "# configuration file /etc/nginx/conf.d/ws.conf:\nserver {\n    location /ws {\n        proxy_pass http://b;\n"
                         "        proxy_set_header Upgrade $http_upgrade;\n    }\n}\n\n");
    ASSERT_TRUE(waitForCount(finished, 1));
    EXPECT_EQ(f.panel->report().files.size(), 2);
    auto* findings = f.panel->findChild<QTreeWidget*>(QStringLiteral("findingsTreeWidget"));
    EXPECT_EQ(findings->topLevelItemCount(), 6); // WS001, WS003–WS007
    auto* code = f.panel->findChild<ConfigCodeView*>(QStringLiteral("codePlainTextEdit"));
    EXPECT_TRUE(code->toPlainText().contains(QStringLiteral("location /ws"))); // the file with the findings is shown
}
