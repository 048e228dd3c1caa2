// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the --pin notation (from the command line or a profile file) and the DER walk
// that cuts the SubjectPublicKeyInfo out of a server's certificate.
#include "probe/CertificatePin.h"

#include <QString>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace socketscope;
    if (size < 1)
        return 0;
    const QByteArray input(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    if (data[0] & 1) {
        const QByteArray spki = CertificatePin::subjectPublicKeyInfo(input);
        // Invariants: a SEQUENCE found inside the input, never bytes from elsewhere.
        if (!spki.isEmpty() && (spki.at(0) != '\x30' || !input.contains(spki)))
            __builtin_trap();
        return 0;
    }
    const QString text = QString::fromUtf8(input);
    const CertificatePin pin = CertificatePin::parse(text);
    if ((pin.kind() == CertificatePin::Kind::None) != text.trimmed().isEmpty())
        __builtin_trap();
    if (!pin.error().isEmpty() && pin.kind() != CertificatePin::Kind::PublicKeySha256
        && pin.kind() != CertificatePin::Kind::CertificateSha256)
        __builtin_trap();
    return 0;
}
