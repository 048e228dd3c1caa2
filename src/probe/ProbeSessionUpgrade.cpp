// SPDX-License-Identifier: GPL-3.0-or-later
// ProbeSession, HTTP: the application's own requests before the upgrade (Socket.IO long-polling,
// SignalR negotiate), the upgrade request and its answer (101 validated, permessage-deflate
// negotiated, or a refusal with its body), and the dispatch of received bytes by phase.
#include "probe/ProbeSession.h"
#include "probe/ProbeSessionDetail.h"

#include "probe/WsHandshake.h"

#include <QTcpSocket>
#include <QTimer>

namespace socketscope {

namespace {
constexpr int kBodyGraceMs = 300;          // after a non-101 head: wait this long for the body excerpt
// A chunked HTTP body (RFC 9112 §7.1) complete in raw: the decoded body; nullopt while incomplete
// or malformed (then the caller's size/time limits apply).
std::optional<QByteArray> dechunk(const QByteArray& raw)
{
    QByteArray body;
    qsizetype pos = 0;
    for (;;) {
        const qsizetype eol = raw.indexOf("\r\n", pos);
        if (eol < 0)
            return std::nullopt;
        bool ok = false;
        const qlonglong size = raw.mid(pos, eol - pos).split(';').first().trimmed().toLongLong(&ok, 16);
        if (!ok || size < 0 || size > raw.size())
            return std::nullopt;
        pos = eol + 2;
        if (size == 0)
            return raw.indexOf("\r\n", pos) >= 0 ? std::optional<QByteArray>(body) : std::nullopt; // trailers end
        if (raw.size() - pos < size + 2)
            return std::nullopt;
        body += raw.mid(pos, qsizetype(size));
        pos += qsizetype(size) + 2;
    }
}
} // namespace

void ProbeSession::beginUpgrade()
{
    const std::optional<PreUpgradeRequest> request = m_app ? m_app->preUpgradeRequest(m_preUpgradeIndex) : std::nullopt;
    if (!request) {
        sendUpgrade();
        return;
    }
    enterPhase(Phase::Polling, m_options.timeoutS);
    m_response = HttpResponseParser();
    QUrl target = m_url;
    target.setPath(request->url.path());
    target.setQuery(request->url.query());
    if (m_preUpgradeIndex == 0)
        m_result.requestHead = QString::fromUtf8(wshandshake::buildHttpRequest(target, m_options, request->method, {}, true));
    m_socket->write(wshandshake::buildHttpRequest(target, m_options, request->method, request->body, false));
    m_lastByteMs = elapsedMs();
}

void ProbeSession::handlePreUpgradeResponse(const QByteArray& body)
{
    // Kept as the evidence when the probe ends here; the upgrade's answer replaces them otherwise.
    m_result.httpStatus = m_response.statusCode();
    m_result.statusLine = m_response.statusLine();
    m_result.responseHeaders = m_response.headers();
    m_result.bodyExcerpt = body;
    const int index = m_preUpgradeIndex++;
    if (!m_app->preUpgradeResponse(*this, index, m_response.statusCode(), body, m_url)) {
        if (m_finished)
            return;
        m_result.errorPhase = phaseName();
        finish();
        return;
    }
    if (!m_finished)
        beginUpgrade();
}

void ProbeSession::sendUpgrade()
{
    enterPhase(Phase::Upgrade, m_options.timeoutS);
    m_upgradeSent = true;
    m_response = HttpResponseParser(); // after long-polling requests on this connection
    m_result.httpStatus.reset();        // their answers were evidence only while the probe might end there
    m_result.statusLine.clear();
    m_result.responseHeaders.clear();
    m_result.bodyExcerpt.clear();
    m_result.requestHead = QString::fromUtf8(wshandshake::buildRequest(m_url, m_options, m_key, true));
    m_socket->write(wshandshake::buildRequest(m_url, m_options, m_key, false));
    m_lastByteMs = elapsedMs();
}

void ProbeSession::onReadyRead()
{
    if (m_finished)
        return;
    const QByteArray data = m_socket->readAll();
    if (data.isEmpty())
        return;
    const double previous = m_lastByteMs;
    m_lastByteMs = elapsedMs();
    switch (m_phase) {
    case Phase::Polling:
        if (m_response.feed(data) == HttpResponseParser::State::Error) {
            m_result.protocolError = m_response.error();
            m_result.errorKind = QStringLiteral("protocol");
            failPhase(phaseName(), m_response.error());
            return;
        }
        if (m_response.state() == HttpResponseParser::State::HeadComplete) {
            // Engine.IO sends a Content-Length; its errors (400 "Session ID unknown") come chunked.
            std::optional<QByteArray> body;
            if (m_response.header(QStringLiteral("Transfer-Encoding")).contains(QLatin1String("chunked"), Qt::CaseInsensitive))
                body = dechunk(m_response.bodyExcerpt());
            if (!body && m_response.bodyDone())
                body = m_response.bodyExcerpt();
            if (body) {
                m_phaseTimer->stop();
                handlePreUpgradeResponse(*body);
            }
        }
        return;
    case Phase::Upgrade:
        if (m_response.feed(data) == HttpResponseParser::State::Error) {
            m_result.timings.upgrade = elapsedMs() - m_phaseStartMs;
            m_result.protocolError = m_response.error();
            m_result.errorKind = QStringLiteral("protocol");
            failPhase(QStringLiteral("upgrade"), m_response.error());
            return;
        }
        if (m_response.state() == HttpResponseParser::State::HeadComplete)
            handleResponseHead();
        return;
    case Phase::Body:
        m_response.feed(data);
        m_result.bodyExcerpt = m_response.bodyExcerpt();
        if (m_response.bodyDone())
            finish();
        return;
    case Phase::AppHandshake:
    case Phase::RoundTrip:
    case Phase::Ping:
    case Phase::Hold:
    case Phase::Closing: {
        feedFrames(data, previous);
        return;
    }
    default:
        return;
    }
}

void ProbeSession::handleResponseHead()
{
    m_result.timings.upgrade = elapsedMs() - m_phaseStartMs;
    m_result.httpStatus = m_response.statusCode();
    m_result.statusLine = m_response.statusLine();
    m_result.responseHeaders = m_response.headers();
    if (m_response.statusCode() != 101) {
        m_result.bodyExcerpt = m_response.bodyExcerpt();
        if (m_response.bodyDone() || m_response.contentLength() == 0 || m_response.statusCode() == 204
            || m_response.statusCode() == 304) {
            m_result.errorPhase = QStringLiteral("upgrade");
            finish();
            return;
        }
        m_phase = Phase::Body;
        m_result.errorPhase = QStringLiteral("upgrade");
        m_bodyTimer->start(kBodyGraceMs);
        return;
    }
    QString chosen;
    const QString invalid = wshandshake::validateUpgrade(m_response, m_key, m_options.subprotocols, &chosen, m_options.deflate);
    if (!invalid.isEmpty()) {
        m_result.protocolError = invalid;
        m_result.errorKind = QStringLiteral("protocol");
        failPhase(QStringLiteral("upgrade"), invalid);
        return;
    }
    m_result.subprotocol = chosen;
    m_result.extensions = m_response.headerList(QStringLiteral("Sec-WebSocket-Extensions")).trimmed();
    if (!m_result.extensions.isEmpty()) { // permessage-deflate (validateUpgrade admits no other)
        DeflateParams deflate;
        if (const QString bad = wshandshake::negotiateDeflate(m_result.extensions, &deflate); !bad.isEmpty()) {
            m_result.protocolError = bad;
            m_result.errorKind = QStringLiteral("extension");
            writeFrame(FrameWriter::close(1002, "permessage-deflate parameters not offered"));
            m_result.closedBy = ClosedBy::Client;
            m_result.closeCode = 1002;
            failPhase(QStringLiteral("upgrade"), bad);
            return;
        }
        m_frames.enableDeflate(deflate);
    }
    chooseAppAfterUpgrade();
    const QByteArray leftover = m_response.leftover();
    nextStep();
    if (!leftover.isEmpty() && !m_finished)
        feedFrames(leftover, m_lastByteMs); // frames that came in the same packet as the 101
}

} // namespace socketscope
