// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The seam between features that act on a server (runbook, log finding, config fetch) and the
// transport that reaches it (SSH in production). Calls block: use them from a worker thread only.

#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <functional>

namespace socketscope {

struct CommandResult {
    int exitStatus = -1;       // -1: no exit status (killed by a signal, connection lost)
    QByteArray stdOut;
    QByteArray stdErr;
    bool timedOut = false;
};

struct CommandOptions {
    QByteArray stdinData;      // written to the command's stdin, then EOF
    int timeoutMs = 60000;
    bool sudo = false;         // run via `sudo -k -S -p ''`; the password goes on stdin, never argv
    const std::atomic_bool* cancel = nullptr;
    std::function<void(const QByteArray& chunk, bool isStderr)> onOutput; // streamed output, optional
};

struct FileInfo {
    bool exists = false;
    bool isSymlink = false;
    QString symlinkTarget;     // resolved absolute path when isSymlink
    qint64 size = 0;
    quint32 mode = 0;          // permission bits
    QString owner, group;
};

class RemoteHost {
public:
    virtual ~RemoteHost() = default;
    // A human-readable name for logs and the audit trail, e.g. "ops@neo4jprod:22".
    virtual QString describe() const = 0;
    // Runs a shell command. A transport failure is an error; a non-zero exit status is not.
    virtual Result<CommandResult> run(const QString& command, const CommandOptions& options = {}) = 0;
    // Reads a whole file (via sudo when asked).
    virtual Result<QByteArray> readFile(const QString& path, bool sudo = false) = 0;
    // Replaces a file atomically: temp file next to it, then a move keeping owner and mode.
    virtual Status writeFileAtomic(const QString& path, const QByteArray& data, bool sudo = false) = 0;
    virtual Result<FileInfo> stat(const QString& path, bool sudo = false) = 0;
};

} // namespace socketscope
