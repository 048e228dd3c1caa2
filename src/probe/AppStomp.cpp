// SPDX-License-Identifier: GPL-3.0-or-later
// `stomp`: STOMP 1.2 (1.1, 1.0) over WebSocket, subprotocols v12.stomp, v11.stomp, v10.stomp:
// CONNECT (host from the URL, heart-beat offer, login/passcode from --app-payload) → CONNECTED,
// whose round trip is the probe's; heart-beats both ways during the hold as negotiated
// (STOMP 1.2 §Heart-beating); an ERROR frame is a refusal in the broker's own words; DISCONNECT at the end.
#include "probe/AppProtocols.h"
#include "probe/StompFrame.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace socketscope::apps {

namespace {

constexpr int kClientBeatMs = 10000;  // we can send a heart-beat this often (cx)
constexpr int kWantedBeatMs = 2000;   // we want one from the broker this often (cy)

class StompApp final : public AppProtocol {
public:
    AppProtocolId id() const override { return AppProtocolId::Stomp; }

    void offer(QUrl& url, ProbeOptions& options) override
    {
        m_host = url.host();
        for (const char* p : {"v12.stomp", "v11.stomp", "v10.stomp"})
            if (!options.subprotocols.contains(QLatin1String(p)))
                options.subprotocols << QString::fromLatin1(p);
    }

    void open(AppLink& link) override
    {
        if (m_host.isEmpty())
            m_host = QUrl(link.options().url).host();
        QList<QPair<QByteArray, QByteArray>> headers = {
            {"accept-version", "1.2,1.1,1.0"},
            {"host", m_host.toUtf8()},
            {"heart-beat", QByteArray::number(kClientBeatMs) + ',' + QByteArray::number(kWantedBeatMs)}};
        // Credentials, if any, come in the payload ({"login": ..., "passcode": ...}; --app-payload-stdin for secrets).
        const QJsonObject payload = QJsonDocument::fromJson(link.options().appPayload).object();
        for (auto it = payload.begin(); it != payload.end(); ++it)
            if (it.value().isString())
                headers.append({it.key().toUtf8(), it.value().toString().toUtf8()});
        m_sentMs = link.nowMs();
        link.sendText(stomp::encode("CONNECT", headers));
    }

    int roundTripCount(const ProbeOptions& options) const override
    {
        Q_UNUSED(options);
        return 0; // CONNECT → CONNECTED is the round trip; STOMP has no side-effect-free request besides it
    }
    void roundTrip(AppLink& link, int index) override
    {
        Q_UNUSED(link);
        Q_UNUSED(index);
    }

    bool message(AppLink& link, bool binary, const QByteArray& payload) override
    {
        Q_UNUSED(binary); // brokers send frames (and heart-beats) as text or binary messages
        QList<stomp::Frame> frames;
        int beats = 0;
        QString error;
        const bool ok = stomp::parse(payload, &frames, &beats, &error);
        if (beats > 0 && m_connected) {
            link.result().app.heartbeatsAnswered += beats;
            link.heartbeatSeen();
        }
        for (const stomp::Frame& f : frames) {
            if (!frame(link, f))
                return true;
        }
        if (!ok) {
            if (!m_connected && frames.isEmpty() && beats == 0)
                return false; // not STOMP at all: another message
            link.broken(error);
        }
        return true;
    }

    int heartbeatMs(const ProbeOptions& options) const override
    {
        Q_UNUSED(options);
        return m_clientBeatMs;
    }
    void heartbeat(AppLink& link) override { link.sendText("\n"); }
    int heartbeatDeadlineMs(const ProbeOptions& options) const override
    {
        // The spec leaves the tolerance to the client; stomp.js and most brokers allow about twice the interval.
        return m_serverBeatMs > 0 ? 2 * m_serverBeatMs + int(options.timeoutS * 1000.0) : 0;
    }
    void goodbye(AppLink& link) override
    {
        if (m_connected)
            link.sendText(stomp::encode("DISCONNECT", {{"receipt", "socketscope-bye"}}));
    }
    QString handshakeTimeout() const override { return QStringLiteral("no STOMP CONNECTED"); }

private:
    // False when the frame ended the probe.
    bool frame(AppLink& link, const stomp::Frame& f)
    {
        if (f.command == "ERROR") {
            QString words = QString::fromUtf8(f.header("message"));
            const QString body = QString::fromUtf8(f.body.left(300)).trimmed();
            if (!body.isEmpty() && body != words)
                words += (words.isEmpty() ? QString() : QStringLiteral(": ")) + body;
            link.refused(AppFailure::HandshakeFailed, QStringLiteral("STOMP ERROR frame%1: %2")
                                                          .arg(m_connected ? QStringLiteral(" after CONNECTED") : QString(),
                                                               words.isEmpty() ? QStringLiteral("(no message)") : words));
            return false;
        }
        if (f.command == "CONNECTED" && !m_connected) {
            m_connected = true;
            AppInfo& app = link.result().app;
            app.version = QStringLiteral("STOMP %1").arg(f.header("version").isEmpty() ? QStringLiteral("1.0")
                                                                                    : QString::fromLatin1(f.header("version")));
            app.session = QString::fromUtf8(f.header("session"));
            negotiate(f.header("heart-beat"));
            if (m_serverBeatMs > 0 || m_clientBeatMs > 0)
                app.heartbeatIntervalMs = m_serverBeatMs > 0 ? m_serverBeatMs : m_clientBeatMs;
            link.roundTripDone(link.nowMs() - m_sentMs);
            link.handshakeDone();
        }
        return true; // RECEIPT, MESSAGE: the broker's business
    }

    // STOMP 1.2 §Heart-beating: each direction is max(what one side offers, what the other wants), 0 if either is 0.
    void negotiate(const QByteArray& serverBeat)
    {
        const QList<QByteArray> sv = serverBeat.split(',');
        const int sx = sv.size() == 2 ? sv.at(0).trimmed().toInt() : 0; // the broker can send every sx
        const int sy = sv.size() == 2 ? sv.at(1).trimmed().toInt() : 0; // the broker wants ours every sy
        constexpr int kHour = 3600 * 1000; // a broker's nonsense never overflows the timers
        m_clientBeatMs = sy > 0 ? qMin(qMax(kClientBeatMs, sy), kHour) : 0;
        m_serverBeatMs = sx > 0 ? qMin(qMax(kWantedBeatMs, sx), kHour) : 0;
    }

    QString m_host;
    double m_sentMs = 0;
    bool m_connected = false;
    int m_clientBeatMs = 0;
    int m_serverBeatMs = 0;
};

} // namespace

std::unique_ptr<AppProtocol> makeStomp() { return std::make_unique<StompApp>(); }

} // namespace socketscope::apps
