// SPDX-License-Identifier: GPL-3.0-or-later
#include "probe/CertificatePin.h"

#include <QCryptographicHash>
#include <QSslCertificate>

#include <array>

namespace socketscope {

namespace {

struct PinSpelling {
    const char* prefix;
    CertificatePin::Kind kind;
};
// Longest prefixes first: "sha256//" (curl) before "sha256/".
constexpr std::array<PinSpelling, 3> kSpellings{{
    {"cert-sha256/", CertificatePin::Kind::CertificateSha256},
    {"sha256//", CertificatePin::Kind::PublicKeySha256},
    {"sha256/", CertificatePin::Kind::PublicKeySha256},
}};

// One DER element at pos: its tag, where its content starts and how long it is.
struct Tlv {
    quint8 tag = 0;
    qsizetype contentStart = 0;
    qsizetype contentLength = 0;
    qsizetype end() const { return contentStart + contentLength; }
};

bool readTlv(const QByteArray& der, qsizetype pos, qsizetype limit, Tlv* out)
{
    if (pos + 2 > limit)
        return false;
    const auto byteAt = [&der](qsizetype i) { return static_cast<quint8>(der.at(i)); };
    out->tag = byteAt(pos);
    if ((out->tag & 0x1F) == 0x1F) // high tag numbers never occur in the X.509 structure we walk
        return false;
    const quint8 first = byteAt(pos + 1);
    qsizetype at = pos + 2;
    qsizetype length = 0;
    if (first < 0x80) {
        length = first;
    } else {
        const int n = first & 0x7F;
        if (n == 0 || n > 4 || at + n > limit) // indefinite lengths are not DER
            return false;
        for (int k = 0; k < n; ++k)
            length = (length << 8) | byteAt(at + k);
        at += n;
    }
    if (length < 0 || length > limit - at)
        return false;
    out->contentStart = at;
    out->contentLength = length;
    return true;
}

QString base64Sha256(const QByteArray& bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toBase64());
}

} // namespace

CertificatePin CertificatePin::parse(const QString& text)
{
    CertificatePin pin;
    const QString t = text.trimmed();
    if (t.isEmpty())
        return pin;
    for (const PinSpelling& s : kSpellings) {
        const QLatin1String prefix(s.prefix);
        if (!t.startsWith(prefix, Qt::CaseInsensitive))
            continue;
        pin.m_kind = s.kind;
        const QByteArray b64 = t.mid(prefix.size()).toLatin1();
        const auto decoded = QByteArray::fromBase64Encoding(b64, QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded || decoded.decoded.size() != 32)
            pin.m_error = QStringLiteral("the pin \"%1\" is not %2 followed by the base64 of a SHA-256 digest (44 characters)")
                              .arg(t, prefix);
        else
            pin.m_digest = decoded.decoded;
        return pin;
    }
    pin.m_kind = Kind::PemFile;
    pin.m_file = t;
    return pin;
}

bool CertificatePin::matches(const QSslCertificate& peer) const
{
    if (peer.isNull() || !m_error.isEmpty())
        return false;
    switch (m_kind) {
    case Kind::PublicKeySha256: {
        const QByteArray spki = subjectPublicKeyInfo(peer.toDer());
        return !spki.isEmpty() && QCryptographicHash::hash(spki, QCryptographicHash::Sha256) == m_digest;
    }
    case Kind::CertificateSha256:
        return QCryptographicHash::hash(peer.toDer(), QCryptographicHash::Sha256) == m_digest;
    case Kind::PemFile: {
        const QList<QSslCertificate> pinned = QSslCertificate::fromPath(m_file, QSsl::Pem);
        return !pinned.isEmpty() && pinned.first() == peer;
    }
    case Kind::None: break;
    }
    return false;
}

QString CertificatePin::publicKeyPinOf(const QSslCertificate& cert)
{
    const QByteArray spki = subjectPublicKeyInfo(cert.toDer());
    return spki.isEmpty() ? QString() : QStringLiteral("sha256/") + base64Sha256(spki);
}

QString CertificatePin::certificatePinOf(const QSslCertificate& cert)
{
    return QStringLiteral("cert-sha256/") + base64Sha256(cert.toDer());
}

QByteArray CertificatePin::subjectPublicKeyInfo(const QByteArray& der)
{
    // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber,
    //   signature, issuer, validity, subject, subjectPublicKeyInfo, ... }, ... }  (RFC 5280 4.1)
    constexpr quint8 kSequence = 0x30, kVersionTag = 0xA0;
    Tlv cert, tbs;
    if (!readTlv(der, 0, der.size(), &cert) || cert.tag != kSequence)
        return {};
    if (!readTlv(der, cert.contentStart, cert.end(), &tbs) || tbs.tag != kSequence)
        return {};
    qsizetype pos = tbs.contentStart;
    Tlv field;
    if (!readTlv(der, pos, tbs.end(), &field))
        return {};
    if (field.tag == kVersionTag)
        pos = field.end();
    for (int skip = 0; skip < 5; ++skip) { // serialNumber, signature, issuer, validity, subject
        if (!readTlv(der, pos, tbs.end(), &field))
            return {};
        pos = field.end();
    }
    if (!readTlv(der, pos, tbs.end(), &field) || field.tag != kSequence)
        return {};
    return der.mid(pos, field.end() - pos);
}

} // namespace socketscope
