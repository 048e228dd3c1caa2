// SPDX-License-Identifier: GPL-3.0-or-later
#include "MainWindow.h"

#include "AppContext.h"
#include "FeaturePanel.h"
#include "common/ActivityView.h"
#include "core/ActivityLog.h"
#include "core/Version.h"
#include "logs/LogsPanel.h"
#include "monitor/LivePanel.h"
#include "nginx/ConfigPanel.h"
#include "probe/OverviewPanel.h"
#include "profiles/Profile.h"
#include "profiles/ProfileListPanel.h"
#include "profiles/ProfileStore.h"
#include "runbook/RunbookPanel.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
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
    m_header = new QLabel(right);
    m_header->setObjectName(QStringLiteral("verdictHeaderLabel"));
    m_header->setTextFormat(Qt::RichText);
    m_header->setWordWrap(true);
    QFont headerFont = m_header->font();
    headerFont.setPointSizeF(headerFont.pointSizeF() * 1.15);
    m_header->setFont(headerFont);
    rightLayout->addWidget(m_header);

    m_tabs = new QTabWidget(right);
    m_tabs->setObjectName(QStringLiteral("featureTabWidget"));
    m_tabs->setDocumentMode(true);
    m_panels = {new OverviewPanel(context, m_tabs), new LivePanel(context, m_tabs), new LogsPanel(context, m_tabs),
                new ConfigPanel(context, m_tabs), new RunbookPanel(context, m_tabs)};
    for (FeaturePanel* panel : std::as_const(m_panels))
        m_tabs->addTab(panel, panel->title());
    for (FeaturePanel* panel : std::as_const(m_panels)) {
        // A panel's verdict becomes the header line and the profile's dot + word in the list.
        connect(panel, &FeaturePanel::verdictChanged, this, [this, panel](const QString& state, const QString& sentence) {
            const QString name = panel->property("profileName").toString();
            setVerdict(name, state, sentence);
            // By name, not "the current one": the user may have moved on while the probe ran.
            if (const auto profile = m_context.profiles ? m_context.profiles->find(name) : std::nullopt)
                m_profileList->setProfileState(profile->id, state, sentence);
        });
    }
    auto* config = qobject_cast<ConfigPanel*>(m_panels.at(3));
    auto* runbook = qobject_cast<RunbookPanel*>(m_panels.at(4));
    connect(config, &ConfigPanel::handToRunbook, this, [this, runbook](const QString& path, const QByteArray&, const QByteArray& diff) {
        // The runbook never applies a fix computed from a local copy: it re-reads the live file on
        // the server, rebuilds the fix with the same rules and shows that diff before Patch.
        m_context.activity->info(QStringLiteral("config"),
                                 tr("Fix for %1 handed to the runbook: it re-reads the file on the server and "
                                    "shows the diff before Patch.").arg(path));
        runbook->takeHandedFix(path, diff);
        m_tabs->setCurrentWidget(runbook);
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
    activityDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    activityDock->setWidget(new ActivityView(*context.activity, activityDock));
    addDockWidget(Qt::BottomDockWidgetArea, activityDock);
    resizeDocks({activityDock}, {150}, Qt::Vertical);

    QMenu* fileMenu = menuBar()->addMenu(tr("&File"));
    QAction* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    QMenu* viewMenu = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_tabs->count(); ++i) {
        QAction* a = viewMenu->addAction(m_tabs->tabText(i), this, [this, i] { m_tabs->setCurrentIndex(i); });
        a->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + i)));
    }
    viewMenu->addAction(activityDock->toggleViewAction());
    QMenu* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&About SocketScope"), this, [this] {
        QMessageBox::about(this, tr("About SocketScope"),
                           tr("<b>SocketScope %1</b><p>Operations console for WebSocket services behind "
                              "reverse proxies.</p><p>GPL-3.0-or-later. Charts by QCustomPlot (GPL-3.0).</p>")
                               .arg(versionString()));
    });

    connect(m_profileList, &ProfileListPanel::currentProfileChanged, this, &MainWindow::onProfileChanged);
    onProfileChanged(nullptr);
    statusBar()->showMessage(tr("Ready"));
    resize(1280, 800);
}

void MainWindow::onProfileChanged(const Profile* profile)
{
    for (FeaturePanel* panel : std::as_const(m_panels))
        panel->setProfile(profile);
    if (profile)
        setVerdict(profile->name, QStringLiteral("unknown"), tr("not probed yet — press Ctrl+R to probe"));
    else
        setVerdict(QString(), QStringLiteral("unknown"), tr("No profile selected"));
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
