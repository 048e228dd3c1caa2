// SPDX-License-Identifier: GPL-3.0-or-later
#include "probe/HttpResponseParser.h"

namespace socketscope {

namespace {
bool isTokenChar(char c)
{
    if (c >= 'a' && c <= 'z') return true;
    if (c >= 'A' && c <= 'Z') return true;
    if (c >= '0' && c <= '9') return true;
    switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
        return true;
    default:
        return false;
    }
}

// Header values are shown to people: keep printable Latin-1, replace control bytes.
QString printable(const QByteArray& bytes)
{
    QByteArray clean = bytes;
    for (char& c : clean) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\t')
            c = '?';
        else if (u == 0x7f)
            c = '?';
    }
    return QString::fromLatin1(clean);
}
} // namespace

bool HttpResponseParser::looksLikeHttp(const QByteArray& prefix)
{
    static const QByteArray expected("HTTP/");
    const qsizetype n = qMin(prefix.size(), expected.size());
    return prefix.left(n) == expected.left(n);
}

HttpResponseParser::State HttpResponseParser::fail(const QString& message)
{
    m_state = State::Error;
    m_error = message;
    return m_state;
}

HttpResponseParser::State HttpResponseParser::feed(const QByteArray& bytes)
{
    if (m_state == State::Error)
        return m_state;
    if (m_state == State::HeadComplete) {
        m_bodySeen += bytes.size();
        const qsizetype room = kBodyExcerptBytes - m_body.size();
        if (room > 0)
            m_body += bytes.left(room);
        return m_state;
    }
    m_buffer += bytes;
    if (!looksLikeHttp(m_buffer))
        return fail(QStringLiteral("the answer is not HTTP (first bytes: %1)")
                        .arg(QString::fromLatin1(m_buffer.left(16).toHex(' '))));
    qsizetype end = m_buffer.indexOf("\r\n\r\n");
    qsizetype sepLen = 4;
    const qsizetype lfEnd = m_buffer.indexOf("\n\n");
    if (lfEnd >= 0 && (end < 0 || lfEnd < end)) { // tolerate bare-LF servers
        end = lfEnd;
        sepLen = 2;
    }
    if (end < 0) {
        if (m_buffer.size() > kMaxHeadBytes)
            return fail(QStringLiteral("response head larger than %1 bytes").arg(kMaxHeadBytes));
        return m_state;
    }
    if (end > kMaxHeadBytes)
        return fail(QStringLiteral("response head larger than %1 bytes").arg(kMaxHeadBytes));
    const QByteArray head = m_buffer.left(end);
    const QByteArray rest = m_buffer.mid(end + sepLen);
    m_buffer.clear();
    if (parseHead(head) == State::Error)
        return m_state;
    m_state = State::HeadComplete;
    bool ok = false;
    const QString cl = header(QStringLiteral("Content-Length"));
    const qint64 length = cl.trimmed().toLongLong(&ok);
    m_contentLength = ok && length >= 0 ? length : -1;
    m_leftover = rest;
    m_bodySeen = rest.size();
    m_body = rest.left(kBodyExcerptBytes);
    return m_state;
}

HttpResponseParser::State HttpResponseParser::parseHead(const QByteArray& head)
{
    QList<QByteArray> lines = head.split('\n');
    for (QByteArray& l : lines) {
        if (l.endsWith('\r'))
            l.chop(1);
    }
    const QByteArray status = lines.value(0);
    // HTTP/1.1 101 Switching Protocols
    if (!status.startsWith("HTTP/") || status.size() < 12 || status.at(8) != ' ')
        return fail(QStringLiteral("malformed status line: \"%1\"").arg(printable(status.left(200))));
    const QByteArray version = status.mid(5, 3);
    if (version.size() != 3 || version.at(1) != '.' || version.at(0) < '0' || version.at(0) > '9'
        || version.at(2) < '0' || version.at(2) > '9')
        return fail(QStringLiteral("malformed HTTP version in \"%1\"").arg(printable(status.left(200))));
    const QByteArray code = status.mid(9, 3);
    int value = 0;
    for (char c : code) {
        if (c < '0' || c > '9')
            return fail(QStringLiteral("malformed status code in \"%1\"").arg(printable(status.left(200))));
        value = value * 10 + (c - '0');
    }
    if (status.size() > 12 && status.at(12) != ' ')
        return fail(QStringLiteral("malformed status line: \"%1\"").arg(printable(status.left(200))));
    if (value < 100)
        return fail(QStringLiteral("status code %1 out of range").arg(value));
    m_status = value;
    m_version = QString::fromLatin1(version);
    m_statusLine = printable(status);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray& line = lines.at(i);
        if (line.isEmpty())
            continue;
        if ((line.at(0) == ' ' || line.at(0) == '\t') && !m_headers.isEmpty()) { // obsolete folding
            m_headers.last().second += QLatin1Char(' ') + printable(line.trimmed());
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return fail(QStringLiteral("malformed header line: \"%1\"").arg(printable(line.left(200))));
        const QByteArray name = line.left(colon);
        for (char c : name) {
            if (!isTokenChar(c))
                return fail(QStringLiteral("malformed header name: \"%1\"").arg(printable(name.left(200))));
        }
        if (m_headers.size() >= kMaxHeaders)
            return fail(QStringLiteral("more than %1 response headers").arg(kMaxHeaders));
        m_headers.append({QString::fromLatin1(name), printable(line.mid(colon + 1).trimmed())});
    }
    return State::HeadComplete;
}

QString HttpResponseParser::header(const QString& name) const
{
    for (const auto& h : m_headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

QString HttpResponseParser::headerList(const QString& name) const
{
    QStringList values;
    for (const auto& h : m_headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            values << h.second;
    }
    return values.join(QStringLiteral(", "));
}

bool HttpResponseParser::hasHeader(const QString& name) const
{
    for (const auto& h : m_headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

bool HttpResponseParser::bodyDone() const
{
    if (m_state != State::HeadComplete)
        return false;
    if (m_body.size() >= kBodyExcerptBytes)
        return true;
    return m_contentLength >= 0 && m_bodySeen >= m_contentLength;
}

} // namespace socketscope
