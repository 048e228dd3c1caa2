// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// SshWorker: one SSH session on its own thread. Every public call is thread-safe, returns a
// request id at once and is queued onto the worker's thread; results, progress and errors come
// back as signals (emitted on the worker thread: connect with a receiver context so they are
// queued to yours). Requests run one after the other; each can be cancelled.
// Own a worker through SshWorkerThread, which creates the thread and joins it.

#include "remote/RemoteHost.h"
#include "ssh/SshPromptRelay.h"
#include "ssh/SshTypes.h"

#include <QByteArray>
#include <QMutex>
#include <QObject>
#include <QSet>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>

class QTimer;

namespace socketscope {

class SshSession;

class SshWorker : public QObject {
    Q_OBJECT
public:
    enum class State { Disconnected, Connecting, Connected, Failed };
    Q_ENUM(State)

    // A job run on the worker thread with the connected session's RemoteHost (runbooks).
    // Returns an empty string on success, else the error.
    using Job = std::function<QString(RemoteHost& host, const std::atomic_bool& cancel)>;

    ~SshWorker() override;

    const SshTarget& target() const { return m_target; }
    // Secrets known in advance (keychain, --password-stdin); missing ones are asked via secretNeeded.
    void setCredentials(const SshCredentials& credentials);
    // CLI --accept-new-host-key: unknown keys are accepted and remembered without asking.
    // Changed keys are refused regardless.
    void setAcceptNewHostKeys(bool accept) { m_acceptNewHostKeys = accept; }

    // Connects (host key, then auth). Every other request connects on demand too.
    quint64 connectToHost();
    // Connects without authenticating: hostKeyFetched(id, info) with the known_hosts status.
    quint64 fetchHostKey();
    // Runs a command: output(id, ...) while it runs, then commandFinished(id, result).
    // options.cancel and options.onOutput are replaced by the worker's own.
    quint64 run(const QString& command, const CommandOptions& options = {});
    // fileRead(id, data) / fileWritten(id) / statFinished(id, info); progress(id, done, total).
    quint64 readFile(const QString& path, bool sudo = false);
    quint64 writeFileAtomic(const QString& path, const QByteArray& data, bool sudo = false);
    quint64 stat(const QString& path, bool sudo = false);
    // `tail -n lines -F path`: followChunk(id, bytes, isStderr) as lines arrive (coalesced, at
    // most one chunk per coalesceMs), followEnded(id, error) when stopped (error empty) or lost.
    // It occupies the worker until stopped: use a dedicated worker for a live follow.
    quint64 follow(const QString& path, int lines, bool sudo = false, int coalesceMs = 20);
    // Runs a job with the session's RemoteHost; jobFinished(id, error).
    quint64 runJob(Job job);
    // Closes the session (queued behind running requests).
    void disconnectFromHost();

    // Thread-safe, immediate: cancels a queued or running request (a follow stops with SIGTERM).
    void cancel(quint64 id);
    void cancelAll();
    // Answers the pending hostKeyDecisionNeeded / secretNeeded (from any thread).
    void answerHostKey(socketscope::HostKeyDecision decision);
    void answerSecret(const std::optional<socketscope::SecretBytes>& secret);

signals:
    void stateChanged(socketscope::SshWorker::State state, const QString& message);
    // The worker waits for answerHostKey(). Without a receiver, unknown keys are refused.
    void hostKeyDecisionNeeded(const socketscope::HostKeyInfo& info);
    // The worker waits for answerSecret(). Without a receiver, the step fails.
    void secretNeeded(const socketscope::SecretRequest& request);
    void connected(quint64 id);
    void hostKeyFetched(quint64 id, const socketscope::HostKeyInfo& info);
    void progress(quint64 id, qint64 done, qint64 total);
    void output(quint64 id, const QByteArray& chunk, bool isStderr);
    void commandFinished(quint64 id, const socketscope::CommandResult& result);
    void fileRead(quint64 id, const QByteArray& data);
    void fileWritten(quint64 id);
    void statFinished(quint64 id, const socketscope::FileInfo& info);
    void followChunk(quint64 id, const QByteArray& chunk, bool isStderr);
    void followEnded(quint64 id, const QString& error);
    void jobFinished(quint64 id, const QString& error);
    // Any request that failed, including "Cancelled.".
    void failed(quint64 id, const QString& error);
    // The connection dropped while idle (keepalive) or during a request.
    void connectionLost(const QString& message);

private:
    friend class SshWorkerThread;
    explicit SshWorker(SshTarget target);
    // Runs on the worker thread.
    void initOnThread();
    void teardownOnThread();
    quint64 enqueue(std::function<void(quint64 id)> body);
    bool begin(quint64 id);
    bool ensureConnected(quint64 id);
    void setState(State state, const QString& message);
    HostKeyDecision askHostKey(const HostKeyInfo& info);
    std::optional<SecretBytes> askSecret(const SecretRequest& request);
    void keepalive();
    void reportFailure(quint64 id, const QString& error);

    SshTarget m_target;
    std::unique_ptr<SshSession> m_session;
    QTimer* m_keepalive = nullptr;
    State m_state = State::Disconnected;
    std::atomic<quint64> m_nextId{1};
    std::atomic<quint64> m_cancelBelow{0};   // every id below is cancelled (cancelAll)
    std::atomic<quint64> m_currentId{0};
    std::atomic_bool m_currentCancel{false};
    std::atomic_bool m_acceptNewHostKeys{false};
    std::atomic_bool m_shuttingDown{false};
    QMutex m_mutex;                          // guards m_cancelled
    QSet<quint64> m_cancelled;
    SshPromptRelay m_prompts;                // the session's questions, re-emitted as our signals
};

// Owns a QThread with one SshWorker living on it. Destroying it cancels all requests,
// disconnects and joins the thread (bounded: requests poll their cancel flag every 50 ms).
class SshWorkerThread {
public:
    explicit SshWorkerThread(SshTarget target);
    ~SshWorkerThread();
    SshWorkerThread(const SshWorkerThread&) = delete;
    SshWorkerThread& operator=(const SshWorkerThread&) = delete;
    SshWorker* worker() const { return m_worker; }

private:
    QThread m_thread;
    SshWorker* m_worker = nullptr;
};

} // namespace socketscope

Q_DECLARE_METATYPE(socketscope::CommandResult)
Q_DECLARE_METATYPE(socketscope::FileInfo)
