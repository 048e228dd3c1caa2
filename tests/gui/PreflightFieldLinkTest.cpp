// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: a Preflight error names the profile editor's field ("Site file" on the nginx & logs
// tab), not the JSON key (nginx.siteFile), and its "Edit" link opens the editor on that field.
// The error comes from a real dry run against a real nginx whose enabled link points elsewhere.
#include "AppContext.h"
#include "AppStartup.h"
#include "MainWindow.h"
#include "lab/RunbookLab.h"
#include "profiles/ProfileEditorDialog.h"
#include "profiles/ProfileFields.h"
#include "profiles/ProfileListPanel.h"
#include "profiles/ProfileStore.h"
#include "profiles/SecretStore.h"
#include "runbook/RunbookEngine.h"
#include "runbook/RunbookPanel.h"

#include <QDeadlineTimer>
#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QUuid>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

TEST(PreflightFieldLink, AnErrorNamesTheEditorFieldAndItsEditLinkOpensTheEditorThere)
{
    RunbookLab lab;
    QString error;
    if (!lab.start(&error))
        LAB_UNAVAILABLE(error);
    Profile p = lab.profile();
    p.name = QStringLiteral("mismatched site");
    p.nginx.enabledLink = lab.siteEnabled();
    p.nginx.siteFile = lab.nginx().confPath(); // exists, but is not the file the link points to

    QTemporaryDir dir;
    GuiApplication gui({QStringLiteral("socketscope"), QStringLiteral("--profiles"), dir.filePath(QStringLiteral("p.json"))},
                       QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    ASSERT_TRUE(gui.context().profiles->add(p).ok());
    MainWindow* w = gui.window();
    w->show();
    w->profileList()->selectProfile(p.id);
    auto* runbook = w->findChild<RunbookPanel*>();
    ASSERT_NE(runbook, nullptr);
    runbook->setRunsDirectory(lab.runsDir());
    runbook->setActOnThisMachine(true);
    runbook->setMonitorSeconds(0);
    w->tabs()->setCurrentWidget(runbook);
    runbook->findChild<QPushButton*>(QStringLiteral("dryRunPushButton"))->click();
    ASSERT_TRUE(runbook->engine());
    QSignalSpy finished(runbook->engine(), &RunbookEngine::finished);
    ASSERT_TRUE(QTest::qWaitFor([&] { return finished.count() > 0; }, 60000));
    ASSERT_FALSE(finished.first().at(0).toBool()) << "Preflight refuses the mismatched site file";

    const QString banner = runbook->bannerText();
    EXPECT_FALSE(banner.contains(QStringLiteral(" nginx.siteFile"))) << banner.toStdString();
    EXPECT_TRUE(banner.contains(QStringLiteral("“Site file” on the nginx &amp; logs tab"))) << banner.toStdString();
    EXPECT_TRUE(banner.contains(QStringLiteral("href=\"edit:nginx.siteFile\""))) << banner.toStdString();
    auto* steps = runbook->findChild<QTreeWidget*>(QStringLiteral("stepsTreeWidget"));
    bool named = false;
    for (int i = 0; i < steps->topLevelItemCount(); ++i) {
        const QString message = steps->topLevelItem(i)->text(3);
        EXPECT_FALSE(message.contains(QStringLiteral("nginx.siteFile"))) << message.toStdString();
        named = named || message.contains(QStringLiteral("“Site file”"));
    }
    EXPECT_TRUE(named) << "the failed step's message names the field";

    // The link opens the profile editor on the nginx & logs tab with the focus in Site file.
    auto* label = runbook->findChild<QLabel*>(QStringLiteral("bannerLabel"));
    emit label->linkActivated(QStringLiteral("edit:nginx.siteFile"));
    ProfileEditorDialog* editor = nullptr;
    ASSERT_TRUE(QTest::qWaitFor([&] { return (editor = w->findChild<ProfileEditorDialog*>()) != nullptr; }, 5000));
    auto* tabs = editor->findChild<QTabWidget*>(QStringLiteral("sectionsTabWidget"));
    ASSERT_NE(tabs, nullptr);
    EXPECT_EQ(tabs->currentWidget()->objectName(), QStringLiteral("nginxTab"));
    EXPECT_EQ(editor->focusWidget(), editor->fieldWidget(QStringLiteral("nginx.siteFile")));
    EXPECT_EQ(editor->profile().id, p.id);

    // The core's labels are the editor's: every field's label and tab as the editor shows them.
    for (const ProfileFieldInfo& f : profileFields()) {
        QWidget* field = editor->fieldWidget(f.key);
        ASSERT_NE(field, nullptr) << f.key.toStdString();
        QString shownLabel;
        for (QLabel* l : editor->findChildren<QLabel*>())
            if (l->buddy() == field)
                shownLabel = l->text().remove(QLatin1Char('&'));
        EXPECT_EQ(shownLabel, f.label) << f.key.toStdString();
        for (int i = 0; i < tabs->count(); ++i) {
            if (tabs->widget(i)->isAncestorOf(field)) {
                EXPECT_EQ(tabs->tabText(i).replace(QStringLiteral("&&"), QStringLiteral("&")), f.tab) << f.key.toStdString();
            }
        }
    }
    editor->reject();
    EXPECT_TRUE(QTest::qWaitFor([&] { return gui.context().secrets->availability() != SecretStore::Availability::Unknown; }, 15000));
}
