// SPDX-License-Identifier: GPL-3.0-or-later
// ProbeSession: the probe's life cycle — construction and its timers, phases, timeouts, socket
// errors and peer closes, cancel and failure. The other phases live in ProbeSessionConnect.cpp (DNS,
// TCP, TLS), ProbeSessionUpgrade.cpp (the HTTP requests and the upgrade), ProbeSessionFrames.cpp
// (frames, the application protocol's link, hold and close) and ProbeSessionReport.cpp (the result).
#include "probe/ProbeSession.h"
#include "probe/ProbeSessionDetail.h"

#include <QHostInfo>
#include <QSslSocket>
#include <QTimer>

namespace socketscope {

namespace {
QString errorKindOf(QAbstractSocket::SocketError e)
{
    switch (e) {
    case QAbstractSocket::ConnectionRefusedError: return QStringLiteral("refused");
    case QAbstractSocket::ProxyConnectionRefusedError: return QStringLiteral("proxy_refused");
    case QAbstractSocket::HostNotFoundError:
    case QAbstractSocket::ProxyNotFoundError: return QStringLiteral("host_not_found");
    case QAbstractSocket::SocketTimeoutError:
    case QAbstractSocket::ProxyConnectionTimeoutError: return QStringLiteral("timeout");
    case QAbstractSocket::ProxyAuthenticationRequiredError: return QStringLiteral("proxy_auth");
    case QAbstractSocket::RemoteHostClosedError:
    case QAbstractSocket::ProxyConnectionClosedError: return QStringLiteral("closed");
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError: return QStringLiteral("tls");
    case QAbstractSocket::NetworkError: return QStringLiteral("network");
    default: return QStringLiteral("socket");
    }
}

QString tlsFailureKind(const QList<QSslError>& errors)
{
    bool expired = false, untrusted = false, mismatch = false;
    for (const QSslError& e : errors) {
        switch (e.error()) {
        case QSslError::CertificateExpired:
        case QSslError::CertificateNotYetValid: expired = true; break;
        case QSslError::HostNameMismatch: mismatch = true; break;
        case QSslError::SelfSignedCertificate:
        case QSslError::SelfSignedCertificateInChain:
        case QSslError::UnableToGetLocalIssuerCertificate:
        case QSslError::UnableToGetIssuerCertificate:
        case QSslError::UnableToVerifyFirstCertificate:
        case QSslError::CertificateUntrusted:
        case QSslError::CertificateRejected: untrusted = true; break;
        default: break;
        }
    }
    if (expired) return QStringLiteral("expired");
    if (untrusted) return QStringLiteral("untrusted");
    if (mismatch) return QStringLiteral("hostname_mismatch");
    return QStringLiteral("failed");
}
} // namespace

using probe_detail::msFromSeconds;

ProbeSession::ProbeSession(quint64 id, const ProbeOptions& options, QObject* parent)
    : QObject(parent)
    , m_id(id)
    , m_options(options)
    , m_phaseTimer(new QTimer(this))
    , m_holdTimer(new QTimer(this))
    , m_pingTimer(new QTimer(this))
    , m_bodyTimer(new QTimer(this))
    , m_appBeatTimer(new QTimer(this))
    , m_appWatchdog(new QTimer(this))
    , m_dataTimer(new QTimer(this))
    , m_frames(options.maxFrameBytes, options.maxFrameBytes)
{
    m_phaseTimer->setSingleShot(true);
    m_holdTimer->setSingleShot(true);
    m_bodyTimer->setSingleShot(true);
    m_appWatchdog->setSingleShot(true);
    m_phaseTimer->setTimerType(Qt::PreciseTimer);
    m_holdTimer->setTimerType(Qt::PreciseTimer);
    connect(m_phaseTimer, &QTimer::timeout, this, &ProbeSession::onPhaseTimeout);
    connect(m_bodyTimer, &QTimer::timeout, this, &ProbeSession::finish);
    connect(m_holdTimer, &QTimer::timeout, this, &ProbeSession::holdTimeUp);
    connect(m_pingTimer, &QTimer::timeout, this, [this] {
        if (m_outstandingPing.isEmpty())
            sendPing();
    });
    connect(m_appBeatTimer, &QTimer::timeout, this, [this] {
        if (m_app && m_phase == Phase::Hold)
            m_app->heartbeat(*this);
    });
    connect(m_dataTimer, &QTimer::timeout, this, [this] {
        if (m_phase != Phase::Hold || m_holdOver)
            return;
        if (m_app && m_app->heartbeatMs(m_options) > 0)
            m_app->heartbeat(*this); // data the application understands
        else
            sendText("ss-keepalive-" + QByteArray::number(++m_dataSeq));
    });
    connect(m_appWatchdog, &QTimer::timeout, this, [this] {
        if (m_phase != Phase::Hold || m_holdOver)
            return;
        refused(AppFailure::HeartbeatLost,
                QStringLiteral("no %1 heartbeat for %2 ms while the connection stayed open")
                    .arg(m_result.app.protocol)
                    .arg(m_appWatchdog->interval()));
    });
}

void ProbeSession::holdTimeUp()
{
    m_holdTimer->stop();
    m_holdOver = true;
    m_pingTimer->stop();
    m_dataTimer->stop();
    m_appBeatTimer->stop();
    m_result.heldS = (elapsedMs() - m_holdStartMs) / 1000.0;
    if (!m_outstandingPing.isEmpty())
        return; // its pong (or its deadline) ends the probe
    if (m_options.verifyAfterHold)
        sendPing(); // still alive? a silent drop never answers
    else
        beginClose();
}

void ProbeSession::endHold()
{
    if (m_finished || m_holdOver)
        return;
    if (m_phase == Phase::Hold && m_holdTimer->isActive())
        holdTimeUp();
    else
        m_endHoldAsked = true; // startHold() ends it at once
}

ProbeSession::~ProbeSession()
{
    if (m_lookupId >= 0)
        QHostInfo::abortHostLookup(m_lookupId);
    if (m_socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        m_socket->abort();
    }
}

double ProbeSession::elapsedMs() const { return double(m_clock.nsecsElapsed()) / 1.0e6; }

QString ProbeSession::phaseName() const
{
    switch (m_phase) {
    case Phase::Dns: return QStringLiteral("dns");
    case Phase::Connect: return QStringLiteral("connect");
    case Phase::Tls: return QStringLiteral("tls");
    case Phase::Polling: return m_app ? m_app->preUpgradePhase() : QStringLiteral("polling");
    case Phase::Upgrade:
    case Phase::Body: return QStringLiteral("upgrade");
    case Phase::AppHandshake: return m_app ? m_app->handshakePhase() : QStringLiteral("app");
    case Phase::RoundTrip: return m_app ? m_app->roundTripPhase() : QStringLiteral("app");
    case Phase::Ping: return QStringLiteral("ping");
    case Phase::Hold: return QStringLiteral("hold");
    case Phase::Closing: return QStringLiteral("close");
    case Phase::Idle:
    case Phase::Done: break;
    }
    return {};
}

void ProbeSession::enterPhase(Phase phase, double timeoutS)
{
    m_phase = phase;
    m_phaseStartMs = elapsedMs();
    if (timeoutS > 0)
        m_phaseTimer->start(msFromSeconds(timeoutS));
    else
        m_phaseTimer->stop();
    emit progress(m_id, phaseName());
}

void ProbeSession::onSocketError()
{
    if (m_finished || !m_socket)
        return;
    const QAbstractSocket::SocketError e = m_socket->error();
    switch (m_phase) {
    case Phase::Connect:
        if (e == QAbstractSocket::ConnectionRefusedError && m_addressIndex + 1 < m_addresses.size()) {
            ++m_addressIndex;
            m_socket->abort();
            connectNext();
            return;
        }
        m_result.timings.connect.reset();
        m_result.errorKind = errorKindOf(e);
        failPhase(QStringLiteral("connect"), m_socket->errorString());
        return;
    case Phase::Tls:
        m_result.errorKind = errorKindOf(e);
        m_result.tls.failureKind = m_sslErrors.isEmpty() ? QStringLiteral("failed") : tlsFailureKind(m_sslErrors);
        failPhase(QStringLiteral("tls"), m_socket->errorString());
        return;
    case Phase::Body:
        finish();
        return;
    case Phase::Closing:
        finish();
        return;
    case Phase::Polling:
    case Phase::Upgrade:
    case Phase::AppHandshake:
    case Phase::RoundTrip:
    case Phase::Ping:
    case Phase::Hold:
        if (e == QAbstractSocket::RemoteHostClosedError || e == QAbstractSocket::NetworkError
            || e == QAbstractSocket::ProxyConnectionClosedError) {
            peerClosed(true, m_lastByteMs);
            return;
        }
        m_result.errorKind = errorKindOf(e);
        failPhase(phaseName(), m_socket->errorString());
        return;
    default:
        return;
    }
}

void ProbeSession::onDisconnected()
{
    if (m_finished)
        return;
    if (m_phase == Phase::Body || m_phase == Phase::Closing) {
        finish();
        return;
    }
    if (m_phase == Phase::Connect || m_phase == Phase::Tls) {
        onSocketError();
        return;
    }
    peerClosed(true, m_lastByteMs);
}

void ProbeSession::peerClosed(bool tcpOnly, double previousByteMs)
{
    Q_UNUSED(tcpOnly);
    const PeerCloseProbe::Kind kind = m_peerClose.kind();
    m_result.closedBy = kind == PeerCloseProbe::Kind::Reset ? ClosedBy::ServerReset : ClosedBy::ServerFin;
    m_result.errorKind = QStringLiteral("closed");
    const QString how = kind == PeerCloseProbe::Kind::Reset ? QStringLiteral("reset (RST)")
        : kind == PeerCloseProbe::Kind::Fin                ? QStringLiteral("closed (FIN)")
                                                           : QStringLiteral("closed (FIN or reset)");
    if (m_phase == Phase::Upgrade || m_phase == Phase::Polling) {
        failPhase(phaseName(), m_phase == Phase::Polling
                      ? QStringLiteral("the server %1 the TCP connection during the application's %2 request(s) before the upgrade")
                            .arg(how, phaseName())
                      : QStringLiteral("the server %1 the TCP connection before answering the upgrade").arg(how));
        return;
    }
    m_result.closeCode = 1006;
    if (m_phase == Phase::Hold && !m_holdOver)
        m_result.idleCutoffS = (elapsedMs() - previousByteMs) / 1000.0;
    failPhase(phaseName(), QStringLiteral("the server %1 the TCP connection without a close frame").arg(how));
}

void ProbeSession::onPhaseTimeout()
{
    if (m_finished)
        return;
    const QString within = QStringLiteral("%1 s").arg(double(m_phaseTimer->interval()) / 1000.0);
    m_result.errorKind = QStringLiteral("timeout");
    switch (m_phase) {
    case Phase::Dns:
        if (m_lookupId >= 0)
            QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
        failPhase(QStringLiteral("dns"), QStringLiteral("no DNS answer within %1").arg(within));
        return;
    case Phase::Connect:
        failPhase(QStringLiteral("connect"), QStringLiteral("TCP connect did not complete within %1").arg(within));
        return;
    case Phase::Tls:
        m_result.tls.failureKind = QStringLiteral("failed");
        failPhase(QStringLiteral("tls"), QStringLiteral("TLS handshake did not complete within %1").arg(within));
        return;
    case Phase::Polling:
        failPhase(phaseName(), QStringLiteral("no complete answer to %1 request %2 within %3")
                                   .arg(phaseName()).arg(m_preUpgradeIndex + 1).arg(within));
        return;
    case Phase::Upgrade:
        failPhase(QStringLiteral("upgrade"), QStringLiteral("no answer to the upgrade request within %1").arg(within));
        return;
    case Phase::AppHandshake:
        m_result.app.failure = AppFailure::HandshakeFailed;
        m_result.app.refusal = QStringLiteral("%1 within %2").arg(m_app->handshakeTimeout(), within);
        failPhase(phaseName(), m_result.app.refusal);
        return;
    case Phase::RoundTrip:
        failPhase(phaseName(), QStringLiteral("%1 within %2").arg(m_app->roundTripTimeout(m_roundTrip), within));
        return;
    case Phase::Ping:
    case Phase::Hold:
        failPhase(QStringLiteral("ping"), QStringLiteral("no pong for ping %1 within %2").arg(m_pingSeq).arg(within));
        return;
    case Phase::Closing:
    case Phase::Body:
        m_result.errorKind.clear();
        finish();
        return;
    default:
        return;
    }
}

void ProbeSession::cancel()
{
    if (m_finished)
        return;
    m_result.cancelled = true;
    if (m_result.errorPhase.isEmpty())
        m_result.errorPhase = phaseName();
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState && m_result.httpStatus.value_or(0) == 101) {
        writeFrame(FrameWriter::close(1001, "probe cancelled"));
        m_result.closedBy = ClosedBy::Client;
        m_result.closeCode = 1001;
    }
    finish();
}

void ProbeSession::failPhase(const QString& phase, const QString& error)
{
    if (m_finished)
        return;
    m_result.errorPhase = phase;
    m_result.errorString = error;
    // Close politely when the WebSocket is open and nobody has closed it yet.
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState && m_result.httpStatus.value_or(0) == 101
        && m_result.closedBy == ClosedBy::None) {
        writeFrame(FrameWriter::close(1000));
        m_result.closedBy = ClosedBy::Client;
        m_result.closeCode = 1000;
    }
    finish();
}

} // namespace socketscope
