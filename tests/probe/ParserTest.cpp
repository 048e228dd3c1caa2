// SPDX-License-Identifier: GPL-3.0-or-later
// The pure parsers: HTTP response head, WebSocket frames, and the handshake helpers.
#include "probe/FrameParser.h"
#include "probe/HttpResponseParser.h"
#include "probe/WsHandshake.h"

#include <gtest/gtest.h>

using namespace socketscope;

TEST(HttpResponseParser, ParsesHeadHeadersAndLeftoverAcrossChunks)
{
    HttpResponseParser p;
    EXPECT_EQ(p.feed("HTTP/1.1 101 Switching"), HttpResponseParser::State::NeedMore);
    EXPECT_EQ(p.feed(" Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nX-A: 1\r\nx-a: 2\r\n\r\n\x81\x02hi"),
              HttpResponseParser::State::HeadComplete);
    EXPECT_EQ(p.statusCode(), 101);
    EXPECT_EQ(p.statusLine(), QStringLiteral("HTTP/1.1 101 Switching Protocols"));
    EXPECT_EQ(p.header(QStringLiteral("upgrade")), QStringLiteral("websocket"));
    EXPECT_EQ(p.headerList(QStringLiteral("X-A")), QStringLiteral("1, 2"));
    EXPECT_EQ(p.leftover(), QByteArray("\x81\x02hi"));
}

TEST(HttpResponseParser, KeepsFirst4KiBOfBodyAndKnowsWhenContentLengthIsDone)
{
    HttpResponseParser p;
    p.feed("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 5000\r\n\r\n");
    EXPECT_FALSE(p.bodyDone());
    p.feed(QByteArray(3000, 'a'));
    EXPECT_FALSE(p.bodyDone());
    p.feed(QByteArray(2000, 'b'));
    EXPECT_TRUE(p.bodyDone());
    EXPECT_EQ(p.bodyExcerpt().size(), HttpResponseParser::kBodyExcerptBytes);
    EXPECT_EQ(p.bodyBytesSeen(), 5000);

    HttpResponseParser small;
    small.feed("HTTP/1.0 400 Bad Request\r\nContent-Length: 3\r\n\r\nabc");
    EXPECT_TRUE(small.bodyDone());
    EXPECT_EQ(small.bodyExcerpt(), QByteArray("abc"));
    EXPECT_EQ(small.httpVersion(), QStringLiteral("1.0"));
}

TEST(HttpResponseParser, RejectsWhatIsNotHttpEarly)
{
    HttpResponseParser p;
    EXPECT_EQ(p.feed("SSH-2.0-OpenSSH_9.2\r\n"), HttpResponseParser::State::Error);
    EXPECT_TRUE(p.error().contains(QStringLiteral("not HTTP"))) << p.error().toStdString();
    HttpResponseParser bad;
    EXPECT_EQ(bad.feed("HTTP/1.1 abc OK\r\n\r\n"), HttpResponseParser::State::Error);
    HttpResponseParser badHeader;
    EXPECT_EQ(badHeader.feed("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n"), HttpResponseParser::State::Error);
}

TEST(HttpResponseParser, LimitsHeadSizeAndHeaderCount)
{
    HttpResponseParser p;
    p.feed("HTTP/1.1 200 OK\r\n");
    EXPECT_EQ(p.feed("X: " + QByteArray(HttpResponseParser::kMaxHeadBytes, 'x')), HttpResponseParser::State::Error);
    QByteArray many = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i <= HttpResponseParser::kMaxHeaders; ++i)
        many += "H" + QByteArray::number(i) + ": v\r\n";
    HttpResponseParser q;
    EXPECT_EQ(q.feed(many + "\r\n"), HttpResponseParser::State::Error);
}

TEST(FrameParser, ParsesTextBinaryAndFragmentedMessagesWithInterleavedControl)
{
    FrameParser f;
    QList<WsEvent> ev;
    QByteArray wire = FrameWriter::unmaskedFrame(FrameWriter::Text, "hel", false)
        + FrameWriter::unmaskedFrame(FrameWriter::Ping, "p1")
        + FrameWriter::unmaskedFrame(FrameWriter::Continuation, "lo", true)
        + FrameWriter::unmaskedFrame(FrameWriter::Binary, QByteArray(70000, '\x01'));
    // Byte by byte: the parser must cope with any split.
    for (char c : wire)
        ASSERT_TRUE(f.feed(QByteArray(1, c), &ev)) << f.error().toStdString();
    ASSERT_EQ(ev.size(), 3);
    EXPECT_EQ(ev[0].kind, WsEvent::Kind::Ping);
    EXPECT_EQ(ev[1].kind, WsEvent::Kind::Text);
    EXPECT_EQ(ev[1].payload, QByteArray("hello"));
    EXPECT_EQ(ev[2].kind, WsEvent::Kind::Binary);
    EXPECT_EQ(ev[2].payload.size(), 70000);
}

TEST(FrameParser, CloseFrameCodeAndReason)
{
    FrameParser f;
    QList<WsEvent> ev;
    ASSERT_TRUE(f.feed(FrameWriter::unmaskedFrame(FrameWriter::Close, QByteArray("\x03\xf3", 2) + "boom"), &ev));
    ASSERT_EQ(ev.size(), 1);
    EXPECT_EQ(ev[0].closeCode, 1011);
    EXPECT_EQ(ev[0].payload, QByteArray("boom"));
    FrameParser empty;
    ev.clear();
    ASSERT_TRUE(empty.feed(FrameWriter::unmaskedFrame(FrameWriter::Close, {}), &ev));
    EXPECT_EQ(ev[0].closeCode, -1);
}

struct BadFrame {
    const char* name;
    QByteArray wire;
    const char* expect;
    int code;
};

TEST(FrameParser, RejectsEveryViolationWithADetail)
{
    const QList<BadFrame> cases = {
        {"masked", FrameWriter::frame(FrameWriter::Text, "x", true, 0x01020304), "masked", 1002},
        {"reserved opcode", QByteArray("\x83\x00", 2), "reserved opcode", 1002},
        {"rsv bits", QByteArray("\xC1\x00", 2), "reserved bits", 1002},
        {"fragmented ping", QByteArray("\x09\x00", 2), "fragmented control", 1002},
        {"big ping", FrameWriter::unmaskedFrame(FrameWriter::Ping, QByteArray(126, 'p')), "control frame", 1002},
        {"bad utf8", FrameWriter::unmaskedFrame(FrameWriter::Text, QByteArray("\xC0\xAF", 2)), "UTF-8", 1007},
        {"lone continuation", FrameWriter::unmaskedFrame(FrameWriter::Continuation, "x"), "continuation", 1002},
        {"bad close code", FrameWriter::unmaskedFrame(FrameWriter::Close, QByteArray("\x03\xed", 2)), "invalid code", 1002},
        {"1-byte close", FrameWriter::unmaskedFrame(FrameWriter::Close, QByteArray("\x03", 1)), "1-byte", 1002},
        {"non-minimal length", QByteArray("\x82\x7e\x00\x05", 4) + "abcde", "minimal", 1002},
        {"interleaved data", FrameWriter::unmaskedFrame(FrameWriter::Text, "a", false) + FrameWriter::unmaskedFrame(FrameWriter::Text, "b"),
         "fragmented message is open", 1002},
    };
    for (const BadFrame& c : cases) {
        FrameParser f;
        QList<WsEvent> ev;
        EXPECT_FALSE(f.feed(c.wire, &ev)) << c.name;
        EXPECT_TRUE(f.error().contains(QLatin1String(c.expect))) << c.name << ": " << f.error().toStdString();
        EXPECT_EQ(f.errorCloseCode(), c.code) << c.name;
        EXPECT_FALSE(f.feed(FrameWriter::unmaskedFrame(FrameWriter::Text, "ok"), &ev)) << "stays failed: " << c.name;
    }
}

TEST(FrameParser, EnforcesFrameAndMessageLimitsBeforeBuffering)
{
    FrameParser f(1024, 2048);
    QList<WsEvent> ev;
    // Only the 10-byte header of a 1 GiB frame: rejected at once, nothing buffered.
    QByteArray header("\x82\x7f", 2);
    header += QByteArray::fromHex("0000000040000000");
    EXPECT_FALSE(f.feed(header, &ev));
    EXPECT_EQ(f.errorCloseCode(), 1009);
    FrameParser m(1024, 2048);
    QByteArray wire;
    for (int i = 0; i < 3; ++i)
        wire += FrameWriter::unmaskedFrame(i == 0 ? FrameWriter::Binary : FrameWriter::Continuation, QByteArray(1000, 'a'), false);
    EXPECT_FALSE(m.feed(wire, &ev));
    EXPECT_TRUE(m.error().contains(QStringLiteral("message exceeds"))) << m.error().toStdString();
}

TEST(FrameParser, Utf8Validation)
{
    EXPECT_TRUE(FrameParser::isValidUtf8(QStringLiteral("grüße ✓ 😀").toUtf8()));
    EXPECT_FALSE(FrameParser::isValidUtf8(QByteArray("\xED\xA0\x80", 3)));     // surrogate
    EXPECT_FALSE(FrameParser::isValidUtf8(QByteArray("\xF4\x90\x80\x80", 4))); // > U+10FFFF
    EXPECT_FALSE(FrameParser::isValidUtf8(QByteArray("\xE2\x82", 2)));         // truncated
    EXPECT_FALSE(FrameParser::isValidUtf8(QByteArray("\xE0\x80\xAF", 3)));     // overlong
}

TEST(FrameWriter, ClientFramesAreMaskedAndRoundTrip)
{
    const QByteArray payload(300, 'z');
    const QByteArray wire = FrameWriter::frame(FrameWriter::Binary, payload, true, 0xA1B2C3D4);
    ASSERT_EQ(wire.size(), 2 + 2 + 4 + 300);
    EXPECT_EQ(static_cast<unsigned char>(wire.at(1)) & 0x80, 0x80);
    QByteArray unmasked = wire.mid(8);
    const QByteArray key = wire.mid(4, 4);
    for (qsizetype i = 0; i < unmasked.size(); ++i)
        unmasked[i] = char(unmasked[i] ^ key[i % 4]);
    EXPECT_EQ(unmasked, payload);
    const QByteArray close = FrameWriter::close(1000, "bye");
    EXPECT_EQ(static_cast<unsigned char>(close.at(0)), 0x88);
}

TEST(WsHandshake, AcceptMatchesRfcExampleAndRequestCarriesOptions)
{
    // RFC 6455 §1.3 example.
    EXPECT_EQ(wshandshake::acceptFor("dGhlIHNhbXBsZSBub25jZQ=="), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    ProbeOptions o;
    o.origin = QStringLiteral("https://app.example");
    o.subprotocols = {QStringLiteral("v1"), QStringLiteral("v2")};
    o.basicAuthUser = QStringLiteral("u");
    o.basicAuthPassword = QStringLiteral("secret");
    o.headers = {{QStringLiteral("X-Evil"), QStringLiteral("a\r\nInjected: yes")}};
    const QUrl url(QStringLiteral("wss://example.org:8443/ws?a=1"));
    const QByteArray req = wshandshake::buildRequest(url, o, "KEY");
    EXPECT_TRUE(req.startsWith("GET /ws?a=1 HTTP/1.1\r\nHost: example.org:8443\r\n"));
    EXPECT_TRUE(req.contains("Origin: https://app.example\r\n"));
    EXPECT_TRUE(req.contains("Sec-WebSocket-Protocol: v1, v2\r\n"));
    EXPECT_TRUE(req.contains(QByteArray("Authorization: Basic " + QByteArray("u:secret").toBase64())));
    EXPECT_FALSE(req.contains("\r\nInjected:"));
    const QByteArray redacted = wshandshake::buildRequest(url, o, "KEY", true);
    EXPECT_FALSE(redacted.contains(QByteArray("u:secret").toBase64()));
    EXPECT_TRUE(redacted.contains("Authorization: Basic <redacted>"));
}

TEST(WsHandshake, ValidateUpgradeNamesWhatIsWrong)
{
    const QByteArray key = "dGhlIHNhbXBsZSBub25jZQ==";
    auto check = [&](const QByteArray& head, const QStringList& offered = {}) {
        HttpResponseParser p;
        p.feed(head + "\r\n");
        QString chosen;
        return wshandshake::validateUpgrade(p, key, offered, &chosen);
    };
    const QByteArray good = "HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"
                            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n";
    EXPECT_EQ(check(good), QString());
    EXPECT_TRUE(check("HTTP/1.1 101 OK\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")
                    .contains(QStringLiteral("without an Upgrade")));
    EXPECT_TRUE(check("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")
                    .contains(QStringLiteral("Connection")));
    EXPECT_TRUE(check("HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: AAAA\r\n")
                    .contains(QStringLiteral("expected")));
    EXPECT_TRUE(check(good + "Sec-WebSocket-Protocol: v9\r\n", {QStringLiteral("v1")}).contains(QStringLiteral("not offered")));
    EXPECT_EQ(check(good + "Sec-WebSocket-Protocol: v1\r\n", {QStringLiteral("v1")}), QString());
}
