// SPDX-License-Identifier: GPL-3.0-or-later
// ProbeSession, over the WebSocket: frames in (server pings answered, pongs, close, data handed
// to the application protocol), the AppLink the protocol drives, the order of the steps
// (application handshake → round trips → hold or ping → close), the hold's timers and the close.
#include "probe/ProbeSession.h"
#include "probe/ProbeSessionDetail.h"

#include <QTcpSocket>
#include <QTimer>

namespace socketscope {

namespace {
constexpr double kCloseWaitS = 2.0;        // at most this long for the server's close frame
constexpr qint64 kMaxQueuedPongBytes = 1024 * 1024; // unsent pongs beyond this: the server does not read
} // namespace

using probe_detail::msFromSeconds;

void ProbeSession::feedFrames(const QByteArray& data, double previousByteMs)
{
    QList<WsEvent> events;
    const bool ok = m_frames.feed(data, &events);
    m_result.compressedMessages = m_frames.compressedMessages();
    handleEvents(events, previousByteMs);
    if (!ok && !m_finished) {
        m_result.protocolError = m_frames.error();
        m_result.errorKind = m_frames.errorIsExtension() ? QStringLiteral("extension") : QStringLiteral("protocol");
        writeFrame(FrameWriter::close(m_frames.errorCloseCode()));
        m_result.closedBy = ClosedBy::Client;
        m_result.closeCode = m_frames.errorCloseCode();
        failPhase(phaseName(), m_frames.error());
    }
}

bool ProbeSession::answerPing(const QByteArray& payload)
{
    ++m_peerPings;
    if (m_firstPeerPingMs < 0)
        m_firstPeerPingMs = elapsedMs();
    // A server that pings without reading our pongs would grow the socket's write buffer without
    // bound; at most one echo frame may legitimately be queued besides the pongs.
    const qint64 limit = kMaxQueuedPongBytes + qMax(0, m_options.echoSize) + 14;
    const qint64 queued = m_socket ? m_socket->bytesToWrite() : 0;
    if (queued <= limit) {
        writeFrame(FrameWriter::frame(FrameWriter::Pong, payload));
        return true;
    }
    m_result.protocolError = QStringLiteral("the server sent %1 pings in %2 s without reading our pongs; "
                                            "stopped answering at %3 KiB queued and dropped the connection")
                                 .arg(m_peerPings)
                                 .arg((elapsedMs() - m_firstPeerPingMs) / 1000.0, 0, 'f', 2)
                                 .arg(queued / 1024);
    m_result.errorKind = QStringLiteral("protocol");
    m_result.closedBy = ClosedBy::Client;
    m_result.closeCode = 1006; // no close frame can reach a peer that does not read
    disconnect(m_socket, nullptr, this, nullptr);
    m_socket->abort(); // frees the queued pongs now
    failPhase(phaseName(), m_result.protocolError);
    return false;
}

void ProbeSession::handleEvents(const QList<WsEvent>& events, double previousByteMs)
{
    for (const WsEvent& ev : events) {
        if (m_finished)
            return;
        if (m_phase == Phase::Hold && !m_holdOver
            && (ev.kind == WsEvent::Kind::Ping || ev.kind == WsEvent::Kind::Text || ev.kind == WsEvent::Kind::Binary))
            ++m_result.serverFramesInHold;
        switch (ev.kind) {
        case WsEvent::Kind::Ping:
            if (!answerPing(ev.payload))
                return;
            break;
        case WsEvent::Kind::Pong:
            if (!m_outstandingPing.isEmpty() && ev.payload == m_outstandingPing) {
                m_result.pingRtt.samples << elapsedMs() - m_pingSentMs;
                ++m_result.pongsReceived;
                m_outstandingPing.clear();
                m_phaseTimer->stop();
                if (m_phase == Phase::Ping || m_holdOver)
                    beginClose();
            } else if (m_app && m_phase != Phase::Closing) {
                m_app->pong(*this, ev.payload);
            }
            break;
        case WsEvent::Kind::Close:
            if (m_phase == Phase::Closing) { // the server answered our close
                finish();
                return;
            }
            m_result.closedBy = ClosedBy::ServerFrame;
            m_result.closeCode = ev.closeCode >= 0 ? ev.closeCode : 1005;
            m_result.closeReason = QString::fromUtf8(ev.payload);
            if (m_phase == Phase::Hold && !m_holdOver)
                m_result.idleCutoffS = (elapsedMs() - previousByteMs) / 1000.0;
            if (m_app) {
                const AppFailure meaning = m_app->closeMeaning(*m_result.closeCode, m_result.closeReason);
                if (meaning != AppFailure::None) {
                    m_result.app.failure = meaning;
                    m_result.app.refusal = m_result.closeReason.isEmpty()
                        ? QStringLiteral("close code %1").arg(*m_result.closeCode)
                        : QStringLiteral("%1 (close code %2)").arg(m_result.closeReason).arg(*m_result.closeCode);
                }
            }
            m_result.errorKind = QStringLiteral("closed");
            writeFrame(FrameWriter::close(ev.closeCode >= 0 ? ev.closeCode : 1000));
            failPhase(phaseName(), QStringLiteral("the server sent a close frame (%1)").arg(*m_result.closeCode));
            return;
        case WsEvent::Kind::Text:
        case WsEvent::Kind::Binary:
            if (m_app && m_phase != Phase::Closing
                && m_app->message(*this, ev.kind == WsEvent::Kind::Binary, ev.payload))
                break;
            ++m_result.otherMessages;
            if (m_result.firstOtherMessage.isEmpty())
                m_result.firstOtherMessage = ev.payload.left(256);
            break;
        }
    }
}

void ProbeSession::nextStep()
{
    if (m_finished)
        return;
    if (!m_appOpened) {
        m_appOpened = true;
        enterPhase(Phase::AppHandshake, m_options.timeoutS);
        m_app->open(*this); // handshakeDone() moves on, maybe at once
        return;
    }
    if (m_roundTrip < m_app->roundTripCount(m_options)) {
        enterPhase(Phase::RoundTrip, m_options.timeoutS);
        m_app->roundTrip(*this, m_roundTrip);
        return;
    }
    if ((m_options.holdS > 0 || m_options.pingIntervalS > 0) && m_holdStartMs < 0) {
        startHold();
        return;
    }
    beginClose();
}

// ---------------------------------------------------------------- the application protocol

void ProbeSession::chooseAppBeforeUpgrade()
{
    AppProtocolId id = m_options.app;
    AppDetectedBy by = m_options.appSource;
    if (id == AppProtocolId::Auto && m_options.bolt)
        id = AppProtocolId::Bolt;
    if (id == AppProtocolId::Auto) {
        id = appFromUrl(m_url, &m_options.subprotocols);
        by = AppDetectedBy::Url;
    }
    if (id == AppProtocolId::Auto)
        return; // the server's subprotocol or first message decides
    m_app = makeAppProtocol(id);
    m_app->offer(m_url, m_options);
    m_result.app.protocol = appProtocolName(id);
    m_result.app.detectedBy = by;
}

void ProbeSession::chooseAppAfterUpgrade()
{
    if (m_app)
        return;
    const AppProtocolId id = appFromSubprotocol(m_result.subprotocol);
    m_app = makeAppProtocol(id == AppProtocolId::Auto ? AppProtocolId::None : id);
    m_result.app.protocol = appProtocolName(m_app->id());
    m_result.app.detectedBy = id == AppProtocolId::Auto ? AppDetectedBy::Default : AppDetectedBy::Subprotocol;
}

void ProbeSession::sendText(const QByteArray& payload) { writeFrame(FrameWriter::frame(FrameWriter::Text, payload)); }

void ProbeSession::sendBinary(const QByteArray& payload) { writeFrame(FrameWriter::frame(FrameWriter::Binary, payload)); }

void ProbeSession::sendPing(const QByteArray& payload) { writeFrame(FrameWriter::frame(FrameWriter::Ping, payload)); }

void ProbeSession::handshakeDone()
{
    if (m_finished || m_phase != Phase::AppHandshake)
        return;
    m_phaseTimer->stop();
    nextStep();
}

void ProbeSession::roundTripDone(double rttMs)
{
    if (m_finished)
        return;
    m_result.app.rtt.samples << rttMs;
    ++m_result.app.roundTrips;
    if (m_phase != Phase::RoundTrip)
        return; // a round trip inside the handshake (Socket.IO CONNECT, Bolt versions)
    m_phaseTimer->stop();
    ++m_roundTrip;
    nextStep();
}

void ProbeSession::heartbeatSeen()
{
    if (m_appWatchdog->isActive())
        m_appWatchdog->start();
}

void ProbeSession::refused(AppFailure why, const QString& words)
{
    if (m_finished)
        return;
    m_result.app.failure = why;
    m_result.app.refusal = words;
    m_result.errorKind = QStringLiteral("app");
    failPhase(phaseName(), words);
}

void ProbeSession::broken(const QString& detail)
{
    if (m_finished)
        return;
    m_result.protocolError = detail;
    m_result.errorKind = QStringLiteral("protocol");
    failPhase(phaseName(), detail);
}

void ProbeSession::switchTo(AppProtocolId id, const QByteArray& firstMessage)
{
    // Only while auto-detection has found nothing better, and before the hold.
    if (m_finished || m_result.app.detectedBy != AppDetectedBy::Default
        || (m_phase != Phase::AppHandshake && m_phase != Phase::RoundTrip))
        return;
    m_retiredApp = std::move(m_app); // the caller is one of its methods: delete it later
    m_app = makeAppProtocol(id);
    m_result.app.protocol = appProtocolName(id);
    m_result.app.detectedBy = AppDetectedBy::FirstMessage;
    m_result.pingsSent = 0;          // the `none` round trip in flight is abandoned
    m_roundTrip = 0;
    enterPhase(Phase::AppHandshake, m_options.timeoutS);
    m_app->open(*this);
    m_app->message(*this, false, firstMessage);
}

void ProbeSession::startHold()
{
    m_holdStartMs = elapsedMs();
    if (m_options.holdS > 0) {
        enterPhase(Phase::Hold, 0); // the hold is never bounded by --timeout; pong deadlines are
        m_holdTimer->start(m_endHoldAsked ? 0 : msFromSeconds(m_options.holdS));
        if (m_options.pingIntervalS > 0)
            m_pingTimer->start(msFromSeconds(m_options.pingIntervalS));
        if (m_options.holdDataIntervalS > 0)
            m_dataTimer->start(msFromSeconds(m_options.holdDataIntervalS));
        if (m_options.holdQuiet)
            return; // an idle probe: not even the application's heartbeat
        if (const int beat = m_app ? m_app->heartbeatMs(m_options) : 0; beat > 0)
            m_appBeatTimer->start(beat);
        if (const int deadline = m_app ? m_app->heartbeatDeadlineMs(m_options) : 0; deadline > 0)
            m_appWatchdog->start(deadline);
        return;
    }
    enterPhase(Phase::Ping, 0);
    sendPing();
}

void ProbeSession::sendPing()
{
    m_outstandingPing = "ss-ping-" + QByteArray::number(m_id) + '-' + QByteArray::number(++m_pingSeq);
    ++m_result.pingsSent;
    m_pingSentMs = elapsedMs();
    m_phaseTimer->start(msFromSeconds(m_options.timeoutS));
    writeFrame(FrameWriter::frame(FrameWriter::Ping, m_outstandingPing));
}

void ProbeSession::beginClose()
{
    if (m_finished || m_phase == Phase::Closing)
        return;
    m_pingTimer->stop();
    m_holdTimer->stop();
    m_appBeatTimer->stop();
    m_appWatchdog->stop();
    m_dataTimer->stop();
    if (m_holdStartMs >= 0 && !m_holdOver)
        m_result.heldS = (elapsedMs() - m_holdStartMs) / 1000.0;
    m_holdOver = true;
    if (m_app)
        m_app->goodbye(*this);
    enterPhase(Phase::Closing, qMin(m_options.timeoutS, kCloseWaitS));
    m_result.closedBy = ClosedBy::Client;
    m_result.closeCode = 1000;
    writeFrame(FrameWriter::close(1000));
}

void ProbeSession::writeFrame(const QByteArray& frame)
{
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return;
    m_socket->write(frame);
    m_lastByteMs = elapsedMs();
}

} // namespace socketscope
