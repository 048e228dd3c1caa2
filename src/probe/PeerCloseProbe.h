// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace socketscope {

// Platform seam: tells a peer's TCP FIN from a reset after Qt has already closed its descriptor.
// Qt maps both ECONNRESET and EOF to RemoteHostClosedError and closes the socket before any
// signal, so the probe keeps a duplicate of the descriptor and asks the kernel for the TCP state.
// On platforms without that (non-Linux) kind() answers Unknown and the probe reports a FIN.
class PeerCloseProbe {
public:
    enum class Kind { Fin, Reset, Unknown };
    PeerCloseProbe() = default;
    ~PeerCloseProbe();
    PeerCloseProbe(const PeerCloseProbe&) = delete;
    PeerCloseProbe& operator=(const PeerCloseProbe&) = delete;

    // Keeps a duplicate of the connected socket's descriptor (-1 is ignored).
    void attach(qintptr descriptor);
    // How the peer closed, read from the duplicate (call after the socket reported the close).
    Kind kind() const;
    // Releases the duplicate (this is when our side's close really reaches the kernel).
    void release();

private:
    int m_fd = -1;
};

} // namespace socketscope
