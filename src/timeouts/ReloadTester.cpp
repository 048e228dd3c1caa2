// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeouts/ReloadTester.h"

#include "probe/ProbeEngine.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QThread>
#include <QTimer>

#include <algorithm>

namespace socketscope {

namespace {
constexpr double kPingEveryS = 0.25;
constexpr double kOpenGraceS = 10; // the sockets must be open within this; the hold covers it and the window
// The hold also covers getting ready to reload: an SSH connection, sudo, perhaps a password typed
// at the terminal. The sockets are closed at the window's end anyway.
constexpr double kPrepareAllowanceS = 120;
} // namespace

ReloadTester::ReloadTester(ProbeEngine* engine, QObject* parent) : QObject(parent), m_engine(engine)
{
    qRegisterMetaType<socketscope::ReloadTestResult>("socketscope::ReloadTestResult");
    connect(engine, &ProbeEngine::progress, this, &ReloadTester::onProgress);
    connect(engine, &ProbeEngine::finished, this, &ReloadTester::onFinished);
}

ReloadTester::~ReloadTester()
{
    m_stopWatch->store(true);
    if (m_engine) {
        for (quint64 id : std::as_const(m_live))
            m_engine->cancel(id);
    }
}

void ReloadTester::start(const ReloadTestOptions& options)
{
    m_options = options;
    m_result = ReloadTestResult();
    m_result.sockets = std::max(1, options.sockets);
    m_result.windowS = options.windowS;
    m_running = true;
    ProbeOptions o = options.probe;
    o.holdS = kOpenGraceS + kPrepareAllowanceS + options.windowS + 5;
    o.pingIntervalS = kPingEveryS;
    o.holdQuiet = true;
    o.verifyAfterHold = true;
    for (int i = 0; i < m_result.sockets; ++i)
        m_live.insert(m_engine->start(o));
    emit progress(QStringLiteral("opening %1 sockets to %2").arg(m_result.sockets).arg(o.url));
    QTimer::singleShot(int(kOpenGraceS * 1000), this, [this] {
        if (!m_reloadStarted) { // not all opened in time: reload with those that did
            m_failedBefore += int(m_live.size() - m_holding.size());
            m_live = m_holding;
            maybeReload();
        }
    });
}

void ReloadTester::cancel()
{
    if (!m_running)
        return;
    m_cancelled = true;
    m_stopWatch->store(true);
    for (quint64 id : std::as_const(m_live))
        m_engine->cancel(id);
    m_live.clear();
    complete();
}

void ReloadTester::reloadFinished(const Status& status)
{
    if (m_running && m_reloadStarted && !m_reloadDone && !m_options.reload)
        reloaded(status, {});
}

void ReloadTester::setWorkerDrain(std::optional<double> drainS)
{
    m_result.drainS = drainS;
    m_result.drainFrom = DrainSource::Workers;
}

void ReloadTester::onProgress(quint64 id, const QString& phase)
{
    if (!m_live.contains(id) || phase != QLatin1String("hold"))
        return;
    m_holding.insert(id);
    maybeReload();
}

void ReloadTester::maybeReload()
{
    if (m_reloadStarted || !m_running || m_holding.size() < m_live.size())
        return;
    if (m_live.isEmpty()) { // none opened: nothing to watch
        complete();
        return;
    }
    m_reloadStarted = true;
    m_result.opened = int(m_holding.size());
    emit progress(QStringLiteral("%1 sockets live; reloading").arg(m_result.opened));
    m_sinceReload.start();
    if (!m_options.reload) { // the owner reloads (the runbook, with its own checks)
        emit readyToReload(m_result.opened);
        return;
    }
    QPointer<ReloadTester> self(this);
    const std::function<Status()> prepare = m_options.prepareReload;
    const std::function<Status()> reload = m_options.reload;
    const auto watch = m_options.watchDrain;
    const std::shared_ptr<std::atomic_bool> stop = m_stopWatch;
    m_watching = bool(watch);
    QThread* worker = QThread::create([self, prepare, reload, watch, stop] {
        Status st = prepare ? prepare() : Status::success();
        // The reload's clock starts here, after the connection: the window and the drain count
        // from the reload command, however long getting there took.
        QElapsedTimer since;
        since.start();
        if (st && stop->load())
            st = Status::failure(QStringLiteral("cancelled before the reload"));
        if (st)
            st = reload();
        QMetaObject::invokeMethod(qApp, [self, st, since] {
            if (self)
                self->reloaded(st, since);
        }, Qt::QueuedConnection);
        if (!watch)
            return;
        // The same thread (and connection) as the reload: a remote session belongs to one thread.
        // After a failed reload too, told to stop at once: it closes what prepareReload opened.
        std::atomic_bool stopNow{true};
        Result<std::optional<double>> drain = watch(since, st ? *stop : stopNow);
        if (!st)
            drain = Result<std::optional<double>>::failure(QStringLiteral("the reload failed"));
        QMetaObject::invokeMethod(qApp, [self, drain] {
            if (self)
                self->drainWatched(drain);
        }, Qt::QueuedConnection);
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
}

void ReloadTester::drainWatched(const Result<std::optional<double>>& drain)
{
    m_watching = false;
    if (drain) {
        setWorkerDrain(*drain);
        emit progress(*drain ? QStringLiteral("the old workers exited %1 s after the reload").arg(**drain, 0, 'f', 2)
                             : QStringLiteral("the old workers were still draining when the window ended"));
    } else if (m_result.reloadError.isEmpty()) {
        m_result.drainNote = drain.error();
        emit progress(QStringLiteral("the old workers could not be watched: %1").arg(drain.error()));
    }
    if (m_windowOver)
        closeOldSockets();
    complete();
}

void ReloadTester::reloaded(const Status& st, const QElapsedTimer& since)
{
    if (since.isValid())
        m_sinceReload = since;
    m_reloadDone = true;
    if (!st)
        m_result.reloadError = st.error();
    emit progress(st ? QStringLiteral("reloaded after %1 s; opening a new connection").arg(double(m_sinceReload.elapsed()) / 1000.0)
                     : QStringLiteral("the reload failed: %1").arg(st.error()));
    ProbeOptions o = m_options.probe;
    o.holdS = 0;
    o.pingIntervalS = 0;
    m_newId = m_engine->start(o);
    const qint64 left = qint64(m_options.windowS * 1000.0) - m_sinceReload.elapsed();
    QTimer::singleShot(int(std::max<qint64>(0, left)), this, &ReloadTester::endWindow);
}

void ReloadTester::endWindow()
{
    m_windowOver = true;
    emit windowEnding();
    m_stopWatch->store(true);
    if (!m_watching) // else drainWatched() closes them, once the watch has stopped looking
        closeOldSockets();
}

void ReloadTester::closeOldSockets()
{
    for (quint64 id : std::as_const(m_live))
        m_engine->cancel(id); // alive at the end of the window: they come back cancelled, then complete()
}

void ReloadTester::onFinished(quint64 id, const ProbeResult& r)
{
    if (!m_running)
        return;
    if (id == m_newId) {
        m_newDone = true;
        m_result.newConnectionsOk = r.httpStatus.value_or(0) == 101 && r.errorPhase.isEmpty();
        if (!m_result.newConnectionsOk)
            m_result.newConnectionError = r.httpStatus && *r.httpStatus != 101 ? QStringLiteral("HTTP %1").arg(*r.httpStatus) : r.errorString;
        complete();
        return;
    }
    if (!m_live.remove(id))
        return;
    const bool wasLive = m_holding.contains(id);
    if (r.cancelled && wasLive) {
        ++m_result.survived;
    } else if (wasLive && m_reloadStarted) {
        if (m_result.drainFrom == DrainSource::Sockets)
            m_result.drainS = double(m_sinceReload.elapsed()) / 1000.0; // the last one cut sets it
        emit progress(QStringLiteral("a live socket was cut %1 s after the reload").arg(double(m_sinceReload.elapsed()) / 1000.0));
    } else if (!m_reloadStarted) {
        m_holding.remove(id);
        ++m_failedBefore;
        maybeReload();
    }
    complete();
}

void ReloadTester::complete()
{
    if (!m_running)
        return;
    const bool nothingOpened = !m_reloadStarted && m_live.isEmpty() && m_holding.isEmpty();
    const bool watched = m_reloadStarted && m_reloadDone && m_newDone && m_live.isEmpty() && !m_watching;
    if (!m_cancelled && !nothingOpened && !watched)
        return;
    m_running = false;
    m_stopWatch->store(true);
    m_result.advice = reloadSurvivalAdvice(m_result);
    emit finished(m_result);
}

QStringList reloadSurvivalAdvice(const ReloadTestResult& r)
{
    QStringList advice;
    if (r.survived < r.opened)
        advice << QStringLiteral("%1 of %2 live sockets were cut%3 after the reload: the old workers stopped draining; "
                                 "raise nginx's worker_shutdown_timeout (or remove it), HAProxy's hard-stop-after, "
                                 "Caddy's stream_close_delay, or have clients reconnect")
                      .arg(r.opened - r.survived).arg(r.opened)
                      .arg(r.drainS ? QStringLiteral(" %1 s").arg(*r.drainS, 0, 'f', 2) : QString());
    if (!r.newConnectionsOk && r.opened > 0 && r.reloadError.isEmpty())
        advice << QStringLiteral("a new connection failed during the drain (%1)").arg(r.newConnectionError);
    if (r.opened < r.sockets)
        advice << QStringLiteral("only %1 of %2 sockets could be opened before the reload").arg(r.opened).arg(r.sockets);
    return advice;
}

QJsonObject reloadTestToJson(const ReloadTestResult& r)
{
    return {{QStringLiteral("sockets"), r.sockets},
            {QStringLiteral("survived"), r.survived},
            {QStringLiteral("drain_s"), r.drainS ? QJsonValue(*r.drainS) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("new_connections_ok"), r.newConnectionsOk},
            {QStringLiteral("opened"), r.opened},
            {QStringLiteral("window_s"), r.windowS},
            {QStringLiteral("drain_from"), r.drainFrom == DrainSource::Workers ? QStringLiteral("workers") : QStringLiteral("sockets")},
            {QStringLiteral("drain_note"), r.drainNote.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(r.drainNote)},
            {QStringLiteral("reload_error"), r.reloadError.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(r.reloadError)},
            {QStringLiteral("advice"), QJsonArray::fromStringList(r.advice)}};
}

QString reloadTestSummary(const ReloadTestResult& r)
{
    if (r.opened == 0)
        return QStringLiteral("no live socket could be opened before the reload (%1 tried)").arg(r.sockets);
    const QString who = r.drainFrom == DrainSource::Workers ? QStringLiteral("the old workers") : QStringLiteral("the old sockets");
    const QString drain = r.drainS ? QStringLiteral("%1 drained %2 s").arg(who).arg(*r.drainS, 0, 'f', 2)
                          : r.drainFrom == DrainSource::Workers ? QStringLiteral("the old workers still draining after %1 s").arg(r.windowS)
                                                                : QStringLiteral("no old socket cut within %1 s").arg(r.windowS);
    return QStringLiteral("%1/%2 live sockets survived the reload; %3; new connections during the drain %4")
        .arg(r.survived).arg(r.opened).arg(drain, r.newConnectionsOk ? QStringLiteral("ok") : QStringLiteral("FAILED"));
}

} // namespace socketscope
