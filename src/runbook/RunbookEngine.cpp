// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/RunbookEngine.h"

#include "core/ThreadCrypto.h"
#include "runbook/RunbookWorker.h"

#include <QUrl>

namespace socketscope {

RunbookEngine::RunbookEngine(Runbook runbook, Profile profile, QObject* parent)
    : QObject(parent), m_runbook(std::move(runbook)), m_profile(std::move(profile))
{
    qRegisterMetaType<socketscope::StepState>("socketscope::StepState");
}

RunbookEngine::~RunbookEngine()
{
    if (m_worker) {
        m_worker->requestCancel();
        QMetaObject::invokeMethod(m_worker, &RunbookWorker::shutdown, Qt::BlockingQueuedConnection);
        m_thread->quit();
        m_thread->wait();
        delete m_worker;
        delete m_thread;
    }
    m_options.sudoPassword.clear();
}

void RunbookEngine::setHostFactory(HostFactory factory) { m_hostFactory = std::move(factory); }
void RunbookEngine::setConfigFixer(std::unique_ptr<ConfigFixer> fixer) { m_fixer = std::move(fixer); }
void RunbookEngine::setProber(std::unique_ptr<RunbookProber> prober) { m_prober = std::move(prober); }
void RunbookEngine::setOptions(const EngineOptions& options) { m_options = options; }

Status RunbookEngine::begin() { return startWorker(std::nullopt); }
Status RunbookEngine::resumeRun(const QString& runId) { return startWorker(runId); }

Status RunbookEngine::startWorker(const std::optional<QString>& resumeId)
{
    if (m_worker)
        return Status::failure(tr("this engine already has a run"));
    if (!m_hostFactory)
        return Status::failure(tr("no way to reach the server was configured"));
    if (!m_prober)
        m_prober = makeDefaultRunbookProber();
    if (!m_fixer) {
        QStringList paths;
        for (const QString& url : {m_profile.publicUrl, m_profile.directUrl})
            if (const QString path = QUrl(url).path(); !path.isEmpty() && !paths.contains(path))
                paths << path;
        m_fixer = makeDefaultConfigFixer(paths);
    }
    auto* worker = new RunbookWorker(m_runbook, m_profile, m_options, m_hostFactory, std::move(m_fixer), std::move(m_prober));
    m_options.sudoPassword.clear(); // the worker's redactor and the host factory hold their own
    const Status st = worker->prepare(resumeId);
    if (!st) {
        delete worker;
        return st;
    }
    m_worker = worker;
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("runbook-worker"));
    m_worker->moveToThread(m_thread);
    releaseCryptoStateWhenFinished(m_thread); // SSH and TLS verification run on this thread
    connect(m_worker, &RunbookWorker::stepStateChanged, this, &RunbookEngine::stepStateChanged);
    connect(m_worker, &RunbookWorker::output, this, &RunbookEngine::output);
    connect(m_worker, &RunbookWorker::confirmationRequested, this, &RunbookEngine::confirmationRequested);
    connect(m_worker, &RunbookWorker::backupCreated, this, &RunbookEngine::backupCreated);
    connect(m_worker, &RunbookWorker::busyChanged, this, &RunbookEngine::busyChanged);
    connect(m_worker, &RunbookWorker::finished, this, &RunbookEngine::finished);
    m_thread->start();
    return Status::success();
}

RunState RunbookEngine::state() const { return m_worker ? m_worker->snapshot() : RunState{}; }
bool RunbookEngine::isBusy() const { return m_worker && m_worker->isBusy(); }

void RunbookEngine::runAll()
{
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &RunbookWorker::doRunAll, Qt::QueuedConnection);
}

void RunbookEngine::runStep(int index)
{
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, [w = m_worker, index] { w->doRunStep(index); }, Qt::QueuedConnection);
}

void RunbookEngine::rollback()
{
    if (m_worker)
        QMetaObject::invokeMethod(m_worker, &RunbookWorker::doRollback, Qt::QueuedConnection);
}

void RunbookEngine::cancel()
{
    if (m_worker)
        m_worker->requestCancel();
}

void RunbookEngine::answerConfirmation(bool approved)
{
    if (m_worker)
        m_worker->answer(approved);
}

} // namespace socketscope
