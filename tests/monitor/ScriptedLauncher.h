// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A scripted ProbeLauncher for the scheduling and bookkeeping tests of MonitorManager: it answers
// each probe with the next scripted result on the next event-loop turn. It is a fake on purpose:
// these tests check what the manager does with results (samples, events, pause/resume), which
// needs exact, repeatable results; the tests against real servers use EngineProbeLauncher.
// Its results carry the product's own cause ids: a failure is diagnosed by the product's
// diagnosis from what a probe would have observed, and every scripted cause must be one of
// allCauseIds() (a fake that invents an id fails the test).

#include "diagnosis/Diagnosis.h"
#include "monitor/ProbeLauncher.h"

#include <QTimer>

#include <gtest/gtest.h>

#include <deque>

namespace socketscope::scripted {

class ScriptedLauncher : public ProbeLauncher {
public:
    using ProbeLauncher::ProbeLauncher;
    std::deque<ProbeResult> script;  // results handed out in order; the last one repeats
    QList<ProbeOptions> started;
    QList<quint64> cancelled;
    bool holdOpen = false;           // when true, probes never finish until release()

    quint64 start(const ProbeOptions& options) override
    {
        const quint64 id = ++m_next;
        started.append(options);
        ProbeResult r = script.empty() ? ProbeResult{} : script.front();
        if (script.size() > 1)
            script.pop_front();
        if (!allCauseIds().contains(r.cause))
            ADD_FAILURE() << "scripted cause \"" << r.cause.toStdString() << "\" is not a cause id the product produces";
        r.url = options.url;
        r.startedAt = QDateTime::currentDateTimeUtc();
        if (holdOpen) {
            m_pending.append({id, r});
            return id;
        }
        QTimer::singleShot(0, this, [this, id, r] { emit finished(id, r); });
        return id;
    }
    void cancel(quint64 id) override
    {
        cancelled.append(id);
        for (qsizetype i = 0; i < m_pending.size(); ++i) {
            if (m_pending[i].first == id) {
                const auto p = m_pending.takeAt(i);
                QTimer::singleShot(0, this, [this, p] { emit finished(p.first, p.second); });
                return;
            }
        }
    }
    // Finishes every held probe now.
    void release()
    {
        const auto pending = m_pending;
        m_pending.clear();
        for (const auto& p : pending)
            emit finished(p.first, p.second);
    }

private:
    quint64 m_next = 0;
    QList<QPair<quint64, ProbeResult>> m_pending;
};

inline ProbeResult okResult(double echoMs)
{
    ProbeResult r;
    r.cause = QStringLiteral("ok");
    r.ok = true;
    r.httpStatus = 101;
    r.timings.dns = 0.1;
    r.timings.connect = 0.2;
    r.timings.upgrade = 1.5;
    r.echoRtt.count = 3;
    r.echoRtt.min = echoMs - 0.1;
    r.echoRtt.median = echoMs;
    r.echoRtt.max = echoMs + 0.1;
    return r;
}

// What a probe of a closed port observes, diagnosed by the product (cause connection_refused).
inline ProbeResult refusedResult()
{
    ProbeResult r;
    r.url = QStringLiteral("ws://127.0.0.1:9/ws/echo");
    r.timings.dns = 0.1;
    r.resolvedAddress = QStringLiteral("127.0.0.1");
    r.errorPhase = QStringLiteral("connect");
    r.errorKind = QStringLiteral("refused");
    r.errorString = QStringLiteral("Connection refused");
    applyDiagnosis(r, ProbeOptions{});
    return r;
}

} // namespace socketscope::scripted
