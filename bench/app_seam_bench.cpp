// SPDX-License-Identifier: GPL-3.0-or-later
// What the application-protocol seam and permessage-deflate add to the probe's median round trip
// (issue 10: "target ≤ 10 µs each, same run"), on 127.0.0.1, all in one run, interleaved rounds:
//  a. raw TCP round trip of 32 bytes (the floor);
//  b. the probe's framing without the seam: the probe's own FrameWriter and FrameParser driving
//     32-byte echoes back to back on a QTcpSocket in a worker thread's event loop (what ProbeSession
//     does around an echo, minus the AppProtocol calls, the phase timer and the result keeping);
//  c. the same connection's echo round trips through the seam (EchoApp::roundTrip → sendText,
//     frame → EchoApp::message → roundTripDone), 32-byte text messages;
//  d. c with permessage-deflate negotiated: the server compresses every echo, the probe inflates it.
// The servers are minimal RFC 6455 echo servers, each on its own thread; b, c and d share one (it
// accepts permessage-deflate when offered, which only d does), a has its own: its blocking client
// on the main thread made the probe's round trips on a shared server thread bimodal (p95 ~4 ms).
// So the differences b → c → d are the client's (d also includes the server's zlib).
// Also, CPU only: the seam's own dispatch per round trip (EchoApp::roundTrip + EchoApp::message
// through an AppLink, no I/O), and the probe's inflate of one compressed 32-byte echo (FrameParser).
// (The session's own ping/pong in the hold is not a fair "no seam" reference: its pings are sent
// from a 1 ms timer, so each one wakes two idle threads, which costs more than anything measured here.)
// Usage: app_seam_bench [--echo N] [--rounds R]   (N echoes per path per round; many short rounds
// spread the shared machine's noise over every path; the per-round differences are printed too)
#include "probe/AppProtocol.h"
#include "probe/FrameParser.h"
#include "probe/ProbeEngine.h"
#include "probe/WsHandshake.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkProxy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

using namespace socketscope;

namespace {

double percentile(QVector<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto rank = qsizetype(std::ceil(p / 100.0 * double(v.size())));
    return v.at(std::clamp<qsizetype>(rank - 1, 0, v.size() - 1));
}

// permessage-deflate on the server side (RFC 7692 §7.2.1): raw DEFLATE with context takeover,
// each message ends with a sync flush whose 00 00 FF FF tail is removed.
class ServerDeflater {
public:
    ServerDeflater()
    {
        m_z.zalloc = nullptr;
        m_z.zfree = nullptr;
        m_z.opaque = nullptr;
        deflateInit2(&m_z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
        m_i.zalloc = nullptr;
        m_i.zfree = nullptr;
        m_i.opaque = nullptr;
        m_i.next_in = nullptr;
        m_i.avail_in = 0;
        inflateInit2(&m_i, -15);
    }
    ~ServerDeflater()
    {
        deflateEnd(&m_z);
        inflateEnd(&m_i);
    }
    QByteArray compress(const QByteArray& in)
    {
        QByteArray out(int(in.size()) + 64, '\0');
        m_z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.constData()));
        m_z.avail_in = uInt(in.size());
        m_z.next_out = reinterpret_cast<Bytef*>(out.data());
        m_z.avail_out = uInt(out.size());
        deflate(&m_z, Z_SYNC_FLUSH);
        out.resize(out.size() - qsizetype(m_z.avail_out));
        if (out.endsWith(QByteArray("\x00\x00\xff\xff", 4)))
            out.chop(4);
        return out;
    }
    QByteArray inflateMessage(const QByteArray& in)
    {
        QByteArray data = in + QByteArray("\x00\x00\xff\xff", 4);
        QByteArray out(4096, '\0');
        m_i.next_in = reinterpret_cast<Bytef*>(data.data());
        m_i.avail_in = uInt(data.size());
        m_i.next_out = reinterpret_cast<Bytef*>(out.data());
        m_i.avail_out = uInt(out.size());
        inflate(&m_i, Z_SYNC_FLUSH);
        out.resize(out.size() - qsizetype(m_i.avail_out));
        return out;
    }

private:
    z_stream m_z{};
    z_stream m_i{};
};

QByteArray serverFrame(quint8 opcode, const QByteArray& payload, bool rsv1)
{
    QByteArray f = FrameWriter::unmaskedFrame(opcode, payload);
    if (rsv1)
        f[0] = char(quint8(f[0]) | 0x40);
    return f;
}

// A minimal RFC 6455 echo server: unmask, echo (compressed when permessage-deflate was offered and
// this server accepts it), answer pings; the upgrade's answer names the extension when accepted.
class EchoServer : public QTcpServer {
public:
    explicit EchoServer(bool acceptDeflate) : m_acceptDeflate(acceptDeflate) {}

protected:
    void incomingConnection(qintptr fd) override
    {
        auto* s = new QTcpSocket(this);
        s->setSocketDescriptor(fd);
        s->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        auto buf = std::make_shared<QByteArray>();
        auto upgraded = std::make_shared<bool>(false);
        auto deflater = std::make_shared<std::unique_ptr<ServerDeflater>>();
        const bool acceptDeflate = m_acceptDeflate;
        connect(s, &QTcpSocket::readyRead, s, [s, buf, upgraded, deflater, acceptDeflate] {
            *buf += s->readAll();
            if (!*upgraded) {
                const qsizetype end = buf->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                QByteArray key;
                bool offered = false;
                for (const QByteArray& line : buf->left(end).split('\n')) {
                    const QByteArray lower = line.toLower();
                    if (lower.startsWith("sec-websocket-key:"))
                        key = line.mid(18).trimmed();
                    if (lower.startsWith("sec-websocket-extensions:") && lower.contains("permessage-deflate"))
                        offered = true;
                }
                buf->remove(0, end + 4);
                *upgraded = true;
                QByteArray answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                    "Sec-WebSocket-Accept: " + wshandshake::acceptFor(key) + "\r\n";
                if (offered && acceptDeflate) {
                    *deflater = std::make_unique<ServerDeflater>();
                    answer += "Sec-WebSocket-Extensions: permessage-deflate\r\n";
                }
                s->write(answer + "\r\n");
            }
            while (buf->size() >= 2) {
                const auto* p = reinterpret_cast<const unsigned char*>(buf->constData());
                const quint8 op = p[0] & 0x0F;
                const bool rsv1 = (p[0] & 0x40) != 0;
                quint64 len = p[1] & 0x7Fu;
                qsizetype off = 2;
                if (len == 126) {
                    if (buf->size() < 4)
                        return;
                    len = (quint64(p[2]) << 8) | p[3];
                    off = 4;
                }
                if (buf->size() < off + 4 + qsizetype(len))
                    return;
                QByteArray payload = buf->mid(off + 4, qsizetype(len));
                const QByteArray mask = buf->mid(off, 4);
                for (qsizetype i = 0; i < payload.size(); ++i)
                    payload[i] = char(payload[i] ^ mask[i % 4]);
                buf->remove(0, off + 4 + qsizetype(len));
                if (op == 0x9) {
                    s->write(serverFrame(0xA, payload, false));
                } else if (op == 0x8) {
                    s->write(serverFrame(0x8, payload, false));
                    s->disconnectFromHost();
                    return;
                } else if (*deflater) {
                    const QByteArray plain = rsv1 ? (*deflater)->inflateMessage(payload) : payload;
                    s->write(serverFrame(op, (*deflater)->compress(plain), true));
                } else {
                    s->write(serverFrame(op, payload, false));
                }
            }
        });
    }

private:
    bool m_acceptDeflate;
};

struct ServerThread {
    QThread thread;
    EchoServer* server = nullptr;
    quint16 port = 0;
    explicit ServerThread(bool deflate)
    {
        server = new EchoServer(deflate);
        server->moveToThread(&thread);
        thread.start();
        QMetaObject::invokeMethod(server, [this] { server->listen(QHostAddress::LocalHost, 0); port = server->serverPort(); },
                                  Qt::BlockingQueuedConnection);
    }
    ~ServerThread()
    {
        QMetaObject::invokeMethod(server, [this] { delete server; }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
    }
};

QVector<double> rawTcpRtts(quint16 port, int count, int size)
{
    QTcpSocket s;
    s.setProxy(QNetworkProxy::NoProxy);
    s.connectToHost(QHostAddress::LocalHost, port);
    s.waitForConnected(3000);
    s.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    // Upgrade first, then send masked 32-byte frames: the same server, the same bytes on the wire.
    s.write("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray head;
    while (!head.contains("\r\n\r\n") && s.waitForReadyRead(3000))
        head += s.readAll();
    const QByteArray frame = FrameWriter::frame(FrameWriter::Text, QByteArray(size, 'x'));
    QVector<double> out;
    QElapsedTimer t;
    for (int i = 0; i < count; ++i) {
        t.start();
        s.write(frame);
        qsizetype got = 0;
        while (got < size + 2 && s.waitForReadyRead(3000))
            got += s.readAll().size();
        out << double(t.nsecsElapsed()) / 1e6;
    }
    return out;
}

// b: echoes back to back with the probe's framing on a worker thread, no seam.
QVector<double> framingOnlyRtts(quint16 port, int count, int size)
{
    QVector<double> out;
    QThread* worker = QThread::create([&out, port, count, size] {
        QTcpSocket s;
        s.setProxy(QNetworkProxy::NoProxy);
        QEventLoop loop;
        FrameParser parser;
        QElapsedTimer clock;
        bool upgraded = false;
        QByteArray head;
        QByteArray expected;
        int sent = 0;
        const auto sendNext = [&] {
            expected = "ss-echo-b-" + QByteArray::number(sent).rightJustified(qsizetype(size) - 10, '.');
            ++sent;
            clock.start();
            s.write(FrameWriter::frame(FrameWriter::Text, expected));
        };
        QObject::connect(&s, &QTcpSocket::connected, &loop, [&] {
            s.setSocketOption(QAbstractSocket::LowDelayOption, 1);
            s.write("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    "dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        });
        QObject::connect(&s, &QTcpSocket::readyRead, &loop, [&] {
            QByteArray data = s.readAll();
            if (!upgraded) {
                head += data;
                const qsizetype end = head.indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                upgraded = true;
                data = head.mid(end + 4);
                sendNext();
            }
            QList<WsEvent> events;
            parser.feed(data, &events);
            for (const WsEvent& ev : events) {
                if (ev.kind != WsEvent::Kind::Text || ev.payload != expected)
                    continue;
                out << double(clock.nsecsElapsed()) / 1e6;
                if (sent >= count) {
                    loop.quit();
                    return;
                }
                sendNext();
            }
        });
        QObject::connect(&s, &QTcpSocket::errorOccurred, &loop, [&] { loop.quit(); });
        s.connectToHost(QHostAddress::LocalHost, port);
        loop.exec();
    });
    worker->start();
    worker->wait();
    delete worker;
    return out;
}

// The seam's own cost per round trip, CPU only: EchoApp driven through an AppLink with no socket.
class NullLink final : public AppLink {
public:
    explicit NullLink(const ProbeOptions& o) : m_options(o) { m_clock.start(); }
    void sendText(const QByteArray& payload) override { last = payload; }
    void sendBinary(const QByteArray& payload) override { last = payload; }
    void sendPing(const QByteArray& payload) override { last = payload; }
    double nowMs() const override { return double(m_clock.nsecsElapsed()) / 1e6; }
    const ProbeOptions& options() const override { return m_options; }
    ProbeResult& result() override { return m_result; }
    void handshakeDone() override {}
    void roundTripDone(double rttMs) override
    {
        ++done;
        m_result.echoRtt.samples.clear(); // keep memory flat over millions of iterations
        (void)rttMs;
    }
    void heartbeatSeen() override {}
    void refused(AppFailure, const QString&) override {}
    void broken(const QString&) override {}
    void switchTo(AppProtocolId, const QByteArray&) override {}
    QByteArray last;
    int done = 0;

private:
    ProbeOptions m_options;
    ProbeResult m_result;
    QElapsedTimer m_clock;
};

void benchSeamDispatch(int count)
{
    ProbeOptions o;
    o.echoSize = 32;
    o.echoCount = count;
    NullLink link(o);
    std::unique_ptr<AppProtocol> app = makeAppProtocol(AppProtocolId::Echo);
    app->open(link);
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < count; ++i) {
        app->roundTrip(link, i);
        app->message(link, false, link.last);
    }
    std::printf("seam dispatch alone (EchoApp roundTrip + message through AppLink, no I/O): %.3f us per round trip "
                "(%d/%d completed)\n", double(t.nsecsElapsed()) / 1e3 / count, link.done, count);
}

ProbeResult runOne(ProbeEngine& engine, const ProbeOptions& o)
{
    ProbeResult result;
    QEventLoop loop;
    QObject::connect(&engine, &ProbeEngine::finished, &loop, [&](quint64, const ProbeResult& r) {
        result = r;
        loop.quit();
    });
    engine.start(o);
    loop.exec();
    return result;
}

// The probe's own inflate of one compressed 32-byte echo (a server frame with RSV1), per message:
// the client-side CPU that permessage-deflate adds, without the network or the server.
void benchInflate(int count)
{
    ServerDeflater server;
    QList<QByteArray> frames;
    for (int i = 0; i < count; ++i)
        frames << serverFrame(FrameWriter::Text, server.compress(QByteArray("ss-echo-1-") + QByteArray::number(i).rightJustified(22, '.')), true);
    FrameParser parser;
    parser.enableDeflate(DeflateParams{});
    QList<WsEvent> events;
    QElapsedTimer t;
    t.start();
    for (const QByteArray& f : frames)
        parser.feed(f, &events);
    const double perMessageUs = double(t.nsecsElapsed()) / 1e3 / count;
    FrameParser plain;
    QList<WsEvent> plainEvents;
    QList<QByteArray> plainFrames;
    for (int i = 0; i < count; ++i)
        plainFrames << serverFrame(FrameWriter::Text, QByteArray("ss-echo-1-") + QByteArray::number(i).rightJustified(22, '.'), false);
    t.start();
    for (const QByteArray& f : plainFrames)
        plain.feed(f, &plainEvents);
    const double plainUs = double(t.nsecsElapsed()) / 1e3 / count;
    std::printf("FrameParser, %d messages of 32 bytes: plain %.2f us/message, compressed+inflated %.2f us/message "
                "(%lld/%lld events) -> inflate adds %.2f us\n",
                count, plainUs, perMessageUs, qlonglong(plainEvents.size()), qlonglong(events.size()), perMessageUs - plainUs);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int echo = 1000;
    int rounds = 5;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args.at(i) == QLatin1String("--echo"))
            echo = args.at(i + 1).toInt();
        else if (args.at(i) == QLatin1String("--rounds"))
            rounds = args.at(i + 1).toInt();
    }
    ServerThread plainServer(false);
    ServerThread deflateServer(true);
    ProbeEngine engine;
    ProbeOptions o;
    o.app = AppProtocolId::Echo;
    o.echoCount = echo;
    o.echoSize = 32;
    o.timeoutS = 5;
    ProbeOptions deflate = o;  // d
    deflate.deflate = true;
    o.deflate = false;
    o.url = QStringLiteral("ws://127.0.0.1:%1/").arg(deflateServer.port); // not offered: this server answers plainly
    deflate.url = QStringLiteral("ws://127.0.0.1:%1/").arg(deflateServer.port);
    // Warm up every path once.
    rawTcpRtts(plainServer.port, 200, 32);
    runOne(engine, o);
    framingOnlyRtts(deflateServer.port, 200, 32);
    runOne(engine, deflate);
    QVector<double> raw, session, seam, seamDeflate;
    QVector<double> seamAdds, deflateAdds; // per round: the difference of that round's medians
    int compressed = 0;
    for (int r = 0; r < rounds; ++r) { // interleaved so the machine's noise hits every path alike
        const QVector<double> ra = rawTcpRtts(plainServer.port, echo, 32);
        const QVector<double> rb = framingOnlyRtts(deflateServer.port, echo, 32);
        // The engine hands probes to its worker threads in turn: swapping c and d every round
        // gives each path both workers (a worker sharing a core with a busy neighbour is slower).
        QVector<double> rc;
        ProbeResult d;
        if (r % 2 == 0) {
            rc = runOne(engine, o).echoRtt.samples;
            d = runOne(engine, deflate);
        } else {
            d = runOne(engine, deflate);
            rc = runOne(engine, o).echoRtt.samples;
        }
        raw += ra;
        session += rb;
        seam += rc;
        seamDeflate += d.echoRtt.samples;
        compressed += d.compressedMessages;
        seamAdds << (percentile(rc, 50) - percentile(rb, 50)) * 1000;
        deflateAdds << (percentile(d.echoRtt.samples, 50) - percentile(rc, 50)) * 1000;
    }
    const auto line = [](const char* what, const QVector<double>& v) {
        std::printf("%-58s n=%6lld median %6.1f us  p95 %6.1f us\n", what, qlonglong(v.size()), percentile(v, 50) * 1000,
                    percentile(v, 95) * 1000);
    };
    std::printf("== app_seam_bench: %d rounds, 32-byte messages, 127.0.0.1, minimal echo server thread\n", rounds);
    line("a. raw TCP round trip (masked frame, same server)", raw);
    line("b. the probe's framing, back to back, no seam", session);
    line("c. probe, echo through the seam (app echo)", seam);
    line("d. probe, echo through the seam + permessage-deflate", seamDeflate);
    std::printf("compressed echoes inflated in d: %d\n", compressed);
    const double b = percentile(session, 50) * 1000, c = percentile(seam, 50) * 1000, d = percentile(seamDeflate, 50) * 1000;
    std::printf("the seam (and the session around it) adds at the median (c - b): %.1f us (target <= 10 us); "
                "median of the %d rounds' own differences: %.1f us\n", c - b, rounds, percentile(seamAdds, 50));
    std::printf("deflate adds at the median (d - c, server's compression included): %.1f us (target <= 10 us); "
                "median of the %d rounds' own differences: %.1f us\n", d - c, rounds, percentile(deflateAdds, 50));
    benchSeamDispatch(echo * rounds * 100);
    benchInflate(echo * rounds);
    return 0;
}
