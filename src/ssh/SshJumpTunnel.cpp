// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/SshJumpTunnel.h"

#include "core/ThreadCrypto.h"
#include "ssh/SshSession.h"

#include <libssh/libssh.h>

#ifndef _WIN32
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace socketscope {

Status SshJumpTunnel::open(SshSession& session, std::unique_ptr<SshSession>& jumpSession, std::unique_ptr<SshJumpTunnel>& tunnel)
{
#ifdef _WIN32
    Q_UNUSED(session);
    Q_UNUSED(jumpSession);
    Q_UNUSED(tunnel);
    return Status::failure(QStringLiteral("Jump hosts are not supported on Windows yet."));
#else
    const SshTarget& target = session.target();
    // A chain "a,b" (OpenSSH ProxyJump): b is reached through a, the target through b.
    QStringList hops = target.jumpHost.split(QLatin1Char(','), Qt::SkipEmptyParts);
    const QString last = hops.isEmpty() ? QString() : hops.takeLast().trimmed();
    std::optional<SshTarget> jump = SshTarget::parseJump(last, target.user);
    if (!jump)
        return Status::failure(QStringLiteral("The jump host \"%1\" is not of the form user@host:port.").arg(last));
    jump->jumpHost = hops.join(QLatin1Char(','));
    jump->keyFile = target.keyFile;
    jump->agentSocket = target.agentSocket;
    jump->appKnownHostsFile = target.appKnownHostsFile;
    jump->userKnownHostsFile = target.userKnownHostsFile;
    jump->connectTimeoutMs = target.connectTimeoutMs;
    jump->auth = target.auth == SshTarget::Auth::Agent || target.auth == SshTarget::Auth::KeyFile ? target.auth : SshTarget::Auth::Auto;
    jumpSession = std::make_unique<SshSession>(*jump);
    // The jump host authenticates with its own credentials only: it gets none of the target's
    // secrets (password, key passphrase, sudo password). What it needs is asked through the
    // prompts, marked as a jump host's request so that no one answers it with the target's
    // keychain entries. The key file and the agent are identities the user holds: a jump host
    // sees only their public half.
    SshPrompts prompts = session.m_prompts;
    if (prompts.secret) {
        prompts.secret = [ask = session.m_prompts.secret](const SecretRequest& request) {
            SecretRequest r = request;
            r.hop = SecretRequest::Hop::JumpHost;
            return ask(r);
        };
    }
    jumpSession->setPrompts(prompts);
    jumpSession->setCancelFlag(session.m_cancel);
    if (Status s = jumpSession->connect(); !s)
        return Status::failure(QStringLiteral("Jump host: %1").arg(s.error()));

    ssh_channel ch = ssh_channel_new(jumpSession->m_session);
    const QByteArray host = target.host.toUtf8();
    if (!ch || ssh_channel_open_forward(ch, host.constData(), target.port, "127.0.0.1", 0) != SSH_OK) {
        const QString err = jumpSession->sshError();
        if (ch)
            ssh_channel_free(ch);
        return Status::failure(QStringLiteral("The jump host %1 could not open a connection to %2:%3 (%4).")
                                   .arg(jump->describe(), target.host).arg(target.port).arg(err));
    }
    int fds[2] = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
        ssh_channel_free(ch);
        return Status::failure(QStringLiteral("Cannot create the local end of the jump tunnel."));
    }
    tunnel.reset(new SshJumpTunnel);
    tunnel->m_clientFd = fds[0];
    tunnel->m_pumpFd = fds[1];
    tunnel->m_channel = ch;
    SshJumpTunnel* t = tunnel.get();
    t->m_thread = std::thread([t, js = jumpSession.get(), ch] {
        t->pump(js, ch);
        releaseThreadCryptoState();
    });
    return Status::success();
#endif
}

SshJumpTunnel::~SshJumpTunnel()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
#ifndef _WIN32
    if (m_channel) {
        auto* ch = static_cast<ssh_channel>(m_channel);
        ssh_channel_close(ch);
        ssh_channel_free(ch);
    }
    if (m_pumpFd >= 0)
        ::close(m_pumpFd);
    // m_clientFd belongs to the target session (libssh closes it).
#endif
}

void SshJumpTunnel::pump(SshSession* jump, void* channel)
{
#ifdef _WIN32
    Q_UNUSED(jump);
    Q_UNUSED(channel);
#else
    // Only this thread touches the jump session from here on (libssh sessions are not thread-safe).
    auto* ch = static_cast<ssh_channel>(channel);
    char buf[32768];
    while (!m_stop) {
        pollfd fds[2] = {{m_pumpFd, POLLIN, 0}, {ssh_get_fd(jump->m_session), POLLIN, 0}};
        ::poll(fds, 2, 50);
        bool progressed = false;
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = ::read(m_pumpFd, buf, sizeof buf);
            if (n <= 0) {
                ssh_channel_send_eof(ch);
                break;
            }
            if (ssh_channel_write(ch, buf, uint32_t(n)) != int(n))
                break;
            progressed = true;
        }
        for (;;) {
            const int n = ssh_channel_read_nonblocking(ch, buf, sizeof buf, 0);
            if (n == SSH_ERROR) {
                ::shutdown(m_pumpFd, SHUT_RDWR);
                return;
            }
            if (n <= 0)
                break;
            progressed = true;
            for (int off = 0; off < n;) {
                const ssize_t w = ::write(m_pumpFd, buf + off, size_t(n - off));
                if (w <= 0) {
                    ssh_channel_send_eof(ch);
                    return;
                }
                off += int(w);
            }
        }
        if (!progressed && ssh_channel_is_eof(ch)) {
            ::shutdown(m_pumpFd, SHUT_WR);
            break;
        }
    }
#endif
}

} // namespace socketscope
