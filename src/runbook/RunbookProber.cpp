// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/RunbookProber.h"

#include "probe/ProbeEngine.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

namespace socketscope {

std::unique_ptr<RunbookProber> makeDefaultRunbookProber()
{
    return std::make_unique<ProbeEngineProber>();
}

ProbeResult ProbeEngineProber::probe(const ProbeOptions& options, const std::atomic_bool* cancel)
{
    ProbeEngine engine;
    ProbeResult result;
    bool done = false;
    quint64 id = 0;
    QEventLoop loop;
    QObject::connect(&engine, &ProbeEngine::finished, &loop, [&](quint64 finishedId, const ProbeResult& r) {
        if (finishedId != id)
            return;
        result = r;
        done = true;
        loop.quit();
    });
    QTimer watch;
    watch.setInterval(100);
    QObject::connect(&watch, &QTimer::timeout, &loop, [&] {
        if (cancel && cancel->load())
            engine.cancel(id);
    });
    id = engine.start(options);
    watch.start();
    if (!done)
        loop.exec();
    return result;
}

namespace {

QString causeForStatus(int status)
{
    switch (status) {
    case 200: case 400: case 426: return QStringLiteral("upgrade_not_forwarded");
    case 401: case 407: return QStringLiteral("auth_required");
    case 403: return QStringLiteral("origin_rejected");
    case 404: return QStringLiteral("not_found");
    case 502: return QStringLiteral("bad_gateway");
    case 503: return QStringLiteral("service_unavailable");
    case 504: return QStringLiteral("gateway_timeout");
    default: return QStringLiteral("http_error");
    }
}

// Waits in the calling (worker) thread's own event loop until `done` holds, the deadline passes
// or the run is cancelled. This runs on the runbook's worker thread, never on the GUI thread.
template <typename Pred>
bool waitUntil(Pred done, int timeoutMs, const std::atomic_bool* cancel)
{
    QElapsedTimer t;
    t.start();
    QEventLoop loop;
    while (!done()) {
        if (t.elapsed() >= timeoutMs || (cancel && cancel->load()))
            return false;
        QTimer::singleShot(20, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return true;
}

} // namespace

ProbeResult WebSocketCheckProber::probe(const ProbeOptions& o, const std::atomic_bool* cancel)
{
    ProbeResult r;
    r.url = o.url;
    r.startedAt = QDateTime::currentDateTime();
    QWebSocket ws(o.origin);
    bool connected = false, disconnected = false, errored = false;
    QString errorText;
    QAbstractSocket::SocketError error = QAbstractSocket::UnknownSocketError;
    QList<QString> received;
    QElapsedTimer clock;
    clock.start();
    double disconnectedAtMs = -1;
    QObject::connect(&ws, &QWebSocket::connected, &ws, [&] { connected = true; });
    QObject::connect(&ws, &QWebSocket::disconnected, &ws, [&] {
        disconnected = true;
        disconnectedAtMs = double(clock.nsecsElapsed()) / 1e6;
    });
    QObject::connect(&ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), &ws,
                     [&](QAbstractSocket::SocketError e) { errored = true; error = e; errorText = ws.errorString(); });
    QObject::connect(&ws, &QWebSocket::textMessageReceived, &ws, [&](const QString& m) { received << m; });

    QNetworkRequest req{QUrl(o.url)};
    for (const auto& h : o.headers)
        req.setRawHeader(h.first.toUtf8(), h.second.toUtf8());
    ws.open(req);
    const int phaseMs = int(o.timeoutS * 1000);
    waitUntil([&] { return connected || errored || disconnected; }, phaseMs, cancel);
    r.timings.upgrade = double(clock.nsecsElapsed()) / 1e6;
    if (!connected) {
        r.timings.upgrade.reset();
        r.errorPhase = QStringLiteral("upgrade");
        r.errorString = errorText.isEmpty() ? QStringLiteral("no answer within %1 s").arg(o.timeoutS) : errorText;
        static const QRegularExpression statusRe(QStringLiteral("\\b([1-5][0-9][0-9])\\b"));
        // QWebSocket reports a refused upgrade as ConnectionRefusedError with the status only in
        // errorString(): look for the status first.
        const auto status = statusRe.match(errorText);
        if (status.hasMatch() && errorText.contains(QLatin1String("status code"))) {
            r.httpStatus = status.captured(1).toInt();
            r.cause = causeForStatus(*r.httpStatus);
        } else if (error == QAbstractSocket::ConnectionRefusedError) {
            r.errorPhase = QStringLiteral("connect");
            r.cause = QStringLiteral("connection_refused");
        } else if (error == QAbstractSocket::HostNotFoundError) {
            r.errorPhase = QStringLiteral("dns");
            r.cause = QStringLiteral("dns_failure");
        } else if (!errored && !disconnected) {
            r.errorPhase = QStringLiteral("connect");
            r.cause = QStringLiteral("connect_timeout");
        } else if (status.hasMatch()) {
            r.httpStatus = status.captured(1).toInt();
            r.cause = causeForStatus(*r.httpStatus);
        } else {
            r.cause = QStringLiteral("handshake_invalid");
        }
        r.evidence << QStringLiteral("upgrade failed: %1").arg(r.errorString);
        return r;
    }
    r.httpStatus = 101;
    r.evidence << QStringLiteral("101 Switching Protocols after %1 ms").arg(*r.timings.upgrade, 0, 'f', 1);

    auto echoOnce = [&](int n) -> bool {
        const QString payload = QStringLiteral("socketscope-runbook-%1-%2").arg(n).arg(QString(o.echoSize > 40 ? QString(o.echoSize - 40, QLatin1Char('x')) : QString()));
        QElapsedTimer rtt;
        rtt.start();
        ws.sendTextMessage(payload);
        ++r.echoSent;
        const bool got = waitUntil([&] { return received.contains(payload) || disconnected; }, phaseMs, cancel)
                         && received.contains(payload);
        if (got) {
            ++r.echoReceived;
            r.echoRtt.samples << double(rtt.nsecsElapsed()) / 1e6;
        }
        return got;
    };
    for (int i = 0; i < qMax(1, o.echoCount); ++i) {
        if (!echoOnce(i)) {
            r.cause = disconnected ? QStringLiteral("abnormal_closure") : QStringLiteral("no_echo");
            r.errorPhase = QStringLiteral("echo");
            r.evidence << QStringLiteral("echo %1 not answered").arg(i + 1);
            return r;
        }
    }
    if (o.holdS > 0) {
        const double holdStartMs = double(clock.nsecsElapsed()) / 1e6;
        waitUntil([&] { return disconnected; }, int(o.holdS * 1000), cancel);
        r.heldS = (double(clock.nsecsElapsed()) / 1e6 - holdStartMs) / 1000.0;
        if (disconnected) {
            r.idleCutoffS = (disconnectedAtMs - holdStartMs) / 1000.0;
            r.heldS = *r.idleCutoffS;
            r.cause = QStringLiteral("idle_timeout");
            r.errorPhase = QStringLiteral("hold");
            r.closeCode = int(ws.closeCode());
            r.evidence << QStringLiteral("the connection was closed after %1 s idle").arg(*r.idleCutoffS, 0, 'f', 2);
            return r;
        }
        if (cancel && cancel->load()) {
            r.cause = QStringLiteral("cancelled");
            return r;
        }
        if (!echoOnce(1000)) {
            r.cause = QStringLiteral("no_echo");
            r.errorPhase = QStringLiteral("hold");
            r.evidence << QStringLiteral("no echo after an idle hold of %1 s").arg(o.holdS);
            return r;
        }
        r.evidence << QStringLiteral("held idle %1 s, then echoed").arg(r.heldS, 0, 'f', 1);
    }
    auto& s = r.echoRtt;
    s.count = int(s.samples.size());
    if (s.count > 0) {
        QVector<double> sorted = s.samples;
        std::sort(sorted.begin(), sorted.end());
        s.min = sorted.first();
        s.max = sorted.last();
        s.median = sorted.at(sorted.size() / 2);
        s.p95 = sorted.at(qMin(sorted.size() - 1, qsizetype(double(sorted.size()) * 0.95)));
    }
    r.cause = QStringLiteral("ok");
    r.ok = true;
    ws.close();
    waitUntil([&] { return disconnected; }, 1000, nullptr);
    return r;
}

} // namespace socketscope
