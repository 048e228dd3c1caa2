// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LogSource.h"

#include "logs/FileIdentity.h"

#include <QDir>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTemporaryFile>
#include <QTimer>

namespace socketscope::logs {

void LogSource::setState(State s)
{
    if (s == m_state)
        return;
    m_state = s;
    emit stateChanged(s);
}

LocalFileSource::LocalFileSource(QString path, bool follow, QObject* parent)
    : LogSource(parent), m_path(std::move(path)), m_follow(follow)
{
}

LocalFileSource::~LocalFileSource() = default;

QString LocalFileSource::describe() const
{
    // No follow state here: the viewer shows it (following / paused / loaded) next to this.
    return tr("local file %1").arg(QDir::toNativeSeparators(m_path));
}

void LocalFileSource::setFollowing(bool follow)
{
    if (follow == m_follow)
        return;
    m_follow = follow;
    if (state() == State::Idle || state() == State::Failed)
        return;
    if (!follow) {
        stop();
        return;
    }
    startWatching();
    check();
    emit grew(); // catch up with what was written while not following
}

void LocalFileSource::startWatching()
{
    if (!m_watcher) {
        m_watcher = new QFileSystemWatcher(this);
        connect(m_watcher, &QFileSystemWatcher::fileChanged, this, &LocalFileSource::check);
        m_watcher->addPath(m_path);
        m_poll = new QTimer(this);
        m_poll->setInterval(100);
        connect(m_poll, &QTimer::timeout, this, &LocalFileSource::check);
        m_poll->start();
    }
    setState(State::Following);
}

void LocalFileSource::start()
{
    if (!QFileInfo::exists(m_path)) {
        setState(State::Failed);
        emit failed(tr("%1 does not exist").arg(QDir::toNativeSeparators(m_path)));
        return;
    }
    if (m_follow)
        startWatching();
    else
        setState(State::Finished);
    check();
    emit grew(); // the initial content
}

void LocalFileSource::stop()
{
    delete m_watcher;
    m_watcher = nullptr;
    delete m_poll;
    m_poll = nullptr;
    if (state() == State::Following)
        setState(State::Finished);
}

void LocalFileSource::check()
{
    const QFileInfo info(m_path);
    const qint64 size = info.exists() ? info.size() : -1;
    const qint64 modified = info.exists() ? info.lastModified().toMSecsSinceEpoch() : -1;
    const QByteArray identity = fileIdentity(m_path);
    // After a rotation the watcher lost the old file: watch the new one.
    if (m_watcher && info.exists() && !m_watcher->files().contains(m_path))
        m_watcher->addPath(m_path);
    if (size == m_lastSize && modified == m_lastModified && identity == m_lastIdentity)
        return;
    const bool first = m_lastSize < 0 && m_lastModified < 0;
    m_lastSize = size;
    m_lastModified = modified;
    m_lastIdentity = identity;
    if (!first && size >= 0)
        emit grew();
}

ChunkLogSource::ChunkLogSource(QString description, bool follows, QObject* parent)
    : LogSource(parent), m_description(std::move(description)), m_follows(follows),
      m_cache(std::make_unique<QTemporaryFile>(QDir::tempPath() + QStringLiteral("/socketscope-log-XXXXXX.log"))),
      m_limit(follows ? kDefaultFollowCacheLimit : 0)
{
    m_cache->open();
}

ChunkLogSource::~ChunkLogSource() = default;

QString ChunkLogSource::localPath() const
{
    return m_cache->fileName();
}

void ChunkLogSource::start()
{
    setState(m_follows ? State::Following : State::Loading);
}

void ChunkLogSource::stop()
{
    if (state() == State::Following || state() == State::Loading)
        setState(State::Finished);
}

bool ChunkLogSource::appendChunk(const QByteArray& bytes)
{
    if (bytes.isEmpty())
        return true;
    if (m_cache->write(bytes) != bytes.size() || !m_cache->flush()) {
        failContent(tr("Cannot store received log data in %1: %2").arg(m_cache->fileName(), m_cache->errorString()));
        return false;
    }
    m_received += bytes.size();
    if (m_limit > 0 && m_received > m_limit) {
        if (!trimToHalfLimit())
            return false;
        emit trimmed(m_dropped);
        emit replaced();
    }
    emit grew();
    return true;
}

bool ChunkLogSource::trimToHalfLimit()
{
    // Keep the newest half of the limit, starting at a line: the first '\n' at or after the cut
    // (a single line longer than that is kept whole from the cut on).
    constexpr qint64 kBlock = 1 << 20;
    const qint64 size = m_received;
    qint64 from = size - m_limit / 2;
    QByteArray block;
    for (qint64 at = from; at < size; at += kBlock) {
        if (!m_cache->seek(at))
            break;
        block = m_cache->read(qMin(kBlock, size - at));
        if (const qsizetype nl = block.indexOf('\n'); nl >= 0) {
            from = at + nl + 1;
            break;
        }
    }
    // Move [from, size) to the front, block by block (the destination is always behind the
    // source, so a forward copy never overwrites bytes still to be read).
    qint64 to = 0;
    for (qint64 at = from; at < size; at += kBlock) {
        if (!m_cache->seek(at)) {
            failContent(tr("Cannot trim the log cache %1: %2").arg(m_cache->fileName(), m_cache->errorString()));
            return false;
        }
        block = m_cache->read(qMin(kBlock, size - at));
        if (!m_cache->seek(to) || m_cache->write(block) != block.size()) {
            failContent(tr("Cannot trim the log cache %1: %2").arg(m_cache->fileName(), m_cache->errorString()));
            return false;
        }
        to += block.size();
    }
    if (!m_cache->resize(to) || !m_cache->seek(to) || !m_cache->flush()) {
        failContent(tr("Cannot trim the log cache %1: %2").arg(m_cache->fileName(), m_cache->errorString()));
        return false;
    }
    m_dropped += size - to;
    m_received = to;
    return true;
}

void ChunkLogSource::restartContent()
{
    m_cache->resize(0);
    m_cache->seek(0);
    m_received = 0;
    emit replaced();
    emit grew();
}

void ChunkLogSource::finishContent()
{
    setState(State::Finished);
}

void ChunkLogSource::failContent(const QString& message)
{
    setState(State::Failed);
    emit failed(message);
}

} // namespace socketscope::logs
