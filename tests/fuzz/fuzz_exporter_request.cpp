// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the exporter's HTTP request reader fed in arbitrary chunks, then the query
// parser and the --allow matcher on whatever target came out (what a scraper, or anyone who can
// reach the exporter's port, sends).
#include "exporter/HttpRequest.h"
#include "exporter/TargetAllowList.h"

#include <QUrl>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace socketscope;
    if (size == 0)
        return 0;
    // The first byte picks the chunk size so splits at every position get exercised.
    const qsizetype chunk = qsizetype(data[0] % 64) + 1;
    const QByteArray input(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    HttpRequestParser parser;
    for (qsizetype pos = 0; pos < input.size(); pos += chunk) {
        if (parser.feed(input.mid(pos, chunk)) != HttpRequestParser::State::Incomplete)
            break;
    }
    if (parser.state() == HttpRequestParser::State::Error
        && (parser.errorStatus() < 400 || parser.errorMessage().isEmpty()))
        __builtin_trap();
    if (parser.state() == HttpRequestParser::State::Incomplete
        && parser.rest().size() > HttpRequestParser::kMaxHeadBytes)
        __builtin_trap(); // the reader must never buffer more than one head
    // The query parser and the allow list also see raw query bytes, request or not.
    const QByteArray query = parser.state() == HttpRequestParser::State::Complete ? parser.query() : input;
    const auto items = parseQuery(query);
    if (items) {
        TargetAllowList allow;
        QString error;
        (void)allow.add(QStringLiteral("ws://127.0.0.1:*/ws/*"), &error);
        (void)allow.add(QStringLiteral("wss://*.example.com"), &error);
        for (const auto& item : *items) {
            (void)allow.allows(QUrl(item.second, QUrl::StrictMode));
            TargetAllowList fromInput;
            (void)fromInput.add(item.second, &error);
        }
    }
    return 0;
}
