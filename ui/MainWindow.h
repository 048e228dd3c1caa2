// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHash>
#include <QMainWindow>

class QLabel;
class QTabWidget;
class QTimer;

namespace socketscope {

struct AppContext;
struct Profile;
class FeaturePanel;
class ProfileListPanel;

// The frame: profile list on the left, the verdict header and feature tabs on the right,
// the activity strip at the bottom. It hosts panels; it holds no feature logic.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(AppContext& context, QWidget* parent = nullptr);

    ProfileListPanel* profileList() const { return m_profileList; }
    QTabWidget* tabs() const { return m_tabs; }

    // File ▸ Open config… / Open log… without the file dialog: opens the tab with that file.
    void openConfig(const QString& path);
    void openLog(const QString& path);
    // Help ▸ Documentation (F1), optionally at a page ("monitoring.md").
    void showDocumentation(const QString& page = {});

public slots:
    // Sets the one-sentence header: "<profile> ● <state> — <sentence>". state is ok/degraded/down/unknown.
    // The window calls it with the selected profile's state (renderHeader()).
    void setVerdict(const QString& profileName, const QString& state, const QString& sentence);

private:
    void onProfileChanged(const Profile* profile);
    // The header line from the selected profile's state.
    void renderHeader();
    void buildFileMenu();
    // Profile (edit, duplicate, delete the selected one) and Actions (every tab's buttons).
    void buildProfileAndActionsMenus();
    // The status bar: what just happened, then what the panels say runs; "Ready" when neither.
    void renderStatus();

    AppContext& m_context;
    ProfileListPanel* m_profileList = nullptr;
    QLabel* m_header = nullptr;
    QTabWidget* m_tabs = nullptr;
    QList<FeaturePanel*> m_panels;
    QHash<FeaturePanel*, QString> m_activities; // what runs, per panel
    QString m_notice;                           // what just happened (FeaturePanel::announced)
    QTimer* m_noticeTimer = nullptr;
};

} // namespace socketscope
