// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16, "finding one's way": the File and Help menus, F1 and the bundled documentation, a
// global Ctrl+N, View ▸ Activity, reloading profiles after an outside change (menu and the
// notice's link), and the keychain status in plain language.
#include "AppContext.h"
#include "AppStartup.h"
#include "MainWindow.h"
#include "common/HelpDialogs.h"
#include "common/PanelMenu.h"
#include "probe/OverviewPanel.h"
#include "core/ActivityLog.h"
#include "lab/Lab.h"
#include "profiles/ProfileEditorDialog.h"
#include "profiles/ProfileListPanel.h"
#include "profiles/ProfileStore.h"
#include "profiles/SecretStore.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMenuBar>
#include <QSignalSpy>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QScreen>
#include <QTextBrowser>
#include <QUuid>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

QString keychainService() { return QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces); }

struct Window {
    QTemporaryDir dir;
    GuiApplication gui{{QStringLiteral("socketscope"), QStringLiteral("--profiles"), dir.filePath(QStringLiteral("p.json"))},
                       keychainService()};
    MainWindow* w = gui.window();
    // The keychain check answers asynchronously: let it finish before the window goes, so no
    // answer is delivered to a destroyed store in the next test.
    Window()
    {
        EXPECT_TRUE(QTest::qWaitFor([this] { return gui.context().secrets->availability() != SecretStore::Availability::Unknown; }, 15000));
    }
    QAction* action(const char* name) const { return w->findChild<QAction*>(QString::fromLatin1(name)); }
};

QStringList menuTexts(QMenuBar* bar, const QString& menuTitle)
{
    QStringList out;
    for (QAction* top : bar->actions()) {
        if (top->text().remove(QLatin1Char('&')) != menuTitle || !top->menu())
            continue;
        for (QAction* a : top->menu()->actions())
            if (!a->isSeparator())
                out << a->text().remove(QLatin1Char('&'));
    }
    return out;
}

} // namespace

TEST(MainWindowMenus, FileAndHelpMenusOfferEveryEntry)
{
    Window win;
    const QStringList file = menuTexts(win.w->menuBar(), QStringLiteral("File"));
    for (const char* entry : {"New profile…", "Import profiles…", "Export profiles…", "Reload profiles", "Open config…",
                              "Open log…", "Quit"})
        EXPECT_TRUE(file.contains(QString::fromUtf8(entry))) << entry << " in " << file.join(QStringLiteral(", ")).toStdString();
    const QStringList help = menuTexts(win.w->menuBar(), QStringLiteral("Help"));
    for (const char* entry : {"Documentation", "Keyboard shortcuts", "About SocketScope"})
        EXPECT_TRUE(help.contains(QString::fromUtf8(entry))) << entry << " in " << help.join(QStringLiteral(", ")).toStdString();
    EXPECT_EQ(win.action("helpDocumentationAction")->shortcut(), QKeySequence(QKeySequence::HelpContents));
}

TEST(MainWindowMenus, F1OpensTheBundledDocumentationAndEveryPageRenders)
{
    Window win;
    win.w->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(win.w));
    QApplication::setActiveWindow(win.w);
    QTest::keyClick(win.w, Qt::Key_F1);
    auto* dialog = win.w->findChild<DocumentationDialog*>();
    ASSERT_NE(dialog, nullptr) << "F1 opens the documentation";
    EXPECT_TRUE(dialog->isVisible());
    auto* browser = dialog->findChild<QTextBrowser*>(QStringLiteral("docTextBrowser"));
    ASSERT_NE(browser, nullptr);
    EXPECT_TRUE(browser->toPlainText().startsWith(QStringLiteral("Probing and diagnosis"))) << browser->toPlainText().left(80).toStdString();
    EXPECT_FALSE(browser->toPlainText().contains(QStringLiteral("# "))) << "Markdown is rendered, not shown raw";
    for (const QString& page : DocumentationDialog::pages()) {
        EXPECT_TRUE(dialog->showPage(page)) << page.toStdString() << " is bundled";
        EXPECT_GT(browser->toPlainText().size(), 200) << page.toStdString();
    }
    EXPECT_FALSE(dialog->showPage(QStringLiteral("no-such-page.md")));

    win.action("helpShortcutsAction")->trigger();
    auto* shortcuts = win.w->findChild<QTableWidget*>(QStringLiteral("shortcutsTableWidget"));
    ASSERT_NE(shortcuts, nullptr);
    QStringList keys;
    for (int r = 0; r < shortcuts->rowCount(); ++r)
        keys << shortcuts->item(r, 1)->text();
    for (const QKeySequence& k : {QKeySequence(QKeySequence::New), QKeySequence(QKeySequence::HelpContents), QKeySequence(Qt::CTRL | Qt::Key_R)})
        EXPECT_TRUE(keys.contains(k.toString(QKeySequence::NativeText))) << k.toString().toStdString();
}

TEST(MainWindowMenus, CtrlNOpensTheEditorWhereverTheFocusIs)
{
    Window win;
    win.w->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(win.w));
    QApplication::setActiveWindow(win.w);
    // Focus in the Overview tab, not in the profile list.
    auto* probe = win.w->findChild<QPushButton*>(QStringLiteral("probeNowPushButton"));
    ASSERT_NE(probe, nullptr);
    probe->setFocus();
    ASSERT_TRUE(QTest::qWaitFor([&] { return probe->hasFocus(); }, 2000));
    QTest::keyClick(probe, Qt::Key_N, Qt::ControlModifier);
    EXPECT_NE(win.w->findChild<ProfileEditorDialog*>(), nullptr) << "Ctrl+N works outside the list";
}

TEST(MainWindowMenus, ViewActivityHidesAndShowsTheActivityPanel)
{
    Window win;
    win.w->show();
    auto* dock = win.w->findChild<QDockWidget*>(QStringLiteral("activityDock"));
    QAction* toggle = win.action("viewActivityAction");
    ASSERT_NE(dock, nullptr);
    ASSERT_NE(toggle, nullptr);
    EXPECT_TRUE(toggle->isEnabled()) << "not greyed out";
    ASSERT_TRUE(dock->isVisible());
    toggle->trigger();
    EXPECT_FALSE(dock->isVisible());
    toggle->trigger();
    EXPECT_TRUE(dock->isVisible());
}

TEST(MainWindowMenus, ReloadProfilesFromTheMenuAndFromTheNoticeLink)
{
    Window win;
    auto* list = win.w->findChild<QListWidget*>(QStringLiteral("profileListWidget"));
    const auto names = [list] {
        QStringList out;
        for (int i = 0; i < list->count(); ++i)
            out << list->item(i)->text().section(QStringLiteral(" — "), 0, 0);
        return out;
    };
    // Another program (here: a second store on the same file, as socketscope-cli would) adds a profile.
    const auto addOutside = [&win](const QString& name) {
        ProfileStore outside(win.gui.profilesFile());
        ASSERT_TRUE(outside.load().ok());
        Profile p;
        p.name = name;
        p.publicUrl = QStringLiteral("wss://outside.example.com/ws");
        ASSERT_TRUE(outside.add(p).ok());
    };
    addOutside(QStringLiteral("from the CLI"));
    EXPECT_FALSE(names().contains(QStringLiteral("from the CLI")));
    win.action("fileReloadProfilesAction")->trigger();
    EXPECT_TRUE(names().contains(QStringLiteral("from the CLI"))) << names().join(QStringLiteral(", ")).toStdString();

    // A save refused because the file changed: the notice offers "Reload profiles", a clickable link.
    addOutside(QStringLiteral("second outside change"));
    win.w->profileList()->duplicateCurrent();
    auto* notice = win.w->findChild<QLabel*>(QStringLiteral("noticeLabel"));
    ASSERT_NE(notice, nullptr);
    ASSERT_TRUE(notice->text().contains(QStringLiteral("href=\"reload\""))) << notice->text().toStdString();
    EXPECT_TRUE(notice->textInteractionFlags() & Qt::LinksAccessibleByMouse);
    emit notice->linkActivated(QStringLiteral("reload"));
    EXPECT_TRUE(names().contains(QStringLiteral("second outside change"))) << names().join(QStringLiteral(", ")).toStdString();
}

TEST(MainWindowMenus, KeychainStatusIsPlainLanguageWithDetailsBehindALink)
{
    Window win;
    SecretStore* secrets = win.gui.context().secrets;
    ASSERT_TRUE(QTest::qWaitFor([&] { return secrets->availability() != SecretStore::Availability::Unknown; }, 15000));
    auto* label = win.w->findChild<QLabel*>(QStringLiteral("keychainStatusLabel"));
    ASSERT_NE(label, nullptr);
    if (secrets->availability() == SecretStore::Availability::Available) {
        EXPECT_TRUE(label->text().contains(QStringLiteral("saved in the system keychain"))) << label->text().toStdString();
        return;
    }
    const QString reason = secrets->unavailableReason();
    ASSERT_FALSE(reason.isEmpty());
    EXPECT_TRUE(label->text().contains(QStringLiteral("passwords are asked for each time"))) << label->text().toStdString();
    EXPECT_FALSE(label->text().contains(reason.toHtmlEscaped())) << "the library's words only behind Details";
    EXPECT_TRUE(label->textInteractionFlags() & Qt::LinksAccessibleByMouse);
    emit label->linkActivated(QStringLiteral("details"));
    EXPECT_TRUE(label->text().contains(reason.toHtmlEscaped())) << label->text().toStdString();
}

// Issue 16, a layout that holds at 1024×700: the profile list needs at most 240 px (its button
// row used to need 292, pushing the tabs off a 1024 px screen), and the window fits the screen.
TEST(MainWindowMenus, TheProfileListStaysNarrowAndTheWindowFitsTheScreen)
{
    Window win;
    EXPECT_LE(win.w->profileList()->minimumSizeHint().width(), 240);
    const QSize screen = QGuiApplication::primaryScreen()->availableSize();
    EXPECT_LE(win.w->width(), screen.width());
    EXPECT_LE(win.w->height(), screen.height());
}

// Issue 16: the first start counts the Local demo it lists ("1 profile(s)", not "0 profile(s)").
TEST(MainWindowMenus, FirstStartLogCountsTheLocalDemo)
{
    Window win;
    QStringList lines;
    for (const ActivityEntry& e : win.gui.context().activity->snapshot())
        if (e.source == QLatin1String("profiles"))
            lines << e.message;
    EXPECT_TRUE(lines.filter(QStringLiteral("1 profile(s) from")).size() == 1) << lines.join(QStringLiteral("; ")).toStdString();
    EXPECT_TRUE(lines.filter(QStringLiteral("0 profile(s)")).isEmpty()) << lines.join(QStringLiteral("; ")).toStdString();
}

// Issue 16, "every control reachable from a menu": Actions has a submenu per tab listing that
// tab's buttons as they are when it opens (enabled or not, as the button); an entry brings its tab
// forward and does what the button does. Profile edits, duplicates and deletes the selected one.
TEST(MainWindowMenus, EveryTabsButtonsAreReachableFromTheActionsMenu)
{
    Window win;
    win.w->show();
    auto* actions = win.w->findChild<QMenu*>(QStringLiteral("actionsMenu"));
    ASSERT_NE(actions, nullptr);
    auto* tabs = win.w->tabs();
    int submenus = 0;
    for (QAction* a : actions->actions()) {
        QMenu* sub = a->menu();
        if (!sub)
            continue;
        ++submenus;
        emit sub->aboutToShow();
        // The tab this submenu is about.
        QWidget* panel = nullptr;
        for (int i = 0; i < tabs->count(); ++i)
            if (tabs->tabText(i) == a->text())
                panel = tabs->widget(i);
        ASSERT_NE(panel, nullptr) << a->text().toStdString();
        for (QAbstractButton* b : panelMenuButtons(panel)) {
            QAction* entry = sub->findChild<QAction*>(b->objectName() + QStringLiteral("MenuAction"));
            ASSERT_NE(entry, nullptr) << a->text().toStdString() << " ▸ " << b->objectName().toStdString();
            EXPECT_EQ(entry->isEnabled(), b->isEnabled()) << b->objectName().toStdString();
        }
    }
    EXPECT_EQ(submenus, tabs->count());
    // The main controls of the first two tabs are among them.
    auto* dashboardMenu = win.w->findChild<QMenu*>(QStringLiteral("DashboardPanelMenu"));
    auto* overviewMenu = win.w->findChild<QMenu*>(QStringLiteral("OverviewPanelMenu"));
    ASSERT_TRUE(dashboardMenu && overviewMenu);
    EXPECT_NE(dashboardMenu->findChild<QAction*>(QStringLiteral("probeAllPushButtonMenuAction")), nullptr);

    // Actions ▸ Overview ▸ Probe now, from the dashboard tab: the Overview comes forward and probes
    // the selected profile (the Local demo).
    win.w->profileList()->selectProfile(win.gui.demoProfileId());
    tabs->setCurrentIndex(0);
    emit overviewMenu->aboutToShow();
    QAction* probe = overviewMenu->findChild<QAction*>(QStringLiteral("probeNowPushButtonMenuAction"));
    ASSERT_NE(probe, nullptr);
    ASSERT_TRUE(probe->isEnabled());
    auto* overview = win.w->findChild<OverviewPanel*>();
    QSignalSpy done(overview, &OverviewPanel::probesFinished);
    probe->trigger();
    EXPECT_EQ(tabs->currentWidget(), overview);
    ASSERT_TRUE(lab::waitForCount(done, 1, 15000));
    EXPECT_EQ(profileStates(win.gui.context()).state(win.gui.demoProfileId()).probe.state, QStringLiteral("ok"));

    // Profile ▸ Edit profile… opens the editor on the selected profile; nothing selected: greyed out.
    QAction* edit = win.action("profileEditAction");
    ASSERT_NE(edit, nullptr);
    emit qobject_cast<QMenu*>(edit->parent())->aboutToShow();
    ASSERT_TRUE(edit->isEnabled());
    edit->trigger();
    EXPECT_NE(win.w->findChild<ProfileEditorDialog*>(), nullptr);
}
