// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

class QSslCertificate;

namespace socketscope {

// The notation of `--pin` and the profile's "Pinned certificate" field, shared by the probe, the
// CLI and the profile validator so that all three read a pin the same way.
//   sha256/BASE64 (also curl's sha256//BASE64)  SHA-256 of the SubjectPublicKeyInfo (HPKP, OkHttp,
//                                               curl --pinnedpubkey): survives a renewal with the same key
//   cert-sha256/BASE64                          SHA-256 of the whole certificate (DER)
//   anything else                               a PEM file holding exactly the expected certificate
class CertificatePin {
public:
    enum class Kind { None, PublicKeySha256, CertificateSha256, PemFile };

    // Parses the pin text (surrounding blanks ignored); kind() None for an empty text.
    static CertificatePin parse(const QString& text);

    Kind kind() const { return m_kind; }
    // Empty when the pin is usable; else what is wrong with it, for the user.
    QString error() const { return m_error; }
    // The PEM file path (Kind::PemFile).
    QString file() const { return m_file; }
    // True when the peer certificate matches this pin.
    bool matches(const QSslCertificate& peer) const;

    // "sha256/BASE64" of the certificate's SubjectPublicKeyInfo ("" if it cannot be found).
    static QString publicKeyPinOf(const QSslCertificate& cert);
    // "cert-sha256/BASE64" of the whole certificate.
    static QString certificatePinOf(const QSslCertificate& cert);
    // The DER SubjectPublicKeyInfo inside a DER X.509 certificate ("" when the DER is not one).
    static QByteArray subjectPublicKeyInfo(const QByteArray& certificateDer);

private:
    Kind m_kind = Kind::None;
    QByteArray m_digest; // 32 bytes for the two hash kinds
    QString m_file;
    QString m_error;
};

} // namespace socketscope
