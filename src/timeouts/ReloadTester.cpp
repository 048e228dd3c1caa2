// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeouts/ReloadTester.h"

#include "probe/ProbeEngine.h"

#include <QCoreApplication>
#include <QThread>
#include <QTimer>

#include <algorithm>

namespace socketscope {

namespace {
constexpr double kPingEveryS = 0.25;
constexpr double kOpenGraceS = 10; // the sockets must be open within this; the hold covers it and the window
} // namespace

ReloadTester::ReloadTester(ProbeEngine* engine, QObject* parent) : QObject(parent), m_engine(engine)
{
    qRegisterMetaType<socketscope::ReloadTestResult>("socketscope::ReloadTestResult");
    connect(engine, &ProbeEngine::progress, this, &ReloadTester::onProgress);
    connect(engine, &ProbeEngine::finished, this, &ReloadTester::onFinished);
}

ReloadTester::~ReloadTester()
{
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
    o.holdS = kOpenGraceS + options.windowS + 5;
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
    for (quint64 id : std::as_const(m_live))
        m_engine->cancel(id);
    m_live.clear();
    complete();
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
    QPointer<ReloadTester> self(this);
    const std::function<Status()> reload = m_options.reload;
    QThread* worker = QThread::create([self, reload] {
        const Status st = reload ? reload() : Status::failure(QStringLiteral("no reload command"));
        QMetaObject::invokeMethod(qApp, [self, st] {
            if (self)
                self->reloaded(st);
        }, Qt::QueuedConnection);
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
}

void ReloadTester::reloaded(const Status& st)
{
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
        m_result.drainS = double(m_sinceReload.elapsed()) / 1000.0; // the last one cut sets it
        emit progress(QStringLiteral("a live socket was cut %1 s after the reload").arg(*m_result.drainS));
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
    const bool watched = m_reloadStarted && m_reloadDone && m_newDone && m_live.isEmpty();
    if (!m_cancelled && !nothingOpened && !watched)
        return;
    m_running = false;
    if (m_result.survived < m_result.opened)
        m_result.advice << QStringLiteral("%1 of %2 live sockets were cut %3 s after the reload: the old workers stopped draining; "
                                          "raise nginx's worker_shutdown_timeout (or remove it), HAProxy's hard-stop-after, "
                                          "Caddy's stream_close_delay, or have clients reconnect")
                               .arg(m_result.opened - m_result.survived).arg(m_result.opened)
                               .arg(m_result.drainS.value_or(0));
    if (!m_result.newConnectionsOk && m_reloadStarted)
        m_result.advice << QStringLiteral("a new connection failed during the drain (%1)").arg(m_result.newConnectionError);
    if (m_result.opened < m_result.sockets)
        m_result.advice << QStringLiteral("only %1 of %2 sockets could be opened before the reload").arg(m_result.opened).arg(m_result.sockets);
    emit finished(m_result);
}

} // namespace socketscope
