// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "probe/ProbeTypes.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace socketscope {

class HttpResponseParser;

// The client side of the RFC 6455 opening handshake, as pure functions.
namespace wshandshake {

// A fresh random Sec-WebSocket-Key (base64 of 16 random bytes).
QByteArray makeKey();
// The Sec-WebSocket-Accept a correct server answers for key.
QByteArray acceptFor(const QByteArray& key);
// The GET request head for url with the options' headers, Origin, subprotocols and credentials.
// With redacted, Authorization values are replaced by "<redacted>" (for evidence and logs).
QByteArray buildRequest(const QUrl& url, const ProbeOptions& options, const QByteArray& key, bool redacted = false);
// Validates a 101 answer: empty string when valid, else what is wrong (for handshake_invalid).
// *subprotocol receives the protocol the server chose (may be empty).
QString validateUpgrade(const HttpResponseParser& response, const QByteArray& key, const QStringList& offered,
                        QString* subprotocol);
// Normalises ws/wss (and http/https) URLs; empty string when usable, else why not.
QString checkUrl(const QUrl& url);

} // namespace wshandshake
} // namespace socketscope
