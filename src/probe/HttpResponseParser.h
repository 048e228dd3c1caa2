// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace socketscope {

// Incremental parser for the HTTP/1.x response head a server sends back to a WebSocket upgrade
// request, plus an excerpt of the body. Pure: no I/O, safe on any bytes (libFuzzer target).
class HttpResponseParser {
public:
    enum class State { NeedMore, HeadComplete, Error };

    static constexpr qsizetype kMaxHeadBytes = 16 * 1024;
    static constexpr int kMaxHeaders = 100;
    static constexpr qsizetype kBodyExcerptBytes = 4 * 1024;

    // Feeds bytes received so far (may be called repeatedly). Once the head is complete, further
    // bytes are body: appended to the excerpt (up to 4 KiB) and counted.
    State feed(const QByteArray& bytes);
    State state() const { return m_state; }
    QString error() const { return m_error; }

    int statusCode() const { return m_status; }
    QString statusLine() const { return m_statusLine; }
    QString httpVersion() const { return m_version; }
    QList<QPair<QString, QString>> headers() const { return m_headers; }
    // First value of a header (case-insensitive name), empty when absent.
    QString header(const QString& name) const;
    // All values of a header joined with ", " (HTTP list semantics).
    QString headerList(const QString& name) const;
    bool hasHeader(const QString& name) const;
    // Bytes that followed the head in the data fed so far (for a 101: the first WebSocket frames).
    QByteArray leftover() const { return m_leftover; }
    QByteArray bodyExcerpt() const { return m_body; }
    qint64 bodyBytesSeen() const { return m_bodySeen; }
    // Content-Length when present and valid, -1 otherwise.
    qint64 contentLength() const { return m_contentLength; }
    // True once the excerpt holds everything Content-Length announced (or 4 KiB).
    bool bodyDone() const;

    // True when the first bytes cannot be the start of an HTTP response (early "not HTTP" detection).
    static bool looksLikeHttp(const QByteArray& prefix);

private:
    State fail(const QString& message);
    State parseHead(const QByteArray& head);

    State m_state = State::NeedMore;
    QString m_error;
    QByteArray m_buffer;
    int m_status = 0;
    QString m_statusLine;
    QString m_version;
    QList<QPair<QString, QString>> m_headers;
    QByteArray m_leftover;
    QByteArray m_body;
    qint64 m_bodySeen = 0;
    qint64 m_contentLength = -1;
};

} // namespace socketscope
