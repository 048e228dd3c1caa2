// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/RemoteLogSource.h"

#include "ssh/SshWorker.h"

namespace socketscope::logs {

namespace {
// "From the first line": tail -n with more lines than any log has.
constexpr int kAllLines = 2000000000;
} // namespace

RemoteLogSource::RemoteLogSource(const SshTarget& target, QString path, Mode mode, int tailLines, bool sudo, QObject* parent)
    : ChunkLogSource(QStringLiteral("%1:%2").arg(target.describe(), path), // the viewer shows the follow state
                     mode == Mode::Follow, parent),
      m_thread(std::make_unique<SshWorkerThread>(target)), m_target(target), m_path(std::move(path)), m_mode(mode),
      m_tailLines(tailLines), m_sudo(sudo)
{
    SshWorker* w = m_thread->worker();
    connect(w, &SshWorker::statFinished, this, [this](quint64 id, const FileInfo& info) {
        if (id != m_statId || m_stopping)
            return;
        if (!info.exists) {
            failContent(tr("%1 does not exist on %2").arg(m_path, m_target.describe()));
            return;
        }
        m_expected = info.size;
        if (m_expected == 0) {
            emit grew();
            finishContent();
            return;
        }
        beginStream(kAllLines);
    });
    connect(w, &SshWorker::followChunk, this, [this](quint64 id, const QByteArray& chunk, bool isStderr) {
        if (id != m_followId || m_stopping)
            return;
        if (isStderr) {
            emit notice(QString::fromUtf8(chunk).trimmed());
            return;
        }
        appendChunk(chunk);
        if (m_mode == Mode::WholeFile && bytesReceived() >= m_expected) {
            m_stopping = true;
            m_thread->worker()->cancel(m_followId);
            finishContent();
        }
    });
    connect(w, &SshWorker::followEnded, this, [this](quint64 id, const QString& error) {
        if (id != m_followId || m_stopping)
            return;
        if (!error.isEmpty())
            failContent(tr("Reading %1 on %2 stopped: %3").arg(m_path, m_target.describe(), error));
        else
            finishContent();
    });
    connect(w, &SshWorker::failed, this, [this](quint64 id, const QString& error) {
        if (m_stopping || (id != m_followId && id != m_statId))
            return;
        failContent(tr("Cannot read %1 on %2: %3").arg(m_path, m_target.describe(), error));
    });
}

RemoteLogSource::~RemoteLogSource()
{
    m_stopping = true;
    m_thread.reset(); // cancels the follow (SIGTERM to tail) and joins the worker
}

SshWorker* RemoteLogSource::worker() const
{
    return m_thread->worker();
}

void RemoteLogSource::start()
{
    ChunkLogSource::start();
    if (m_mode == Mode::Follow)
        beginStream(m_tailLines);
    else
        m_statId = m_thread->worker()->stat(m_path, m_sudo);
}

void RemoteLogSource::beginStream(int lines)
{
    m_followId = m_thread->worker()->follow(m_path, lines, m_sudo, 20);
}

void RemoteLogSource::stop()
{
    m_stopping = true;
    if (m_followId)
        m_thread->worker()->cancel(m_followId);
    ChunkLogSource::stop();
}

} // namespace socketscope::logs
