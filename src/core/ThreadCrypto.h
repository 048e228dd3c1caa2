// SPDX-License-Identifier: GPL-3.0-or-later
// Per-thread crypto state (OpenSSL's thread-local random generators and error queues, used by
// libssh and by Qt's TLS backend) freed on the worker thread itself, just before it ends.
//
// OpenSSL frees that state from a thread-exit hook that runs after QThread::wait() has already
// returned, so a process that exits right after joining a worker (the CLI does) could end
// before it ran: memory checkers then report it as leaked, and a long-running GUI that starts
// and stops many workers relies on the hook alone. Freeing it explicitly removes the race.
#pragma once

class QThread;

namespace socketscope {

// Frees the calling thread's crypto state; a no-op when built without OpenSSL.
void releaseThreadCryptoState();

// Calls releaseThreadCryptoState() on `thread` when it finishes, after every `finished`
// handler connected before this call (connect those first).
void releaseCryptoStateWhenFinished(QThread* thread);

} // namespace socketscope
