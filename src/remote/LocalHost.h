// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A RemoteHost that acts on THIS machine through local processes: SocketScope running on the
// proxy box itself (and the runbook's first test target). Calls block: use from a worker thread.

#include "core/SecretBytes.h"
#include "remote/RemoteHost.h"
#include "remote/SudoHandshake.h"

class QProcess;

namespace socketscope {

class LocalHost : public RemoteHost {
public:
    // Calls with sudo = true, when not already root, go through sudo (SudoHandshake): with
    // Mode::Password, sudoPassword is written to sudo's stdin only when sudo prompts for it (never
    // in argv or the environment, never to the command); with Mode::NoPassword, `sudo -n`.
    explicit LocalHost(SecretBytes sudoPassword = {}, SudoHandshake::Mode mode = SudoHandshake::Mode::Password);
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
    // Runs sudo's side of the conversation until the command itself runs.
    Status sudoHandshake(QProcess& p, SudoHandshake& sudo, const CommandOptions& options, CommandResult& result);
    bool needsSudo(bool sudo) const { return sudo && !isPrivileged(); }
    SecretBytes m_sudoPassword;
    SudoHandshake::Mode m_sudoMode;
};

} // namespace socketscope
