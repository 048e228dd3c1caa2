// SPDX-License-Identifier: GPL-3.0-or-later
// ProbeSession, the result: finish() stops every timer, completes the report (the body excerpt,
// what an HTTP refusal means to the application, the RTT statistics) and emits done() once.
#include "probe/ProbeSession.h"
#include "probe/ProbeSessionDetail.h"

#include <QHostInfo>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace socketscope {

namespace {
RttStats statsOf(const QVector<double>& samples)
{
    RttStats st;
    st.samples = samples;
    st.count = int(samples.size());
    if (samples.isEmpty())
        return st;
    QVector<double> sorted = samples;
    std::sort(sorted.begin(), sorted.end());
    st.min = sorted.first();
    st.max = sorted.last();
    const qsizetype n = sorted.size();
    st.median = n % 2 ? sorted.at(n / 2) : (sorted.at(n / 2 - 1) + sorted.at(n / 2)) / 2.0;
    const auto rank = qsizetype(std::ceil(0.95 * double(n)));
    st.p95 = sorted.at(std::clamp<qsizetype>(rank - 1, 0, n - 1));
    return st;
}
} // namespace

void ProbeSession::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    m_phaseTimer->stop();
    m_holdTimer->stop();
    m_pingTimer->stop();
    m_bodyTimer->stop();
    m_appBeatTimer->stop();
    m_appWatchdog->stop();
    m_dataTimer->stop();
    if (m_lookupId >= 0) {
        QHostInfo::abortHostLookup(m_lookupId);
        m_lookupId = -1;
    }
    if (m_holdStartMs >= 0 && !m_holdOver)
        m_result.heldS = (elapsedMs() - m_holdStartMs) / 1000.0;
    if (m_phase != Phase::Polling && (m_phase == Phase::Body || m_result.httpStatus.value_or(101) != 101))
        m_result.bodyExcerpt = m_response.bodyExcerpt(); // (a polling answer's body is already decoded)
    if (m_app && m_result.httpStatus.value_or(101) != 101 && m_result.app.failure == AppFailure::None) {
        // What the refusal means to the application (Engine.IO "Session ID unknown": not sticky).
        const AppFailure meaning = m_app->httpRefusal(*m_result.httpStatus, m_result.bodyExcerpt);
        if (meaning != AppFailure::None) {
            m_result.app.failure = meaning;
            m_result.app.refusal = QStringLiteral("HTTP %1: %2").arg(*m_result.httpStatus)
                                       .arg(QString::fromUtf8(m_result.bodyExcerpt.left(200)).trimmed());
        } else if (m_upgradeSent && m_preUpgradeIndex > 0) {
            // The app's own HTTP requests went through; only the upgrade did not.
            m_result.app.refusal = QStringLiteral("long-polling works (%1 request(s) answered), so the app looks fine in "
                                                  "a browser, but the upgrade to WebSocket is refused (HTTP %2): every "
                                                  "client stays on polling")
                                       .arg(m_preUpgradeIndex).arg(*m_result.httpStatus);
        }
    }
    m_result.echoRtt = statsOf(m_result.echoRtt.samples);
    m_result.pingRtt = statsOf(m_result.pingRtt.samples);
    m_result.app.rtt = statsOf(m_result.app.rtt.samples);
    m_phase = Phase::Done;
    if (m_socket) {
        disconnect(m_socket, nullptr, this, nullptr);
        if (m_socket->state() == QAbstractSocket::ConnectedState) {
            // Hand our last frame (a close with its code) to the kernel now: the owner deletes
            // this session, and with it the socket's unsent buffer, right after done().
            m_socket->flush();
            m_socket->disconnectFromHost();
        }
        else
            m_socket->abort();
    }
    m_peerClose.release();
    emit done(m_id, m_result);
}

} // namespace socketscope
