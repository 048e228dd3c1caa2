// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LogsPanel.h"

#include "AppContext.h"
#include "common/Banner.h"
#include "common/ElidingLabel.h"
#include "logs/HighlightRules.h"
#include "logs/LogLocator.h"
#include "logs/LogSession.h"
#include "logs/LogTimestamp.h"
#include "logs/LogView.h"
#include "logs/ProblemNavigator.h"
#include "logs/RemoteLogSource.h"
#include "profiles/Profile.h"
#include "profiles/ProfileLogs.h"
#include "ssh/KeychainSecrets.h"
#include "ssh/SshWorker.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QListWidget>
#include <QSaveFile>
#include <QSplitter>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace socketscope {

using namespace socketscope::logs;

namespace {
// The source list: "Local file…" first, then one entry per profile log (ProfileLogs.h), in this
// order (the first two are those of earlier versions).
enum SourceEntry { LocalFile = 0 };
const QList<ProfileLog>& sourceLogs()
{
    static const QList<ProfileLog> logs = {ProfileLog::NginxError, ProfileLog::App, ProfileLog::HAProxy, ProfileLog::NginxAccess};
    return logs;
}

QAction* addShortcut(QWidget* owner, const QKeySequence& keys, const std::function<void()>& fn)
{
    auto* a = new QAction(owner);
    a->setShortcut(keys);
    a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QObject::connect(a, &QAction::triggered, owner, fn);
    owner->addAction(a);
    return a;
}
} // namespace

LogsPanel::LogsPanel(AppContext& context, QWidget* parent)
    : FeaturePanel(context, parent), m_session(std::make_unique<LogSession>())
{
    setObjectName(QStringLiteral("logsPanel"));
    buildUi();
    setProfile(nullptr);
    loadUserRuleSources(RuleSet::defaultUserRuleSources());
}

bool LogsPanel::loadUserRules(const QString& path)
{
    return loadUserRuleSources({path});
}

bool LogsPanel::loadUserRuleSources(const QStringList& paths)
{
    // Each file on its own: a broken one is reported, the others and the built-in rules keep working.
    RuleSet rules = RuleSet::builtin();
    const RuleSet::UserRules user = RuleSet::loadUserRuleSources(paths);
    rules.mergeRules(user.rules);
    m_session->setRules(rules);
    if (!user.errors.isEmpty()) {
        showBanner(tr("Your log rules were not loaded: %1").arg(user.errors.join(QLatin1Char('\n'))));
        return false;
    }
    return true;
}

LogsPanel::~LogsPanel() = default;

void LogsPanel::buildUi()
{
    auto* layout = new QVBoxLayout(this);

    auto* sourceRow = new QHBoxLayout;
    m_sourceCombo = new QComboBox(this);
    m_sourceCombo->setObjectName(QStringLiteral("sourceComboBox"));
    // Short entries (the path is in each entry's tooltip), so the row fits a 1024 px screen.
    m_sourceCombo->addItem(tr("Local file…"));
    for (ProfileLog log : sourceLogs())
        m_sourceCombo->addItem(tr("%1 (profile)").arg(profileLogName(log)), profileLogId(log));
    m_sourceCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_openButton = new QPushButton(tr("&Open…"), this);
    m_openButton->setObjectName(QStringLiteral("openPushButton"));
    m_findButton = new QPushButton(tr("Find logs"), this);
    m_findButton->setObjectName(QStringLiteral("findLogsPushButton"));
    m_findButton->setToolTip(tr("Ask the server where its logs are (nginx -T, neo4j.conf) over SSH"));
    m_followCheck = new QCheckBox(tr("&Follow"), this);
    m_followCheck->setObjectName(QStringLiteral("followCheckBox"));
    m_followCheck->setChecked(true);
    m_followCheck->setToolTip(tr("Show lines as they are appended (rotation and truncation are noticed)"));
    m_pauseButton = new QPushButton(tr("Pause"), this);
    m_pauseButton->setObjectName(QStringLiteral("pausePushButton"));
    m_pauseButton->setCheckable(true);
    m_pauseButton->setToolTip(tr("Stop scrolling to new lines (they keep being read); Ctrl+P"));
    // What is open, in the status row at the bottom: one line, cut with its whole text as tooltip.
    m_sourceLabel = new ElidingLabel(this);
    m_sourceLabel->setObjectName(QStringLiteral("sourceLabel"));
    sourceRow->addWidget(m_sourceCombo);
    sourceRow->addWidget(m_openButton);
    sourceRow->addWidget(m_findButton);
    sourceRow->addSpacing(12);
    sourceRow->addWidget(m_followCheck);
    sourceRow->addWidget(m_pauseButton);
    sourceRow->addStretch(1);
    layout->addLayout(sourceRow);

    auto* searchRow = new QHBoxLayout;
    m_searchEdit = new QLineEdit(this);
    m_searchEdit->setObjectName(QStringLiteral("searchLineEdit"));
    m_searchEdit->setPlaceholderText(tr("Search (Ctrl+F)"));
    m_searchEdit->setToolTip(tr("Search the log (Ctrl+F): F3 next match, Shift+F3 previous"));
    m_searchEdit->setClearButtonEnabled(true);
    // Room for the placeholder and a pattern: the row's check boxes give way first.
    m_searchEdit->setMinimumWidth(m_searchEdit->fontMetrics().horizontalAdvance(QLatin1Char('x')) * 28);
    m_regexCheck = new QCheckBox(tr("Rege&x"), this);
    m_regexCheck->setObjectName(QStringLiteral("regexCheckBox"));
    m_caseCheck = new QCheckBox(tr("&Case"), this);
    m_caseCheck->setObjectName(QStringLiteral("caseCheckBox"));
    m_onlyMatchingCheck = new QCheckBox(tr("Only &matching"), this);
    m_onlyMatchingCheck->setObjectName(QStringLiteral("onlyMatchingCheckBox"));
    m_prevButton = new QToolButton(this);
    m_prevButton->setObjectName(QStringLiteral("previousMatchToolButton"));
    m_prevButton->setText(tr("◀"));
    m_prevButton->setToolTip(tr("Previous match (Shift+F3)"));
    m_nextButton = new QToolButton(this);
    m_nextButton->setObjectName(QStringLiteral("nextMatchToolButton"));
    m_nextButton->setText(tr("▶"));
    m_nextButton->setToolTip(tr("Next match (F3)"));
    m_matchLabel = new QLabel(this);
    m_matchLabel->setObjectName(QStringLiteral("matchCountLabel"));
    m_timeCheck = new QCheckBox(tr("&Time"), this);
    m_timeCheck->setObjectName(QStringLiteral("timeColumnCheckBox"));
    m_timeCheck->setChecked(true);
    m_timeCheck->setToolTip(tr("Show the parsed timestamp of each line in local time"));
    m_timeEdit = new QLineEdit(this);
    m_timeEdit->setObjectName(QStringLiteral("goToTimeLineEdit"));
    m_timeEdit->setPlaceholderText(tr("Go to time…"));
    m_timeEdit->setToolTip(tr("yyyy-MM-dd HH:mm[:ss] or HH:mm[:ss]; Enter jumps to the first line at or after it"));
    m_timeEdit->setMaximumWidth(150);
    m_timeEdit->setMinimumWidth(m_timeEdit->fontMetrics().horizontalAdvance(m_timeEdit->placeholderText()) + 24);
    searchRow->addWidget(m_searchEdit, 1);
    searchRow->addWidget(m_regexCheck);
    searchRow->addWidget(m_caseCheck);
    searchRow->addWidget(m_onlyMatchingCheck);
    searchRow->addWidget(m_prevButton);
    searchRow->addWidget(m_nextButton);
    searchRow->addWidget(m_matchLabel);
    m_view = new LogView(*m_session, this);
    m_problems = new ProblemNavigator(*m_session, *m_view, this);
    // The time column and "go to time" belong to the view: on the source row, right-aligned.
    sourceRow->addWidget(m_timeCheck);
    sourceRow->addWidget(m_timeEdit);
    layout->addLayout(searchRow);

    // The view, and beside it the per-rule summary and which rule sets apply (the log's format).
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("logsSplitter"));
    splitter->addWidget(m_view);
    auto* side = new QWidget(splitter);
    auto* sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    // The problem navigator heads the side panel ("problem 3 of 45", ◀, Next problem): the search
    // row keeps room for the search field.
    auto* problemRow = new QHBoxLayout;
    problemRow->addWidget(m_problems->label(), 1);
    problemRow->addWidget(m_problems->previousButton());
    problemRow->addWidget(m_problems->nextButton());
    sideLayout->addLayout(problemRow);
    auto* formatLabel = new QLabel(tr("Log &format (rule sets):"), side);
    m_formatCombo = new QComboBox(side);
    m_formatCombo->setObjectName(QStringLiteral("logFormatComboBox"));
    m_formatCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_formatCombo->setToolTip(tr("Which program wrote this log: only its rule sets (and the network rules) apply. "
                                 "Auto detects it from the first lines."));
    formatLabel->setBuddy(m_formatCombo);
    m_formatCombo->addItem(tr("Auto"), QString());
    for (LogFormat f : allLogFormats())
        m_formatCombo->addItem(logFormatName(f), logFormatId(f));
    sideLayout->addWidget(formatLabel);
    sideLayout->addWidget(m_formatCombo);
    sideLayout->addWidget(new QLabel(tr("Problems per rule:"), side));
    sideLayout->addWidget(m_problems->summaryList(), 1);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);
    splitter->setSizes({1000, 260});
    layout->addWidget(splitter, 1);
    // Over the bottom of the view: a message never moves the search row or the lines.
    m_banner = new Banner(splitter, QStringLiteral("bannerLabel"));

    auto* statusRow = new QHBoxLayout;
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("progressBar"));
    m_progress->setMaximumWidth(220);
    m_progress->setRange(0, 1000);
    m_progress->hide();
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName(QStringLiteral("cancelPushButton"));
    m_cancelButton->hide();
    statusRow->addWidget(m_sourceLabel, 2);
    statusRow->addWidget(m_statusLabel, 1);
    statusRow->addWidget(m_progress);
    statusRow->addWidget(m_cancelButton);
    layout->addLayout(statusRow);

    m_searchDebounce = new QTimer(this);
    m_searchDebounce->setSingleShot(true);
    m_searchDebounce->setInterval(250);

    connect(m_openButton, &QPushButton::clicked, this, [this] { chooseSource(m_sourceCombo->currentIndex()); });
    connect(m_findButton, &QPushButton::clicked, this, &LogsPanel::findServerLogs);
    connect(m_followCheck, &QCheckBox::toggled, this, [this](bool on) {
        if (auto* local = qobject_cast<LocalFileSource*>(m_session->source()))
            local->setFollowing(on);
        else if (auto* remote = qobject_cast<RemoteLogSource*>(m_session->source()))
            openRemote(remote->remotePath(), on); // a live tail and a whole-file read are different requests
        m_view->setFollowTail(on && !m_pauseButton->isChecked());
        updateSourceStatus();
    });
    connect(m_pauseButton, &QPushButton::toggled, this, &LogsPanel::setPaused);
    connect(m_view, &LogView::followInterrupted, this, [this](bool away) {
        if (m_followCheck->isChecked() && away != m_pauseButton->isChecked())
            m_pauseButton->setChecked(away); // scrolling up pauses; back at the end resumes
    });
    connect(m_searchEdit, &QLineEdit::textChanged, m_searchDebounce, qOverload<>(&QTimer::start));
    connect(m_searchEdit, &QLineEdit::returnPressed, this, [this] {
        if (m_searchDebounce->isActive() || m_session->matcher().query().pattern != m_searchEdit->text())
            startSearch();
        else
            findNext();
    });
    connect(m_searchDebounce, &QTimer::timeout, this, &LogsPanel::startSearch);
    for (QCheckBox* box : {m_regexCheck, m_caseCheck})
        connect(box, &QCheckBox::toggled, this, &LogsPanel::startSearch);
    connect(m_onlyMatchingCheck, &QCheckBox::toggled, m_view, &LogView::setOnlyMatching);
    connect(m_timeCheck, &QCheckBox::toggled, m_view, &LogView::setShowTime);
    connect(m_prevButton, &QToolButton::clicked, this, &LogsPanel::findPrevious);
    connect(m_nextButton, &QToolButton::clicked, this, &LogsPanel::findNext);
    connect(m_problems->nextButton(), &QPushButton::clicked, this, &LogsPanel::nextProblem);
    connect(m_problems->previousButton(), &QToolButton::clicked, this, &LogsPanel::previousProblem);
    connect(m_problems, &ProblemNavigator::lineChosen, this, [this](qint64 line) {
        m_pauseButton->setChecked(m_followCheck->isChecked());
        m_view->goToLine(line);
    });
    connect(m_formatCombo, qOverload<int>(&QComboBox::activated), this, [this](int index) {
        const auto format = logFormatFromId(m_formatCombo->itemData(index).toString());
        m_problems->setRuleFilter(-1);
        m_session->setFormatOverride(format);
    });
    connect(m_session.get(), &LogSession::formatChanged, this, &LogsPanel::updateFormatStatus);
    connect(m_timeEdit, &QLineEdit::returnPressed, this, &LogsPanel::jumpToTime);
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        m_session->cancelIndexing();
        m_session->cancelSearch();
        updateProgress();
    });

    connect(m_session.get(), &LogSession::linesChanged, this, [this] { updateSourceStatus(); });
    connect(m_session.get(), &LogSession::indexProgress, this, [this](qint64 done, qint64 total) {
        m_progress->setFormat(tr("indexing %p%"));
        m_progress->setValue(total > 0 ? int(1000 * done / total) : 0);
        reportActivity();
    });
    connect(m_session.get(), &LogSession::searchProgress, this, [this](qint64 done, qint64 total) {
        if (m_session->isIndexing())
            return;
        m_progress->setFormat(tr("searching %p%"));
        m_progress->setValue(total > 0 ? int(1000 * done / total) : 0);
    });
    connect(m_session.get(), &LogSession::indexingChanged, this, &LogsPanel::updateProgress);
    connect(m_session.get(), &LogSession::searchingChanged, this, &LogsPanel::updateProgress);
    connect(m_session.get(), &LogSession::scanningChanged, this, &LogsPanel::updateProgress);
    connect(m_session.get(), &LogSession::matchesChanged, this, &LogsPanel::updateSearchStatus);
    connect(m_session.get(), &LogSession::searchFailed, this, [this](const QString& message) {
        m_searchError = message;
        updateSearchStatus();
        showBanner(tr("Invalid search pattern: %1").arg(message));
    });
    connect(m_session.get(), &LogSession::sourceFailed, this, &LogsPanel::showBanner);

    addShortcut(this, QKeySequence::Find, [this] { m_searchEdit->setFocus(); m_searchEdit->selectAll(); });
    addShortcut(this, QKeySequence(Qt::Key_F3), [this] { findNext(); });
    addShortcut(this, QKeySequence(Qt::SHIFT | Qt::Key_F3), [this] { findPrevious(); });
    addShortcut(this, QKeySequence(Qt::Key_F8), [this] { nextProblem(); });
    addShortcut(this, QKeySequence(Qt::CTRL | Qt::Key_J), [this] { nextProblem(); });
    addShortcut(this, QKeySequence(Qt::SHIFT | Qt::Key_F8), [this] { previousProblem(); });
    addShortcut(this, QKeySequence(Qt::CTRL | Qt::Key_P), [this] { m_pauseButton->toggle(); });
    addShortcut(this, QKeySequence(Qt::CTRL | Qt::Key_S), [this] { exportSelection(); });
    addShortcut(this, QKeySequence(Qt::CTRL | Qt::Key_O), [this] { chooseSource(LocalFile); });

    updateSearchStatus();
    updateFormatStatus();
    updateSourceStatus();
}

void LogsPanel::setProfile(const Profile* profile)
{
    m_profileName = profile ? profile->name : QString();
    m_profile = profile ? std::make_unique<Profile>(*profile) : nullptr;
    m_findButton->setEnabled(profile && profile->ssh.isConfigured());
    for (int entry = 1; entry <= int(sourceLogs().size()); ++entry) {
        const ProfileLog log = sourceLogs().at(entry - 1);
        const QString label = profileLogName(log);
        const QString path = profile ? profileLogPath(*profile, log) : QString();
        const bool remote = profile && profile->ssh.isConfigured();
        QString why;
        if (!profile)
            why = tr("Select a profile first.");
        else if (path.isEmpty())
            why = tr("The profile names no %1 path: set it in the profile.").arg(label);
        m_sourceCombo->setItemText(entry, tr("%1 (profile)").arg(label)); // short: the path is in the tooltip
        const auto format = profile ? profileLogFormat(*profile, log) : std::nullopt;
        const QString formatText = format ? tr("read as %1").arg(logFormatName(*format)) : tr("format detected from its first lines");
        m_sourceCombo->setItemData(entry,
                                   why.isEmpty() ? (remote ? tr("Read %1 of %2 over SSH (Follow: live tail), %3").arg(path, profile->name, formatText)
                                                           : tr("Read %1 of %2 on this machine (the profile has no SSH access), %3").arg(path, profile->name, formatText))
                                                 : why,
                                   Qt::ToolTipRole);
        // Qt's "disabled item" role: a reason is shown as its tooltip.
        m_sourceCombo->setItemData(entry, why.isEmpty() ? QVariant() : QVariant(0), Qt::UserRole - 1);
    }
}

bool LogsPanel::openProfileLog(ProfileLog log, bool follow)
{
    const QString path = m_profile ? profileLogPath(*m_profile, log) : QString();
    if (path.isEmpty())
        return false;
    if (m_profile->ssh.isConfigured())
        openRemote(path, follow);
    else
        openLocalFile(path, follow, profileLogFormat(*m_profile, log));
    return true;
}

void LogsPanel::findServerLogs()
{
    if (!m_profile || !m_profile->ssh.isConfigured())
        return;
    m_finder = std::make_unique<SshWorkerThread>(SshTarget::fromProfile(m_profile->ssh));
    SshWorker* worker = m_finder->worker();
    answerPromptsInDialogs(worker, m_context.secrets, m_profile->id, this);
    auto report = std::make_shared<QString>();
    const bool sudo = m_profile->ssh.sudoWithoutPassword;
    connect(worker, &SshWorker::jobFinished, this, [this, report](quint64, const QString& error) {
        if (error.isEmpty())
            m_banner->showMessage(*report, Banner::Kind::Info);
        else
            showBanner(tr("Finding the logs failed: %1").arg(error));
    });
    m_findButton->setEnabled(false);
    connect(worker, &SshWorker::jobFinished, m_findButton, [this] { m_findButton->setEnabled(true); });
    worker->runJob([report, sudo](RemoteHost& host, const std::atomic_bool&) {
        LogFindOptions options;
        options.sudo = sudo;
        const ServerLogs found = logs::findServerLogs(host, options);
        QStringList lines;
        if (!found.nginxError.isEmpty())
            lines << QObject::tr("nginx: %1").arg(found.nginxError);
        for (const NginxErrorLog& e : found.nginx)
            lines << QObject::tr("nginx error_log %1 (%2, %3)%4").arg(e.path, e.level, e.context,
                         e.compiledDefault ? QObject::tr(", compiled-in default")
                                           : QStringLiteral(" — %1:%2").arg(e.configFile).arg(e.configLine));
        if (!found.neo4jError.isEmpty())
            lines << QObject::tr("Neo4j: %1").arg(found.neo4jError);
        for (const LogCandidate& c : found.neo4jCandidates)
            lines << QObject::tr("Neo4j %1: %2").arg(c.path, c.note);
        *report = lines.join(QLatin1Char('\n'));
        return QString();
    });
}

void LogsPanel::openRemote(const QString& path, bool follow)
{
    if (!m_profile || !m_profile->ssh.isConfigured())
        return;
    m_banner->hide();
    auto source = std::make_unique<RemoteLogSource>(SshTarget::fromProfile(m_profile->ssh), path,
                                                    follow ? RemoteLogSource::Mode::Follow : RemoteLogSource::Mode::WholeFile,
                                                    1000, false);
    SshWorker* worker = source->worker();
    answerPromptsInDialogs(worker, m_context.secrets, m_profile->id, this);
    connect(source.get(), &RemoteLogSource::notice, this, &LogsPanel::showBanner);
    connect(source.get(), &ChunkLogSource::trimmed, this, [this, limit = source->cacheLimit()](qint64 dropped) {
        showBanner(tr("The live view keeps the newest %1 MiB of this log: %2 MiB of older lines were let go "
                      "(the file on the server is untouched).")
                       .arg(limit / 2 / (1024 * 1024))
                       .arg(dropped / (1024 * 1024)));
    });
    connect(source.get(), &LogSource::stateChanged, this, [this] {
        updateSourceStatus();
        m_problems->refresh();
    });
    m_pauseButton->setChecked(false);
    m_view->setFollowTail(follow);
    m_problems->setRuleFilter(-1);
    // One of the profile's logs is read with the profile's format for it; another path is detected.
    const auto log = profileLogForPath(*m_profile, path);
    m_session->open(std::move(source), log ? profileLogFormat(*m_profile, *log) : std::nullopt);
    updateSourceStatus();
}

void LogsPanel::openLocalFile(const QString& path, bool follow, std::optional<LogFormat> format)
{
    m_banner->hide();
    m_localPath = path;
    m_followCheck->blockSignals(true);
    m_followCheck->setChecked(follow);
    m_followCheck->blockSignals(false);
    m_pauseButton->setChecked(false);
    m_view->setFollowTail(follow);
    auto source = std::make_unique<LocalFileSource>(path, follow);
    connect(source.get(), &LogSource::stateChanged, this, [this] {
        updateSourceStatus();
        m_problems->refresh();
    });
    m_problems->setRuleFilter(-1);
    m_session->open(std::move(source), format);
    updateSourceStatus();
}

void LogsPanel::chooseSource(int index)
{
    if (index != LocalFile) {
        if (index < 0 || index > int(sourceLogs().size()) || !openProfileLog(sourceLogs().at(index - 1), m_followCheck->isChecked()))
            showBanner(m_sourceCombo->itemData(index, Qt::ToolTipRole).toString());
        return;
    }
    const QString path = QFileDialog::getOpenFileName(this, tr("Open a log file"), m_localPath,
                                                      tr("Logs (*.log *.txt *.log.*);;All files (*)"));
    if (!path.isEmpty())
        openLocalFile(path, m_followCheck->isChecked());
}

qint64 LogsPanel::problemCount() const
{
    return qint64(m_session->problems().lines.size());
}

void LogsPanel::startSearch()
{
    m_searchDebounce->stop();
    m_banner->hide();
    m_searchError.clear();
    SearchQuery q;
    q.pattern = m_searchEdit->text();
    q.regex = m_regexCheck->isChecked();
    q.caseSensitive = m_caseCheck->isChecked();
    m_session->setSearch(q);
    updateSearchStatus();
}

void LogsPanel::updateSearchStatus()
{
    const bool active = m_session->hasSearch();
    m_prevButton->setEnabled(active);
    m_nextButton->setEnabled(active);
    m_searchEdit->setStyleSheet(m_searchError.isEmpty() ? QString() : QStringLiteral("QLineEdit { border: 1px solid #c0392b; }"));
    m_searchEdit->setToolTip(m_searchError);
    if (!m_searchError.isEmpty()) {
        m_matchLabel->setText(tr("invalid pattern"));
        return;
    }
    if (!active) {
        m_matchLabel->setText(QString());
        return;
    }
    const QString n = QLocale().toString(qint64(m_session->matches().size()));
    m_matchLabel->setText(m_session->isSearching() ? tr("%1 matches so far…").arg(n)
                                                   : (m_session->matches().size() == 1 ? tr("1 match") : tr("%1 matches").arg(n)));
}

void LogsPanel::updateFormatStatus()
{
    const auto chosen = m_session->formatOverride();
    m_formatCombo->setItemText(0, chosen || !m_session->file() ? tr("Auto")
                                                               : tr("Auto: %1").arg(logFormatName(m_session->format())));
    m_formatCombo->setCurrentIndex(chosen ? qMax(0, m_formatCombo->findData(logFormatId(*chosen))) : 0);
}

void LogsPanel::updateProgress()
{
    const bool busy = m_session->isIndexing() || m_session->isSearching();
    m_progress->setVisible(busy);
    m_cancelButton->setVisible(busy);
    if (!busy)
        m_progress->setValue(0);
    updateSearchStatus();
    updateSourceStatus();
    reportActivity();
}

void LogsPanel::reportActivity()
{
    // The window's status bar: indexing (or searching) a log, with its progress, on any tab.
    LogSource* source = m_session->source();
    const bool indexing = m_session->isIndexing();
    if (!source || (!indexing && !m_session->isSearching())) {
        emit activityChanged(QString());
        return;
    }
    const int percent = m_progress->maximum() > 0 ? m_progress->value() * 100 / m_progress->maximum() : 0;
    emit activityChanged((indexing ? tr("Indexing %1 — %2 %") : tr("Searching %1 — %2 %")).arg(source->describe()).arg(percent));
}

void LogsPanel::updateSourceStatus()
{
    LogSource* source = m_session->source();
    if (!source) {
        m_sourceLabel->setText(tr("No log open — Ctrl+O opens a local file."));
        m_statusLabel->setText(QString());
        return;
    }
    QString state;
    if (source->state() == LogSource::State::Failed)
        state = tr("failed");
    else if (m_followCheck->isChecked() && m_pauseButton->isChecked())
        state = tr("paused");
    else if (m_followCheck->isChecked() && source->canFollow())
        state = tr("following");
    else if (m_session->isIndexing())
        state = tr("loading");
    else
        state = tr("loaded");
    m_sourceLabel->setText(QStringLiteral("<b>%1</b> — %2").arg(state, source->describe().toHtmlEscaped()));
    const auto file = m_session->file();
    QString status = tr("%1 lines").arg(QLocale().toString(m_session->lineCount()));
    if (file && m_session->lineCount() > 0)
        status += tr(" · %1 MB").arg(QLocale().toString(double(file->indexedBytes()) / 1e6, 'f', 1));
    if (m_pauseButton->isChecked() && m_session->lineCount() > m_linesAtPause)
        status += tr(" · %1 new lines since pause").arg(QLocale().toString(m_session->lineCount() - m_linesAtPause));
    m_statusLabel->setText(status);
}

void LogsPanel::setPaused(bool paused)
{
    m_pauseButton->setText(paused ? tr("Resume") : tr("Pause"));
    m_linesAtPause = m_session->lineCount();
    m_view->setFollowTail(m_followCheck->isChecked() && !paused);
    updateSourceStatus();
}

void LogsPanel::showBanner(const QString& message)
{
    m_banner->showMessage(message, Banner::Kind::Error);
    updateSourceStatus();
}

namespace {
// The first entry of `lines` after (forward) or before `from`, wrapping around.
qint64 stepThrough(const std::vector<qint64>& lines, qint64 from, bool forward)
{
    if (lines.empty())
        return -1;
    if (forward) {
        auto it = std::upper_bound(lines.begin(), lines.end(), from);
        return it == lines.end() ? lines.front() : *it;
    }
    auto it = std::lower_bound(lines.begin(), lines.end(), from);
    return it == lines.begin() ? lines.back() : *(it - 1);
}
} // namespace

void LogsPanel::findNext()
{
    const qint64 line = stepThrough(m_session->matches(), m_view->currentLine(), true);
    if (line >= 0) {
        m_pauseButton->setChecked(m_followCheck->isChecked());
        m_view->goToLine(line);
    }
}

void LogsPanel::findPrevious()
{
    const qint64 line = stepThrough(m_session->matches(), m_view->currentLine() < 0 ? m_session->lineCount() : m_view->currentLine(), false);
    if (line >= 0) {
        m_pauseButton->setChecked(m_followCheck->isChecked());
        m_view->goToLine(line);
    }
}

void LogsPanel::nextProblem()
{
    const qint64 line = m_problems->step(true);
    if (line >= 0) {
        m_pauseButton->setChecked(m_followCheck->isChecked());
        m_view->goToLine(line);
    }
}

void LogsPanel::previousProblem()
{
    const qint64 line = m_problems->step(false);
    if (line >= 0) {
        m_pauseButton->setChecked(m_followCheck->isChecked());
        m_view->goToLine(line);
    }
}

void LogsPanel::jumpToTime()
{
    const auto file = m_session->file();
    if (!file)
        return;
    const QString text = m_timeEdit->text().trimmed();
    QDateTime when;
    for (const QString& format : {QStringLiteral("yyyy-MM-dd HH:mm:ss"), QStringLiteral("yyyy-MM-dd HH:mm"),
                                  QStringLiteral("yyyy/MM/dd HH:mm:ss"), QStringLiteral("yyyy/MM/dd HH:mm")}) {
        when = QDateTime::fromString(text, format);
        if (when.isValid())
            break;
    }
    if (!when.isValid()) {
        QTime time = QTime::fromString(text, QStringLiteral("HH:mm:ss"));
        if (!time.isValid())
            time = QTime::fromString(text, QStringLiteral("HH:mm"));
        // A time alone means: on the day of the line being looked at (or the first line).
        const qint64 ref = qMax<qint64>(0, m_view->currentLine());
        const auto stamp = parseLogTime(file->readRawLines(ref, 1, 256).value(0));
        const auto first = stamp ? stamp : parseLogTime(file->readRawLines(0, 1, 256).value(0));
        if (time.isValid() && first)
            when = QDateTime((first->hasOffset ? first->time.toLocalTime() : first->time).date(), time);
    }
    if (!when.isValid()) {
        showBanner(tr("\"%1\" is not a time: use yyyy-MM-dd HH:mm[:ss] or HH:mm[:ss].").arg(text));
        return;
    }
    const qint64 line = findLineAtTime(*file, when);
    if (line < 0) {
        showBanner(tr("Every timestamped line is before %1.").arg(when.toString(Qt::ISODate)));
        return;
    }
    m_banner->hide();
    m_pauseButton->setChecked(m_followCheck->isChecked());
    m_view->goToLine(line);
}

void LogsPanel::exportSelection()
{
    const auto rows = m_view->selectedRows();
    const auto file = m_session->file();
    if (!file || rows.first < 0) {
        showBanner(tr("Select lines first (click, then Shift+click), then export."));
        return;
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export selected lines"), QString(), tr("Logs (*.log *.txt)"));
    if (path.isEmpty())
        return;
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly)) {
        showBanner(tr("Cannot write %1: %2").arg(path, out.errorString()));
        return;
    }
    for (qint64 r = rows.first; r <= rows.second;) {
        if (m_view->onlyMatching()) {
            out.write(file->readRawLines(m_view->lineAtRow(r), 1, 0, true).value(0) + '\n');
            ++r;
            continue;
        }
        const qint64 n = qMin<qint64>(10000, rows.second - r + 1);
        for (const QByteArray& line : file->readRawLines(r, n, 0, true))
            out.write(line + '\n');
        r += n;
    }
    if (!out.commit())
        showBanner(tr("Cannot write %1: %2").arg(path, out.errorString()));
}

} // namespace socketscope
