// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logs/LogSource.h"
#include "ssh/SshTypes.h"

#include <memory>

namespace socketscope {
class SshWorker;
class SshWorkerThread;
}

namespace socketscope::logs {

// A log file on a server, read over SSH with strict host-key checking (src/ssh/). Bytes stream
// into the ChunkLogSource cache file as they arrive, so even a big remote log never sits in memory:
//  - Follow: `tail -n N -F PATH` on an exec channel; new lines appear as they are written.
//  - WholeFile: the file's size is taken first, then its content streamed (tail from line 1)
//    until that many bytes arrived; then the source is finished.
// The source owns a dedicated SSH worker (a follow occupies it). Before start(), the owner
// connects worker() prompts (host key, secrets) or sets credentials; without a receiver an
// unknown host key is refused.
class RemoteLogSource : public ChunkLogSource {
    Q_OBJECT
public:
    enum class Mode { WholeFile, Follow };
    RemoteLogSource(const SshTarget& target, QString path, Mode mode, int tailLines = 1000, bool sudo = false,
                    QObject* parent = nullptr);
    ~RemoteLogSource() override;

    SshWorker* worker() const;
    QString remotePath() const { return m_path; }
    void start() override;
    void stop() override;

signals:
    // tail's own messages (file truncated, replaced, inaccessible) for an inline notice.
    void notice(const QString& message);

private:
    void beginStream(int lines);
    std::unique_ptr<SshWorkerThread> m_thread;
    SshTarget m_target;
    QString m_path;
    Mode m_mode;
    int m_tailLines;
    bool m_sudo;
    quint64 m_statId = 0;
    quint64 m_followId = 0;
    qint64 m_expected = -1;
    bool m_stopping = false;
};

} // namespace socketscope::logs
