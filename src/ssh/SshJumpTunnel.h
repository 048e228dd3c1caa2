// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// ProxyJump for libssh 0.10 (which has no SSH_OPTIONS_PROXYJUMP): a first session to the jump
// host opens a direct-tcpip channel to the target; a thread pumps bytes between that channel and
// one end of a local socket pair; the target session uses the other end (SSH_OPTIONS_FD).
// The jump host's key is verified exactly like the target's; the jump session never receives
// the target's secrets (SecretRequest::Hop::JumpHost marks what it asks for).

#include "core/Result.h"

#include <atomic>
#include <memory>
#include <thread>

namespace socketscope {

class SshSession;

class SshJumpTunnel {
public:
    // Connects *jumpSession for session.target().jumpHost and starts the tunnel into *tunnel.
    static Status open(SshSession& session, std::unique_ptr<SshSession>& jumpSession,
                       std::unique_ptr<SshJumpTunnel>& tunnel);
    ~SshJumpTunnel();
    SshJumpTunnel(const SshJumpTunnel&) = delete;
    SshJumpTunnel& operator=(const SshJumpTunnel&) = delete;
    // The socket the target session talks to.
    int clientFd() const { return m_clientFd; }

private:
    SshJumpTunnel() = default;
    void pump(SshSession* jump, void* channel);

    int m_clientFd = -1;
    int m_pumpFd = -1;
    void* m_channel = nullptr;
    std::atomic_bool m_stop{false};
    std::thread m_thread;
};

} // namespace socketscope
