// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The application-protocol seam (issue 10): what a probe speaks on top of WebSocket. ProbeSession
// owns transport, TLS and framing; one AppProtocol class per protocol owns what to offer in the
// handshake, what to do after the 101, heartbeats during the hold, one application-level round
// trip and what an application-level refusal or close means. Classes are registered by id in
// one table (AppProtocol.cpp). How to add a protocol: docs/probe.md.

#include "probe/ProbeTypes.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <memory>
#include <optional>

namespace socketscope {

// A plain HTTP request an application makes before its WebSocket upgrade, on the same connection.
struct PreUpgradeRequest {
    QByteArray method;           // "GET", "POST"
    QUrl url;                    // its path and query are used
    QByteArray body;             // POST body (text/plain)
};

// What a protocol may do on the probe's open WebSocket; implemented by ProbeSession.
class AppLink {
public:
    virtual ~AppLink() = default;
    virtual void sendText(const QByteArray& payload) = 0;
    virtual void sendBinary(const QByteArray& payload) = 0;
    virtual void sendPing(const QByteArray& payload) = 0;          // an RFC 6455 ping
    virtual double nowMs() const = 0;                               // the probe's monotonic clock
    virtual const ProbeOptions& options() const = 0;
    virtual ProbeResult& result() = 0;                              // the protocol fills result().app and its own fields
    virtual void handshakeDone() = 0;                               // the app accepted us: go on to the round trips
    virtual void roundTripDone(double rttMs) = 0;                   // a round trip completed (also during the handshake)
    virtual void heartbeatSeen() = 0;                               // the app's heartbeat arrived: restart the watchdog
    virtual void refused(AppFailure why, const QString& words) = 0; // the app refused: ends the probe
    virtual void broken(const QString& detail) = 0;                 // the app broke its own protocol: ends the probe
    virtual void switchTo(AppProtocolId id, const QByteArray& firstMessage) = 0; // auto: a first message recognised
};

class AppProtocol {
public:
    virtual ~AppProtocol() = default;
    virtual AppProtocolId id() const = 0;
    // Before the upgrade: subprotocols to offer, extra headers, the URL's path and query.
    virtual void offer(QUrl& url, ProbeOptions& options);
    // Plain HTTP requests before the upgrade (Socket.IO's long-polling handshake): request `index`
    // (0, 1, ...), or nullopt to go on to the upgrade.
    virtual std::optional<PreUpgradeRequest> preUpgradeRequest(int index);
    // The answer to request `index`; may change the upgrade's url. False: the probe ends — with the
    // app's refusal if it called link.refused()/broken(), else with that HTTP status as its cause.
    virtual bool preUpgradeResponse(AppLink& link, int index, int status, const QByteArray& body, QUrl& url);
    // What a non-101 answer to a request (the upgrade or a pre-upgrade one) means at the application
    // level (Engine.IO 400 "Session ID unknown": the load balancer is not sticky). None: only HTTP.
    virtual AppFailure httpRefusal(int status, const QByteArray& body) const;
    // The probe phase name (JSON error_phase) of the pre-upgrade requests.
    virtual QString preUpgradePhase() const;
    // After the 101: begin the application handshake; link.handshakeDone() when accepted (maybe at once).
    virtual void open(AppLink& link) = 0;
    // How many round trips follow the handshake.
    virtual int roundTripCount(const ProbeOptions& options) const;
    // Starts round trip `index`; its answer comes through message()/pong() → link.roundTripDone().
    virtual void roundTrip(AppLink& link, int index) = 0;
    // Every data message after the 101. False: not the application's (counted as another message).
    virtual bool message(AppLink& link, bool binary, const QByteArray& payload) = 0;
    // An RFC 6455 pong that answers none of the session's own pings.
    virtual void pong(AppLink& link, const QByteArray& payload);
    // The client's heartbeat interval during the hold (ms; 0: none) and one heartbeat.
    virtual int heartbeatMs(const ProbeOptions& options) const;
    virtual void heartbeat(AppLink& link);
    // How long the app's own heartbeat may stay away during the hold (ms; 0: not watched).
    virtual int heartbeatDeadlineMs(const ProbeOptions& options) const;
    // Just before the probe's close frame: the application's goodbye (MQTT DISCONNECT, ...).
    virtual void goodbye(AppLink& link);
    // What a server close frame means at the application level (None: a plain close).
    // The default knows the subprotocol refusals every library shares (4406, 1002 naming it).
    virtual AppFailure closeMeaning(int code, const QString& reason) const;
    // The probe phase names (JSON error_phase) of the handshake and of the round trips.
    virtual QString handshakePhase() const;
    virtual QString roundTripPhase() const;
    // Words for a timeout of the handshake, and of round trip `index`.
    virtual QString handshakeTimeout() const;
    virtual QString roundTripTimeout(int index) const;
};

// A new instance of the protocol registered under id (never Auto: auto is decided by detection).
std::unique_ptr<AppProtocol> makeAppProtocol(AppProtocolId id);

// Auto-detection, in the order after the flag/profile. From the URL: a protocol
// (Auto: undecided) and the subprotocols to offer so that the server's choice can decide.
AppProtocolId appFromUrl(const QUrl& url, QStringList* offer);
// From the subprotocol the server selected (Auto: not one of ours).
AppProtocolId appFromSubprotocol(const QString& subprotocol);
// From the server's first message (Auto: not recognised).
AppProtocolId appFromFirstMessage(const QByteArray& message);

} // namespace socketscope
