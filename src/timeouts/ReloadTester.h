// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "probe/ProbeTypes.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QJsonObject>
#include <QSet>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace socketscope {

class ProbeEngine;

struct ReloadTestOptions {
    ProbeOptions probe;              // url and connection settings; hold and traffic are the tester's
    int sockets = 5;                 // live sockets opened before the reload
    double windowS = 10;             // how long after the reload the sockets are watched
    // Reloads the proxy (blocking: it runs on a thread of its own); the error says why it failed.
    // Empty: the owner reloads (readyToReload(), then reloadFinished()), as the runbook does.
    std::function<Status()> reload;
    // Optional, with `reload`: runs first on the same thread (connect, find what to watch); the
    // reload's clock starts after it. Its failure is the reload's.
    std::function<Status()> prepareReload;
    // Optional, with `reload`: runs right after the reload, on the same thread (also after a
    // failed one, with `stop` already set, so that it can close what prepareReload opened); blocks
    // until the processes that served before the reload are gone (returns the seconds since
    // `sinceReload`, the reload command's start) or until `stop` is set (nullopt: still draining). The window's end
    // waits for it before closing the sockets, so the test's own close never ends the drain.
    std::function<Result<std::optional<double>>(const QElapsedTimer& sinceReload, const std::atomic_bool& stop)> watchDrain;
};

// Where drain_s comes from: the old worker processes watched on the server, or the live sockets'
// cuts seen by the client.
enum class DrainSource { Sockets, Workers };

// JSON of `socketscope-cli reload-test`: {sockets, survived, drain_s, new_connections_ok} (issue 13).
struct ReloadTestResult {
    int sockets = 0;                 // asked for
    int opened = 0;                  // upgraded and live when the reload began
    int survived = 0;                // still answering pings at the end of the window
    // From the reload until the old workers exited (DrainSource::Workers) or the last old socket
    // was cut (Sockets); nullopt: still draining when the window ended.
    std::optional<double> drainS;
    DrainSource drainFrom = DrainSource::Sockets;
    QString drainNote;               // why the workers could not be watched ("" = watched or not asked)
    bool newConnectionsOk = false;   // a new WebSocket opened (and echoed) right after the reload
    QString reloadError;             // the reload command failed ("" = ran)
    QString newConnectionError;
    double windowS = 0;
    QStringList advice;
};

// The advice for a result (cut sockets name worker_shutdown_timeout, hard-stop-after,
// stream_close_delay; a failed new connection; sockets that never opened).
QStringList reloadSurvivalAdvice(const ReloadTestResult& r);
// {sockets, survived, drain_s, new_connections_ok, opened, window_s, drain_from, reload_error, advice}
QJsonObject reloadTestToJson(const ReloadTestResult& r);
// One line: "3/3 live sockets survived the reload; old workers drained 1.02 s; new connections ok".
QString reloadTestSummary(const ReloadTestResult& r);

// Reload survival: opens N live sockets (client pings every 0.25 s, so a cut is seen at once),
// reloads, opens one new connection during the drain, and watches the old ones for the window.
// finished() follows start() exactly once.
class ReloadTester : public QObject {
    Q_OBJECT
public:
    explicit ReloadTester(ProbeEngine* engine, QObject* parent = nullptr);
    ~ReloadTester() override;
    void start(const ReloadTestOptions& options);
    void cancel();
    // When the options carry no reload: the owner calls this once it has reloaded (after
    // readyToReload); the window and the new connection start then.
    void reloadFinished(const Status& status);

signals:
    void progress(const QString& message);
    // No reload in the options: the sockets are live (`opened` of them); reload now.
    void readyToReload(int opened);
    // The window ends now: the old sockets are closed right after this signal.
    void windowEnding();
    void finished(const socketscope::ReloadTestResult& result);

private:
    void onProgress(quint64 id, const QString& phase);
    void onFinished(quint64 id, const ProbeResult& r);
    void maybeReload();
    void reloaded(const Status& st, const QElapsedTimer& since); // since: the reload's clock (invalid: keep ours)
    void endWindow();
    void closeOldSockets();
    void drainWatched(const Result<std::optional<double>>& drain);
    void setWorkerDrain(std::optional<double> drainS);
    void complete();

    QPointer<ProbeEngine> m_engine;
    ReloadTestOptions m_options;
    ReloadTestResult m_result;
    QSet<quint64> m_live;            // the old sockets still running
    QSet<quint64> m_holding;         // of those, the ones in their hold (upgraded)
    int m_failedBefore = 0;
    quint64 m_newId = 0;
    bool m_newDone = false;
    bool m_reloadStarted = false;
    bool m_reloadDone = false;
    bool m_windowOver = false;
    bool m_running = false;
    bool m_cancelled = false;
    bool m_watching = false;         // the drain watch runs
    std::shared_ptr<std::atomic_bool> m_stopWatch = std::make_shared<std::atomic_bool>(false);
    QElapsedTimer m_sinceReload;
};

} // namespace socketscope

Q_DECLARE_METATYPE(socketscope::ReloadTestResult)
