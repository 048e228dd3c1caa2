// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// RemoteHost over an SSH session (blocking: call from the session's worker thread only).
// Connects on demand; sudo uses the session's credentials/prompts (password on stdin).

#include "remote/RemoteHost.h"

namespace socketscope {

class SshSession;

class SshRemoteHost : public RemoteHost {
public:
    // Does not own the session; it must outlive this object.
    explicit SshRemoteHost(SshSession& session) : m_session(session) {}
    QString describe() const override;
    Result<CommandResult> run(const QString& command, const CommandOptions& options = {}) override;
    Result<QByteArray> readFile(const QString& path, bool sudo = false) override;
    Status writeFileAtomic(const QString& path, const QByteArray& data, bool sudo = false) override;
    Result<FileInfo> stat(const QString& path, bool sudo = false) override;

private:
    SshSession& m_session;
};

} // namespace socketscope
