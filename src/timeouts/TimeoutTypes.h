// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The timeout map's contract (issue 13): which hop cuts an idle WebSocket, after how long, of which
// kind, how it dies, and which traffic keeps it alive. Field names mirror the JSON of
// `socketscope-cli timeouts --json` (TimeoutJson.cpp), which scripts depend on.

#include "core/Result.h"
#include "probe/ProbeTypes.h"
#include "remote/RemoteHost.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace socketscope {

// Reaches the host whose logs name the cut (SSH for a remote profile); called on a worker thread.
using LogHostFactory = std::function<Result<std::unique_ptr<RemoteHost>>()>;

// How a connection died. Ids (JSON "death"): close_frame, fin, reset, http_error, silent_drop, none.
enum class DeathKind { None, CloseFrame, Fin, Reset, HttpError, SilentDrop };
// What kind of cap cut it (JSON first_cut.kind): an idle timer, or a lifetime cap that traffic does not reset.
enum class CutKind { Idle, Lifetime };
// The traffic of one keepalive-matrix row (JSON keepalive[].traffic).
enum class KeepaliveTraffic { None, ClientPing, ClientData, ServerData };

QString deathKindId(DeathKind k);
QString cutKindId(CutKind k);
QString keepaliveTrafficId(KeepaliveTraffic t);
// A sentence for the text output ("client WebSocket pings", ...).
QString keepaliveTrafficLabel(KeepaliveTraffic t);
QList<KeepaliveTraffic> allKeepaliveTraffic(); // cheapest first: none, client_ping, client_data, server_data
// Seconds for the map's sentences: two decimals below 10 s, one above.
QString timeoutSecondsText(double s);

struct TimeoutHop {
    QString name;
    QString url;
};

struct TimeoutMapOptions {
    QList<TimeoutHop> hops;        // from the client side (public URL) to the backend (direct URL)
    ProbeOptions probe;            // everything but url/hold/traffic (origin, headers, TLS, app, timeouts)
    double maxS = 900;             // hold at most this long
    double resolution = 1.0;       // stop bisecting a silent drop at this width (seconds)
    QString serverDataPath = QStringLiteral("/ws/health"); // where the server sends on its own (keepalive server_data)
    bool keepalive = true;         // run the keepalive matrix on the first-cutting hop
    QString nginxErrorLog;         // an nginx error log to read the cut's signature from ("" = none)
    QString haproxyLog;            // a HAProxy log (httplog/tcplog lines) to read termination flags from ("" = none)
    LogHostFactory logHost;        // where those logs are (unset: this machine)
};

struct HopTimeout {
    QString name;
    QString url;
    std::optional<double> idleCutoffS;    // an idle timer's cutoff; nullopt: none seen (or a lifetime cap)
    std::optional<double> lifetimeCapS;   // a cap traffic does not reset
    DeathKind death = DeathKind::None;
    QString signature;                    // what identifies the cutting hop ("" = nothing matched)
    QStringList details;                  // how it was measured, close code/reason, HTTP status, log line
    QString error;                        // the hop could not be measured ("" = measured)
    std::optional<double> cutS() const { return lifetimeCapS ? lifetimeCapS : idleCutoffS; }
};

struct FirstCut {
    QString hop;
    double afterS = 0;
    CutKind kind = CutKind::Idle;
};

struct KeepaliveRow {
    QString hop;
    KeepaliveTraffic traffic = KeepaliveTraffic::None;
    std::optional<bool> survived; // nullopt: not measurable (e.g. the server sends nothing on its own)
    QString note;
};

struct TimeoutMapResult {
    QList<HopTimeout> hops;
    std::optional<FirstCut> firstCut;
    std::optional<double> advisedPingIntervalS;
    QList<KeepaliveRow> keepalive;
    QStringList advice;
    double maxS = 0;
    double resolution = 0;
    double elapsedS = 0;
    bool cancelled = false;
};

} // namespace socketscope

Q_DECLARE_METATYPE(socketscope::TimeoutMapResult)
