// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers shared by the log tests: realistic seed-like log text and file writing.

#include <QByteArray>
#include <QFile>
#include <QString>

#include <random>

namespace socketscope::logtest {

// A realistic mix of nginx error-log and Neo4j lines (incl. the seed incident strings).
inline QByteArray realisticLog(int lines, unsigned seed = 7)
{
    static const char* const templates[] = {
        "2026/01/28 10:03:%02d [error] 1234#1234: *%d upstream timed out (110: Connection timed out) while proxying upgraded connection, client: 10.0.0.%d, server: neo4jprod.example.com, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:7687/\", host: \"neo4jprod.example.com\"",
        "2026/01/28 10:03:%02d [info] 1234#1234: *%d client 10.0.0.%d closed keepalive connection",
        "2026-01-28 09:24:%02d.123+0000 INFO  [o.n.b.t.p.ProtocolHandshaker] Connection %d accepted from 10.0.0.%d",
        "2026-01-28 09:24:%02d.456+0000 ERROR [o.n.b.t.TransportSelectionHandler] ClientTimeoutException: Terminated connection 'bolt-%d' as the client failed to authenticate within 30000 ms. (%d)",
        "2026/01/28 10:03:%02d [warn] 1234#1234: *%d an upstream response is buffered to a temporary file, client: 10.0.0.%d",
        "2026-01-28 09:24:%02d.789+0000 INFO  [o.n.s.CheckPointerImpl] Checkpoint triggered by \"Scheduled checkpoint\" @ txId: %d, %d pages flushed",
        "2026/01/28 10:03:%02d [error] 1234#1234: *%d recv() failed (104: Connection reset by peer) while proxying upgraded connection, client: 10.0.0.%d",
        "2026-01-28 09:24:%02d.001+0000 DEBUG [o.n.k.i.p.Procedures] routine %d completed in %d ms",
    };
    std::mt19937 rng(seed);
    QByteArray out;
    out.reserve(lines * 160);
    char buf[512];
    for (int i = 0; i < lines; ++i) {
        const auto t = rng() % 8;
        const int n = std::snprintf(buf, sizeof buf, templates[t], int(rng() % 60), int(rng() % 100000), int(rng() % 250));
        out.append(buf, n);
        out.append('\n');
    }
    return out;
}

inline bool writeBytes(const QString& path, const QByteArray& data, bool append = false)
{
    QFile f(path);
    if (!f.open(append ? QIODevice::Append : (QIODevice::WriteOnly | QIODevice::Truncate)))
        return false;
    return f.write(data) == data.size();
}

} // namespace socketscope::logtest
