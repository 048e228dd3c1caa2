// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Reload survival's server side (issue 13): nginx's master and its workers found and watched
// through a RemoteHost (this machine or SSH), so that a reload test can tell how long the old
// workers kept draining. Blocking: use on the thread that owns the host.

#include "core/Result.h"
#include "runbook/RunbookEngine.h"
#include "timeouts/ReloadTester.h"

#include <QElapsedTimer>
#include <QSet>

#include <functional>
#include <optional>

namespace socketscope {

class RemoteHost;
struct NginxLayout;

class NginxWorkerWatch {
public:
    // Commands that may need root (nginx -T, the pid file) go through sudo when `sudo` (the
    // host's sudo: the password on stdin, or `sudo -n`); the process list never does.
    NginxWorkerWatch(RemoteHost& host, bool sudo) : m_host(host), m_sudo(sudo) {}
    // Finds the master of the nginx the reload command signals (its -p/-c), else the one of the
    // test command: the pid file named by `nginx -T` (or -g, or `nginx -V`'s --pid-path).
    Status locate(const NginxLayout& nginx);
    void setMaster(qint64 pid) { m_master = pid; }
    qint64 master() const { return m_master; }
    // The master's workers now (not those already shutting down from an earlier reload).
    Result<QSet<qint64>> workers();
    // Which of `pids` still run as the master's children.
    Result<QSet<qint64>> stillRunning(const QSet<qint64>& pids);
    // Looks every 250 ms (`pause` waits; it may run an event loop) until none of `pids` runs:
    // the seconds since `since` started; nullopt when stop() said so first.
    Result<std::optional<double>> waitUntilGone(const QSet<qint64>& pids, const QElapsedTimer& since,
                                                const std::function<bool()>& stop, const std::function<void(int ms)>& pause);

private:
    Result<QByteArray> processList();

    RemoteHost& m_host;
    bool m_sudo = true;
    qint64 m_master = 0;
};

// Fills options.prepareReload, reload and watchDrain for a reload test through the host `factory`
// opens (SSH as the profile says, or this machine): one connection, opened on the reload's
// thread; the profile's reload command through sudo (`sudo -n` when the profile says its user
// needs no password); nginx's old workers watched by pid. When nginx's master cannot be found
// (another proxy, no pid file) the drain comes from the sockets and the result says why.
void useHostForReload(ReloadTestOptions& options, HostFactory factory, const Profile& profile);

} // namespace socketscope
