// SPDX-License-Identifier: GPL-3.0-or-later
#include "probe/FrameParser.h"

#include <QRandomGenerator>

#include <zlib.h>

#include <climits>
#include <cstring>

namespace socketscope {

// The receiving half of permessage-deflate: one raw-DEFLATE stream for the whole connection
// (the server's context takeover), reset per message when the server said server_no_context_takeover.
class FrameParser::Inflater {
public:
    explicit Inflater(const DeflateParams& params)
        : m_params(params)
    {
        std::memset(&m_z, 0, sizeof m_z);
        // -15: raw DEFLATE with the largest window, which decodes any smaller window the server uses.
        m_ready = inflateInit2(&m_z, -15) == Z_OK;
    }
    ~Inflater()
    {
        if (m_ready)
            inflateEnd(&m_z);
    }
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;

    // Inflates one message's payload into *out, at most limit bytes. False with *error; *tooBig
    // when the inflated message exceeds the limit.
    bool inflateMessage(const QByteArray& in, qint64 limit, QByteArray* out, QString* error, bool* tooBig)
    {
        *tooBig = false;
        if (!m_ready) {
            *error = QStringLiteral("zlib could not be initialised");
            return false;
        }
        QByteArray input = in;
        input.append("\x00\x00\xff\xff", 4); // the tail the sender removed (RFC 7692 §7.2.2)
        if (quint64(input.size()) > quint64(UINT_MAX)) {
            *tooBig = true;
            return false;
        }
        m_z.next_in = reinterpret_cast<Bytef*>(input.data());
        m_z.avail_in = uInt(input.size());
        char buffer[16384];
        for (;;) {
            m_z.next_out = reinterpret_cast<Bytef*>(buffer);
            m_z.avail_out = uInt(sizeof buffer);
            const int rc = inflate(&m_z, Z_SYNC_FLUSH);
            const auto produced = qsizetype(sizeof buffer - m_z.avail_out);
            if (qint64(out->size()) + produced > limit) {
                *tooBig = true;
                return false;
            }
            out->append(buffer, produced);
            if (rc == Z_STREAM_END) { // a final block: what follows starts a new stream
                inflateReset(&m_z);
                if (m_z.avail_in == 0)
                    break;
                continue;
            }
            if (rc == Z_BUF_ERROR && m_z.avail_in == 0)
                break; // everything consumed, nothing left to produce
            if (rc != Z_OK) {
                *error = QString::fromLatin1(m_z.msg ? m_z.msg : zError(rc));
                inflateReset(&m_z);
                return false;
            }
            if (m_z.avail_in == 0 && m_z.avail_out != 0)
                break;
        }
        if (m_params.serverNoContextTakeover)
            inflateReset(&m_z);
        return true;
    }

private:
    DeflateParams m_params;
    z_stream m_z;
    bool m_ready = false;
};

FrameParser::FrameParser(qint64 maxFrameBytes, qint64 maxMessageBytes)
    : m_maxFrame(maxFrameBytes > 0 ? maxFrameBytes : 16 * 1024 * 1024)
    , m_maxMessage(maxMessageBytes > 0 ? maxMessageBytes : 16 * 1024 * 1024)
{
}

FrameParser::~FrameParser() = default;

void FrameParser::enableDeflate(const DeflateParams& params) { m_inflater = std::make_unique<Inflater>(params); }

bool FrameParser::failExtension(int code, const QString& message)
{
    if (m_error.isEmpty())
        m_errorIsExtension = true;
    return fail(code, message);
}

bool FrameParser::fail(int code, const QString& message)
{
    if (m_error.isEmpty()) {
        m_error = message;
        m_errorCode = code;
    }
    m_buffer.clear();
    m_pos = 0;
    return false;
}

bool FrameParser::isValidCloseCode(int code)
{
    if (code >= 3000 && code <= 4999)
        return true;
    switch (code) {
    case 1000: case 1001: case 1002: case 1003: case 1007: case 1008: case 1009: case 1010: case 1011:
    case 1012: case 1013: case 1014:
        return true;
    default:
        return false;
    }
}

bool FrameParser::isValidUtf8(const QByteArray& bytes)
{
    const auto* s = reinterpret_cast<const unsigned char*>(bytes.constData());
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n) {
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int extra = 0;
        quint32 cp = 0;
        quint32 minimum = 0;
        if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1Fu; minimum = 0x80; }
        else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0Fu; minimum = 0x800; }
        else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07u; minimum = 0x10000; }
        else return false;
        if (i + extra >= n)
            return false;
        for (int k = 1; k <= extra; ++k) {
            const unsigned char cc = s[i + k];
            if ((cc & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += extra + 1;
    }
    return true;
}

bool FrameParser::feed(const QByteArray& bytes, QList<WsEvent>* events)
{
    if (failed())
        return false;
    m_buffer += bytes;
    for (;;) {
        const qsizetype avail = m_buffer.size() - m_pos;
        if (avail < 2)
            break;
        const auto* p = reinterpret_cast<const unsigned char*>(m_buffer.constData()) + m_pos;
        const bool fin = (p[0] & 0x80) != 0;
        const int rsv = (p[0] >> 4) & 0x7;
        const int opcode = p[0] & 0x0F;
        const bool masked = (p[1] & 0x80) != 0;
        quint64 len = p[1] & 0x7Fu;
        qsizetype header = 2;
        const bool control = (opcode & 0x8) != 0;
        if (rsv & 0x3)
            return failExtension(1002, QStringLiteral("frame with reserved bits set (RSV=%1) but no extension negotiated").arg(rsv));
        if (rsv & 0x4) { // RSV1: permessage-deflate's "compressed", on a message's first frame only
            if (!m_inflater)
                return failExtension(1002, QStringLiteral("frame with reserved bits set (RSV1: a permessage-deflate "
                                                          "compressed message) but permessage-deflate was not negotiated in "
                                                          "the handshake"));
            if (control || opcode == 0x0)
                return failExtension(1002, QStringLiteral("permessage-deflate: RSV1 set on a %1 frame (only a message's first "
                                                          "frame may carry it)")
                                               .arg(control ? QStringLiteral("control") : QStringLiteral("continuation")));
        }
        if (opcode != 0x0 && opcode != 0x1 && opcode != 0x2 && opcode != 0x8 && opcode != 0x9 && opcode != 0xA)
            return fail(1002, QStringLiteral("frame with reserved opcode 0x%1").arg(opcode, 0, 16));
        if (masked)
            return fail(1002, QStringLiteral("server sent a masked frame (servers must not mask, RFC 6455 §5.1)"));
        if (len == 126) {
            if (avail < 4)
                break;
            len = (quint64(p[2]) << 8) | p[3];
            header = 4;
            if (len < 126)
                return fail(1002, QStringLiteral("frame length %1 not in minimal encoding").arg(len));
        } else if (len == 127) {
            if (avail < 10)
                break;
            len = 0;
            for (int k = 0; k < 8; ++k)
                len = (len << 8) | p[2 + k];
            header = 10;
            if (len >> 63)
                return fail(1002, QStringLiteral("frame length has the most significant bit set"));
            if (len < 65536)
                return fail(1002, QStringLiteral("frame length %1 not in minimal encoding").arg(len));
        }
        if (control) {
            if (!fin)
                return fail(1002, QStringLiteral("fragmented control frame (opcode 0x%1)").arg(opcode, 0, 16));
            if (len > 125)
                return fail(1002, QStringLiteral("control frame with %1 bytes of payload (limit 125)").arg(len));
        }
        if (len > quint64(m_maxFrame))
            return fail(1009, QStringLiteral("frame of %1 bytes exceeds the %2-byte limit").arg(len).arg(m_maxFrame));
        if (quint64(avail - header) < len)
            break;
        const QByteArray payload = m_buffer.mid(m_pos + header, qsizetype(len));
        m_pos += header + qsizetype(len);

        if (control) {
            WsEvent ev;
            if (opcode == 0x8) {
                ev.kind = WsEvent::Kind::Close;
                if (payload.size() == 1)
                    return fail(1002, QStringLiteral("close frame with a 1-byte body"));
                if (payload.size() >= 2) {
                    const int code = (static_cast<unsigned char>(payload.at(0)) << 8) | static_cast<unsigned char>(payload.at(1));
                    if (!isValidCloseCode(code))
                        return fail(1002, QStringLiteral("close frame with invalid code %1").arg(code));
                    ev.closeCode = code;
                    ev.payload = payload.mid(2);
                    if (!isValidUtf8(ev.payload))
                        return fail(1007, QStringLiteral("close reason is not valid UTF-8"));
                }
            } else {
                ev.kind = opcode == 0x9 ? WsEvent::Kind::Ping : WsEvent::Kind::Pong;
                ev.payload = payload;
            }
            events->append(ev);
            continue;
        }
        if (opcode == 0x0) {
            if (!m_inMessage)
                return fail(1002, QStringLiteral("continuation frame without a message to continue"));
        } else {
            if (m_inMessage)
                return fail(1002, QStringLiteral("new data frame (opcode 0x%1) while a fragmented message is open").arg(opcode, 0, 16));
            m_inMessage = true;
            m_messageOpcode = opcode;
            m_messageCompressed = (rsv & 0x4) != 0;
            m_message.clear();
        }
        if (qint64(m_message.size()) + qint64(payload.size()) > m_maxMessage)
            return fail(1009, QStringLiteral("message exceeds the %1-byte limit").arg(m_maxMessage));
        m_message += payload;
        if (fin) {
            WsEvent ev;
            ev.kind = m_messageOpcode == 0x1 ? WsEvent::Kind::Text : WsEvent::Kind::Binary;
            ev.payload = m_message;
            m_inMessage = false;
            m_message.clear();
            if (m_messageCompressed) {
                QByteArray inflated;
                QString why;
                bool tooBig = false;
                if (!m_inflater->inflateMessage(ev.payload, m_maxMessage, &inflated, &why, &tooBig))
                    return tooBig ? failExtension(1009, QStringLiteral("permessage-deflate: the message inflates to more than "
                                                                       "the %1-byte limit").arg(m_maxMessage))
                                  : failExtension(1007, QStringLiteral("permessage-deflate: a compressed message does not "
                                                                       "inflate (zlib: %1)").arg(why));
                ev.payload = inflated;
                ev.compressed = true;
                ++m_compressedMessages;
            }
            if (ev.kind == WsEvent::Kind::Text && !isValidUtf8(ev.payload))
                return fail(1007, QStringLiteral("text message is not valid UTF-8"));
            events->append(ev);
        }
    }
    if (m_pos > 0) {
        m_buffer.remove(0, m_pos);
        m_pos = 0;
    }
    return true;
}

QByteArray FrameWriter::frame(quint8 opcode, const QByteArray& payload, bool fin, quint32 maskKey)
{
    QByteArray out;
    const qsizetype n = payload.size();
    out.reserve(n + 14);
    out.append(char((fin ? 0x80 : 0x00) | (opcode & 0x0F)));
    if (n < 126) {
        out.append(char(0x80 | n));
    } else if (n < 65536) {
        out.append(char(0x80 | 126));
        out.append(char((n >> 8) & 0xFF));
        out.append(char(n & 0xFF));
    } else {
        out.append(char(0x80 | 127));
        for (int k = 7; k >= 0; --k)
            out.append(char((quint64(n) >> (8 * k)) & 0xFF));
    }
    const char mask[4] = {char((maskKey >> 24) & 0xFF), char((maskKey >> 16) & 0xFF), char((maskKey >> 8) & 0xFF),
                          char(maskKey & 0xFF)};
    out.append(mask, 4);
    const qsizetype start = out.size();
    out.append(payload);
    char* d = out.data() + start;
    for (qsizetype i = 0; i < n; ++i)
        d[i] = char(d[i] ^ mask[i & 3]);
    return out;
}

QByteArray FrameWriter::frame(quint8 opcode, const QByteArray& payload, bool fin)
{
    return frame(opcode, payload, fin, QRandomGenerator::global()->generate());
}

QByteArray FrameWriter::close(int code, const QByteArray& reason)
{
    QByteArray body;
    body.append(char((code >> 8) & 0xFF));
    body.append(char(code & 0xFF));
    QByteArray r = reason.left(123);
    while (!r.isEmpty() && !FrameParser::isValidUtf8(r)) // never cut a UTF-8 sequence in half
        r.chop(1);
    body.append(r);
    return frame(Close, body, true);
}

QByteArray FrameWriter::unmaskedFrame(quint8 opcode, const QByteArray& payload, bool fin)
{
    QByteArray out;
    const qsizetype n = payload.size();
    out.append(char((fin ? 0x80 : 0x00) | (opcode & 0x0F)));
    if (n < 126) {
        out.append(char(n));
    } else if (n < 65536) {
        out.append(char(126));
        out.append(char((n >> 8) & 0xFF));
        out.append(char(n & 0xFF));
    } else {
        out.append(char(127));
        for (int k = 7; k >= 0; --k)
            out.append(char((quint64(n) >> (8 * k)) & 0xFF));
    }
    out.append(payload);
    return out;
}

} // namespace socketscope
