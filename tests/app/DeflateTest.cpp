// SPDX-License-Identifier: GPL-3.0-or-later
// permessage-deflate (RFC 7692, issue 10): the probe offers it as browsers do, inflates what the
// server compresses, and names a hop that strips the extension from the 101 while the compressed
// frames still pass. Judged against the real npm `ws` server with perMessageDeflate (proven with its
// own client first), directly and through a real nginx.
#include "lab/AppServerLab.h"

#include "diagnosis/Diagnosis.h"
#include "probe/FrameParser.h"
#include "probe/ProbeJson.h"
#include "probe/WsHandshake.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

ProbeOptions opts(const QString& url)
{
    ProbeOptions o;
    o.url = url;
    o.timeoutS = 5;
    o.connectTimeoutS = 5;
    return o;
}

// RFC 7692 §7.2.3.2: "Hello" twice, the second compressed against the first (context takeover).
const QByteArray kHello1("\xc1\x07\xf2\x48\xcd\xc9\xc9\x07\x00", 9);
const QByteArray kHello2("\xc1\x05\xf2\x00\x11\x00\x00", 7);

} // namespace

TEST(DeflateFrames, CompressedMessagesInflateWithTheSharedWindow)
{
    FrameParser parser;
    parser.enableDeflate(DeflateParams{});
    QList<WsEvent> events;
    ASSERT_TRUE(parser.feed(kHello1 + kHello2 + FrameWriter::unmaskedFrame(0x1, "plain"), &events)) << parser.error().toStdString();
    ASSERT_EQ(events.size(), 3);
    EXPECT_EQ(events[0].payload, QByteArray("Hello"));
    EXPECT_TRUE(events[0].compressed);
    EXPECT_EQ(events[1].payload, QByteArray("Hello")) << "the second message refers back to the first";
    EXPECT_EQ(events[2].payload, QByteArray("plain"));
    EXPECT_FALSE(events[2].compressed) << "a server may send any message uncompressed";
    EXPECT_EQ(parser.compressedMessages(), 2);
}

TEST(DeflateFrames, Rsv1WithoutNegotiationIsAReservedBitsViolationOfTheExtension)
{
    FrameParser parser;
    QList<WsEvent> events;
    EXPECT_FALSE(parser.feed(kHello1, &events));
    EXPECT_EQ(parser.errorCloseCode(), 1002);
    EXPECT_TRUE(parser.error().contains(QStringLiteral("reserved bits"))) << parser.error().toStdString();
    EXPECT_TRUE(parser.error().contains(QStringLiteral("permessage-deflate"))) << parser.error().toStdString();
    EXPECT_TRUE(parser.errorIsExtension());
}

TEST(DeflateFrames, Rsv1OnAControlFrameAndGarbageAndBombsFail)
{
    {
        FrameParser parser;
        parser.enableDeflate(DeflateParams{});
        QList<WsEvent> events;
        EXPECT_FALSE(parser.feed(QByteArray("\xc9\x00", 2), &events)); // a compressed ping
        EXPECT_EQ(parser.errorCloseCode(), 1002);
    }
    {
        FrameParser parser;
        parser.enableDeflate(DeflateParams{});
        QList<WsEvent> events;
        EXPECT_FALSE(parser.feed(QByteArray("\xc1\x03\xff\xff\xff", 5), &events)); // not DEFLATE data
        EXPECT_EQ(parser.errorCloseCode(), 1007);
        EXPECT_TRUE(parser.errorIsExtension());
    }
    {
        // 6000 zero bytes compress to a few bytes; the 1000-byte message limit holds for the inflated size.
        const QByteArray bomb("\xec\xc1\x31\x01\x00\x00\x00\xc2\xa0\xf5\x4f\x6d\x08\x5f\xa0\x00\x00\x00\x00\x00\x80\xd7\x00",
                              23); // raw DEFLATE of 6000 zero bytes, sync-flushed, tail removed
        FrameParser parser(4096, 1000);
        parser.enableDeflate(DeflateParams{});
        QList<WsEvent> events;
        const bool ok = parser.feed(QByteArray("\xc2", 1) + char(bomb.size()) + bomb, &events);
        EXPECT_FALSE(ok);
        EXPECT_EQ(parser.errorCloseCode(), 1009) << parser.error().toStdString();
        EXPECT_TRUE(events.isEmpty());
    }
}

TEST(DeflateHandshake, TheOfferAndTheServersParameters)
{
    ProbeOptions o = opts(QStringLiteral("ws://h/x"));
    EXPECT_TRUE(wshandshake::buildRequest(QUrl(o.url), o, "KEY").contains(
        "\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"));
    o.deflate = false;
    EXPECT_FALSE(wshandshake::buildRequest(QUrl(o.url), o, "KEY").contains("Sec-WebSocket-Extensions"));

    DeflateParams p;
    EXPECT_EQ(wshandshake::negotiateDeflate(QStringLiteral("permessage-deflate"), &p), QString());
    EXPECT_EQ(wshandshake::negotiateDeflate(
                  QStringLiteral("permessage-deflate; server_no_context_takeover; client_max_window_bits=10; server_max_window_bits=\"12\""), &p),
              QString());
    EXPECT_TRUE(p.serverNoContextTakeover);
    EXPECT_EQ(p.clientMaxWindowBits, 10);
    EXPECT_EQ(p.serverMaxWindowBits, 12);
    EXPECT_NE(wshandshake::negotiateDeflate(QStringLiteral("permessage-deflate; x_fast_mode"), &p), QString());
    EXPECT_NE(wshandshake::negotiateDeflate(QStringLiteral("permessage-deflate; server_max_window_bits=16"), &p), QString());
    EXPECT_NE(wshandshake::negotiateDeflate(QStringLiteral("permessage-deflate; client_max_window_bits"), &p), QString());
    EXPECT_NE(wshandshake::negotiateDeflate(
                  QStringLiteral("permessage-deflate; server_no_context_takeover; server_no_context_takeover"), &p),
              QString());
}

namespace {

class DeflateLab : public ::testing::Test {
protected:
    void SetUp() override
    {
        LAB_REQUIRE(AppServerLab::unavailableReason());
        QString error;
        ASSERT_TRUE(server.start({QStringLiteral("deflate")}, &error)) << error.toStdString();
        QByteArray out;
        ASSERT_TRUE(AppServerLab::proveWithOwnClient({QStringLiteral("deflate"), server.url(QStringLiteral("/echo"))}, &out))
            << out.toStdString();
    }
    AppServerLab server;
};

// nginx in front of the ws server: one correct location, one that hides the server's
// Sec-WebSocket-Extensions answer (the compressed frames still pass), one that strips the offer.
struct DeflateProxy {
    NginxLab nginx;
    quint16 good = 0, hidden = 0, stripped = 0;
    bool start(quint16 backend, QByteArray* log)
    {
        good = freePort();
        hidden = freePort();
        stripped = freePort();
        const QString location = QStringLiteral(
            "    location / {\n"
            "        proxy_pass http://127.0.0.1:%1;\n"
            "        proxy_http_version 1.1;\n"
            "        proxy_set_header Upgrade $http_upgrade;\n"
            "        proxy_set_header Connection \"upgrade\";\n"
            "        proxy_read_timeout 5s;\n"
            "        %2\n"
            "    }\n").arg(backend);
        nginx.writeMainConfig();
        nginx.writeSite(QStringLiteral("deflate"),
                        QStringLiteral("server {\n    listen 127.0.0.1:%1;\n%2}\n").arg(good).arg(location.arg(QString()))
                            + QStringLiteral("server {\n    listen 127.0.0.1:%1;\n%2}\n").arg(hidden)
                                  .arg(location.arg(QStringLiteral("proxy_hide_header Sec-WebSocket-Extensions;")))
                            + QStringLiteral("server {\n    listen 127.0.0.1:%1;\n%2}\n").arg(stripped)
                                  .arg(location.arg(QStringLiteral("proxy_set_header Sec-WebSocket-Extensions \"\";"))));
        return nginx.test(log) && nginx.start(log) && waitForPort(good) && waitForPort(hidden) && waitForPort(stripped);
    }
};

} // namespace

TEST_F(DeflateLab, DirectTheServerCompressesAndTheProbeInflates)
{
    // Before: "server enabled extension ... which was not offered" could not happen (nothing was
    // offered); browsers offer it, so a real client saw compressed frames the probe never did.
    ProbeOptions o = opts(server.url(QStringLiteral("/echo")));
    ProbeResult r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_TRUE(r.requestHead.contains(QStringLiteral("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")));
    EXPECT_TRUE(r.extensions.startsWith(QStringLiteral("permessage-deflate"))) << lab::probeJsonText(r);
    EXPECT_EQ(r.echoReceived, 1) << lab::probeJsonText(r);
    EXPECT_GE(r.compressedMessages, 2) << "the welcome and the echo arrive compressed: " << lab::probeJsonText(r);
    EXPECT_TRUE(r.firstOtherMessage.startsWith("welcome: this message is compressed")) << lab::probeJsonText(r);

    o.deflate = false; // --no-deflate
    r = lab::probe(o);
    EXPECT_EQ(r.cause, QStringLiteral("ok")) << lab::probeJsonText(r);
    EXPECT_TRUE(r.extensions.isEmpty()) << lab::probeJsonText(r);
    EXPECT_EQ(r.compressedMessages, 0);
    EXPECT_EQ(r.echoReceived, 1);
}

TEST_F(DeflateLab, ThroughNginxAHiddenExtensionAnswerIsAProtocolErrorNamingIt)
{
    LAB_REQUIRE(NginxLab::skipReason());
    DeflateProxy proxy;
    QByteArray log;
    ASSERT_TRUE(proxy.start(server.port(), &log)) << log.toStdString() << readAll(proxy.nginx.errorLog()).toStdString();

    ProbeResult good = lab::probe(opts(QStringLiteral("ws://127.0.0.1:%1/echo").arg(proxy.good)));
    EXPECT_EQ(good.cause, QStringLiteral("ok")) << lab::probeJsonText(good);
    EXPECT_TRUE(good.extensions.startsWith(QStringLiteral("permessage-deflate"))) << lab::probeJsonText(good);
    EXPECT_GE(good.compressedMessages, 2) << lab::probeJsonText(good);

    const ProbeResult hidden = lab::probe(opts(QStringLiteral("ws://127.0.0.1:%1/echo").arg(proxy.hidden)));
    EXPECT_EQ(hidden.cause, QStringLiteral("protocol_error")) << lab::probeJsonText(hidden);
    EXPECT_EQ(hidden.closeCode.value_or(0), 1002) << lab::probeJsonText(hidden);
    EXPECT_TRUE(hidden.extensions.isEmpty());
    EXPECT_TRUE(hidden.protocolError.contains(QStringLiteral("reserved bits"))) << lab::probeJsonText(hidden);
    const QString evidence = hidden.evidence.join(QLatin1Char('\n'));
    EXPECT_TRUE(evidence.contains(QStringLiteral("permessage-deflate"))) << lab::probeJsonText(hidden);
    EXPECT_TRUE(hidden.advice.join(QLatin1Char('\n')).contains(QStringLiteral("Sec-WebSocket-Extensions"))) << lab::probeJsonText(hidden);

    // The same hop with --no-deflate: nothing offered, nothing compressed, nothing to break.
    ProbeOptions plain = opts(QStringLiteral("ws://127.0.0.1:%1/echo").arg(proxy.hidden));
    plain.deflate = false;
    const ProbeResult plainResult = lab::probe(plain);
    EXPECT_EQ(plainResult.cause, QStringLiteral("ok")) << lab::probeJsonText(plainResult);

    // A proxy that strips the offer works, uncompressed; diagnose says the hops differ.
    ProbeResult stripped = lab::probe(opts(QStringLiteral("ws://127.0.0.1:%1/echo").arg(proxy.stripped)));
    EXPECT_EQ(stripped.cause, QStringLiteral("ok")) << lab::probeJsonText(stripped);
    EXPECT_TRUE(stripped.extensions.isEmpty()) << lab::probeJsonText(stripped);
    EXPECT_EQ(stripped.compressedMessages, 0);
    ProbeResult direct = lab::probe(opts(server.url(QStringLiteral("/echo"))));
    ASSERT_EQ(direct.cause, QStringLiteral("ok")) << lab::probeJsonText(direct);
    const HopVerdict v = diagnosePair(direct, stripped);
    EXPECT_EQ(v.faultyHop, QStringLiteral("none"));
    EXPECT_TRUE(v.verdict.contains(QStringLiteral("the proxied one does not"))) << v.verdict.toStdString();
}

TEST_F(DeflateLab, CliReportsTheNegotiatedExtensionAndNoDeflateTurnsItOff)
{
    QByteArray out;
    EXPECT_EQ(runProgram(cliPath(), {QStringLiteral("probe"), server.url(QStringLiteral("/echo")), QStringLiteral("--json")}, &out), 0)
        << out.toStdString();
    QJsonObject o = QJsonDocument::fromJson(out.mid(out.indexOf('{'))).object();
    EXPECT_TRUE(o.value(QLatin1String("extensions")).toString().startsWith(QStringLiteral("permessage-deflate"))) << out.toStdString();
    EXPECT_GE(o.value(QLatin1String("compressed_messages")).toInt(), 2) << out.toStdString();

    out.clear();
    EXPECT_EQ(runProgram(cliPath(), {QStringLiteral("probe"), server.url(QStringLiteral("/echo")), QStringLiteral("--no-deflate"),
                                     QStringLiteral("--json")}, &out), 0) << out.toStdString();
    o = QJsonDocument::fromJson(out.mid(out.indexOf('{'))).object();
    EXPECT_EQ(o.value(QLatin1String("extensions")).toString(), QString()) << out.toStdString();

    out.clear();
    EXPECT_EQ(runProgram(cliPath(), {QStringLiteral("probe"), server.url(QStringLiteral("/echo"))}, &out), 0) << out.toStdString();
    EXPECT_TRUE(out.contains("extensions: permessage-deflate")) << out.toStdString();
}
