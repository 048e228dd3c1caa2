// SPDX-License-Identifier: GPL-3.0-or-later
// Event-loop lag of the thread that runs the monitors (the GUI thread in the app) while 50 monitors
// probe at 1 Hz with echo, pings and a hold, against the reference endpoint served from another
// thread. A 10 ms precise timer measures how late each tick fires. Reference: the same timer on
// the same, idle event loop in the same run.
// Run: build/release/bench/monitor_lag_bench [seconds]
#include "monitor/EngineProbeLauncher.h"
#include "monitor/MonitorManager.h"
#include "server/ReferenceServer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

using namespace socketscope;

namespace {

struct LagProbe {
    std::vector<double> lags;
    QElapsedTimer clock;
    qint64 last = -1;
    void tick(double intervalMs)
    {
        const qint64 now = clock.nsecsElapsed();
        if (last >= 0)
            lags.push_back(std::max(0.0, double(now - last) / 1e6 - intervalMs));
        last = now;
    }
};

double pct(std::vector<double> v, double q)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(std::ceil(q * double(v.size()))) - 1)];
}

// Runs the event loop for ms while a 10 ms timer records its lateness.
std::vector<double> measure(int ms)
{
    LagProbe probe;
    probe.clock.start();
    QTimer t;
    t.setTimerType(Qt::PreciseTimer);
    t.setInterval(10);
    QObject::connect(&t, &QTimer::timeout, &t, [&probe] { probe.tick(10); });
    t.start();
    QTimer::singleShot(ms, qApp, &QCoreApplication::quit);
    QCoreApplication::exec();
    return probe.lags;
}

void print(const char* what, const std::vector<double>& lags)
{
    std::printf("%-40s p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms  (%zu ticks)\n", what, pct(lags, 0.5), pct(lags, 0.99),
                lags.empty() ? 0.0 : *std::max_element(lags.begin(), lags.end()), lags.size());
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int seconds = argc > 1 ? std::max(5, atoi(argv[1])) : 20;

    QThread serverThread;
    auto* server = new ReferenceServer;
    server->moveToThread(&serverThread);
    serverThread.start();
    QString url;
    QMetaObject::invokeMethod(server, [server, &url] {
        if (server->listen(QHostAddress::LocalHost, 0))
            url = server->echoUrl();
    }, Qt::BlockingQueuedConnection);
    if (url.isEmpty()) {
        std::fprintf(stderr, "cannot start the reference endpoint\n");
        return 1;
    }

    const std::vector<double> idle = measure(5000);

    EngineProbeLauncher launcher;
    MonitorManager manager(&launcher);
    for (int i = 0; i < 50; ++i) {
        MonitorSpec spec;
        spec.name = QStringLiteral("m%1").arg(i);
        spec.options = MonitorSpec::defaultOptions(url);
        spec.intervalS = 1.0;
        manager.add(spec);
    }
    (void)measure(2000); // warm-up: every monitor has probed once
    const std::vector<double> busy = measure(seconds * 1000);
    int probes = 0, ok = 0;
    for (int id : manager.ids()) {
        const Monitor* m = manager.monitor(id);
        probes += m->probesDone;
        for (int i = 0; i < m->buffer.rawCount(); ++i)
            ok += m->buffer.raw(i).ok() ? 1 : 0;
    }
    print("reference: idle event loop", idle);
    print("50 monitors at 1 Hz (echo+ping+hold)", busy);
    std::printf("probes completed: %d (%d ok) in %d s + 2 s warm-up\n", probes, ok, seconds);
    for (int id : manager.ids())
        manager.remove(id);
    QMetaObject::invokeMethod(server, [server] { server->close(); delete server; }, Qt::BlockingQueuedConnection);
    serverThread.quit();
    serverThread.wait();
    return 0;
}
