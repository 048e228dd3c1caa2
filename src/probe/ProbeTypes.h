// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The probe contract shared by the probe engine, diagnosis, monitors, the CLI and the GUI.
// Field names mirror the CLI's JSON output (issue: probe engine), which scripts depend on.

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace socketscope {

// The application protocol spoken over the WebSocket (issue 10). The id strings ("auto", "none",
// "echo", "bolt", "socketio", "graphql-transport-ws", "graphql-ws", "mqtt", "stomp", "signalr") and the
// classes that speak them live in ONE table, src/probe/AppProtocol.cpp. New values go at the end
// (monitor samples store the value).
enum class AppProtocolId { Auto, None, Echo, Bolt, SocketIo, GraphqlTransportWs, GraphqlWs, Mqtt, Stomp, SignalR };
// How the probe decided which protocol to speak (JSON app.detected_by).
enum class AppDetectedBy { Default, Flag, Profile, Url, Subprotocol, FirstMessage };
// An application-level failure after a working upgrade; each maps to one cause id.
enum class AppFailure { None, HandshakeFailed, SubprotocolRejected, HeartbeatLost, StickySessionMissing };

// Defined with the protocol table (src/probe/AppProtocol.cpp).
QString appProtocolName(AppProtocolId id);
std::optional<AppProtocolId> appProtocolFromName(const QString& name); // nullopt: unknown name
QStringList appProtocolNames();                                        // every id string, "auto" first
QString appDetectedByName(AppDetectedBy by);                           // "flag", "profile", "url", ...

struct ProbeOptions {
    QString url;                                  // ws:// or wss://
    QString origin;
    QList<QPair<QString, QString>> headers;       // extra handshake headers
    QStringList subprotocols;
    QString basicAuthUser;                        // password comes from the caller, never argv
    QString basicAuthPassword;
    QString bearerToken;
    QString caFile;
    QString pinnedCertificate;
    QString clientCertificate;
    QString clientKey;
    bool insecure = false;
    QString proxyUrl;                             // http://host:port (CONNECT) or socks5://host:port; empty: no proxy
    int echoCount = 1;                            // 0: no echo
    int echoSize = 32;                            // bytes per echo message
    bool echoBinary = false;
    double pingIntervalS = 0;                     // 0: no pings
    double holdS = 0;                             // stay idle this long after echo/ping
    // The timeout map's probes (src/timeouts/): traffic during the hold and a liveness check after it.
    bool holdQuiet = false;                       // no application heartbeat during the hold (an idle probe)
    double holdDataIntervalS = 0;                 // during the hold, a data message every interval (the app's
                                                  // heartbeat when it has one, else a small text frame); 0: none
    bool verifyAfterHold = false;                 // when the hold ends, one ping must come back before the
                                                  // close; no pong within timeoutS: a silent drop (errorPhase "ping")
    bool bolt = false;                            // alias of app = Bolt (kept for --bolt and older callers)
    AppProtocolId app = AppProtocolId::Auto;      // the application protocol; Auto: detect (URL, subprotocol, first message)
    AppDetectedBy appSource = AppDetectedBy::Flag; // who chose `app` when it is not Auto (Flag or Profile)
    QString appNamespace;                         // socketio: the namespace ("" = from the URL, else "/")
    QString appPath;                              // socketio: the Engine.IO path when the URL path is the namespace
    QString appEvent;                             // socketio: emit this event with an ack as the round trip
    QString appQuery;                             // graphql: the round trip's query ("" = "{ __typename }")
    QByteArray appPayload;                        // JSON: Socket.IO auth / GraphQL connection_init payload (non-secret)
    int appVersion = 0;                           // 0: the protocol's default (MQTT 4 = 3.1.1)
    double timeoutS = 10;                         // per phase (connect, handshake, each echo/pong)
    double connectTimeoutS = 5;
    double slowThresholdS = 1.0;                  // slow_response threshold
    qint64 maxFrameBytes = 16 * 1024 * 1024;
    bool deflate = true;                          // offer permessage-deflate as browsers do (--no-deflate: false)
    QString pageOrigin;                           // the page's origin, for mixed_content
};

struct PhaseTimings {                             // milliseconds, monotonic clock; nullopt: phase not reached
    std::optional<double> dns, connect, tls, upgrade, firstEcho;
};

struct RttStats {
    int count = 0;
    double min = 0, median = 0, p95 = 0, max = 0; // milliseconds
    QVector<double> samples;
};

struct TlsInfo {
    bool used = false;
    QString protocol;
    QString peerSubject;
    QString peerIssuer;
    QDateTime notAfter;
    std::optional<int> daysToExpiry;
    QStringList errors;                           // as reported by Qt
    bool insecure = false;
    // Added by the probe engine:
    QString failureKind;                          // "untrusted", "hostname_mismatch", "expired", "pin_mismatch", "failed", "" (no failure)
    bool pinned = false;                          // the peer matched the pinned certificate
};

// What the application protocol saw (JSON "app").
struct AppInfo {
    QString protocol;                             // appProtocolName(); "" before the upgrade
    AppDetectedBy detectedBy = AppDetectedBy::Default;
    QString version;                              // e.g. Engine.IO "4", MQTT "3.1.1", Bolt "5.4"
    QString session;                              // e.g. the Engine.IO sid
    std::optional<int> heartbeatIntervalMs;       // the app's heartbeat interval (server's or ours)
    int heartbeatsAnswered = 0;                   // heartbeats answered (Engine.IO pings) or acknowledged (MQTT PINGRESP)
    int roundTrips = 0;
    RttStats rtt;                                 // application-level round trips
    QString refusal;                              // the application's own words when it refused
    AppFailure failure = AppFailure::None;
};

enum class ClosedBy { None, ServerFrame, ServerFin, ServerReset, Client };

// Everything one probe observed. Diagnosis fills cause/ok/evidence/advice.
struct ProbeResult {
    QString url;
    QDateTime startedAt;                          // wall clock, for display and export
    QString cause;                                // id from the diagnosis list ("ok", "idle_timeout", ...)
    bool ok = false;
    std::optional<int> httpStatus;
    QString statusLine;
    QList<QPair<QString, QString>> responseHeaders;
    QByteArray bodyExcerpt;                       // first 4 KiB of a non-101 body
    std::optional<int> closeCode;
    QString closeReason;
    ClosedBy closedBy = ClosedBy::None;
    PhaseTimings timings;
    RttStats echoRtt;
    RttStats pingRtt;
    int echoSent = 0, echoReceived = 0;
    int pingsSent = 0, pongsReceived = 0;
    std::optional<double> idleCutoffS;
    double heldS = 0;
    std::optional<double> boltHandshakeMs;
    QByteArray boltVersion;
    TlsInfo tls;
    QString resolvedAddress;
    QString errorPhase;                           // "dns", "connect", "tls", "upgrade", "echo", "ping", "hold", ""
    QString errorString;                          // low-level error text
    QString protocolError;                        // detail for protocol_error / handshake_invalid
    QStringList evidence;
    QStringList advice;
    // Added by the probe engine:
    QString subprotocol;                          // the subprotocol the server chose
    QString extensions;                           // the Sec-WebSocket-Extensions the server accepted ("" = none)
    int compressedMessages = 0;                   // permessage-deflate messages received and inflated
    QString requestHead;                          // the upgrade request as sent, credentials redacted
    QString proxy;                                // the proxy used ("" = direct, never the environment's)
    int otherMessages = 0;                        // server messages that were not echoes (welcome, heartbeats)
    QByteArray firstOtherMessage;                 // the first of them (e.g. the reference server's welcome), max 256 B
    bool cancelled = false;                       // ProbeEngine::cancel() ended the probe
    int serverFramesInHold = 0;                   // messages and pings the server sent during the hold
    AppInfo app;                                  // the application protocol's view
    QString errorKind;                            // stable id of the low-level failure: "refused", "timeout",
                                                  // "host_not_found", "proxy_refused", "proxy_auth", "closed",
                                                  // "tls", "network", "config", "socket",
                                                  // "extension" (permessage-deflate broken), ""
};

inline QString closedById(ClosedBy c)
{
    switch (c) {
    case ClosedBy::ServerFrame: return QStringLiteral("server_frame");
    case ClosedBy::ServerFin: return QStringLiteral("server_fin");
    case ClosedBy::ServerReset: return QStringLiteral("server_reset");
    case ClosedBy::Client: return QStringLiteral("client");
    case ClosedBy::None: break;
    }
    return {};
}

} // namespace socketscope

Q_DECLARE_METATYPE(socketscope::ProbeResult)
Q_DECLARE_METATYPE(socketscope::ProbeOptions)
