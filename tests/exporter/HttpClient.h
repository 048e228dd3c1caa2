// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A deliberately plain HTTP/1.1 client for the exporter tests: raw bytes out, the whole answer in
// (the exporter closes each connection). Blocking socket calls, or the event loop spun while waiting,
// so an in-process server on the same thread can answer.

#include <QByteArray>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QList>
#include <QTcpSocket>

#include <optional>

namespace socketscope::exportertest {

struct HttpAnswer {
    int status = 0; // 0: no answer
    QByteArray head;
    QByteArray body;
    QByteArray header(const QByteArray& name) const
    {
        for (const QByteArray& line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().toLower() == name.toLower())
                return line.mid(colon + 1).trimmed();
        }
        return {};
    }
};

// Sends `request` (raw bytes) to 127.0.0.1:port and reads until the server closes, spinning the
// event loop (the server may live in this thread).
inline HttpAnswer rawRequest(quint16 port, const QByteArray& request, int timeoutMs = 20000)
{
    QTcpSocket s;
    s.connectToHost(QStringLiteral("127.0.0.1"), port);
    QByteArray data;
    QElapsedTimer t;
    t.start();
    bool sent = false;
    while (t.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        if (!sent && s.state() == QAbstractSocket::ConnectedState) {
            s.write(request);
            sent = true;
        }
        s.waitForReadyRead(5);
        data += s.readAll();
        if (sent && s.state() == QAbstractSocket::UnconnectedState)
            break;
    }
    data += s.readAll();
    HttpAnswer a;
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (!data.startsWith("HTTP/1.") || end < 0)
        return a;
    a.head = data.left(end);
    a.body = data.mid(end + 4);
    a.status = data.mid(9, 3).toInt();
    return a;
}

inline HttpAnswer get(
    quint16 port, const QByteArray& target, const QByteArray& extraHeaders = {}, int timeoutMs = 20000)
{
    return rawRequest(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "\r\n", timeoutMs);
}

// The value of a sample line "NAME{LABELS} VALUE" (exact name+labels text); nullopt when absent.
inline std::optional<double> sampleValue(const QByteArray& exposition, const QByteArray& series)
{
    for (const QByteArray& line : exposition.split('\n'))
        if (line.startsWith(QByteArray(series + ' ')))
            return line.mid(series.size() + 1).toDouble();
    return std::nullopt;
}

} // namespace socketscope::exportertest
