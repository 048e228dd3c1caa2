// SPDX-License-Identifier: GPL-3.0-or-later
#include "probe/PeerCloseProbe.h"

#ifdef Q_OS_LINUX
#include <cerrno>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace socketscope {

PeerCloseProbe::~PeerCloseProbe() { release(); }

void PeerCloseProbe::attach(qintptr descriptor)
{
    release();
#ifdef Q_OS_LINUX
    if (descriptor >= 0)
        m_fd = ::dup(int(descriptor));
#else
    Q_UNUSED(descriptor);
#endif
}

PeerCloseProbe::Kind PeerCloseProbe::kind() const
{
#ifdef Q_OS_LINUX
    if (m_fd < 0)
        return Kind::Unknown;
    int soError = 0;
    socklen_t len = sizeof(soError);
    if (::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &soError, &len) == 0 && soError == ECONNRESET)
        return Kind::Reset;
    tcp_info info{};
    len = sizeof(info);
    if (::getsockopt(m_fd, IPPROTO_TCP, TCP_INFO, &info, &len) != 0)
        return Kind::Unknown;
    // A reset moves the connection straight to CLOSE; a FIN leaves it in CLOSE_WAIT (our side open).
    if (info.tcpi_state == TCP_CLOSE)
        return Kind::Reset;
    if (info.tcpi_state == TCP_CLOSE_WAIT || info.tcpi_state == TCP_LAST_ACK)
        return Kind::Fin;
    return Kind::Unknown;
#else
    return Kind::Unknown;
#endif
}

void PeerCloseProbe::release()
{
#ifdef Q_OS_LINUX
    if (m_fd >= 0)
        ::close(m_fd);
#endif
    m_fd = -1;
}

} // namespace socketscope
