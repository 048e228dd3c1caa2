// SPDX-License-Identifier: GPL-3.0-or-later
// The --pin notation, and the SubjectPublicKeyInfo walk checked against OpenSSL's command line
// (the oracle) for an RSA and an EC key made at test time.
#include "lab/Lab.h"
#include "probe/CertificatePin.h"

#include <QSslCertificate>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {
QByteArray opensslSpkiDer(const QString& certPem)
{
    QByteArray out;
    const int rc = lab::runProgram(QStringLiteral("/bin/sh"),
                                   {QStringLiteral("-c"),
                                    QStringLiteral("openssl x509 -in \"$1\" -pubkey -noout | openssl pkey -pubin -outform der"),
                                    QStringLiteral("sh"), certPem},
                                   &out);
    return rc == 0 ? out : QByteArray();
}
} // namespace

TEST(CertificatePin, ParsesEverySpellingAndRejectsWhatIsNotADigest)
{
    const QString digest = QStringLiteral("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    EXPECT_EQ(CertificatePin::parse(QString()).kind(), CertificatePin::Kind::None);
    EXPECT_EQ(CertificatePin::parse(QStringLiteral("sha256/") + digest).kind(), CertificatePin::Kind::PublicKeySha256);
    EXPECT_EQ(CertificatePin::parse(QStringLiteral(" sha256//") + digest).kind(), CertificatePin::Kind::PublicKeySha256);
    EXPECT_EQ(CertificatePin::parse(QStringLiteral("cert-sha256/") + digest).kind(), CertificatePin::Kind::CertificateSha256);
    const CertificatePin file = CertificatePin::parse(QStringLiteral("/etc/ssl/pinned.pem"));
    EXPECT_EQ(file.kind(), CertificatePin::Kind::PemFile);
    EXPECT_EQ(file.file(), QStringLiteral("/etc/ssl/pinned.pem"));
    for (const char* bad : {"sha256/", "sha256/AAAA", "cert-sha256/!!!!", "sha256/47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=AAAA"}) {
        const CertificatePin p = CertificatePin::parse(QString::fromLatin1(bad));
        EXPECT_FALSE(p.error().isEmpty()) << bad;
        EXPECT_FALSE(p.matches(QSslCertificate())) << bad;
    }
    for (const QString& good : QStringList{QStringLiteral("sha256/") + digest, QStringLiteral("cert-sha256/") + digest})
        EXPECT_TRUE(CertificatePin::parse(good).error().isEmpty()) << good.toStdString();
}

TEST(CertificatePin, SubjectPublicKeyInfoIsWhatOpensslExtracts)
{
    QTemporaryDir dir;
    for (const QStringList& keyArgs : {QStringList{QStringLiteral("-newkey"), QStringLiteral("rsa:2048")},
                                       QStringList{QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                                                   QStringLiteral("ec_paramgen_curve:prime256v1")}}) {
        const QString cert = dir.filePath(QStringLiteral("cert.pem"));
        QByteArray log;
        ASSERT_EQ(lab::runProgram(QStringLiteral("/usr/bin/openssl"),
                                  QStringList{QStringLiteral("req"), QStringLiteral("-x509")} + keyArgs
                                      + QStringList{QStringLiteral("-nodes"), QStringLiteral("-keyout"), dir.filePath(QStringLiteral("key.pem")),
                                                    QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("2"),
                                                    QStringLiteral("-subj"), QStringLiteral("/CN=pin test")},
                                  &log), 0) << log.constData();
        const QList<QSslCertificate> certs = QSslCertificate::fromPath(cert, QSsl::Pem);
        ASSERT_EQ(certs.size(), 1);
        const QByteArray expected = opensslSpkiDer(cert);
        ASSERT_FALSE(expected.isEmpty());
        const QByteArray der = certs.first().toDer();
        EXPECT_EQ(CertificatePin::subjectPublicKeyInfo(der), expected) << keyArgs.join(u' ').toStdString();
        // Every truncation of the certificate is refused without reading past the end (ASan watches).
        for (qsizetype n = 0; n < der.size(); ++n) {
            const QByteArray cut(der.constData(), n); // a copy, so ASan sees its real end
            EXPECT_TRUE(CertificatePin::subjectPublicKeyInfo(cut).isEmpty()) << n;
        }
    }
}
