// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

namespace socketscope {

// What the server accepted of the client's permessage-deflate offer (RFC 7692 §7.1).
struct DeflateParams {
    bool serverNoContextTakeover = false;
    bool clientNoContextTakeover = false;
    int serverMaxWindowBits = 15;
    int clientMaxWindowBits = 15;
};

// One complete WebSocket message or control frame, as the client side of RFC 6455 sees it.
struct WsEvent {
    enum class Kind { Text, Binary, Ping, Pong, Close };
    Kind kind = Kind::Binary;
    QByteArray payload;            // message data (text: UTF-8, validated); close: reason bytes
    int closeCode = -1;            // Close only: code, or -1 when the close frame had no body (1005)
    bool compressed = false;       // a permessage-deflate message (RSV1 on its first frame), inflated
};

// Incremental parser for frames a server sends to a client (RFC 6455 §5). Pure: no I/O,
// safe on any bytes (libFuzzer target). Rejects masked server frames, reserved bits and opcodes,
// fragmented or oversized control frames, bad continuation sequences, invalid UTF-8 in text
// messages and close reasons, invalid close codes, and frames/messages over the size limits.
// With permessage-deflate negotiated (enableDeflate), RSV1 on a message's first frame marks it
// compressed and the message is inflated (raw DEFLATE, RFC 7692 §7.2.2) within the message limit.
class FrameParser {
public:
    explicit FrameParser(qint64 maxFrameBytes = 16 * 1024 * 1024, qint64 maxMessageBytes = 16 * 1024 * 1024);
    ~FrameParser();
    FrameParser(const FrameParser&) = delete;
    FrameParser& operator=(const FrameParser&) = delete;

    // permessage-deflate was negotiated: accept RSV1 on data messages and inflate them.
    void enableDeflate(const DeflateParams& params);
    bool deflateEnabled() const { return m_inflater != nullptr; }
    // Compressed messages inflated so far.
    int compressedMessages() const { return m_compressedMessages; }
    // The violation concerns an extension (RSV bits without a negotiation, a message that does not inflate).
    bool errorIsExtension() const { return m_errorIsExtension; }

    // Feeds received bytes; complete events are appended to *events. Returns false on a
    // protocol violation (error() says which); the parser then stays failed.
    bool feed(const QByteArray& bytes, QList<WsEvent>* events);
    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }
    // The close code a client should send back on a violation (1002 protocol, 1007 data, 1009 size).
    int errorCloseCode() const { return m_errorCode; }
    // Bytes buffered but not yet forming a complete frame.
    qsizetype pendingBytes() const { return m_buffer.size(); }

    // Strict UTF-8 validation (no overlongs, surrogates, or code points above U+10FFFF).
    static bool isValidUtf8(const QByteArray& bytes);
    // Close codes a peer may send on the wire (RFC 6455 §7.4).
    static bool isValidCloseCode(int code);

private:
    class Inflater;
    bool fail(int code, const QString& message);
    bool failExtension(int code, const QString& message);

    qint64 m_maxFrame;
    qint64 m_maxMessage;
    QByteArray m_buffer;
    qsizetype m_pos = 0;
    bool m_inMessage = false;
    int m_messageOpcode = 0;
    QByteArray m_message;
    bool m_messageCompressed = false;
    QString m_error;
    int m_errorCode = 0;
    bool m_errorIsExtension = false;
    std::unique_ptr<Inflater> m_inflater;
    int m_compressedMessages = 0;
};

// Builds client frames (always masked, RFC 6455 §5.3).
class FrameWriter {
public:
    enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };
    // One frame with the given opcode and FIN bit, masked with maskKey (4 bytes).
    static QByteArray frame(quint8 opcode, const QByteArray& payload, bool fin, quint32 maskKey);
    // A masked frame with a random mask key.
    static QByteArray frame(quint8 opcode, const QByteArray& payload, bool fin = true);
    // A close frame with code and UTF-8 reason (reason truncated to fit 125 bytes).
    static QByteArray close(int code, const QByteArray& reason = {});
    // Server-side frame (unmasked): for tests and the fuzzer's round trips.
    static QByteArray unmaskedFrame(quint8 opcode, const QByteArray& payload, bool fin = true);
};

} // namespace socketscope
