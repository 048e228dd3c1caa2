// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// STOMP 1.0–1.2 frames as they travel over WebSocket (one or more frames per message, heart-beats
// as bare EOLs). Pure functions: no I/O, safe on any bytes (libFuzzer target tests/fuzz/fuzz_app_frames.cpp).

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace socketscope::stomp {

struct Frame {
    QByteArray command;
    QList<QPair<QByteArray, QByteArray>> headers; // in order; values unescaped (STOMP 1.2 §Value Encoding)
    QByteArray body;
    // The first header of that name (STOMP: the first occurrence wins); empty when absent.
    QByteArray header(const QByteArray& name) const;
};

// A frame on the wire: COMMAND, headers (escaped unless CONNECT/CONNECTED), blank line, body, NUL.
QByteArray encode(const QByteArray& command, const QList<QPair<QByteArray, QByteArray>>& headers,
                  const QByteArray& body = {});
// Splits one WebSocket message into frames. *heartbeats counts the bare EOLs between frames.
// False with *error when the message is not STOMP (no NUL terminator, a header line without a
// colon, a content-length past the end, a bad escape).
bool parse(const QByteArray& message, QList<Frame>* frames, int* heartbeats, QString* error);

} // namespace socketscope::stomp
