// SPDX-License-Identifier: GPL-3.0-or-later
#include "probe/ProbeEngine.h"

#include "core/ThreadCrypto.h"
#include "diagnosis/Diagnosis.h"
#include "probe/ProbeSession.h"

#include <QAtomicInteger>
#include <QHash>
#include <QMutex>
#include <QPointer>
#include <QThread>

#include <vector>

namespace socketscope {

namespace {

// Lives in one worker thread; owns the sessions running there (touched only on that thread).
class WorkerHost : public QObject {
public:
    QHash<quint64, ProbeSession*> sessions;
};

} // namespace

struct ProbeEngine::Private {
    struct Worker {
        QThread* thread = nullptr;
        WorkerHost* host = nullptr;
    };
    std::vector<Worker> workers;
    QAtomicInteger<quint64> nextId{1};
    QMutex mutex;                          // guards owner
    QHash<quint64, int> owner;             // probe id → worker index, while running
    QHash<quint64, ProbeOptions> options;  // for the diagnosis once the result is in
    int nextWorker = 0;

    // Runs `call(ProbeSession&)` in the worker thread of probe `id`, if it is still running.
    template <typename Call>
    void onSession(quint64 id, Call call)
    {
        int index = -1;
        {
            QMutexLocker lock(&mutex);
            index = owner.value(id, -1);
        }
        if (index < 0)
            return;
        WorkerHost* host = workers.at(std::size_t(index)).host;
        QMetaObject::invokeMethod(host, [host, id, call] {
            if (ProbeSession* s = host->sessions.value(id))
                call(*s);
        }, Qt::QueuedConnection);
    }
};

ProbeEngine::ProbeEngine(QObject* parent) : QObject(parent), d(new Private)
{
    qRegisterMetaType<socketscope::ProbeResult>("socketscope::ProbeResult");
    qRegisterMetaType<socketscope::ProbeOptions>("socketscope::ProbeOptions");
    // A few worker threads, each an event loop running many probe state machines.
    const int count = qBound(2, QThread::idealThreadCount(), 4);
    for (int i = 0; i < count; ++i) {
        Private::Worker w;
        w.thread = new QThread;
        w.thread->setObjectName(QStringLiteral("probe-worker-%1").arg(i));
        w.host = new WorkerHost;
        w.host->moveToThread(w.thread);
        releaseCryptoStateWhenFinished(w.thread); // TLS probes use OpenSSL on this thread
        w.thread->start();
        d->workers.push_back(w);
    }
}

ProbeEngine::~ProbeEngine()
{
    for (Private::Worker& w : d->workers) {
        WorkerHost* host = w.host;
        // Sessions are children of the host: deleting it on its own thread ends them all. Blocking:
        // quit() alone could stop the loop before a queued delete ran (and leak the sockets).
        const bool deleted = QMetaObject::invokeMethod(host, [host] { delete host; }, Qt::BlockingQueuedConnection);
        w.thread->quit();
        w.thread->wait();
        if (!deleted)
            delete host; // the thread has ended: deleting from here is safe now
        delete w.thread;
    }
    delete d;
}

quint64 ProbeEngine::start(const ProbeOptions& options)
{
    const quint64 id = d->nextId.fetchAndAddOrdered(1);
    int index = 0;
    {
        QMutexLocker lock(&d->mutex);
        index = d->nextWorker;
        d->nextWorker = (d->nextWorker + 1) % int(d->workers.size());
        d->owner.insert(id, index);
        d->options.insert(id, options);
    }
    WorkerHost* host = d->workers.at(std::size_t(index)).host;
    QPointer<ProbeEngine> engine(this);
    QMetaObject::invokeMethod(host, [host, id, options, engine] {
        auto* session = new ProbeSession(id, options, host);
        host->sessions.insert(id, session);
        QObject::connect(session, &ProbeSession::progress, host, [engine](quint64 pid, const QString& phase) {
            if (engine)
                QMetaObject::invokeMethod(engine.data(), [engine, pid, phase] {
                    if (engine)
                        emit engine->progress(pid, phase);
                }, Qt::QueuedConnection);
        });
        QObject::connect(session, &ProbeSession::done, host, [host, engine](quint64 pid, const ProbeResult& result) {
            if (ProbeSession* s = host->sessions.take(pid))
                s->deleteLater();
            if (!engine)
                return;
            QMetaObject::invokeMethod(engine.data(), [engine, pid, result] {
                if (!engine)
                    return;
                ProbeResult r = result;
                ProbeOptions opts;
                {
                    QMutexLocker lock(&engine->d->mutex);
                    engine->d->owner.remove(pid);
                    opts = engine->d->options.take(pid);
                }
                applyDiagnosis(r, opts);
                emit engine->finished(pid, r);
            }, Qt::QueuedConnection);
        });
        session->start();
    }, Qt::QueuedConnection);
    return id;
}

void ProbeEngine::cancel(quint64 id)
{
    d->onSession(id, [](ProbeSession& s) { s.cancel(); });
}

void ProbeEngine::endHold(quint64 id)
{
    d->onSession(id, [](ProbeSession& s) { s.endHold(); });
}

} // namespace socketscope
