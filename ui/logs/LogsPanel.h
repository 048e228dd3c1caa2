// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FeaturePanel.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTimer;
class QToolButton;

namespace socketscope::logs {
class LogSession;
enum class LogFormat;
}

namespace socketscope {

class Banner;
class LogView;
enum class ProfileLog;
class ProblemNavigator;
class SshWorkerThread;

// The "Logs" tab: pick a source (a local file, or one of the profile's logs — nginx error/access,
// app, HAProxy — over SSH, or on this machine for a profile without SSH, read with the profile's
// format for it), view it virtualized with highlighting, search (text/regex, case, only matching lines,
// F3/Shift+F3), jump between problems (F8 / Ctrl+J; per-rule summary: ProblemNavigator), the
// log's detected format (which rule sets apply; overridable), follow with pause, jump to a time,
// copy and export the selection. All heavy work runs in the core LogSession's worker thread.
class LogsPanel : public FeaturePanel {
    Q_OBJECT
public:
    explicit LogsPanel(AppContext& context, QWidget* parent = nullptr);
    ~LogsPanel() override;
    void setProfile(const Profile* profile) override;
    QString title() const override { return tr("Logs"); }

    // Opens a file on this machine (follow: keep showing lines as they are appended), read as
    // `format` when given, else with the format detected from its first lines.
    void openLocalFile(const QString& path, bool follow, std::optional<logs::LogFormat> format = std::nullopt);
    // Opens one of the selected profile's logs with the profile's format for it (ProfileLogs.h):
    // over SSH when the profile has SSH access, else on this machine. False: no profile or no path.
    bool openProfileLog(ProfileLog log, bool follow);
    // Opens the selected profile's log over SSH: followed live (`tail -n 1000 -F`) or whole.
    // The host key is checked; an unknown one is shown for a decision, a changed one refused.
    void openRemote(const QString& path, bool follow);
    logs::LogSession& session() const { return *m_session; }
    LogView* view() const { return m_view; }
    ProblemNavigator* problems() const { return m_problems; }
    // Problem lines found so far (the number shown next to "Next problem").
    qint64 problemCount() const;
    // The built-in rules plus the user's rules file (RuleSet::userRulesPath() at start). A file
    // that does not load is reported in the banner with its path and the rule at fault; the
    // built-in rules keep working. Returns whether it loaded (a missing file loads as empty).
    bool loadUserRules(const QString& path);
    // The same from several files or directories (at start: RuleSet::defaultUserRuleSources(), the
    // file then log-rules.d/*.json); each broken file is named in the banner, the others apply.
    bool loadUserRuleSources(const QStringList& paths);

public slots:
    void findNext();
    void findPrevious();
    void nextProblem();
    void previousProblem();
    void exportSelection();
    // Asks the profile's server (over SSH) where its logs are: every nginx error_log from
    // `nginx -T`, Neo4j's configured log directory, and stale copies elsewhere; shown inline.
    void findServerLogs();

private:
    void buildUi();
    void startSearch();
    void updateSearchStatus();
    void updateFormatStatus();
    void updateProgress();
    // Tells the window's status bar what the panel indexes or searches (activityChanged).
    void reportActivity();
    void updateSourceStatus();
    void showBanner(const QString& message);
    void jumpToTime();
    void chooseSource(int index);
    void setPaused(bool paused);

    std::unique_ptr<logs::LogSession> m_session;
    LogView* m_view = nullptr;
    QComboBox* m_sourceCombo = nullptr;
    QPushButton* m_openButton = nullptr;
    QPushButton* m_findButton = nullptr;
    std::unique_ptr<SshWorkerThread> m_finder;
    QCheckBox* m_followCheck = nullptr;
    QPushButton* m_pauseButton = nullptr;
    QLabel* m_sourceLabel = nullptr;
    QLineEdit* m_searchEdit = nullptr;
    QCheckBox* m_regexCheck = nullptr;
    QCheckBox* m_caseCheck = nullptr;
    QCheckBox* m_onlyMatchingCheck = nullptr;
    QToolButton* m_prevButton = nullptr;
    QToolButton* m_nextButton = nullptr;
    QLabel* m_matchLabel = nullptr;
    ProblemNavigator* m_problems = nullptr;
    QComboBox* m_formatCombo = nullptr;
    QCheckBox* m_timeCheck = nullptr;
    QLineEdit* m_timeEdit = nullptr;
    Banner* m_banner = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QLabel* m_statusLabel = nullptr;
    QTimer* m_searchDebounce = nullptr;
    QString m_profileName;
    std::unique_ptr<Profile> m_profile;
    QString m_localPath;
    qint64 m_linesAtPause = 0;
    QString m_searchError; // why the pattern in the search field is not a search (shown until it changes)
};

} // namespace socketscope
