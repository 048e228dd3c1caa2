// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FeaturePanel.h"

#include <QFrame>
#include <QUuid>

class QGridLayout;
class QLabel;
class QPushButton;
class QScrollArea;

namespace socketscope {

class ProbeAllRunner;
class ProbeEngine;
struct ProfileTile;

// One status tile of the dashboard: the profile's name, its state word and colour, the cause and
// the time of its last probe. A click activates the profile.
class ProfileTileWidget : public QFrame {
    Q_OBJECT
public:
    ProfileTileWidget(const ProfileTile& tile, QWidget* parent = nullptr);
    QUuid profileId() const { return m_id; }

signals:
    void activated(const QUuid& profile);

protected:
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    QUuid m_id;
};

// The "All profiles" tab, the window's first view: a tile per profile rendering the application's
// ProfileStateModel (the same state the header and the list show), the most severe first, and
// "Probe all", which probes every profile on the core ProbeEngine's worker threads at most
// kConcurrency at a time (ProbeAllRunner) while the window stays responsive.
class DashboardPanel : public FeaturePanel {
    Q_OBJECT
public:
    static constexpr int kConcurrency = 4;

    explicit DashboardPanel(AppContext& context, QWidget* parent = nullptr);
    ~DashboardPanel() override;
    void setProfile(const Profile* profile) override;
    QString title() const override { return tr("All profiles"); }

    // Probes every profile (no-op while a "Probe all" runs).
    void probeAll();
    void cancelProbeAll();
    bool isProbingAll() const;
    ProbeAllRunner* runner() const { return m_runner; }
    // The tiles in display order.
    QList<ProfileTileWidget*> tiles() const;

signals:
    // The user clicked a tile.
    void profileActivated(const QUuid& profile);
    // A "Probe all" finished.
    void probeAllFinished();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void render();
    void layoutTiles();
    void updateControls();
    // "2 down, 1 degraded, 3 ok": the tiles counted by state, most severe first.
    QString stateCounts() const;

    ProbeEngine* m_engine = nullptr;
    ProbeAllRunner* m_runner = nullptr;
    QPushButton* m_probeAllButton = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_empty = nullptr;
    QScrollArea* m_scroll = nullptr;
    QWidget* m_tileHost = nullptr;
    QGridLayout* m_grid = nullptr;
    QList<ProfileTileWidget*> m_tiles;
    int m_columns = 0;
};

} // namespace socketscope
