// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the HTTP response parser fed in arbitrary chunks, plus upgrade validation.
#include "probe/HttpResponseParser.h"
#include "probe/WsHandshake.h"

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
    HttpResponseParser parser;
    for (qsizetype pos = 0; pos < input.size(); pos += chunk) {
        if (parser.feed(input.mid(pos, chunk)) == HttpResponseParser::State::Error)
            break;
    }
    if (parser.state() == HttpResponseParser::State::HeadComplete) {
        QString chosen;
        (void)wshandshake::validateUpgrade(parser, "dGhlIHNhbXBsZSBub25jZQ==", {QStringLiteral("v1")}, &chosen);
        (void)parser.headerList(QStringLiteral("Connection"));
        if (parser.bodyExcerpt().size() > HttpResponseParser::kBodyExcerptBytes)
            __builtin_trap();
    }
    return 0;
}
