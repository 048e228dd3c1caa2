// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "probe/ProbeTypes.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <functional>
#include <optional>

namespace socketscope {

class ProbeEngine;

struct ReloadTestOptions {
    ProbeOptions probe;              // url and connection settings; hold and traffic are the tester's
    int sockets = 5;                 // live sockets opened before the reload
    double windowS = 10;             // how long after the reload the sockets are watched
    // Reloads the proxy (blocking: it runs on a thread of its own); the error says why it failed.
    std::function<Status()> reload;
};

// JSON of `socketscope-cli reload-test`: {sockets, survived, drain_s, new_connections_ok} (issue 13).
struct ReloadTestResult {
    int sockets = 0;                 // asked for
    int opened = 0;                  // upgraded and live when the reload began
    int survived = 0;                // still answering pings at the end of the window
    std::optional<double> drainS;    // from the reload to the last old socket cut; nullopt: none cut in the window
    bool newConnectionsOk = false;   // a new WebSocket opened (and echoed) right after the reload
    QString reloadError;             // the reload command failed ("" = ran)
    QString newConnectionError;
    double windowS = 0;
    QStringList advice;
};

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

signals:
    void progress(const QString& message);
    void finished(const socketscope::ReloadTestResult& result);

private:
    void onProgress(quint64 id, const QString& phase);
    void onFinished(quint64 id, const ProbeResult& r);
    void maybeReload();
    void reloaded(const Status& st);
    void endWindow();
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
    QElapsedTimer m_sinceReload;
};

} // namespace socketscope

Q_DECLARE_METATYPE(socketscope::ReloadTestResult)
