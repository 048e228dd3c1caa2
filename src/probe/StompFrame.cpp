// SPDX-License-Identifier: GPL-3.0-or-later
#include "probe/StompFrame.h"

namespace socketscope::stomp {

namespace {

bool unescape(const QByteArray& in, QByteArray* out)
{
    out->clear();
    for (qsizetype i = 0; i < in.size(); ++i) {
        const char c = in.at(i);
        if (c != '\\') {
            out->append(c);
            continue;
        }
        if (++i >= in.size())
            return false;
        switch (in.at(i)) {
        case 'r': out->append('\r'); break;
        case 'n': out->append('\n'); break;
        case 'c': out->append(':'); break;
        case '\\': out->append('\\'); break;
        default: return false; // STOMP 1.2: any other escape is a fatal protocol error
        }
    }
    return true;
}

QByteArray escape(const QByteArray& in)
{
    QByteArray out;
    for (const char c : in) {
        switch (c) {
        case '\r': out += "\\r"; break;
        case '\n': out += "\\n"; break;
        case ':': out += "\\c"; break;
        case '\\': out += "\\\\"; break;
        default: out += c;
        }
    }
    return out;
}

// The line starting at *pos without its EOL (\n or \r\n); false when no EOL follows.
bool readLine(const QByteArray& m, qsizetype* pos, QByteArray* line)
{
    const qsizetype nl = m.indexOf('\n', *pos);
    if (nl < 0)
        return false;
    qsizetype end = nl;
    if (end > *pos && m.at(end - 1) == '\r')
        --end;
    *line = m.mid(*pos, end - *pos);
    *pos = nl + 1;
    return true;
}

} // namespace

QByteArray Frame::header(const QByteArray& name) const
{
    for (const auto& h : headers)
        if (h.first == name)
            return h.second;
    return {};
}

QByteArray encode(const QByteArray& command, const QList<QPair<QByteArray, QByteArray>>& headers, const QByteArray& body)
{
    const bool raw = command == "CONNECT" || command == "CONNECTED"; // never escaped (STOMP 1.2)
    QByteArray out = command + '\n';
    for (const auto& h : headers)
        out += (raw ? h.first : escape(h.first)) + ':' + (raw ? h.second : escape(h.second)) + '\n';
    out += '\n';
    out += body;
    out += '\0';
    return out;
}

bool parse(const QByteArray& m, QList<Frame>* frames, int* heartbeats, QString* error)
{
    qsizetype pos = 0;
    for (;;) {
        // Heart-beats: bare EOLs before (and between) frames.
        while (pos < m.size() && (m.at(pos) == '\n' || (m.at(pos) == '\r' && pos + 1 < m.size() && m.at(pos + 1) == '\n'))) {
            pos += m.at(pos) == '\r' ? 2 : 1;
            ++*heartbeats;
        }
        if (pos >= m.size())
            return true;
        Frame f;
        if (!readLine(m, &pos, &f.command) || f.command.isEmpty()) {
            *error = QStringLiteral("a STOMP frame without a command line");
            return false;
        }
        const bool raw = f.command == "CONNECT" || f.command == "CONNECTED";
        for (;;) {
            QByteArray line;
            if (!readLine(m, &pos, &line)) {
                *error = QStringLiteral("STOMP %1 frame: the headers do not end").arg(QString::fromLatin1(f.command.left(40)));
                return false;
            }
            if (line.isEmpty())
                break;
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0) {
                *error = QStringLiteral("STOMP %1 frame: a header line without a name and colon").arg(QString::fromLatin1(f.command.left(40)));
                return false;
            }
            QByteArray name, value;
            if (raw) {
                name = line.left(colon);
                value = line.mid(colon + 1);
            } else if (!unescape(line.left(colon), &name) || !unescape(line.mid(colon + 1), &value)) {
                *error = QStringLiteral("STOMP %1 frame: an invalid escape in a header").arg(QString::fromLatin1(f.command.left(40)));
                return false;
            }
            f.headers.append({name, value});
        }
        const QByteArray length = f.header("content-length");
        if (!length.isEmpty()) {
            bool ok = false;
            const qlonglong n = length.trimmed().toLongLong(&ok);
            if (!ok || n < 0 || n > m.size() - pos - 1 || m.at(pos + qsizetype(n)) != '\0') {
                *error = QStringLiteral("STOMP %1 frame: content-length %2 does not match the body")
                             .arg(QString::fromLatin1(f.command.left(40)), QString::fromLatin1(length.left(20)));
                return false;
            }
            f.body = m.mid(pos, qsizetype(n));
            pos += qsizetype(n) + 1;
        } else {
            const qsizetype nul = m.indexOf('\0', pos);
            if (nul < 0) {
                *error = QStringLiteral("STOMP %1 frame without its NUL terminator").arg(QString::fromLatin1(f.command.left(40)));
                return false;
            }
            f.body = m.mid(pos, nul - pos);
            pos = nul + 1;
        }
        frames->append(f);
    }
}

} // namespace socketscope::stomp
