// SPDX-License-Identifier: GPL-3.0-or-later
#include "probe/ProbeSession.h"

#include "probe/CertificatePin.h"
#include "probe/WsHandshake.h"

#include <QFile>
#include <QHostInfo>
#include <QNetworkProxy>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace socketscope {

namespace {
constexpr int kBodyGraceMs = 300;          // after a non-101 head: wait this long for the body excerpt
constexpr double kCloseWaitS = 2.0;        // at most this long for the server's close frame
constexpr qint64 kMaxQueuedPongBytes = 1024 * 1024; // unsent pongs beyond this: the server does not read

int msFromSeconds(double s) { return int(std::clamp(s * 1000.0, 1.0, 2.0e9)); }

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
    connect(m_holdTimer, &QTimer::timeout, this, [this] {
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
    });
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

void ProbeSession::start()
{
    m_clock.start();
    m_result.url = m_options.url;
    m_result.startedAt = QDateTime::currentDateTime();
    m_url = QUrl(m_options.url.trimmed());
    const QString urlError = wshandshake::checkUrl(m_url);
    if (!urlError.isEmpty()) {
        m_result.errorKind = QStringLiteral("config");
        m_result.protocolError = urlError;
        failPhase(QStringLiteral("url"), urlError);
        return;
    }
    const QString scheme = m_url.scheme().toLower();
    m_secure = scheme == QLatin1String("wss") || scheme == QLatin1String("https");
    m_port = quint16(m_url.port(m_secure ? 443 : 80));
    m_result.tls.used = m_secure;
    m_key = wshandshake::makeKey();
    chooseAppBeforeUpgrade();

    if (m_secure) {
        m_ssl = new QSslSocket(this);
        m_socket = m_ssl;
    } else {
        m_socket = new QTcpSocket(this);
    }
    if (!m_options.proxyUrl.isEmpty()) {
        const QUrl proxyUrl(m_options.proxyUrl);
        const QString ps = proxyUrl.scheme().toLower();
        QNetworkProxy proxy;
        if (ps == QLatin1String("http") || ps == QLatin1String("https"))
            proxy.setType(QNetworkProxy::HttpProxy);
        else if (ps.startsWith(QLatin1String("socks5")) || ps == QLatin1String("socks"))
            proxy.setType(QNetworkProxy::Socks5Proxy);
        if (proxy.type() == QNetworkProxy::DefaultProxy || proxyUrl.host().isEmpty()) {
            m_result.errorKind = QStringLiteral("config");
            failPhase(QStringLiteral("connect"),
                      QStringLiteral("unsupported proxy \"%1\": use http://HOST:PORT (CONNECT) or socks5://HOST:PORT")
                          .arg(proxyUrl.toString(QUrl::RemoveUserInfo)));
            return;
        }
        proxy.setHostName(proxyUrl.host());
        proxy.setPort(quint16(proxyUrl.port(ps.startsWith(QLatin1String("socks")) ? 1080 : 8080)));
        m_socket->setProxy(proxy);
        m_result.proxy = proxyUrl.toString(QUrl::RemoveUserInfo);
    } else {
        m_socket->setProxy(QNetworkProxy::NoProxy); // never the environment's http_proxy
    }

    if (m_secure) {
        if (const QString pinError = CertificatePin::parse(m_options.pinnedCertificate).error(); !pinError.isEmpty()) {
            m_result.errorKind = QStringLiteral("config");
            m_result.tls.failureKind = QStringLiteral("failed");
            failPhase(QStringLiteral("tls"), pinError);
            return;
        }
        QSslConfiguration conf = QSslConfiguration::defaultConfiguration();
        conf.setPeerVerifyMode(QSslSocket::VerifyPeer);
        if (!m_options.caFile.isEmpty()) {
            QList<QSslCertificate> cas = QSslCertificate::fromPath(m_options.caFile, QSsl::Pem);
            if (cas.isEmpty())
                cas = QSslCertificate::fromPath(m_options.caFile, QSsl::Der);
            if (cas.isEmpty()) {
                m_result.errorKind = QStringLiteral("config");
                m_result.tls.failureKind = QStringLiteral("failed");
                failPhase(QStringLiteral("tls"), QStringLiteral("cannot read a certificate from the CA file %1").arg(m_options.caFile));
                return;
            }
            conf.addCaCertificates(cas);
        }
        if (!m_options.clientCertificate.isEmpty()) {
            const QList<QSslCertificate> certs = QSslCertificate::fromPath(m_options.clientCertificate, QSsl::Pem);
            QFile keyFile(m_options.clientKey.isEmpty() ? m_options.clientCertificate : m_options.clientKey);
            QSslKey key;
            if (keyFile.open(QIODevice::ReadOnly)) {
                const QByteArray pem = keyFile.readAll();
                key = QSslKey(pem, QSsl::Rsa);
                if (key.isNull())
                    key = QSslKey(pem, QSsl::Ec);
            }
            if (certs.isEmpty() || key.isNull()) {
                m_result.errorKind = QStringLiteral("config");
                m_result.tls.failureKind = QStringLiteral("failed");
                failPhase(QStringLiteral("tls"), certs.isEmpty()
                              ? QStringLiteral("cannot read the client certificate %1").arg(m_options.clientCertificate)
                              : QStringLiteral("cannot read the client key %1 (unencrypted PEM RSA or EC expected)")
                                    .arg(keyFile.fileName()));
                return;
            }
            conf.setLocalCertificate(certs.first());
            conf.setPrivateKey(key);
        }
        m_ssl->setSslConfiguration(conf);
    }

    connect(m_socket, &QAbstractSocket::connected, this, &ProbeSession::onConnected);
    if (m_ssl) {
        connect(m_ssl, &QSslSocket::encrypted, this, &ProbeSession::onEncrypted);
        connect(m_ssl, &QSslSocket::sslErrors, this, &ProbeSession::onSslErrors);
    }
    connect(m_socket, &QIODevice::readyRead, this, &ProbeSession::onReadyRead);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, &ProbeSession::onSocketError);
    connect(m_socket, &QAbstractSocket::disconnected, this, &ProbeSession::onDisconnected);

    if (!m_result.proxy.isEmpty()) { // the proxy resolves the name
        connectNext();
        return;
    }
    QHostAddress literal;
    if (literal.setAddress(m_url.host())) {
        m_addresses = {literal};
        m_result.resolvedAddress = literal.toString();
        connectNext();
        return;
    }
    enterPhase(Phase::Dns, qMin(m_options.connectTimeoutS, m_options.timeoutS));
    m_lookupId = QHostInfo::lookupHost(m_url.host(), this, [this](const QHostInfo& info) {
        m_lookupId = -1;
        if (m_phase != Phase::Dns)
            return;
        m_result.timings.dns = elapsedMs() - m_phaseStartMs;
        if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
            m_result.errorKind = QStringLiteral("host_not_found");
            failPhase(QStringLiteral("dns"), info.errorString().isEmpty() ? QStringLiteral("no address") : info.errorString());
            return;
        }
        // IPv4 first: reverse proxies are commonly bound to 0.0.0.0 only; the others remain fallbacks.
        const QList<QHostAddress> all = info.addresses();
        for (const QHostAddress& a : all) {
            if (a.protocol() == QAbstractSocket::IPv4Protocol)
                m_addresses << a;
        }
        for (const QHostAddress& a : all) {
            if (a.protocol() != QAbstractSocket::IPv4Protocol)
                m_addresses << a;
        }
        connectNext();
    });
}

void ProbeSession::connectNext()
{
    enterPhase(Phase::Connect, qMin(m_options.connectTimeoutS, m_options.timeoutS));
    QString target = m_url.host();
    if (m_result.proxy.isEmpty()) {
        const QHostAddress a = m_addresses.value(m_addressIndex);
        m_result.resolvedAddress = a.toString();
        target = a.toString();
    }
    if (m_secure)
        m_ssl->connectToHostEncrypted(target, m_port, m_url.host());
    else
        m_socket->connectToHost(target, m_port);
}

void ProbeSession::onConnected()
{
    if (m_phase != Phase::Connect)
        return;
    m_result.timings.connect = elapsedMs() - m_phaseStartMs;
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_peerClose.attach(m_socket->socketDescriptor());
    if (m_secure) {
        enterPhase(Phase::Tls, m_options.timeoutS);
        return;
    }
    beginUpgrade();
}

bool ProbeSession::verifyPin()
{
    const QSslCertificate peer = m_ssl->peerCertificate();
    if (peer.isNull())
        return false;
    return CertificatePin::parse(m_options.pinnedCertificate).matches(peer);
}

void ProbeSession::onSslErrors(const QList<QSslError>& errors)
{
    m_sslErrors = errors;
    for (const QSslError& e : errors)
        m_result.tls.errors << e.errorString();
    const QSslCertificate peer = m_ssl->peerCertificate();
    if (!peer.isNull()) {
        m_result.tls.peerSubject = peer.subjectDisplayName();
        m_result.tls.peerIssuer = peer.issuerDisplayName();
        m_result.tls.notAfter = peer.expiryDate();
        m_result.tls.daysToExpiry = int(QDateTime::currentDateTimeUtc().daysTo(peer.expiryDate()));
    }
    if (m_options.insecure) {
        m_result.tls.insecure = true;
        m_ssl->ignoreSslErrors();
        return;
    }
    if (!m_options.pinnedCertificate.isEmpty()) {
        if (!verifyPin()) { // the pin replaces the CA check: its mismatch is the reason, not the CA
            failPinMismatch(peer);
            return;
        }
        m_result.tls.pinned = true;
        m_ssl->ignoreSslErrors();
    }
}

void ProbeSession::failPinMismatch(const QSslCertificate& peer)
{
    m_result.tls.failureKind = QStringLiteral("pin_mismatch");
    m_result.errorKind = QStringLiteral("tls");
    failPhase(QStringLiteral("tls"), QStringLiteral("the server's certificate (public key %1, certificate %2) does not match the pin %3")
                                         .arg(CertificatePin::publicKeyPinOf(peer), CertificatePin::certificatePinOf(peer),
                                              m_options.pinnedCertificate.trimmed()));
}

void ProbeSession::onEncrypted()
{
    if (m_phase != Phase::Tls)
        return;
    m_result.timings.tls = elapsedMs() - m_phaseStartMs;
    const QSslCertificate peer = m_ssl->peerCertificate();
    m_result.tls.protocol = m_ssl->sessionCipher().protocolString();
    m_result.tls.peerSubject = peer.subjectDisplayName();
    m_result.tls.peerIssuer = peer.issuerDisplayName();
    m_result.tls.notAfter = peer.expiryDate();
    if (!peer.isNull())
        m_result.tls.daysToExpiry = int(QDateTime::currentDateTimeUtc().daysTo(peer.expiryDate()));
    if (!m_options.pinnedCertificate.isEmpty() && !m_result.tls.insecure) {
        if (!m_result.tls.pinned && !verifyPin()) {
            failPinMismatch(peer);
            return;
        }
        m_result.tls.pinned = true;
    }
    beginUpgrade();
}

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
        m_holdTimer->start(msFromSeconds(m_options.holdS));
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
