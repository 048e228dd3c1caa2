// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/SshRemoteHost.h"

#include "ssh/SshSession.h"

namespace socketscope {

QString SshRemoteHost::describe() const { return m_session.target().describe(); }

Result<CommandResult> SshRemoteHost::run(const QString& command, const CommandOptions& options)
{
    return m_session.run(command, options);
}

Result<QByteArray> SshRemoteHost::readFile(const QString& path, bool sudo) { return m_session.readFile(path, sudo); }

Status SshRemoteHost::writeFileAtomic(const QString& path, const QByteArray& data, bool sudo)
{
    return m_session.writeFileAtomic(path, data, sudo);
}

Result<FileInfo> SshRemoteHost::stat(const QString& path, bool sudo) { return m_session.stat(path, sudo); }

} // namespace socketscope
