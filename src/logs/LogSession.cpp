// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LogSession.h"

#include <QElapsedTimer>
#include <QMetaObject>

#include <algorithm>
#include <cerrno>

#if defined(Q_OS_LINUX)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace socketscope::logs {

namespace {
constexpr qint64 kSearchChunkLines = 400000; // results reach the view while a big search runs
constexpr qint64 kProgressIntervalMs = 100;
constexpr int kBackgroundNice = 5;

// Indexing, scanning and searching yield the CPU to the GUI thread (its event loop stays
// responsive while both cores search). On Linux a thread's nice value is its own, and the
// threads it starts (the search's parallel segments) inherit it; elsewhere QThread's priority.
void runBelowNormalPriority()
{
#if defined(Q_OS_LINUX)
    const auto tid = id_t(::syscall(SYS_gettid));
    errno = 0;
    const int nice = ::getpriority(PRIO_PROCESS, tid);
    if (errno == 0)
        ::setpriority(PRIO_PROCESS, tid, qMin(19, nice + kBackgroundNice));
#else
    QThread::currentThread()->setPriority(QThread::LowPriority);
#endif
}
} // namespace

// State shared with the worker threads. Generations cancel: a job runs while its generation is
// still the current one. Fields below the atomics are touched by one worker thread only: the
// search fields by the search thread, the others by the index/problem thread.
struct LogSession::Worker {
    std::shared_ptr<LogFile> file;
    QObject* searchContext = nullptr; // the search thread's (outlives every job: see ~LogSession)
    std::atomic<quint64> indexGen{0};
    std::atomic<quint64> searchGen{0};
    std::atomic<quint64> problemGen{0};
    std::atomic_bool indexQueued{false};
    std::atomic_bool closed{false};

    // Search thread only.
    LineMatcher matcher;
    quint64 matcherGen = 0;
    qint64 searchedUpTo = 0;
    bool searchStopped = true;
    // Index/problem thread only.
    RuleSet rules;
    bool formatFixed = false;  // overridden: no detection
    qint64 sampledLines = 0;   // lines the format was detected from
    quint64 rulesGen = 0;
    qint64 scannedUpTo = 0;
    bool scanStopped = true;

    qint64 completeLines() const
    {
        return file->withIndex([](const LineIndex& i, qint64, quint64) { return i.lineCount(); });
    }
};

LogSession::LogSession(QObject* parent) : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("LogSession"));
    m_workerContext = new QObject;
    m_workerContext->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_workerContext, &QObject::deleteLater);
    m_thread.start();
    m_searchThread.setObjectName(QStringLiteral("LogSearch"));
    m_searchContext = new QObject;
    m_searchContext->moveToThread(&m_searchThread);
    connect(&m_searchThread, &QThread::finished, m_searchContext, &QObject::deleteLater);
    m_searchThread.start();
    post(runBelowNormalPriority);
    postSearch(runBelowNormalPriority);
    m_rules = RuleSet::builtin();
}

LogSession::~LogSession()
{
    close();
    // The index thread posts to the search thread: it ends first.
    m_thread.quit();
    m_thread.wait();
    m_searchThread.quit();
    m_searchThread.wait();
}

void LogSession::post(std::function<void()> job)
{
    QMetaObject::invokeMethod(m_workerContext, std::move(job), Qt::QueuedConnection);
}

void LogSession::postSearch(std::function<void()> job)
{
    QMetaObject::invokeMethod(m_searchContext, std::move(job), Qt::QueuedConnection);
}

void LogSession::close()
{
    if (m_worker) {
        m_worker->closed = true;
        ++m_worker->indexGen;
        ++m_worker->searchGen;
        ++m_worker->problemGen;
    }
    if (m_source) {
        m_source->disconnect(this);
        m_source->stop();
    }
    m_source.reset();
    m_worker.reset();
    m_file.reset();
    m_lineCount = 0;
    m_matches.clear();
    m_problems = {};
    m_indexing = m_searching = m_scanning = false;
}

void LogSession::open(std::unique_ptr<LogSource> source, std::optional<LogFormat> format)
{
    close();
    m_formatOverride = format;
    m_source = std::move(source);
    m_file = std::make_shared<LogFile>(m_source->localPath());
    m_worker = std::make_shared<Worker>();
    m_worker->file = m_file;
    m_worker->searchContext = m_searchContext;
    connect(m_source.get(), &LogSource::grew, this, &LogSession::scheduleIndex);
    // Rewritten in place: the index must start over even if the new bytes look like an append.
    connect(m_source.get(), &LogSource::replaced, this, [file = m_file] { file->invalidate(); });
    connect(m_source.get(), &LogSource::failed, this, &LogSession::sourceFailed);
    emit linesChanged(0, true);
    emit matchesChanged();
    emit problemsChanged();
    // The search and the rules carry over to the newly opened log; its format is detected anew.
    if (!m_matcher.isEmpty())
        setSearch(m_matcher.query());
    m_rules.setFormat(m_formatOverride.value_or(LogFormat::Mixed));
    setRules(m_rules);
    emit formatChanged();
    m_source->start();
}

void LogSession::cancelIndexing()
{
    if (m_worker)
        ++m_worker->indexGen;
}

void LogSession::scheduleIndex()
{
    const std::shared_ptr<Worker> w = m_worker;
    if (!w || w->indexQueued.exchange(true))
        return;
    if (!m_indexing) {
        m_indexing = true;
        emit indexingChanged(true);
    }
    const quint64 gen = w->indexGen.load();
    QPointer<LogSession> self(this);
    post([w, self, gen] { workerIndex(w, self, gen); });
}

void LogSession::workerIndex(const std::shared_ptr<Worker>& w, QPointer<LogSession> self, quint64 gen)
{
    w->indexQueued = false;
    QElapsedTimer clock;
    clock.start();
    auto progress = [&](qint64 done, qint64 total) {
        if (clock.elapsed() < kProgressIntervalMs)
            return;
        clock.restart();
        const qint64 lines = w->file->lineCount();
        QMetaObject::invokeMethod(self, [self, w, done, total, lines] {
            if (!self || self->m_worker != w)
                return;
            self->m_lineCount = lines; // lines indexed so far are viewable already
            emit self->linesChanged(lines, false);
            emit self->indexProgress(done, total);
        }, Qt::QueuedConnection);
    };
    const auto result = w->file->update([w, gen] { return w->indexGen.load() != gen || w->closed.load(); }, progress);
    const bool reset = result.ok() && result->change == LogFile::Change::Reset;
    const qint64 lines = w->file->lineCount();
    const QString error = result.ok() ? QString() : result.error();
    const bool finished = result.ok() && !result->cancelled;
    if (reset) {
        w->scannedUpTo = 0;
        w->sampledLines = 0;
    }
    const bool scanFollows = result.ok() && result->change != LogFile::Change::None && !w->rules.isEmpty() && !w->scanStopped;
    QMetaObject::invokeMethod(self, [self, w, lines, reset, finished, error, scanFollows] {
        if (self)
            self->applyIndex(w, lines, reset, finished, error, scanFollows);
    }, Qt::QueuedConnection);
    if (!result.ok() || result->change == LogFile::Change::None)
        return;
    // The new lines are searched on the search thread (after any search queued there).
    if (!w->closed.load()) {
        QMetaObject::invokeMethod(w->searchContext, [w, self, reset] {
            if (reset)
                w->searchedUpTo = 0;
            workerSearch(w, self, false);
        }, Qt::QueuedConnection);
    }
    workerProblems(w, self, false);
}

void LogSession::applyIndex(const std::shared_ptr<Worker>& w, qint64 lines, bool reset, bool finished, const QString& error,
                            bool scanFollows)
{
    if (m_worker != w)
        return;
    Q_UNUSED(finished);
    if (reset) {
        m_matches.clear();
        m_problems = {};
        emit matchesChanged();
        emit problemsChanged();
    }
    // New lines: a problem scan follows (workerIndex runs it next); until its results arrive the
    // problem count is not final.
    if (scanFollows)
        setScanning(true);
    m_lineCount = lines;
    emit linesChanged(lines, reset);
    if (!w->indexQueued.load() && m_indexing) {
        m_indexing = false;
        emit indexingChanged(false);
    }
    if (!error.isEmpty())
        emit sourceFailed(error);
}

void LogSession::workerSearch(const std::shared_ptr<Worker>& w, QPointer<LogSession> self, bool fromStart)
{
    if (w->matcher.isEmpty() || (w->searchStopped && !fromStart))
        return;
    const quint64 gen = w->matcherGen;
    auto cancelled = [w, gen] { return w->searchGen.load() != gen || w->closed.load(); };
    const qint64 total = w->file->lineCount();
    const qint64 complete = w->completeLines();
    qint64 from = w->searchedUpTo;
    do {
        const qint64 to = qMin(total, from + kSearchChunkLines);
        std::vector<qint64> found;
        const SearchStats stats = searchLines(*w->file, w->matcher, from, to, found, cancelled);
        const bool failed = !stats.error.isEmpty();
        const bool done = to >= total || stats.cancelled || failed;
        QMetaObject::invokeMethod(self, [self, w, gen, from, found = std::move(found), done, to, total, error = stats.error] {
            if (!self)
                return;
            self->applyMatches(w, gen, from, found, done, to, total);
            if (!error.isEmpty() && w->searchGen.load() == gen)
                emit self->searchFailed(error);
        }, Qt::QueuedConnection);
        if (stats.cancelled || failed) {
            w->searchStopped = true;
            return;
        }
        from = to;
    } while (from < total);
    w->searchedUpTo = complete; // a last line still being written is searched again
    w->searchStopped = false;
}

void LogSession::applyMatches(const std::shared_ptr<Worker>& w, quint64 gen, qint64 from, const std::vector<qint64>& found,
                              bool done, qint64 to, qint64 total)
{
    if (m_worker != w || w->searchGen.load() != gen)
        return;
    m_matches.erase(std::lower_bound(m_matches.begin(), m_matches.end(), from), m_matches.end());
    m_matches.insert(m_matches.end(), found.begin(), found.end());
    emit searchProgress(to, total);
    emit matchesChanged();
    if (done && m_searching) {
        m_searching = false;
        emit searchingChanged(false);
    }
}

void LogSession::workerProblems(const std::shared_ptr<Worker>& w, QPointer<LogSession> self, bool fromStart)
{
    if (w->rules.isEmpty() || (w->scanStopped && !fromStart))
        return;
    const quint64 gen = w->rulesGen;
    auto cancelled = [w, gen] { return w->problemGen.load() != gen || w->closed.load(); };
    const qint64 total = w->file->lineCount();
    const qint64 complete = w->completeLines();
    qint64 from = w->scannedUpTo;
    // The format, from the first lines (again while fewer than kFormatDetectLines were seen);
    // when it changes, what was scanned with the other rule sets is scanned again.
    if (!w->formatFixed && w->sampledLines < kFormatDetectLines && total > w->sampledLines) {
        const qint64 n = qMin(total, kFormatDetectLines);
        const LogFormat detected = detectLogFormat(w->file->readRawLines(0, n, 2048));
        w->sampledLines = n;
        if (detected != w->rules.format()) {
            w->rules.setFormat(detected);
            from = 0;
        }
    }
    ProblemScan found;
    const SearchStats stats = scanProblems(*w->file, w->rules, from, total, found, cancelled);
    const LogFormat format = w->rules.format();
    QMetaObject::invokeMethod(self, [self, w, gen, from, found = std::move(found), format] {
        if (self)
            self->applyProblems(w, gen, from, found, format);
    }, Qt::QueuedConnection);
    w->scanStopped = stats.cancelled;
    if (!stats.cancelled)
        w->scannedUpTo = complete;
}

void LogSession::applyProblems(const std::shared_ptr<Worker>& w, quint64 gen, qint64 from, const ProblemScan& found,
                               LogFormat format)
{
    if (m_worker != w || w->problemGen.load() != gen)
        return;
    const bool formatChanged = format != m_rules.format();
    if (formatChanged)
        m_rules.setFormat(format);
    const auto cut = std::lower_bound(m_problems.lines.begin(), m_problems.lines.end(), from);
    m_problems.rules.resize(std::size_t(cut - m_problems.lines.begin()));
    m_problems.lines.erase(cut, m_problems.lines.end());
    m_problems.lines.insert(m_problems.lines.end(), found.lines.begin(), found.lines.end());
    m_problems.rules.insert(m_problems.rules.end(), found.rules.begin(), found.rules.end());
    if (formatChanged)
        emit this->formatChanged();
    emit problemsChanged();
    setScanning(false);
}

void LogSession::setScanning(bool on)
{
    if (m_scanning == on)
        return;
    m_scanning = on;
    emit scanningChanged(on);
}

void LogSession::setFormatOverride(std::optional<LogFormat> format)
{
    m_formatOverride = format;
    RuleSet rules = m_rules;
    rules.setFormat(format.value_or(LogFormat::Mixed));
    setRules(rules);
    emit formatChanged();
}

void LogSession::setSearch(const SearchQuery& query)
{
    auto compiled = LineMatcher::compile(query);
    if (!compiled) {
        // The previous search's matches and highlights would belong to another pattern: drop them.
        m_matcher = LineMatcher();
        m_matches.clear();
        if (m_worker)
            ++m_worker->searchGen;
        if (m_searching) {
            m_searching = false;
            emit searchingChanged(false);
        }
        emit matchesChanged();
        emit searchFailed(compiled.error());
        return;
    }
    m_matcher = *compiled;
    m_matches.clear();
    emit matchesChanged();
    if (!m_worker)
        return;
    const std::shared_ptr<Worker> w = m_worker;
    const quint64 gen = ++w->searchGen;
    const bool active = !m_matcher.isEmpty();
    if (active != m_searching) {
        m_searching = active;
        emit searchingChanged(active);
    }
    const LineMatcher matcher = m_matcher;
    QPointer<LogSession> self(this);
    postSearch([w, self, gen, matcher] {
        if (w->searchGen.load() != gen)
            return;
        w->matcher = matcher;
        w->matcherGen = gen;
        w->searchedUpTo = 0;
        workerSearch(w, self, true);
    });
}

void LogSession::cancelSearch()
{
    if (!m_worker)
        return;
    ++m_worker->searchGen;
    if (m_searching) {
        m_searching = false;
        emit searchingChanged(false);
    }
}

void LogSession::setRules(const RuleSet& rules)
{
    m_rules = rules;
    if (m_formatOverride)
        m_rules.setFormat(*m_formatOverride);
    m_problems = {};
    emit problemsChanged();
    if (!m_worker)
        return;
    const std::shared_ptr<Worker> w = m_worker;
    const quint64 gen = ++w->problemGen;
    setScanning(true);
    QPointer<LogSession> self(this);
    const RuleSet applied = m_rules;
    const bool fixed = m_formatOverride.has_value();
    post([w, self, gen, applied, fixed] {
        if (w->problemGen.load() != gen)
            return;
        w->rules = applied;
        w->formatFixed = fixed;
        w->sampledLines = 0;
        w->rulesGen = gen;
        w->scannedUpTo = 0;
        workerProblems(w, self, true);
    });
}

} // namespace socketscope::logs
