// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "probe/FrameParser.h"
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
// A plain HTTP/1.1 request (keep-alive) for url with the same Origin, credentials and extra headers
// as the upgrade; a POST carries body as text/plain (Socket.IO's long-polling handshake).
QByteArray buildHttpRequest(const QUrl& url, const ProbeOptions& options, const QByteArray& method, const QByteArray& body,
                            bool redacted = false);
// Validates a 101 answer: empty string when valid, else what is wrong (for handshake_invalid).
// *subprotocol receives the protocol the server chose (may be empty). An extension is valid only
// when it is permessage-deflate and deflateOffered; its parameters are negotiateDeflate()'s.
QString validateUpgrade(const HttpResponseParser& response, const QByteArray& key, const QStringList& offered,
                        QString* subprotocol, bool deflateOffered = false);
// The client's permessage-deflate offer, as browsers send it.
inline constexpr char kDeflateOffer[] = "permessage-deflate; client_max_window_bits";
// Reads the server's Sec-WebSocket-Extensions answer to kDeflateOffer (RFC 7692 §7.1): empty
// string when valid (*params filled), else what is wrong (a parameter the client did not offer,
// a repeated one, a window size outside 8..15).
QString negotiateDeflate(const QString& header, DeflateParams* params);
// Normalises ws/wss (and http/https) URLs; empty string when usable, else why not.
QString checkUrl(const QUrl& url);

} // namespace wshandshake
} // namespace socketscope
