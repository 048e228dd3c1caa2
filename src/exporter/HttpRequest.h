// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The exporter's HTTP/1.1 request reader: the request line and headers of one GET, read
// incrementally with hard limits (a scraper sends a few hundred bytes; anything larger or slower
// is refused), and the query string of its target. Pure: no sockets, fuzzed (fuzz_exporter_request).

#include "core/Result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace socketscope {

class HttpRequestParser {
public:
    enum class State { Incomplete, Complete, Error };
    static constexpr qsizetype kMaxHeadBytes = 8 * 1024; // request line + headers
    static constexpr qsizetype kMaxTargetBytes = 4 * 1024;
    static constexpr int kMaxHeaders = 64;

    // Appends bytes; parses the head once its blank line has arrived. Bytes after the head are kept
    // in rest(). After Complete or Error, further input is ignored.
    State feed(const QByteArray& data);
    State state() const { return m_state; }

    // Complete: the request.
    const QByteArray& method() const { return m_method; }
    const QByteArray& target() const { return m_target; } // origin-form, e.g. /probe?target=...
    QByteArray path() const; // the target before '?'
    QByteArray query() const; // the target after '?' ("" when none)
    const QByteArray& version() const { return m_version; } // "HTTP/1.1"
    // The value of a header (name case-insensitive); "" when absent. Repeated headers are joined with ", ".
    QByteArray header(const QByteArray& name) const;
    bool hasHeader(const QByteArray& name) const;
    const QByteArray& rest() const { return m_buffer; }

    // Error: the HTTP status to answer with (400, 414, 431, 501, 505) and why, for the client.
    int errorStatus() const { return m_errorStatus; }
    const QString& errorMessage() const { return m_error; }

private:
    State fail(int status, const QString& message);
    State parseHead(const QByteArray& head);

    State m_state = State::Incomplete;
    QByteArray m_buffer;
    QByteArray m_method, m_target, m_version;
    QList<QPair<QByteArray, QByteArray>> m_headers; // names lower-cased
    int m_errorStatus = 0;
    QString m_error;
};

// One query parameter, percent-decoded ('+' is a space), as UTF-8 text.
using QueryItems = QList<QPair<QString, QString>>;
// Parses "a=1&b=x%20y"; fails on a malformed percent escape, invalid UTF-8, or more than 32 items.
Result<QueryItems> parseQuery(const QByteArray& query);

} // namespace socketscope
