// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A RemoteHost that acts on THIS machine through local processes: SocketScope running on the
// proxy box itself (and the runbook's first test target). Calls block: use from a worker thread.

#include "remote/RemoteHost.h"

namespace socketscope {

class LocalHost : public RemoteHost {
public:
    // sudoPassword: used for calls with sudo = true when not already root; sent on sudo's stdin
    // only, never in argv or the environment. Empty: `sudo -n` (fails instead of prompting).
    explicit LocalHost(QByteArray sudoPassword = {});
    ~LocalHost() override;

    QString describe() const override;
    Result<CommandResult> run(const QString& command, const CommandOptions& options = {}) override;
    Result<QByteArray> readFile(const QString& path, bool sudo = false) override;
    Status writeFileAtomic(const QString& path, const QByteArray& data, bool sudo = false) override;
    Result<FileInfo> stat(const QString& path, bool sudo = false) override;

    // True when this process may act without sudo (it is root / an elevated process).
    static bool isPrivileged();
    // Quotes one word for a POSIX shell ('…', embedded quotes escaped); plain words stay as they are.
    static QString shellWord(const QString& word);

private:
    bool needsSudo(bool sudo) const { return sudo && !isPrivileged(); }
    QByteArray m_sudoPassword;
};

} // namespace socketscope
