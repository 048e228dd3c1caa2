// SPDX-License-Identifier: GPL-3.0-or-later
// Evidence lines: what a probe saw, in the words an operator would use to describe it.
#include "diagnosis/Diagnosis.h"

#include <QUrl>

namespace socketscope::diagnosis_detail {

namespace {
QString ms(const std::optional<double>& v) { return v ? QString::number(*v, 'f', 2) : QStringLiteral("—"); }

QString oneLine(const QByteArray& bytes, int max)
{
    QString s = QString::fromUtf8(bytes.left(max)).simplified();
    if (bytes.size() > max)
        s += QStringLiteral("…");
    return s;
}
} // namespace

QStringList evidenceFor(const ProbeResult& r)
{
    QStringList e;
    const QUrl url(r.url);
    if (!r.proxy.isEmpty())
        e << QStringLiteral("Through the proxy %1").arg(r.proxy);
    if (r.errorPhase == QLatin1String("url"))
        e << QStringLiteral("Invalid URL: %1").arg(r.errorString);
    if (r.errorPhase == QLatin1String("dns"))
        e << QStringLiteral("DNS: looking up %1 failed after %2 ms: %3").arg(url.host(), ms(r.timings.dns), r.errorString);
    else if (r.timings.dns)
        e << QStringLiteral("DNS: %1 → %2 in %3 ms").arg(url.host(), r.resolvedAddress, ms(r.timings.dns));
    if (r.timings.connect)
        e << QStringLiteral("TCP: connected to %1:%2 in %3 ms")
                 .arg(r.resolvedAddress.isEmpty() ? url.host() : r.resolvedAddress)
                 .arg(url.port(r.tls.used ? 443 : 80))
                 .arg(ms(r.timings.connect));
    else if (r.errorPhase == QLatin1String("connect"))
        e << QStringLiteral("TCP: connecting to %1:%2 failed: %3")
                 .arg(r.resolvedAddress.isEmpty() ? url.host() : r.resolvedAddress)
                 .arg(url.port(r.tls.used ? 443 : 80))
                 .arg(r.errorString);
    if (r.tls.used) {
        if (r.timings.tls)
            e << QStringLiteral("TLS: %1 handshake in %2 ms").arg(r.tls.protocol, ms(r.timings.tls));
        if (!r.tls.peerSubject.isEmpty())
            e << QStringLiteral("TLS certificate: %1, issued by %2, expires %3 (%4 days)")
                     .arg(r.tls.peerSubject, r.tls.peerIssuer, r.tls.notAfter.toUTC().toString(Qt::ISODate))
                     .arg(r.tls.daysToExpiry.value_or(0));
        for (const QString& err : r.tls.errors)
            e << QStringLiteral("TLS error: %1").arg(err);
        if (r.tls.insecure)
            e << QStringLiteral("TLS certificate NOT verified (--insecure)");
        if (r.tls.pinned)
            e << QStringLiteral("TLS certificate matches the pinned certificate");
        if (r.errorPhase == QLatin1String("tls"))
            e << QStringLiteral("TLS failed: %1").arg(r.errorString);
    }
    if (!r.requestHead.isEmpty())
        e << QStringLiteral("Request: %1").arg(r.requestHead.section(QStringLiteral("\r\n"), 0, 0));
    if (!r.statusLine.isEmpty())
        e << QStringLiteral("Response: %1 (after %2 ms)").arg(r.statusLine, ms(r.timings.upgrade));
    int shown = 0;
    for (const auto& h : r.responseHeaders) {
        if (++shown > 24) {
            e << QStringLiteral("Header: … (%1 more)").arg(r.responseHeaders.size() - 24);
            break;
        }
        e << QStringLiteral("Header: %1: %2").arg(h.first, h.second);
    }
    if (!r.bodyExcerpt.isEmpty())
        e << QStringLiteral("Body: %1").arg(oneLine(r.bodyExcerpt, 300));
    if (!r.protocolError.isEmpty())
        e << QStringLiteral("Protocol: %1").arg(r.protocolError);
    if (!r.subprotocol.isEmpty())
        e << QStringLiteral("Subprotocol: %1").arg(r.subprotocol);
    if (!r.extensions.isEmpty())
        e << QStringLiteral("Extensions: %1 (%2 compressed message(s) inflated)").arg(r.extensions).arg(r.compressedMessages);
    if (r.otherMessages > 0)
        e << QStringLiteral("Server messages besides echoes: %1 (first: %2)").arg(r.otherMessages).arg(oneLine(r.firstOtherMessage, 120));
    if (!r.app.protocol.isEmpty()) {
        QString line = QStringLiteral("Application: %1 (decided by %2)").arg(r.app.protocol, appDetectedByName(r.app.detectedBy));
        if (!r.app.version.isEmpty())
            line += QStringLiteral(", %1").arg(r.app.version);
        if (r.app.heartbeatIntervalMs)
            line += QStringLiteral(", heartbeat every %1 ms, %2 answered").arg(*r.app.heartbeatIntervalMs).arg(r.app.heartbeatsAnswered);
        if (r.app.roundTrips > 0)
            line += QStringLiteral(", %1 round trip(s), median %2 ms").arg(r.app.roundTrips).arg(r.app.rtt.median, 0, 'f', 3);
        e << line;
    }
    if (!r.app.refusal.isEmpty())
        e << QStringLiteral("The application said: %1").arg(r.app.refusal);
    if (r.boltHandshakeMs)
        e << QStringLiteral("Bolt: answer %1 in %2 ms").arg(QString::fromLatin1(r.boltVersion.toHex(' ')), ms(r.boltHandshakeMs));
    if (r.echoSent > 0)
        e << QStringLiteral("Echo: %1 of %2 messages came back; RTT ms min %3 / median %4 / p95 %5 / max %6")
                 .arg(r.echoReceived).arg(r.echoSent)
                 .arg(r.echoRtt.min, 0, 'f', 3).arg(r.echoRtt.median, 0, 'f', 3)
                 .arg(r.echoRtt.p95, 0, 'f', 3).arg(r.echoRtt.max, 0, 'f', 3);
    if (r.pingsSent > 0)
        e << QStringLiteral("Ping: %1 sent, %2 pongs; RTT median %3 ms").arg(r.pingsSent).arg(r.pongsReceived)
                 .arg(r.pingRtt.median, 0, 'f', 3);
    if (r.heldS > 0)
        e << QStringLiteral("Held the connection idle for %1 s").arg(r.heldS, 0, 'f', 2);
    switch (r.closedBy) {
    case ClosedBy::ServerFrame:
        e << QStringLiteral("Close: the server sent a close frame, code %1%2").arg(r.closeCode.value_or(1005))
                 .arg(r.closeReason.isEmpty() ? QString() : QStringLiteral(" reason \"%1\"").arg(r.closeReason));
        break;
    case ClosedBy::ServerFin:
        e << QStringLiteral("Close: the server closed TCP (FIN) without a close frame → 1006 (abnormal closure)");
        break;
    case ClosedBy::ServerReset:
        e << QStringLiteral("Close: the server reset the TCP connection (RST) without a close frame → 1006 (abnormal closure)");
        break;
    case ClosedBy::Client:
        e << QStringLiteral("Close: the probe closed with code %1").arg(r.closeCode.value_or(1000));
        break;
    case ClosedBy::None:
        break;
    }
    if (r.idleCutoffS)
        e << QStringLiteral("Idle cutoff: %1 s from the last byte to the close").arg(*r.idleCutoffS, 0, 'f', 2);
    if (!r.errorPhase.isEmpty() && !r.errorString.isEmpty() && r.errorPhase != QLatin1String("dns")
        && r.errorPhase != QLatin1String("connect") && r.errorPhase != QLatin1String("tls") && r.errorPhase != QLatin1String("url"))
        e << QStringLiteral("Stopped in phase %1: %2").arg(r.errorPhase, r.errorString);
    if (r.cancelled)
        e << QStringLiteral("Probe cancelled");
    e << QStringLiteral("Timings ms: DNS %1 · TCP %2 · TLS %3 · upgrade %4 · first echo %5")
             .arg(ms(r.timings.dns), ms(r.timings.connect), ms(r.timings.tls), ms(r.timings.upgrade), ms(r.timings.firstEcho));
    return e;
}

} // namespace socketscope::diagnosis_detail
