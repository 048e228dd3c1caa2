// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QFile>
#include <QObject>
#include <QString>

#include <memory>

class QFileSystemWatcher;
class QTemporaryFile;
class QTimer;

namespace socketscope::logs {

// Where log bytes come from. Every source keeps its bytes in a local file — the user's own file,
// or a cache file that received chunks are appended to — so one LogFile index serves them all,
// and a 1 GB remote log never sits in memory. Sources live in the UI (or CLI) thread; their
// blocking parts (SSH) run on workers of their own.
class LogSource : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Loading, Following, Finished, Failed };
    Q_ENUM(State)

    using QObject::QObject;
    // The local file holding the bytes (valid from construction on).
    virtual QString localPath() const = 0;
    // For people: "local file /var/log/nginx/error.log", "ops@host:/data/neo4j/logs/neo4j.log" (no follow state: the viewer shows it).
    virtual QString describe() const = 0;
    // Begins delivering bytes (asynchronous; grew() follows).
    virtual void start() = 0;
    // Stops watching or streaming; the bytes delivered so far stay readable.
    virtual void stop() = 0;
    // Whether this source can keep delivering new lines.
    virtual bool canFollow() const = 0;
    State state() const { return m_state; }

signals:
    // More bytes (or different ones: LogFile notices truncation itself) are in localPath().
    void grew();
    // The bytes in localPath() were replaced, not just appended to (a restart, or older lines
    // dropped to keep a bounded cache): whatever was indexed is stale. grew() follows.
    void replaced();
    // Something went wrong that a person should read (connection lost, file unreadable).
    void failed(const QString& message);
    void stateChanged(socketscope::logs::LogSource::State state);

protected:
    void setState(State s);

private:
    State m_state = State::Idle;
};

// A file on this machine. With follow on, growth is noticed through QFileSystemWatcher and a
// 100 ms size/identity poll (the fallback where change notification is missing, e.g. network
// file systems, and after a rotation replaced the watched file).
class LocalFileSource : public LogSource {
    Q_OBJECT
public:
    explicit LocalFileSource(QString path, bool follow, QObject* parent = nullptr);
    ~LocalFileSource() override;
    QString localPath() const override { return m_path; }
    QString describe() const override;
    void start() override;
    void stop() override;
    bool canFollow() const override { return true; }
    bool following() const { return m_follow; }
    // Starts or stops watching for growth (the lines already read stay).
    void setFollowing(bool follow);

private:
    void check();
    void startWatching();
    QString m_path;
    bool m_follow;
    QFileSystemWatcher* m_watcher = nullptr;
    QTimer* m_poll = nullptr;
    qint64 m_lastSize = -1;
    qint64 m_lastModified = -1;
    QByteArray m_lastIdentity;
};

// A source fed with byte chunks (remote `cat`, `tail -F`, a stream). Chunks are appended to a
// private cache file; restartContent() empties it (the remote file was replaced). Remote sources
// derive from it and call appendChunk() from their transport's signals.
// A following source's cache is bounded (cacheLimit(), default kDefaultFollowCacheLimit): when
// it passes the limit, the oldest lines are dropped so that about half of it remains, and
// replaced() tells the index to start over; droppedBytes() counts what was let go.
class ChunkLogSource : public LogSource {
    Q_OBJECT
public:
    explicit ChunkLogSource(QString description, bool follows, QObject* parent = nullptr);
    ~ChunkLogSource() override;
    QString localPath() const override;
    QString describe() const override { return m_description; }
    void start() override;
    void stop() override;
    bool canFollow() const override { return m_follows; }

    // Appends bytes as they arrive; emits grew(). Returns false (and emits failed) when the
    // cache cannot be written (disk full).
    bool appendChunk(const QByteArray& bytes);
    // Drops everything received so far (the remote file was replaced).
    void restartContent();
    // The transport delivered everything (whole-file sources) or ended.
    void finishContent();
    // The transport failed.
    void failContent(const QString& message);
    // Bytes now in the cache (what was received minus what was dropped).
    qint64 bytesReceived() const { return m_received; }
    // Bytes dropped from the front of the cache to keep it under the limit.
    qint64 droppedBytes() const { return m_dropped; }
    static constexpr qint64 kDefaultFollowCacheLimit = qint64(1) << 30; // 1 GiB
    qint64 cacheLimit() const { return m_limit; }
    // 0: unbounded (whole-file sources: the file's own size bounds them).
    void setCacheLimit(qint64 bytes) { m_limit = bytes; }

signals:
    // Older lines were dropped to keep the cache under the limit (total dropped so far).
    void trimmed(qint64 droppedBytes);

private:
    bool trimToHalfLimit();
    QString m_description;
    bool m_follows;
    std::unique_ptr<QTemporaryFile> m_cache;
    qint64 m_received = 0;
    qint64 m_dropped = 0;
    qint64 m_limit = 0;
};

} // namespace socketscope::logs
