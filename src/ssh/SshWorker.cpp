// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/SshWorker.h"

#include "core/ThreadCrypto.h"

#include "ssh/SshRemoteHost.h"
#include "ssh/SshSession.h"

#include <QDeadlineTimer>
#include <QMetaMethod>
#include <QTimer>

namespace socketscope {

namespace {
constexpr int kKeepaliveMs = 30000;
const QString kCancelled = QStringLiteral("Cancelled.");
} // namespace

SshWorker::SshWorker(SshTarget target) : m_target(std::move(target)), m_session(std::make_unique<SshSession>(m_target))
{
    qRegisterMetaType<socketscope::CommandResult>();
    qRegisterMetaType<socketscope::FileInfo>();
    qRegisterMetaType<socketscope::HostKeyInfo>();
    qRegisterMetaType<socketscope::SecretRequest>();
    qRegisterMetaType<socketscope::HostKeyDecision>();
    qRegisterMetaType<socketscope::SshWorker::State>();
    SshPrompts prompts;
    prompts.hostKey = [this](const HostKeyInfo& info) { return askHostKey(info); };
    prompts.secret = [this](const SecretRequest& request) { return askSecret(request); };
    m_session->setPrompts(prompts);
    connect(&m_prompts, &SshPromptRelay::hostKeyDecisionNeeded, this, &SshWorker::hostKeyDecisionNeeded, Qt::DirectConnection);
    connect(&m_prompts, &SshPromptRelay::secretNeeded, this, &SshWorker::secretNeeded, Qt::DirectConnection);
    m_session->setCancelFlag(&m_currentCancel);
}

SshWorker::~SshWorker() = default;

void SshWorker::initOnThread()
{
    m_keepalive = new QTimer(this);
    m_keepalive->setInterval(kKeepaliveMs);
    connect(m_keepalive, &QTimer::timeout, this, &SshWorker::keepalive);
    m_keepalive->start();
}

void SshWorker::teardownOnThread()
{
    delete m_keepalive;
    m_keepalive = nullptr;
    m_session->disconnect();
}

void SshWorker::setCredentials(const SshCredentials& credentials)
{
    QMetaObject::invokeMethod(this, [this, credentials] { m_session->setCredentials(credentials); }, Qt::QueuedConnection);
}

quint64 SshWorker::enqueue(std::function<void(quint64)> body)
{
    const quint64 id = m_nextId++;
    QMetaObject::invokeMethod(this, [this, id, body = std::move(body)] { body(id); }, Qt::QueuedConnection);
    return id;
}

bool SshWorker::begin(quint64 id)
{
    bool cancelled = false;
    {
        QMutexLocker lock(&m_mutex);
        m_currentId = id;
        cancelled = m_cancelled.remove(id) || id < m_cancelBelow.load() || m_shuttingDown.load();
        m_currentCancel = cancelled;
    }
    if (cancelled)
        emit failed(id, kCancelled);
    return !cancelled;
}

void SshWorker::cancel(quint64 id)
{
    {
        QMutexLocker lock(&m_mutex);
        m_cancelled.insert(id);
        if (m_currentId.load() == id)
            m_currentCancel = true;
    }
    m_prompts.wake(); // a pending question sees the cancel now
}

void SshWorker::cancelAll()
{
    {
        QMutexLocker lock(&m_mutex);
        m_cancelBelow = m_nextId.load();
        m_currentCancel = true;
    }
    m_prompts.wake();
}

void SshWorker::answerHostKey(HostKeyDecision decision) { m_prompts.answerHostKey(decision); }
void SshWorker::answerSecret(const std::optional<SecretBytes>& secret) { m_prompts.answerSecret(secret); }

HostKeyDecision SshWorker::askHostKey(const HostKeyInfo& info)
{
    if (m_acceptNewHostKeys)
        return HostKeyDecision::AcceptAndRemember;
    if (!isSignalConnected(QMetaMethod::fromSignal(&SshWorker::hostKeyDecisionNeeded)))
        return HostKeyDecision::Reject;
    return m_prompts.askHostKey(info, [this] { return m_currentCancel.load(); });
}

std::optional<SecretBytes> SshWorker::askSecret(const SecretRequest& request)
{
    if (!isSignalConnected(QMetaMethod::fromSignal(&SshWorker::secretNeeded)))
        return std::nullopt;
    return m_prompts.askSecret(request, [this] { return m_currentCancel.load(); });
}

void SshWorker::setState(State state, const QString& message)
{
    m_state = state;
    emit stateChanged(state, message);
}

bool SshWorker::ensureConnected(quint64 id)
{
    if (m_session->isConnected())
        return true;
    setState(State::Connecting, QStringLiteral("Connecting to %1").arg(m_target.describe()));
    const Status s = m_session->connect();
    if (!s) {
        setState(State::Failed, s.error());
        emit failed(id, s.error());
        return false;
    }
    setState(State::Connected, QStringLiteral("Connected to %1").arg(m_target.describe()));
    return true;
}

void SshWorker::reportFailure(quint64 id, const QString& error)
{
    if (m_state == State::Connected && !m_session->isConnected()) {
        setState(State::Disconnected, error);
        emit connectionLost(error);
    }
    emit failed(id, error);
}

void SshWorker::keepalive()
{
    if (m_state != State::Connected)
        return;
    if (!m_session->sendKeepalive()) {
        const QString msg = QStringLiteral("The SSH connection to %1 was lost (keepalive failed).").arg(m_target.describe());
        m_session->disconnect();
        setState(State::Disconnected, msg);
        emit connectionLost(msg);
    }
}

quint64 SshWorker::connectToHost()
{
    return enqueue([this](quint64 id) {
        if (begin(id) && ensureConnected(id))
            emit connected(id);
    });
}

quint64 SshWorker::fetchHostKey()
{
    return enqueue([this](quint64 id) {
        if (!begin(id))
            return;
        const bool wasConnected = m_session->isConnected();
        if (wasConnected) {
            emit hostKeyFetched(id, m_session->hostKey());
            return;
        }
        Result<HostKeyInfo> r = m_session->fetchHostKey();
        m_session->disconnect(); // never leave an unauthenticated, unverified session open
        if (!r)
            emit failed(id, r.error());
        else
            emit hostKeyFetched(id, *r);
    });
}

quint64 SshWorker::run(const QString& command, const CommandOptions& options)
{
    return enqueue([this, command, options](quint64 id) {
        if (!begin(id) || !ensureConnected(id))
            return;
        CommandOptions o = options;
        o.cancel = &m_currentCancel;
        o.onOutput = [this, id](const QByteArray& chunk, bool isStderr) { emit output(id, chunk, isStderr); };
        Result<CommandResult> r = m_session->run(command, o);
        if (!r)
            reportFailure(id, r.error());
        else
            emit commandFinished(id, *r);
    });
}

quint64 SshWorker::readFile(const QString& path, bool sudo)
{
    return enqueue([this, path, sudo](quint64 id) {
        if (!begin(id) || !ensureConnected(id))
            return;
        TransferOptions o;
        o.cancel = &m_currentCancel;
        o.progress = [this, id](qint64 done, qint64 total) { emit progress(id, done, total); };
        Result<QByteArray> r = m_session->readFile(path, sudo, o);
        if (!r)
            reportFailure(id, r.error());
        else
            emit fileRead(id, *r);
    });
}

quint64 SshWorker::writeFileAtomic(const QString& path, const QByteArray& data, bool sudo)
{
    return enqueue([this, path, data, sudo](quint64 id) {
        if (!begin(id) || !ensureConnected(id))
            return;
        TransferOptions o;
        o.cancel = &m_currentCancel;
        o.progress = [this, id](qint64 done, qint64 total) { emit progress(id, done, total); };
        const Status s = m_session->writeFileAtomic(path, data, sudo, o);
        if (!s)
            reportFailure(id, s.error());
        else
            emit fileWritten(id);
    });
}

quint64 SshWorker::stat(const QString& path, bool sudo)
{
    return enqueue([this, path, sudo](quint64 id) {
        if (!begin(id) || !ensureConnected(id))
            return;
        Result<FileInfo> r = m_session->stat(path, sudo);
        if (!r)
            reportFailure(id, r.error());
        else
            emit statFinished(id, *r);
    });
}

quint64 SshWorker::follow(const QString& path, int lines, bool sudo, int coalesceMs)
{
    return enqueue([this, path, lines, sudo, coalesceMs](quint64 id) {
        if (!begin(id))
            return;
        if (!ensureConnected(id)) {
            emit followEnded(id, m_session->isConnected() ? QString() : QStringLiteral("Not connected to %1.").arg(m_target.describe()));
            return;
        }
        StreamOptions o;
        o.sudo = sudo;
        o.stop = &m_currentCancel;
        o.coalesceMs = coalesceMs;
        o.onChunk = [this, id](const QByteArray& chunk, bool isStderr) { emit followChunk(id, chunk, isStderr); };
        const Status s = m_session->follow(path, lines, o);
        if (!s && m_state == State::Connected && !m_session->isConnected()) {
            setState(State::Disconnected, s.error());
            emit connectionLost(s.error());
        }
        emit followEnded(id, s.ok() ? QString() : s.error());
    });
}

quint64 SshWorker::runJob(Job job)
{
    return enqueue([this, job = std::move(job)](quint64 id) {
        if (!begin(id) || !ensureConnected(id))
            return;
        SshRemoteHost host(*m_session);
        const QString error = job(host, m_currentCancel);
        emit jobFinished(id, error);
    });
}

void SshWorker::disconnectFromHost()
{
    QMetaObject::invokeMethod(this, [this] {
        m_session->disconnect();
        setState(State::Disconnected, QStringLiteral("Disconnected from %1").arg(m_target.describe()));
    }, Qt::QueuedConnection);
}

// ---------------------------------------------------------------- SshWorkerThread

SshWorkerThread::SshWorkerThread(SshTarget target) : m_worker(new SshWorker(std::move(target)))
{
    m_thread.setObjectName(QStringLiteral("ssh:%1").arg(m_worker->target().describe()));
    m_worker->moveToThread(&m_thread);
    SshWorker* w = m_worker;
    // `finished` is emitted on the worker thread after its event loop ended: the last place
    // where the worker's timer and session can be closed on their own thread.
    QObject::connect(&m_thread, &QThread::finished, w, [w] { w->teardownOnThread(); }, Qt::DirectConnection);
    releaseCryptoStateWhenFinished(&m_thread); // after the session is closed
    m_thread.start();
    QMetaObject::invokeMethod(w, [w] { w->initOnThread(); }, Qt::QueuedConnection);
}

SshWorkerThread::~SshWorkerThread()
{
    // Not through the event loop: queued events are not delivered any more while the
    // application object is being destroyed. The running request sees the cancel flag within
    // 50 ms; requests still queued are dropped.
    m_worker->m_shuttingDown = true;
    m_worker->cancelAll();
    m_thread.quit();
    m_thread.wait();
    delete m_worker; // its thread has finished: nothing else can touch it
}

} // namespace socketscope
