// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FeaturePanel.h"
#include "core/Result.h"
#include "monitor/MonitorTypes.h"
#include "profiles/Profile.h"

#include <QHash>

#include <optional>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTabWidget;
class QToolButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace socketscope {

class Banner;
class MatrixView;
class TimeoutMapView;
class MonitorCharts;
class MonitorManager;
class ProbeLauncher;
class ProbeMatrix;

// The "Live" tab: running monitors (state word + colour, pause/resume/interval), the charts of the
// selected one, its event list, the probe matrix, and exports. Logic lives in MonitorManager and
// ProbeMatrix (core); this panel renders them and forwards clicks.
class LivePanel : public FeaturePanel {
    Q_OBJECT
public:
    // launcher: where probes run (borrowed); null: the panel runs its own ProbeEngine.
    explicit LivePanel(AppContext& context, QWidget* parent = nullptr, ProbeLauncher* launcher = nullptr);
    ~LivePanel() override;
    void setProfile(const Profile* profile) override;
    QString title() const override { return tr("Live"); }

    // Starts monitoring the selected profile (its public URL); returns the monitor id or 0.
    int startMonitor();
    // Starts a monitor from a spec and selects it.
    int startMonitor(const MonitorSpec& spec);
    // The monitor whose charts are shown (0: none).
    int currentMonitor() const { return m_current; }
    void selectMonitor(int id);

    MonitorManager* manager() const { return m_manager; }
    MonitorCharts* charts() const { return m_charts; }
    MatrixView* matrixView() const { return m_matrixView; }
    TimeoutMapView* timeoutView() const { return m_timeoutView; }
    ProbeMatrix* matrix() const { return m_matrix; }
    QTabWidget* tabs() const { return m_tabs; }
    // The state word shown for a monitor in the list ("ok", "down", ...).
    QString stateWord(int id) const;

    // Exports of the current monitor (no dialogs: the menu asks for the path, then calls these).
    Status exportSamplesCsv(const QString& path) const;
    Status exportSamplesJson(const QString& path) const;
    Status exportCharts(const QString& dir, bool pdf, QStringList* written = nullptr) const;
    // Writes an evidence bundle folder under parentDir; returns its path.
    Result<QString> exportBundle(const QString& parentDir) const;

signals:
    // The user picked a monitor of another profile in the list: the window selects that profile.
    void profileActivated(const QUuid& profile);

private:
    void buildUi();
    void refreshList();
    void refreshItem(int id);
    void refreshControls();
    void appendEvent(int id, const MonitorEvent& event);
    void showBanner(const QString& text, bool error);
    void reportVerdict(int id);
    // Tells the window's status bar which monitors run (activityChanged).
    void reportActivity();
    void exportWithDialog(int kind);
    QTreeWidgetItem* itemFor(int id) const;
    // A monitor with samples or events, or a finished matrix row: Export has something to write.
    bool hasSomethingToExport() const;

    ProbeLauncher* m_launcher = nullptr;
    MonitorManager* m_manager = nullptr;
    ProbeMatrix* m_matrix = nullptr;
    std::optional<Profile> m_profile;
    int m_current = 0;
    QHash<int, QString> m_lastVerdict;  // per monitor: the state and sentence last reported
    Banner* m_banner = nullptr;
    QTreeWidget* m_list = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_pause = nullptr;
    QPushButton* m_stop = nullptr;
    QPushButton* m_remove = nullptr;
    QDoubleSpinBox* m_interval = nullptr;
    QCheckBox* m_longLived = nullptr;
    QToolButton* m_export = nullptr;
    QListWidget* m_events = nullptr;
    QTabWidget* m_tabs = nullptr;
    MonitorCharts* m_charts = nullptr;
    MatrixView* m_matrixView = nullptr;
    TimeoutMapView* m_timeoutView = nullptr;
    QLabel* m_stateLabel = nullptr;
};

} // namespace socketscope
