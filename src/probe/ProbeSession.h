// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "probe/AppProtocol.h"
#include "probe/FrameParser.h"
#include "probe/HttpResponseParser.h"
#include "probe/PeerCloseProbe.h"
#include "probe/ProbeTypes.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QObject>
#include <QSslError>
#include <QUrl>

#include <memory>

class QSslSocket;
class QTcpSocket;
class QTimer;

namespace socketscope {

// One probe's state machine (DNS → TCP → TLS → upgrade → application handshake → round trips →
// ping/hold → close) on the thread it lives in. Raw QSslSocket + our own RFC 6455 client so that
// every byte is visible; what is spoken over the WebSocket is the AppProtocol's (AppProtocol.h).
// Emits done() exactly once; the owner deletes it afterwards.
class ProbeSession : public QObject, private AppLink {
    Q_OBJECT
public:
    ProbeSession(quint64 id, const ProbeOptions& options, QObject* parent = nullptr);
    ~ProbeSession() override;

    // Begins the probe (call on the session's thread).
    void start();
    // Ends the probe now; done() reports what was seen so far.
    void cancel();
    // Ends the hold now as if its time were up (the liveness ping follows when verifyAfterHold);
    // before the hold starts, the hold is ended as soon as it begins. No effect after the hold.
    void endHold();
    quint64 id() const { return m_id; }

signals:
    void progress(quint64 id, const QString& phase);
    void done(quint64 id, const socketscope::ProbeResult& result);

private:
    enum class Phase { Idle, Dns, Connect, Tls, Polling, Upgrade, Body, AppHandshake, RoundTrip, Ping, Hold, Closing, Done };

    // AppLink: what the application protocol may do.
    void sendText(const QByteArray& payload) override;
    void sendBinary(const QByteArray& payload) override;
    void sendPing(const QByteArray& payload) override;
    double nowMs() const override { return elapsedMs(); }
    const ProbeOptions& options() const override { return m_options; }
    ProbeResult& result() override { return m_result; }
    void handshakeDone() override;
    void roundTripDone(double rttMs) override;
    void heartbeatSeen() override;
    void refused(AppFailure why, const QString& words) override;
    void broken(const QString& detail) override;
    void switchTo(AppProtocolId id, const QByteArray& firstMessage) override;
    void holdTimeUp();

    void chooseAppBeforeUpgrade();
    void chooseAppAfterUpgrade();

    double elapsedMs() const;
    void enterPhase(Phase phase, double timeoutS);
    void lookupNext();
    void connectNext();
    void onConnected();
    void onEncrypted();
    void onSslErrors(const QList<QSslError>& errors);
    void onReadyRead();
    void onSocketError();
    void onDisconnected();
    void onPhaseTimeout();
    // The application's plain HTTP requests before the upgrade (if any), then the upgrade.
    void beginUpgrade();
    void handlePreUpgradeResponse(const QByteArray& body);
    void sendUpgrade();
    void handleResponseHead();
    void handleEvents(const QList<WsEvent>& events, double previousByteMs);
    // Parses frames and ends the probe on a violation (close 1002/1007/1009 as the parser says).
    void feedFrames(const QByteArray& data, double previousByteMs);
    // Answers a server ping; false (probe ended) when the server floods pings without reading.
    bool answerPing(const QByteArray& payload);
    void nextStep();
    void startHold();
    void sendPing();
    void beginClose();
    void writeFrame(const QByteArray& frame);
    void peerClosed(bool tcpOnly, double previousByteMs);
    void failPhase(const QString& phase, const QString& error);
    void finish();
    QString phaseName() const;
    bool verifyPin();
    void failPinMismatch(const QSslCertificate& peer);

    quint64 m_id;
    ProbeOptions m_options;
    ProbeResult m_result;
    QUrl m_url;
    bool m_secure = false;
    quint16 m_port = 0;
    Phase m_phase = Phase::Idle;
    QElapsedTimer m_clock;
    double m_phaseStartMs = 0;
    double m_lastByteMs = 0;
    double m_holdStartMs = -1;
    bool m_endHoldAsked = false;
    QList<QHostAddress> m_addresses;
    qsizetype m_addressIndex = 0;
    int m_lookupId = -1;
    QTcpSocket* m_socket = nullptr;                // a QSslSocket for wss:// only (no TLS backend cost for ws://)
    QSslSocket* m_ssl = nullptr;
    QTimer* m_phaseTimer = nullptr;
    QTimer* m_holdTimer = nullptr;
    QTimer* m_pingTimer = nullptr;
    QTimer* m_bodyTimer = nullptr;
    QTimer* m_appBeatTimer = nullptr;              // the client's application heartbeat during the hold
    QTimer* m_appWatchdog = nullptr;               // the application's own heartbeat must arrive before it fires
    QTimer* m_dataTimer = nullptr;                 // ProbeOptions::holdDataIntervalS
    int m_dataSeq = 0;
    PeerCloseProbe m_peerClose;
    HttpResponseParser m_response;
    FrameParser m_frames;
    QByteArray m_key;
    QList<QSslError> m_sslErrors;
    std::unique_ptr<AppProtocol> m_app;            // chosen before the upgrade (flag, profile, URL) or after it
    std::unique_ptr<AppProtocol> m_retiredApp;     // replaced by switchTo() while one of its calls may still run
    bool m_appOpened = false;
    int m_preUpgradeIndex = 0;                     // the application's pre-upgrade requests answered so far
    bool m_upgradeSent = false;
    int m_roundTrip = 0;
    int m_pingSeq = 0;
    int m_peerPings = 0;
    double m_firstPeerPingMs = -1;
    QByteArray m_outstandingPing;
    double m_pingSentMs = 0;
    bool m_holdOver = false;
    bool m_finished = false;
};

} // namespace socketscope
