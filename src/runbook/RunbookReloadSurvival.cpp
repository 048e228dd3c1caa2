// SPDX-License-Identifier: GPL-3.0-or-later
// Reload survival around the runbook's Reload step (issue 13): live sockets through the proxy
// before the reload, how many survive it, how long nginx's old workers drain, and whether a new
// connection works meanwhile. It reports and warns; the reload's own checks decide the step.
#include "runbook/RunbookWorker.h"

#include "probe/ProbeEngine.h"
#include "probe/ProbeProfile.h"
#include "runbook/NginxWorkerWatch.h"
#include "timeouts/ReloadTester.h"

#include <QEventLoop>
#include <QTimer>

namespace socketscope {

namespace {

constexpr double kPongTimeoutS = 3.0;   // a live socket's ping must come back within this
constexpr int kOpenWaitMs = 15000;      // the tester gives the sockets 10 s to open

// Runs this (the runbook worker's) thread's event loop for up to `ms`, or until done(): the probe
// engine's results and the tester's timers arrive here while the step waits.
template <typename Done>
void runEvents(int ms, Done done)
{
    QElapsedTimer t;
    t.start();
    QEventLoop loop;
    while (!done() && t.elapsed() < ms) {
        QTimer::singleShot(std::min<qint64>(20, ms - t.elapsed()), &loop, &QEventLoop::quit);
        loop.exec();
    }
}

} // namespace

Status RunbookWorker::reloadWithSurvival(const QString& command, int settleSeconds, QString* summary)
{
    const int sockets = m_options.reloadSockets;
    const QString url = m_profile.publicUrl;
    m_reloadOldWorkers.clear();
    m_reloadMaster = 0;
    if (sockets <= 0 || url.isEmpty()) {
        if (sockets > 0)
            say(tr("reload survival not measured: the profile has no public URL"));
        return reloadAndConfirm(command, settleSeconds);
    }
    if (m_options.dryRun) {
        say(tr("would open %1 live sockets through %2 before the reload, then report how many survive it, how long "
               "nginx's old workers keep draining (up to %3 s) and whether new connections work meanwhile")
                .arg(sockets).arg(url).arg(m_options.reloadWindowS));
        return reloadAndConfirm(command, settleSeconds);
    }

    ProbeEngine engine;
    ReloadTester tester(&engine);
    ReloadTestOptions o;
    applyProfile(o.probe, m_profile); // its application protocol, Origin, headers, TLS
    o.probe.url = url;
    o.probe.timeoutS = kPongTimeoutS;
    o.sockets = sockets;
    o.windowS = m_options.reloadWindowS;
    bool ready = false, done = false, windowEnding = false;
    int opened = 0;
    ReloadTestResult result;
    QObject::connect(&tester, &ReloadTester::readyToReload, &tester, [&](int n) {
        ready = true;
        opened = n;
    });
    QObject::connect(&tester, &ReloadTester::windowEnding, &tester, [&] { windowEnding = true; });
    QObject::connect(&tester, &ReloadTester::finished, &tester, [&](const ReloadTestResult& r) {
        result = r;
        done = true;
    });
    say(tr("reload survival: opening %1 live sockets through %2 (%3)")
            .arg(sockets)
            .arg(url, appProtocolName(o.probe.app != AppProtocolId::Auto ? o.probe.app : (o.probe.bolt ? AppProtocolId::Bolt : AppProtocolId::Auto))));
    tester.start(o);
    runEvents(kOpenWaitMs, [&] { return ready || done || cancelled(); });
    if (!ready) {
        if (!done)
            tester.cancel(); // finished() follows at once
        const Status st = reloadAndConfirm(command, settleSeconds);
        if (cancelled())
            return st;
        say(tr("warning: reload survival not measured: none of the %1 sockets opened through %2 before the reload "
               "(the proxy's answer before the fix)").arg(sockets).arg(url));
        {
            QMutexLocker lock(&m_stateMutex);
            m_state.reloadSurvival = reloadTestToJson(result);
        }
        return st;
    }
    say(tr("reload survival: %1 of %2 sockets live; reloading").arg(opened).arg(sockets));
    const Status st = reloadAndConfirm(command, settleSeconds);
    if (st)
        tester.reloadFinished(st);
    else
        tester.cancel(); // the reload failed: its rollback comes next, the sockets go now
    QString watchError;
    std::optional<std::optional<double>> workerDrain; // set: the watch saw the workers exit, or the window end first
    if (st && !m_reloadOldWorkers.isEmpty() && m_reloadMaster > 0) {
        // The old workers are watched until they exit or the window ends (the tester then closes
        // the sockets: our own close must not end the drain).
        NginxWorkerWatch watch(*m_host, true);
        watch.setMaster(m_reloadMaster);
        // Not stopped by the tester finishing early: that happens when the sockets were cut,
        // and the workers that cut them are about to exit.
        const qint64 deadlineMs = qint64((m_options.reloadWindowS + kPongTimeoutS) * 1000);
        const auto stop = [&] { return windowEnding || cancelled() || m_reloadClock.elapsed() > deadlineMs; };
        const Result<std::optional<double>> drain = watch.waitUntilGone(m_reloadOldWorkers, m_reloadClock, stop,
                                                                        [&](int ms) { runEvents(ms, stop); });
        if (drain && !cancelled())
            workerDrain = *drain;
        else if (!drain)
            watchError = drain.error();
    } else if (st) {
        watchError = tr("nginx's workers before the reload are not known");
    }
    runEvents(int((m_options.reloadWindowS + kPongTimeoutS + 10) * 1000), [&] { return done || cancelled(); });
    if (!done) {
        tester.cancel(); // finished() follows at once
        runEvents(1000, [&] { return done; });
    }
    // The tester may finish in the same turn of the event loop as the window's end: the workers'
    // drain is applied to its result here, not handed to it.
    if (workerDrain) {
        result.drainS = *workerDrain;
        result.drainFrom = DrainSource::Workers;
        result.advice = reloadSurvivalAdvice(result);
    }
    if (!watchError.isEmpty())
        result.drainNote = watchError;
    if (!st)
        result.reloadError = st.error(); // the tester was cancelled: it never heard why
    const QJsonObject json = reloadTestToJson(result);
    {
        QMutexLocker lock(&m_stateMutex);
        m_state.reloadSurvival = json;
    }
    AuditEvent e;
    e.step = m_current >= 0 ? m_runbook.steps.at(m_current).id : QString();
    e.event = QStringLiteral("reload_survival");
    e.message = reloadTestSummary(result);
    e.extra = json;
    m_audit.append(e);
    if (!st)
        return st; // the reload's own failure decides; the survival is on record
    say(tr("reload survival: %1").arg(reloadTestSummary(result)));
    if (!result.drainNote.isEmpty())
        say(tr("the old workers could not be watched: %1").arg(result.drainNote));
    for (const QString& a : std::as_const(result.advice))
        say(tr("warning: %1").arg(a));
    *summary = result.survived < result.opened ? tr("warning: %1 of %2 live sockets dropped by the reload").arg(result.opened - result.survived).arg(result.opened)
                                               : tr("%1/%2 live sockets survived").arg(result.survived).arg(result.opened);
    return st;
}

} // namespace socketscope
