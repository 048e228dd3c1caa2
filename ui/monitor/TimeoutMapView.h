// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "profiles/Profile.h"
#include "timeouts/TimeoutTypes.h"

#include <QElapsedTimer>
#include <QWidget>

#include <optional>

class QDoubleSpinBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTextBrowser;
class QTimer;

namespace socketscope {

class ProbeEngine;
class TimeoutMapper;

// "Timeouts": the timeout map of issue 13 for the selected profile — which hop cuts an idle
// WebSocket first, after how long, idle or lifetime cap, how it dies, and which traffic keeps it
// alive. The hops are the profile's public URL, any extra NAME=URL lines, and its direct URL; the
// measuring is TimeoutMapper's (core), on its own ProbeEngine's worker threads: the window never
// waits, Cancel stops every probe and keeps what was measured.
class TimeoutMapView : public QWidget {
    Q_OBJECT
public:
    explicit TimeoutMapView(QWidget* parent = nullptr);
    ~TimeoutMapView() override;
    // The hops come from this profile (nullptr: nothing to map; a run in progress is cancelled).
    void setProfile(const Profile* profile);
    // The options a run would use now (hops, probe options, max, resolution); error on bad input.
    std::optional<TimeoutMapOptions> options(QString* error) const;
    void start();
    void cancel();
    bool isRunning() const;
    const std::optional<TimeoutMapResult>& result() const { return m_result; }

signals:
    void runningChanged(bool running);

private:
    void showResult(const TimeoutMapResult& r);
    void refreshControls();
    void showProgress();

    std::optional<Profile> m_profile;
    ProbeEngine* m_engine = nullptr;
    TimeoutMapper* m_mapper = nullptr;
    std::optional<TimeoutMapResult> m_result;
    QPlainTextEdit* m_extraHops = nullptr;
    QDoubleSpinBox* m_max = nullptr;
    QDoubleSpinBox* m_resolution = nullptr;
    QPushButton* m_run = nullptr;
    QLabel* m_status = nullptr;
    QProgressBar* m_progress = nullptr;
    QTimer* m_elapsed = nullptr;
    QElapsedTimer m_clock;
    int m_hopsDone = 0;
    int m_hopsTotal = 0;
    QLabel* m_firstCut = nullptr;
    QTableWidget* m_hops = nullptr;
    QTableWidget* m_keepalive = nullptr;
    QTextBrowser* m_advice = nullptr;
};

} // namespace socketscope
