// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/RunbookConnect.h"

#include "remote/LocalHost.h"

#include "ssh/SshRemoteHost.h"
#include "ssh/SshSession.h"

namespace socketscope {

namespace RunbookConnect {

namespace {

// Owns the session the RemoteHost works on.
class OwningSshHost : public RemoteHost {
public:
    explicit OwningSshHost(std::unique_ptr<SshSession> session) : m_session(std::move(session)), m_host(*m_session) {}
    QString describe() const override { return m_host.describe(); }
    Result<CommandResult> run(const QString& c, const CommandOptions& o) override { return m_host.run(c, o); }
    Result<QByteArray> readFile(const QString& p, bool sudo) override { return m_host.readFile(p, sudo); }
    Status writeFileAtomic(const QString& p, const QByteArray& d, bool sudo) override { return m_host.writeFileAtomic(p, d, sudo); }
    Result<FileInfo> stat(const QString& p, bool sudo) override { return m_host.stat(p, sudo); }

private:
    std::unique_ptr<SshSession> m_session;
    SshRemoteHost m_host;
};

} // namespace

Result<HostFactory> localFactory(const Profile& profile, const SecretBytes& sudoPassword)
{
    // The factory's own copy, wiped when the last copy of the factory goes away.
    auto secret = std::make_shared<const SecretBytes>(sudoPassword);
    const SudoHandshake::Mode mode = profile.ssh.sudoWithoutPassword || sudoPassword.isEmpty() ? SudoHandshake::Mode::NoPassword
                                                                                              : SudoHandshake::Mode::Password;
    return HostFactory([secret, mode]() -> Result<std::unique_ptr<RemoteHost>> {
        return std::unique_ptr<RemoteHost>(new LocalHost(*secret, mode));
    });
}

Result<HostFactory> sshFactory(const Profile& profile, const SecretBytes& sudoPassword, SshPrompts prompts)
{
    if (!profile.ssh.isConfigured())
        return Result<HostFactory>::failure(QObject::tr("profile \"%1\" has no SSH access configured; add it, or act on "
                                                        "this machine with --local").arg(profile.name));
    return sshFactory(SshTarget::fromProfile(profile.ssh), sudoPassword, std::move(prompts));
}

HostFactory sshFactory(const SshTarget& target, const SecretBytes& sudoPassword, SshPrompts prompts)
{
    auto secret = std::make_shared<const SecretBytes>(sudoPassword);
    return HostFactory([secret, target, prompts = std::move(prompts)]() -> Result<std::unique_ptr<RemoteHost>> {
        auto session = std::make_unique<SshSession>(target);
        session->setPrompts(prompts);
        SshCredentials credentials;
        if (!secret->isEmpty())
            credentials.sudoPassword = *secret; // a deep copy, wiped with the credentials
        session->setCredentials(credentials);
        if (const Status st = session->connect(); !st)
            return Result<std::unique_ptr<RemoteHost>>::failure(st.error());
        return std::unique_ptr<RemoteHost>(new OwningSshHost(std::move(session)));
    });
}

} // namespace RunbookConnect
} // namespace socketscope
