// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/RunbookConnect.h"

#include "remote/LocalHost.h"

#include "ssh/SshRemoteHost.h"
#include "ssh/SshSession.h"

namespace socketscope {

void wipeBytes(QByteArray& secret)
{
    secret.fill('\0');
    secret.clear();
}

namespace RunbookConnect {

namespace {

// Wipes its copy of a secret when the last factory copy goes away.
struct SecretHolder {
    QByteArray value;
    ~SecretHolder() { wipeBytes(value); }
};

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

Result<HostFactory> localFactory(const QByteArray& sudoPassword)
{
    auto secret = std::make_shared<SecretHolder>();
    secret->value = sudoPassword;
    return HostFactory([secret]() -> Result<std::unique_ptr<RemoteHost>> {
        return std::unique_ptr<RemoteHost>(new LocalHost(secret->value));
    });
}

Result<HostFactory> sshFactory(const Profile& profile, const QByteArray& sudoPassword, SshPrompts prompts)
{
    if (!profile.ssh.isConfigured())
        return Result<HostFactory>::failure(QObject::tr("profile \"%1\" has no SSH access configured; add it, or act on "
                                                        "this machine with --local").arg(profile.name));
    return sshFactory(SshTarget::fromProfile(profile.ssh), sudoPassword, std::move(prompts));
}

HostFactory sshFactory(const SshTarget& target, const QByteArray& sudoPassword, SshPrompts prompts)
{
    auto secret = std::make_shared<SecretHolder>();
    secret->value = sudoPassword;
    return HostFactory([secret, target, prompts = std::move(prompts)]() -> Result<std::unique_ptr<RemoteHost>> {
        auto session = std::make_unique<SshSession>(target);
        session->setPrompts(prompts);
        SshCredentials credentials;
        if (!secret->value.isEmpty())
            credentials.sudoPassword = secret->value;
        session->setCredentials(credentials);
        if (const Status st = session->connect(); !st)
            return Result<std::unique_ptr<RemoteHost>>::failure(st.error());
        return std::unique_ptr<RemoteHost>(new OwningSshHost(std::move(session)));
    });
}

} // namespace RunbookConnect
} // namespace socketscope
