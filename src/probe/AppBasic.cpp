// SPDX-License-Identifier: GPL-3.0-or-later
// The protocols that need no application handshake of their own: `none` (RFC 6455 ping/pong, no
// data message sent), `echo` (today's echo service) and `bolt` (Neo4j's Bolt version handshake).
#include "probe/AppProtocols.h"

#include <QAtomicInteger>

namespace socketscope::apps {

namespace {

QByteArray probeTag()
{
    static QAtomicInteger<quint32> counter;
    return QByteArray::number(counter.fetchAndAddRelaxed(1) + 1);
}

// `none`: upgrade, hold, and a WebSocket ping as the round trip: every endpoint must answer a
// ping, and no data message provokes an application that does not expect one.
class NoneApp final : public AppProtocol {
public:
    AppProtocolId id() const override { return AppProtocolId::None; }
    void open(AppLink& link) override { link.handshakeDone(); }
    void roundTrip(AppLink& link, int index) override
    {
        m_outstanding = "ss-app-ping-" + m_tag + '-' + QByteArray::number(index);
        m_sentMs = link.nowMs();
        ++link.result().pingsSent;
        link.sendPing(m_outstanding);
    }
    void pong(AppLink& link, const QByteArray& payload) override
    {
        if (m_outstanding.isEmpty() || payload != m_outstanding)
            return;
        const double rtt = link.nowMs() - m_sentMs;
        m_outstanding.clear();
        ++link.result().pongsReceived;
        link.result().pingRtt.samples << rtt;
        link.roundTripDone(rtt);
    }
    bool message(AppLink& link, bool binary, const QByteArray& payload) override
    {
        // Auto-detection's last step: the server's first message may name its protocol.
        if (!binary && m_first) {
            m_first = false;
            const AppProtocolId recognised = appFromFirstMessage(payload);
            if (recognised != AppProtocolId::Auto) {
                link.switchTo(recognised, payload);
                return true;
            }
        }
        m_first = false;
        return false;
    }
    QString roundTripPhase() const override { return QStringLiteral("ping"); }
    QString roundTripTimeout(int index) const override
    {
        return QStringLiteral("no pong for the probe's ping %1").arg(index + 1);
    }

private:
    QByteArray m_tag = probeTag();
    QByteArray m_outstanding;
    double m_sentMs = 0;
    bool m_first = true;
};

// `echo`: N messages of the requested size and kind, each must come back unchanged.
class EchoApp final : public AppProtocol {
public:
    AppProtocolId id() const override { return AppProtocolId::Echo; }
    void open(AppLink& link) override { link.handshakeDone(); }
    int roundTripCount(const ProbeOptions& options) const override { return qMax(0, options.echoCount); }
    void roundTrip(AppLink& link, int index) override
    {
        const ProbeOptions& o = link.options();
        m_index = index;
        m_expected = payload(o, index);
        m_sentMs = link.nowMs();
        ++link.result().echoSent;
        if (o.echoBinary)
            link.sendBinary(m_expected);
        else
            link.sendText(m_expected);
    }
    bool message(AppLink& link, bool binary, const QByteArray& data) override
    {
        if (m_expected.isNull() || data != m_expected || binary != link.options().echoBinary)
            return false;
        const double rtt = link.nowMs() - m_sentMs;
        ProbeResult& r = link.result();
        r.echoRtt.samples << rtt;
        if (m_index == 0)
            r.timings.firstEcho = rtt;
        ++r.echoReceived;
        m_expected = QByteArray();
        link.roundTripDone(rtt);
        return true;
    }
    QString handshakePhase() const override { return QStringLiteral("echo"); }
    QString roundTripPhase() const override { return QStringLiteral("echo"); }
    QString roundTripTimeout(int index) const override { return QStringLiteral("no echo of message %1").arg(index + 1); }

private:
    QByteArray payload(const ProbeOptions& o, int index) const
    {
        const qsizetype size = qMax(0, o.echoSize);
        QByteArray p = "ss-echo-" + m_tag + '-' + QByteArray::number(index) + ':';
        if (p.size() > size)
            return QByteArray::number(index).rightJustified(size, '0', true).right(size);
        p.reserve(size);
        qsizetype k = 0;
        while (p.size() < size) {
            if (o.echoBinary)
                p.append(char((index * 31 + k * 7) & 0xFF));
            else
                p.append(char('a' + (index + k) % 26));
            ++k;
        }
        return p;
    }

    QByteArray m_tag = probeTag();
    QByteArray m_expected;
    double m_sentMs = 0;
    int m_index = 0;
};

// `bolt`: the Bolt version handshake in one binary frame, as Neo4j's browser and drivers send it.
class BoltApp final : public AppProtocol {
public:
    AppProtocolId id() const override { return AppProtocolId::Bolt; }
    void open(AppLink& link) override
    {
        // Magic 60 60 B0 17, then four version proposals (5.4 with range 4 → 5.0, 4.4, 4.3, 3.0).
        static const QByteArray hello = QByteArray::fromHex("6060B017" "00040405" "00000404" "00000304" "00000003");
        m_sentMs = link.nowMs();
        link.sendBinary(hello);
    }
    int roundTripCount(const ProbeOptions& options) const override
    {
        Q_UNUSED(options);
        return 0; // the version exchange is the round trip
    }
    void roundTrip(AppLink& link, int index) override
    {
        Q_UNUSED(link);
        Q_UNUSED(index);
    }
    bool message(AppLink& link, bool binary, const QByteArray& payload) override
    {
        if (!binary || m_done)
            return false;
        m_done = true;
        ProbeResult& r = link.result();
        const double ms = link.nowMs() - m_sentMs;
        r.boltHandshakeMs = ms;
        r.boltVersion = payload.left(4);
        if (payload.size() < 4) {
            link.broken(QStringLiteral("Bolt answer of %1 bytes, expected 4").arg(payload.size()));
            return true;
        }
        if (payload.left(4) == QByteArray(4, '\0')) {
            link.refused(AppFailure::HandshakeFailed,
                         QStringLiteral("the server accepted none of the proposed Bolt versions (answer 00 00 00 00)"));
            return true;
        }
        r.app.version = QStringLiteral("%1.%2").arg(int(quint8(payload.at(3)))).arg(int(quint8(payload.at(2))));
        link.roundTripDone(ms);
        link.handshakeDone();
        return true;
    }
    QString handshakePhase() const override { return QStringLiteral("bolt"); }
    QString roundTripPhase() const override { return QStringLiteral("bolt"); }
    QString handshakeTimeout() const override { return QStringLiteral("no Bolt version answer"); }

private:
    double m_sentMs = 0;
    bool m_done = false;
};

} // namespace

std::unique_ptr<AppProtocol> makeNone() { return std::make_unique<NoneApp>(); }
std::unique_ptr<AppProtocol> makeEcho() { return std::make_unique<EchoApp>(); }
std::unique_ptr<AppProtocol> makeBolt() { return std::make_unique<BoltApp>(); }

} // namespace socketscope::apps
