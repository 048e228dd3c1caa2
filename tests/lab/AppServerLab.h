// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Real application servers from npm (tests/appservers: socket.io, graphql-ws,
// subscriptions-transport-ws, aedes + websocket-stream, a ws-based Bolt responder), pinned by
// tests/appservers/package-lock.json and installed with `npm ci` into the build tree at build
// time. One server per process on 127.0.0.1, port printed by the server, stopped by PID.

#include "lab/Lab.h"

namespace socketscope::lab {

class AppServerLab {
public:
    // Why these servers cannot run here ("" when node and the installed packages are present).
    static QString unavailableReason();
    // `node appserver.js ARGS...`; waits for its "PORT n" line. False with *error otherwise.
    bool start(const QStringList& args, QString* error);
    quint16 port() const { return m_port; }
    QString url(const QString& pathAndQuery) const;
    void stop() { m_process.stop(); }
    // Runs the server's own client library (`node appclient.js ARGS...`): true when it printed OK.
    static bool proveWithOwnClient(const QStringList& args, QByteArray* output);

private:
    Daemon m_process;
    quint16 m_port = 0;
};

// A real nginx in front of `backends` (one upstream, `balance` = "" round-robin, "ip_hash;", ...),
// with the correct WebSocket location on / (HTTP/1.1, Upgrade and Connection forwarded,
// proxy_read_timeout 10s). Returns nginx's port, 0 (and *log) when it did not start.
quint16 startNginxInFront(NginxLab& nginx, const QList<quint16>& backends, const QString& balance, QByteArray* log);

} // namespace socketscope::lab
