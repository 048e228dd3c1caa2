// SPDX-License-Identifier: GPL-3.0-or-later
// ProbeSession, transport: the URL, the socket and its proxy, TLS set-up (CA file, client
// certificate, pin), DNS, TCP connect and the TLS handshake.
#include "probe/ProbeSession.h"
#include "probe/ProbeSessionDetail.h"

#include "probe/CertificatePin.h"
#include "probe/WsHandshake.h"

#include <QFile>
#include <QHostInfo>
#include <QNetworkProxy>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>

namespace socketscope {

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

} // namespace socketscope
