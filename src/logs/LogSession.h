// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logs/HighlightRules.h"
#include "logs/LogFile.h"
#include "logs/LogSearch.h"
#include "logs/LogSource.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace socketscope::logs {

// One open log as the viewer sees it: a source, its line index, the current search (with its
// filtered line map) and the problem lines. Indexing and problem scanning run on a worker thread,
// searching on a second one (a search typed while a long problem scan runs starts at once
// instead of waiting behind it), one job at a time on each, each cancellable; results come back
// as signals in the owner's thread, and grow incrementally while a followed source appends.
class LogSession : public QObject {
    Q_OBJECT
public:
    explicit LogSession(QObject* parent = nullptr);
    ~LogSession() override;

    // Opens a source (taking ownership) and starts indexing it. Replaces what was open. Its
    // format is `format` when given (the profile says what the file is), else detected.
    void open(std::unique_ptr<LogSource> source, std::optional<LogFormat> format = std::nullopt);
    void close();
    LogSource* source() const { return m_source.get(); }
    // The indexed file (nullptr when nothing is open). Thread-safe for reading lines.
    std::shared_ptr<const LogFile> file() const { return m_file; }

    // Lines known to the owner's thread (changes only with linesChanged()).
    qint64 lineCount() const { return m_lineCount; }
    bool isIndexing() const { return m_indexing; }
    // Stops the indexing pass now; lines indexed so far stay usable. Growth restarts it.
    void cancelIndexing();

    // Starts a search (an empty pattern clears it). A bad regex clears the previous search and
    // its matches, then is reported by searchFailed(); so is one too complex for a line (the
    // search stops there).
    void setSearch(const SearchQuery& query);
    const LineMatcher& matcher() const { return m_matcher; }
    bool hasSearch() const { return !m_matcher.isEmpty(); }
    bool isSearching() const { return m_searching; }
    void cancelSearch();
    // Matching line numbers, ascending: the filtered line map of "show only matching lines".
    const std::vector<qint64>& matches() const { return m_matches; }

    // Sets the highlighting rules and rescans for problems.
    void setRules(const RuleSet& rules);
    // The rules, restricted to the log's format (rules().format(); indices are those of setRules()).
    const RuleSet& rules() const { return m_rules; }
    const ProblemScan& problems() const { return m_problems; }
    // True from a change of rules or lines until the problem scan has caught up with it.
    bool isScanningProblems() const { return m_scanning; }

    // The log's format: detected from its first lines (kFormatDetectLines) unless overridden;
    // only the rule sets of that format apply. nullopt returns to detection. Rescans.
    void setFormatOverride(std::optional<LogFormat> format);
    std::optional<LogFormat> formatOverride() const { return m_formatOverride; }
    LogFormat format() const { return m_rules.format(); }

signals:
    void linesChanged(qint64 lineCount, bool reset);
    void indexProgress(qint64 done, qint64 total);
    void indexingChanged(bool running);
    void searchProgress(qint64 done, qint64 total);
    void matchesChanged();
    void searchingChanged(bool running);
    void searchFailed(const QString& message);
    void problemsChanged();
    void scanningChanged(bool running);
    // The applied format changed (detected, or overridden).
    void formatChanged();
    void sourceFailed(const QString& message);

private:
    struct Worker;
    void scheduleIndex();
    void post(std::function<void()> job);
    void postSearch(std::function<void()> job);
    // Worker-thread halves: scan what is new (or all, fromStart) and post the results back.
    static void workerSearch(const std::shared_ptr<Worker>& w, QPointer<LogSession> self, bool fromStart);
    static void workerProblems(const std::shared_ptr<Worker>& w, QPointer<LogSession> self, bool fromStart);
    static void workerIndex(const std::shared_ptr<Worker>& w, QPointer<LogSession> self, quint64 gen);
    // Owner-thread halves: apply posted results unless they are stale.
    void applyMatches(const std::shared_ptr<Worker>& w, quint64 gen, qint64 from, const std::vector<qint64>& found,
                      bool done, qint64 to, qint64 total);
    void applyProblems(const std::shared_ptr<Worker>& w, quint64 gen, qint64 from, const ProblemScan& found, LogFormat format);
    void setScanning(bool on);
    void applyIndex(const std::shared_ptr<Worker>& w, qint64 lines, bool reset, bool finished, const QString& error,
                    bool scanFollows);

    std::unique_ptr<LogSource> m_source;
    std::shared_ptr<LogFile> m_file;
    std::shared_ptr<Worker> m_worker;
    QThread m_thread;
    QObject* m_workerContext = nullptr;
    QThread m_searchThread;
    QObject* m_searchContext = nullptr;

    qint64 m_lineCount = 0;
    bool m_indexing = false;
    bool m_searching = false;
    bool m_scanning = false;
    LineMatcher m_matcher;
    std::vector<qint64> m_matches;
    RuleSet m_rules;
    std::optional<LogFormat> m_formatOverride;
    ProblemScan m_problems;
};

} // namespace socketscope::logs
