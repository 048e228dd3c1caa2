// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/RunbookProber.h"

#include "probe/ProbeEngine.h"

#include <QEventLoop>
#include <QTimer>

namespace socketscope {

std::unique_ptr<RunbookProber> makeDefaultRunbookProber()
{
    return std::make_unique<ProbeEngineProber>();
}

ProbeResult ProbeEngineProber::probe(const ProbeOptions& options, const std::atomic_bool* cancel)
{
    ProbeEngine engine;
    ProbeResult result;
    bool done = false;
    quint64 id = 0;
    QEventLoop loop;
    QObject::connect(&engine, &ProbeEngine::finished, &loop, [&](quint64 finishedId, const ProbeResult& r) {
        if (finishedId != id)
            return;
        result = r;
        done = true;
        loop.quit();
    });
    QTimer watch;
    watch.setInterval(100);
    QObject::connect(&watch, &QTimer::timeout, &loop, [&] {
        if (cancel && cancel->load())
            engine.cancel(id);
    });
    id = engine.start(options);
    watch.start();
    if (!done)
        loop.exec();
    return result;
}

} // namespace socketscope
