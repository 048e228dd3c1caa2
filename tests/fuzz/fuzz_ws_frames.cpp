// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the WebSocket frame parser (server → client) fed in arbitrary chunks; the
// first byte's top bit turns on permessage-deflate (RSV1 messages are inflated).
#include "probe/FrameParser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace socketscope;
    if (size < 2)
        return 0;
    const qsizetype chunk = qsizetype(data[0] % 32) + 1;
    const qint64 limit = qint64(data[1]) * 64 + 125; // small limits so the size checks are reached
    const QByteArray input(reinterpret_cast<const char*>(data + 2), qsizetype(size - 2));
    FrameParser parser(limit, limit * 2);
    if (data[0] & 0x80)
        parser.enableDeflate(DeflateParams{});
    QList<WsEvent> events;
    for (qsizetype pos = 0; pos < input.size(); pos += chunk) {
        if (!parser.feed(input.mid(pos, chunk), &events))
            break;
    }
    for (const WsEvent& ev : events) {
        // Invariants the probe relies on.
        if (ev.kind == WsEvent::Kind::Text && !FrameParser::isValidUtf8(ev.payload))
            __builtin_trap();
        if (ev.payload.size() > limit * 2)
            __builtin_trap();
        if (ev.kind == WsEvent::Kind::Close && ev.closeCode >= 0 && !FrameParser::isValidCloseCode(ev.closeCode))
            __builtin_trap();
    }
    (void)FrameParser::isValidUtf8(input);
    return 0;
}
