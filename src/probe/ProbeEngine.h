// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "probe/ProbeTypes.h"

#include <QObject>

namespace socketscope {

// Runs WebSocket probes asynchronously (sockets spread over worker threads). Public calls may be
// made from any thread; results come back as queued signals on the engine's thread.
// Destroy it while the application object is still whole (own it in a scope, or delete it on
// QCoreApplication::aboutToQuit) — not as a child destroyed by ~QCoreApplication.
class ProbeEngine : public QObject {
    Q_OBJECT
public:
    explicit ProbeEngine(QObject* parent = nullptr);
    ~ProbeEngine() override;

    // Starts a probe and returns its id (never 0). finished(id, result) follows exactly once,
    // also after cancel(); result.cause is filled by the diagnosis.
    quint64 start(const socketscope::ProbeOptions& options);
    // Stops a running probe early; its result reports what was seen so far.
    void cancel(quint64 id);
    // Ends a running probe's hold now, as if its holdS were up: with verifyAfterHold its liveness
    // ping follows and finished() says whether the connection was still alive.
    void endHold(quint64 id);

signals:
    void progress(quint64 id, const QString& phase);
    void finished(quint64 id, const socketscope::ProbeResult& result);

private:
    struct Private;
    Private* d;
};

} // namespace socketscope
