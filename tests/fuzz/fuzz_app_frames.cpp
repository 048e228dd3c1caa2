// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: every application protocol's message parser (issue 10) — Engine.IO/Socket.IO
// packets (and the long-polling open payload), GraphQL messages, MQTT packets (split across
// messages), STOMP frames, SignalR records, Bolt answers — driven through the real AppProtocol
// classes with a link that records instead of sending. Input: byte 0 picks the protocol (its top bit: an EIO=3 URL), byte 1
// the chunk size (byte 1 % 64 + 1; the first byte 1 + 1 bytes are also the body of the pre-upgrade
// requests); each chunk is one WebSocket message (its first byte's low bit: binary).
#include "probe/AppProtocol.h"
#include "probe/StompFrame.h"

#include <cstddef>
#include <cstdint>

namespace {

using namespace socketscope;

class RecordingLink final : public AppLink {
public:
    void sendText(const QByteArray& payload) override { sent += payload.size(); }
    void sendBinary(const QByteArray& payload) override { sent += payload.size(); }
    void sendPing(const QByteArray& payload) override { sent += payload.size(); }
    double nowMs() const override { return clock += 1.0; }
    const ProbeOptions& options() const override { return opts; }
    ProbeResult& result() override { return res; }
    void handshakeDone() override { handshaken = true; }
    void roundTripDone(double rttMs) override { (void)rttMs; }
    void heartbeatSeen() override {}
    void refused(AppFailure why, const QString& words) override
    {
        (void)why;
        (void)words;
        ended = true;
    }
    void broken(const QString& detail) override
    {
        (void)detail;
        ended = true;
    }
    void switchTo(AppProtocolId id, const QByteArray& firstMessage) override
    {
        (void)id;
        (void)firstMessage;
    }

    ProbeOptions opts;
    ProbeResult res;
    qint64 sent = 0;
    mutable double clock = 0;
    bool handshaken = false;
    bool ended = false;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2)
        return 0;
    static const AppProtocolId ids[] = {AppProtocolId::None,  AppProtocolId::Echo, AppProtocolId::Bolt,
                                        AppProtocolId::SocketIo, AppProtocolId::GraphqlTransportWs,
                                        AppProtocolId::GraphqlWs, AppProtocolId::Mqtt, AppProtocolId::Stomp,
                                        AppProtocolId::SignalR};
    const AppProtocolId id = ids[(data[0] & 0x7F) % (sizeof ids / sizeof ids[0])];
    const qsizetype chunk = qsizetype(data[1] % 64) + 1;
    const QByteArray input(reinterpret_cast<const char*>(data + 2), qsizetype(size - 2));

    RecordingLink link;
    link.opts.url = (data[0] & 0x80) ? QStringLiteral("ws://h/socket.io/?EIO=3") : QStringLiteral("http://h/chat");
    link.opts.appEvent = QStringLiteral("ev");
    std::unique_ptr<AppProtocol> app = makeAppProtocol(id);
    QUrl url(link.opts.url);
    app->offer(url, link.opts);
    link.res.subprotocol = link.opts.subprotocols.value(0);
    // The pre-upgrade exchange (Socket.IO long-polling, SignalR negotiate) sees the first data[1] + 1
    // bytes as an HTTP body (up to 256: a negotiate answer is longer than a message chunk).
    const QByteArray preUpgradeBody = input.left(qsizetype(data[1]) + 1);
    for (int i = 0; i < 2 && app->preUpgradeRequest(i); ++i)
        if (!app->preUpgradeResponse(link, i, 200, preUpgradeBody, url) || link.ended)
            return 0;
    (void)app->httpRefusal(400, preUpgradeBody);
    (void)app->httpRefusal(404, preUpgradeBody);
    app->open(link);
    bool roundTripStarted = false;
    for (qsizetype pos = 0; pos < input.size() && !link.ended; pos += chunk) {
        const QByteArray message = input.mid(pos, chunk);
        (void)app->message(link, (message.at(0) & 1) != 0, message);
        if (link.handshaken && !roundTripStarted && !link.ended) {
            roundTripStarted = true;
            for (int i = 0; i < app->roundTripCount(link.opts); ++i)
                app->roundTrip(link, i);
            app->heartbeat(link);
        }
    }
    app->pong(link, input.left(16));
    (void)app->closeMeaning(4000 + int(data[1]), QString::fromUtf8(input.left(32)));
    app->goodbye(link);

    // The STOMP frame codec on its own, and its round trip: encode(parse(x)) parses to the same frames.
    QList<stomp::Frame> frames;
    int beats = 0;
    QString error;
    if (stomp::parse(input, &frames, &beats, &error)) {
        for (const stomp::Frame& f : frames) {
            if (f.command.contains('\n') || f.command.contains('\r'))
                continue; // not representable on the wire
            QList<stomp::Frame> again;
            int b = 0;
            QString e;
            QList<QPair<QByteArray, QByteArray>> headers = f.headers;
            headers.append({"content-length", QByteArray::number(f.body.size())});
            if (!stomp::parse(stomp::encode(f.command, headers, f.body), &again, &b, &e) || again.size() != 1
                || again.first().body != f.body)
                __builtin_trap();
        }
    }
    return 0;
}
