// SPDX-License-Identifier: GPL-3.0-or-later
// The exporter's request reader and query parser (the libFuzzer target fuzz_exporter_request
// feeds the same functions arbitrary bytes).
#include "exporter/HttpRequest.h"

#include <gtest/gtest.h>

using namespace socketscope;

TEST(HttpRequestParser, ReadsAPrometheusScrapeFedOneByteAtATime)
{
    const QByteArray request = "GET /probe?target=ws%3A%2F%2F127.0.0.1%3A8080%2Fws&module=default HTTP/1.1\r\n"
                               "Host: 127.0.0.1:9470\r\n"
                               "User-Agent: Prometheus/2.42.0\r\n"
                               "X-Prometheus-Scrape-Timeout-Seconds: 4\r\n"
                               "Accept: text/plain\r\n\r\n";
    HttpRequestParser p;
    for (qsizetype i = 0; i + 1 < request.size(); ++i)
        ASSERT_EQ(p.feed(request.mid(i, 1)), HttpRequestParser::State::Incomplete) << i;
    ASSERT_EQ(p.feed(request.right(1)), HttpRequestParser::State::Complete);
    EXPECT_EQ(p.method(), "GET");
    EXPECT_EQ(p.path(), "/probe");
    EXPECT_EQ(p.version(), "HTTP/1.1");
    EXPECT_EQ(p.header("x-prometheus-scrape-timeout-seconds"), "4");
    EXPECT_EQ(p.header("HOST"), "127.0.0.1:9470");
    const auto q = parseQuery(p.query());
    ASSERT_TRUE(q) << q.error().toStdString();
    ASSERT_EQ(q->size(), 2);
    EXPECT_EQ(q->at(0).first, QStringLiteral("target"));
    EXPECT_EQ(q->at(0).second, QStringLiteral("ws://127.0.0.1:8080/ws"));
    EXPECT_EQ(q->at(1).second, QStringLiteral("default"));
}

TEST(HttpRequestParser, RefusesOversizedHeadsLongTargetsAndBodies)
{
    HttpRequestParser big;
    QByteArray head = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
    while (head.size() <= HttpRequestParser::kMaxHeadBytes)
        head += "X-Filler: " + QByteArray(100, 'a') + "\r\n";
    EXPECT_EQ(big.feed(head), HttpRequestParser::State::Error) << "refused before the blank line arrives";
    EXPECT_EQ(big.errorStatus(), 431);

    HttpRequestParser longTarget;
    EXPECT_EQ(longTarget.feed("GET /probe?target=" + QByteArray(HttpRequestParser::kMaxHeadBytes, 'a')),
        HttpRequestParser::State::Error);
    EXPECT_EQ(longTarget.errorStatus(), 414);

    HttpRequestParser many;
    QByteArray lines = "GET / HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i <= HttpRequestParser::kMaxHeaders; ++i)
        lines += "A: b\r\n";
    EXPECT_EQ(many.feed(lines + "\r\n"), HttpRequestParser::State::Error);
    EXPECT_EQ(many.errorStatus(), 431);

    HttpRequestParser body;
    EXPECT_EQ(
        body.feed("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"), HttpRequestParser::State::Error);
    EXPECT_EQ(body.errorStatus(), 400);
    HttpRequestParser chunked;
    EXPECT_EQ(chunked.feed("GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"),
        HttpRequestParser::State::Error);
}

TEST(HttpRequestParser, RefusesMalformedRequestLinesAndHeaders)
{
    struct Case {
        QByteArray input;
        int status;
    };
    const QList<Case> cases = {
        { "GET /\r\n\r\n", 400 }, // no version
        { "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400 }, // two spaces
        { "GET http://x/ HTTP/1.1\r\nHost: x\r\n\r\n", 400 }, // absolute-form
        { "GET /a\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400 }, // control byte in the target
        { "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505 },
        { "GET / FTP/1.0\r\n\r\n", 400 },
        { "GET / HTTP/1.1\r\n\r\n", 400 }, // HTTP/1.1 needs Host
        { "GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400 },
        { "GET / HTTP/1.1\r\nHost: x\r\nNo colon\r\n\r\n", 400 },
        { "GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", 400 },
        { "GET / HTTP/1.1\r\nHost: x\r\nA: b\x01\r\n\r\n", 400 },
        { "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400 },
    };
    for (const Case& c : cases) {
        HttpRequestParser p;
        EXPECT_EQ(p.feed(c.input), HttpRequestParser::State::Error) << c.input.toStdString();
        EXPECT_EQ(p.errorStatus(), c.status) << c.input.toStdString();
        EXPECT_FALSE(p.errorMessage().isEmpty());
    }
    HttpRequestParser ok10;
    EXPECT_EQ(ok10.feed("\r\nGET /metrics HTTP/1.0\n\n"), HttpRequestParser::State::Complete)
        << "HTTP/1.0, bare LF, leading CRLF";
    EXPECT_EQ(ok10.path(), "/metrics");
}

TEST(ParseQuery, DecodesPercentAndPlusAndRefusesBrokenEscapes)
{
    auto q = parseQuery("target=wss%3A%2F%2Fh%C3%A9.example%2Fa%20b+c&&module=");
    ASSERT_TRUE(q);
    ASSERT_EQ(q->size(), 2);
    EXPECT_EQ(q->at(0).second, QStringLiteral("wss://hé.example/a b c"));
    EXPECT_EQ(q->at(1).first, QStringLiteral("module"));
    EXPECT_TRUE(q->at(1).second.isEmpty());
    EXPECT_FALSE(parseQuery("target=%"));
    EXPECT_FALSE(parseQuery("target=%4"));
    EXPECT_FALSE(parseQuery("target=%zz"));
    EXPECT_FALSE(parseQuery("target=%C3%28")) << "invalid UTF-8";
    QByteArray many;
    for (int i = 0; i < 40; ++i)
        many += "a=" + QByteArray::number(i) + '&';
    EXPECT_FALSE(parseQuery(many));
}
