// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include "AppContext.h"
#include "FeaturePanel.h"
#include "common/ActivityView.h"
#include "common/ElidingLabel.h"
#include "common/HelpDialogs.h"
#include "common/PanelMenu.h"
#include "core/ActivityLog.h"
#include "core/Version.h"
#include "monitor/ProfileDashboard.h"
#include "logs/LogsPanel.h"
#include "monitor/LivePanel.h"
#include "nginx/ConfigPanel.h"
#include "probe/DashboardPanel.h"
#include "probe/OverviewPanel.h"
#include "profiles/Profile.h"
#include "profiles/ProfileEditorDialog.h"
#include "profiles/ProfileListPanel.h"
#include "profiles/ProfileStore.h"
#include "runbook/RunbookPanel.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace socketscope {

MainWindow::MainWindow(AppContext& context, QWidget* parent)
    : QMainWindow(parent), m_context(context)
{
    setObjectName(QStringLiteral("SocketScopeMainWindow"));
    setWindowTitle(tr("SocketScope"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/socketscope.svg")));

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    m_profileList = new ProfileListPanel(context, splitter);
    m_profileList->setObjectName(QStringLiteral("profileListPanel"));

    auto* right = new QWidget(splitter);
    auto* rightLayout = new QVBoxLayout(right);
    // One line whatever the sentence: cut with "…" (the whole of it in the tooltip), so a long
    // verdict never pushes the tabs down.
    m_header = new ElidingLabel(right);
    m_header->setObjectName(QStringLiteral("verdictHeaderLabel"));
    m_header->setTextFormat(Qt::RichText);
    QFont headerFont = m_header->font();
    headerFont.setPointSizeF(headerFont.pointSizeF() * 1.15);
    m_header->setFont(headerFont);
    rightLayout->addWidget(m_header);

    m_tabs = new QTabWidget(right);
    m_tabs->setObjectName(QStringLiteral("featureTabWidget"));
    m_tabs->setDocumentMode(true);
    auto* dashboard = new DashboardPanel(context, m_tabs);
    auto* overview = new OverviewPanel(context, m_tabs);
    auto* live = new LivePanel(context, m_tabs);
    auto* config = new ConfigPanel(context, m_tabs);
    auto* runbook = new RunbookPanel(context, m_tabs);
    // "All profiles" is the first view: every profile's state at a glance.
    m_panels = {dashboard, overview, live, new LogsPanel(context, m_tabs), config, runbook};
    for (FeaturePanel* panel : std::as_const(m_panels))
        m_tabs->addTab(panel, panel->title());
    // The header renders the selected profile's entry of the one state model (as the list's dot
    // and word do): a monitor or a probe of another profile never writes here.
    connect(&profileStates(m_context), &ProfileStateModel::changed, this, [this](const QUuid& id) {
        const std::optional<Profile> current = m_profileList->currentProfile();
        if (current && current->id == id)
            renderHeader();
    });
    connect(live, &LivePanel::profileActivated, this, [this](const QUuid& id) { m_profileList->selectProfile(id); });
    // "Probe all" probes each profile as its "Probe now" would: the Overview's echo and hold, the
    // profile's own options (profileProbeOptions()).
    dashboard->runner()->setBaseOptions(overview->probeSettings());
    connect(overview, &OverviewPanel::probeSettingsChanged, dashboard->runner(), &ProbeAllRunner::setBaseOptions);
    // A tile opens its profile: selected in the list, its Overview shown.
    connect(dashboard, &DashboardPanel::profileActivated, this, [this, overview](const QUuid& id) {
        m_profileList->selectProfile(id);
        m_tabs->setCurrentWidget(overview);
    });
    connect(config, &ConfigPanel::handToRunbook, this, [this, runbook](const HandedFix& fix) {
        // The runbook never applies a fix computed from a local copy: it re-reads the live file on
        // the server, rebuilds the fix with the same rules and scope and shows that diff before Patch.
        m_context.activity->info(QStringLiteral("config"),
                                 tr("Fix for %1 handed to the runbook: it re-reads the file on the server and "
                                    "shows the diff before Patch.").arg(fix.path));
        runbook->takeHandedFix(fix);
        m_tabs->setCurrentWidget(runbook);
    });
    // An "Edit" link in the runbook's errors opens the profile editor on the field it names.
    connect(runbook, &RunbookPanel::editProfileField, this, [this](const QString& key) {
        if (ProfileEditorDialog* editor = m_profileList->editCurrent())
            editor->focusField(key);
    });
    rightLayout->addWidget(m_tabs, 1);

    splitter->addWidget(m_profileList);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({260, 1000});
    setCentralWidget(splitter);

    auto* activityDock = new QDockWidget(tr("Activity"), this);
    activityDock->setObjectName(QStringLiteral("activityDock"));
    // Closable, or View ▸ Activity (its toggle action) stays greyed out.
    activityDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    activityDock->setWidget(new ActivityView(*context.activity, activityDock));
    addDockWidget(Qt::BottomDockWidgetArea, activityDock);
    resizeDocks({activityDock}, {150}, Qt::Vertical);

    buildFileMenu();
    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_tabs->count(); ++i) {
        QAction* a = viewMenu->addAction(m_tabs->tabText(i), this, [this, i] { m_tabs->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + i)));
    }
    QAction* activity = activityDock->toggleViewAction();
    activity->setObjectName(QStringLiteral("viewActivityAction"));
    viewMenu->addSeparator();
    viewMenu->addAction(activity);
    buildProfileAndActionsMenus();
    QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
    QAction* docs = helpMenu->addAction(tr("&Documentation"), this, [this] { showDocumentation(); });
    docs->setObjectName(QStringLiteral("helpDocumentationAction"));
    docs->setShortcut(QKeySequence::HelpContents);
    docs->setShortcutContext(Qt::ApplicationShortcut);
    QAction* keys = helpMenu->addAction(tr("&Keyboard shortcuts"), this, [this] {
        auto* dialog = new ShortcutsDialog(this, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    keys->setObjectName(QStringLiteral("helpShortcutsAction"));
    helpMenu->addSeparator();
    helpMenu->addAction(tr("&About SocketScope"), this, [this] {
        QMessageBox::about(this, tr("About SocketScope"),
                           tr("<b>SocketScope %1</b><p>Operations console for WebSocket services behind "
                              "reverse proxies.</p><p>GPL-3.0-or-later. Charts by QCustomPlot (GPL-3.0).</p>")
                               .arg(versionString()));
    });

    connect(m_profileList, &ProfileListPanel::currentProfileChanged, this, &MainWindow::onProfileChanged);
    onProfileChanged(nullptr);
    // The status bar says what runs (a probe and its countdown, ...), "Ready" when nothing does.
    for (FeaturePanel* panel : std::as_const(m_panels))
        connect(panel, &FeaturePanel::activityChanged, this, [this, panel](const QString& message) {
            if (message.isEmpty())
                m_activities.remove(panel);
            else
                m_activities.insert(panel, message);
            renderStatus();
        });
    // What just happened stays in front for a while (or until the next announcement).
    m_noticeTimer = new QTimer(this);
    m_noticeTimer->setSingleShot(true);
    m_noticeTimer->setInterval(15000);
    connect(m_noticeTimer, &QTimer::timeout, this, [this] {
        m_notice.clear();
        renderStatus();
    });
    for (FeaturePanel* panel : std::as_const(m_panels))
        connect(panel, &FeaturePanel::announced, this, [this](const QString& message) {
            m_notice = message;
            m_noticeTimer->start();
            renderStatus();
        });
    renderStatus();
    // 1280×800, or the screen when it is smaller (a 1024×700 screen must see the whole window).
    QSize size(1280, 800);
    if (const QScreen* screen = QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableSize());
    resize(size);
}

void MainWindow::buildFileMenu()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    const auto action = [this, file](const QString& text, const char* objectName, const QKeySequence& keys, auto slot) {
        QAction* a = file->addAction(text, this, slot);
        a->setObjectName(QString::fromLatin1(objectName));
        if (!keys.isEmpty()) {
            a->setShortcut(keys);
            a->setShortcutContext(Qt::WindowShortcut); // anywhere in the window, not only in the list
        }
        return a;
    };
    action(tr("&New profile…"), "fileNewProfileAction", QKeySequence::New, [this] { m_profileList->addProfile(); });
    action(tr("&Import profiles…"), "fileImportProfilesAction", {}, [this] { m_profileList->chooseImportJson(); });
    action(tr("&Export profiles…"), "fileExportProfilesAction", {}, [this] { m_profileList->chooseExportJson(); });
    action(tr("Export exporter &modules…"), "fileExportModulesAction", {}, [this] { m_profileList->chooseExportModules(false); });
    action(tr("&Reload profiles"), "fileReloadProfilesAction", {}, [this] { m_profileList->reloadProfiles(); });
    file->addSeparator();
    // No Ctrl+O here: the Config and Logs tabs bind it to their own "open" while shown.
    action(tr("Open &config…"), "fileOpenConfigAction", {}, [this] {
        auto* dialog = new QFileDialog(this, tr("Open an nginx or HAProxy configuration"), QDir::homePath(),
                                       tr("Configurations (*.conf *.cfg nginx.conf haproxy.cfg);;All files (*)"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setFileMode(QFileDialog::ExistingFile);
        connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) { openConfig(path); });
        dialog->open();
    });
    action(tr("Open &log…"), "fileOpenLogAction", {}, [this] {
        auto* dialog = new QFileDialog(this, tr("Open a log file"), QDir::homePath(), tr("Logs (*.log *.txt);;All files (*)"));
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setFileMode(QFileDialog::ExistingFile);
        connect(dialog, &QFileDialog::fileSelected, this, [this](const QString& path) { openLog(path); });
        dialog->open();
    });
    file->addSeparator();
    action(tr("&Quit"), "fileQuitAction", QKeySequence::Quit, [this] { close(); });
}

void MainWindow::buildProfileAndActionsMenus()
{
    // The list's own buttons and shortcuts (F2, Ctrl+D, Delete while the list has focus), here too.
    QMenu* profile = menuBar()->addMenu(tr("&Profile"));
    QAction* edit = profile->addAction(tr("&Edit profile…"), this, [this] { m_profileList->editCurrent(); });
    edit->setObjectName(QStringLiteral("profileEditAction"));
    QAction* duplicate = profile->addAction(tr("D&uplicate profile"), this, [this] { m_profileList->duplicateCurrent(); });
    duplicate->setObjectName(QStringLiteral("profileDuplicateAction"));
    QAction* remove = profile->addAction(tr("&Delete profile"), this, [this] { m_profileList->deleteCurrent(); });
    remove->setObjectName(QStringLiteral("profileDeleteAction"));
    connect(profile, &QMenu::aboutToShow, this, [this, edit, duplicate, remove] {
        const bool selected = m_profileList->currentProfile().has_value();
        for (QAction* a : {edit, duplicate, remove})
            a->setEnabled(selected);
    });
    // Every tab's buttons, one submenu per tab: each entry brings the tab forward and clicks the button.
    QMenu* actions = menuBar()->addMenu(tr("&Actions"));
    actions->setObjectName(QStringLiteral("actionsMenu"));
    for (FeaturePanel* panel : std::as_const(m_panels)) {
        QMenu* sub = actions->addMenu(panel->title());
        sub->setObjectName(QString::fromLatin1(panel->metaObject()->className()).section(QStringLiteral("::"), -1) + QStringLiteral("Menu"));
        attachPanelMenu(sub, panel, [this, panel] { m_tabs->setCurrentWidget(panel); });
    }
}

void MainWindow::openConfig(const QString& path)
{
    for (FeaturePanel* panel : std::as_const(m_panels))
        if (auto* config = qobject_cast<ConfigPanel*>(panel)) {
            m_tabs->setCurrentWidget(config);
            config->openFile(path);
        }
}

void MainWindow::openLog(const QString& path)
{
    for (FeaturePanel* panel : std::as_const(m_panels))
        if (auto* logs = qobject_cast<LogsPanel*>(panel)) {
            m_tabs->setCurrentWidget(logs);
            logs->openLocalFile(path, true);
        }
}

void MainWindow::showDocumentation(const QString& page)
{
    auto* dialog = findChild<DocumentationDialog*>();
    if (!dialog) {
        dialog = new DocumentationDialog(this);
        dialog->setModal(false);
    }
    if (!page.isEmpty())
        dialog->showPage(page);
    dialog->show();
    dialog->raise();
}

void MainWindow::renderStatus()
{
    QStringList running;
    if (!m_notice.isEmpty())
        running << m_notice;
    for (FeaturePanel* panel : std::as_const(m_panels))
        if (const auto it = m_activities.constFind(panel); it != m_activities.cend())
            running << *it;
    statusBar()->showMessage(running.isEmpty() ? tr("Ready") : running.join(QStringLiteral("  ·  ")));
}

void MainWindow::onProfileChanged(const Profile* profile)
{
    for (FeaturePanel* panel : std::as_const(m_panels))
        panel->setProfile(profile);
    renderHeader();
}

void MainWindow::renderHeader()
{
    const std::optional<Profile> profile = m_profileList->currentProfile();
    if (!profile) {
        setVerdict(QString(), QStringLiteral("unknown"), tr("No profile selected"));
        return;
    }
    const ProfileState::Headline h = profileStates(m_context).state(profile->id).headline();
    setVerdict(profile->name, h.state, h.sentence);
}

void MainWindow::setVerdict(const QString& profileName, const QString& state, const QString& sentence)
{
    // Colour and a word: state is never shown by colour alone.
    static const QHash<QString, QString> colours = {{QStringLiteral("ok"), QStringLiteral("#2e9d44")},
                                                    {QStringLiteral("degraded"), QStringLiteral("#d08a00")},
                                                    {QStringLiteral("down"), QStringLiteral("#d03b3b")},
                                                    {QStringLiteral("unknown"), QStringLiteral("#8a8a8a")}};
    const QString colour = colours.value(state, colours.value(QStringLiteral("unknown")));
    if (profileName.isEmpty()) {
        m_header->setText(sentence.toHtmlEscaped());
        return;
    }
    m_header->setText(QStringLiteral("<b>%1</b>&nbsp;&nbsp;<span style='color:%2'>●</span> %3 — %4")
                          .arg(profileName.toHtmlEscaped(), colour, state.toHtmlEscaped(), sentence.toHtmlEscaped()));
}

} // namespace socketscope
