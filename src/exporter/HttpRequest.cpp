// SPDX-License-Identifier: GPL-3.0-or-later
#include "exporter/HttpRequest.h"

#include <QStringDecoder>

namespace socketscope {

namespace {

bool isTokenChar(char c)
{
    // RFC 9110 tchar
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(const QByteArray& s)
{
    if (s.isEmpty())
        return false;
    for (char c : s)
        if (!isTokenChar(c))
            return false;
    return true;
}

// Visible ASCII and obs-text (bytes >= 0x80), spaces and tabs: no control characters in values.
bool isFieldValue(const QByteArray& s)
{
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 0x20 && u != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Percent-decodes one query component; nullopt on a malformed escape or invalid UTF-8.
std::optional<QString> decodeComponent(const QByteArray& in)
{
    QByteArray out;
    out.reserve(in.size());
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char c = in[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (i + 2 >= in.size())
                return std::nullopt;
            const int hi = hexValue(in[i + 1]);
            const int lo = hexValue(in[i + 2]);
            if (hi < 0 || lo < 0)
                return std::nullopt;
            out += char(hi * 16 + lo);
            i += 2;
        } else {
            out += c;
        }
    }
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = utf8.decode(out);
    if (utf8.hasError())
        return std::nullopt;
    return text;
}

} // namespace

HttpRequestParser::State HttpRequestParser::fail(int status, const QString& message)
{
    m_state = State::Error;
    m_errorStatus = status;
    m_error = message;
    m_buffer.clear();
    return m_state;
}

HttpRequestParser::State HttpRequestParser::feed(const QByteArray& data)
{
    if (m_state != State::Incomplete)
        return m_state;
    m_buffer += data;
    // Leading empty lines before the request line are allowed (RFC 9112 2.2).
    while (m_buffer.startsWith("\r\n"))
        m_buffer.remove(0, 2);
    while (m_buffer.startsWith('\n'))
        m_buffer.remove(0, 1);
    qsizetype end = m_buffer.indexOf("\r\n\r\n");
    qsizetype skip = 4;
    if (const qsizetype lf = m_buffer.indexOf("\n\n"); lf >= 0 && (end < 0 || lf < end)) {
        end = lf;
        skip = 2;
    }
    if (end < 0) {
        if (m_buffer.size() > kMaxHeadBytes) {
            const qsizetype firstLine = m_buffer.indexOf('\n');
            if (firstLine < 0 || firstLine > kMaxTargetBytes + 32)
                return fail(414, QStringLiteral("request line too long (at most %1 bytes)").arg(kMaxTargetBytes));
            return fail(431, QStringLiteral("request head too large (at most %1 bytes)").arg(kMaxHeadBytes));
        }
        return m_state;
    }
    if (end + skip > kMaxHeadBytes)
        return fail(431, QStringLiteral("request head too large (at most %1 bytes)").arg(kMaxHeadBytes));
    const QByteArray head = m_buffer.left(end);
    m_buffer.remove(0, end + skip);
    return parseHead(head);
}

HttpRequestParser::State HttpRequestParser::parseHead(const QByteArray& head)
{
    QList<QByteArray> lines = head.split('\n');
    for (QByteArray& l : lines)
        if (l.endsWith('\r'))
            l.chop(1);
    const QByteArray& requestLine = lines.first();
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || parts[0].isEmpty() || parts[1].isEmpty())
        return fail(400, QStringLiteral("malformed request line: expected 'METHOD /path HTTP/1.1'"));
    if (!isToken(parts[0]))
        return fail(400, QStringLiteral("malformed request method"));
    if (parts[1].size() > kMaxTargetBytes)
        return fail(414, QStringLiteral("request target too long (at most %1 bytes)").arg(kMaxTargetBytes));
    if (!parts[1].startsWith('/'))
        return fail(400, QStringLiteral("the request target must be a path starting with '/'"));
    for (char c : parts[1]) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f)
            return fail(400, QStringLiteral("the request target contains a byte that must be percent-encoded"));
    }
    if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0") {
        if (parts[2].startsWith("HTTP/"))
            return fail(505, QStringLiteral("only HTTP/1.0 and HTTP/1.1 are supported"));
        return fail(400, QStringLiteral("malformed HTTP version"));
    }
    m_method = parts[0];
    m_target = parts[1];
    m_version = parts[2];
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray& line = lines[i];
        if (line.startsWith(' ') || line.startsWith('\t'))
            return fail(400, QStringLiteral("obsolete header line folding is not accepted"));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return fail(400, QStringLiteral("malformed header line (no 'Name: value')"));
        const QByteArray name = line.left(colon).toLower();
        if (!isToken(name))
            return fail(400, QStringLiteral("malformed header name"));
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (!isFieldValue(value))
            return fail(400, QStringLiteral("control characters in a header value"));
        if (m_headers.size() >= kMaxHeaders)
            return fail(431, QStringLiteral("too many header lines (at most %1)").arg(kMaxHeaders));
        m_headers.append({ name, value });
    }
    if (m_version == "HTTP/1.1" && !hasHeader("host"))
        return fail(400, QStringLiteral("an HTTP/1.1 request needs a Host header"));
    // The exporter takes no request bodies: a GET with one is refused rather than half-read.
    if (hasHeader("transfer-encoding"))
        return fail(400, QStringLiteral("request bodies are not accepted (Transfer-Encoding)"));
    if (hasHeader("content-length")) {
        bool ok = false;
        const qlonglong length = header("content-length").toLongLong(&ok);
        if (!ok || length != 0)
            return fail(400, QStringLiteral("request bodies are not accepted (Content-Length)"));
    }
    m_state = State::Complete;
    return m_state;
}

QByteArray HttpRequestParser::path() const
{
    const qsizetype q = m_target.indexOf('?');
    return q < 0 ? m_target : m_target.left(q);
}

QByteArray HttpRequestParser::query() const
{
    const qsizetype q = m_target.indexOf('?');
    return q < 0 ? QByteArray() : m_target.mid(q + 1);
}

QByteArray HttpRequestParser::header(const QByteArray& name) const
{
    const QByteArray key = name.toLower();
    QByteArray out;
    for (const auto& h : m_headers) {
        if (h.first != key)
            continue;
        if (!out.isEmpty())
            out += ", ";
        out += h.second;
    }
    return out;
}

bool HttpRequestParser::hasHeader(const QByteArray& name) const
{
    const QByteArray key = name.toLower();
    for (const auto& h : m_headers)
        if (h.first == key)
            return true;
    return false;
}

Result<QueryItems> parseQuery(const QByteArray& query)
{
    QueryItems items;
    if (query.isEmpty())
        return items;
    const QList<QByteArray> pairs = query.split('&');
    for (const QByteArray& pair : pairs) {
        if (pair.isEmpty())
            continue;
        if (items.size() >= 32)
            return Result<QueryItems>::failure(QStringLiteral("too many query parameters (at most 32)"));
        const qsizetype eq = pair.indexOf('=');
        const auto name = decodeComponent(eq < 0 ? pair : pair.left(eq));
        const auto value = decodeComponent(eq < 0 ? QByteArray() : pair.mid(eq + 1));
        if (!name || !value)
            return Result<QueryItems>::failure(
                QStringLiteral("malformed percent-encoding or invalid UTF-8 in the query string"));
        items.append({ *name, *value });
    }
    return items;
}

} // namespace socketscope
