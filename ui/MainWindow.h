// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

class QLabel;
class QTabWidget;

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

public slots:
    // Sets the one-sentence header: "<profile> ● <state> — <sentence>". state is ok/degraded/down/unknown.
    void setVerdict(const QString& profileName, const QString& state, const QString& sentence);

private:
    void onProfileChanged(const Profile* profile);

    AppContext& m_context;
    ProfileListPanel* m_profileList = nullptr;
    QLabel* m_header = nullptr;
    QTabWidget* m_tabs = nullptr;
    QList<FeaturePanel*> m_panels;
};

} // namespace socketscope
