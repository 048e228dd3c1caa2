// SPDX-License-Identifier: GPL-3.0-or-later
#include "probe/WsHandshake.h"

#include "core/Version.h"
#include "probe/HttpResponseParser.h"

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace socketscope::wshandshake {

QByteArray makeKey()
{
    QByteArray raw(16, Qt::Uninitialized);
    for (char& c : raw)
        c = char(QRandomGenerator::global()->bounded(256));
    return raw.toBase64();
}

QByteArray acceptFor(const QByteArray& key)
{
    return QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"), QCryptographicHash::Sha1).toBase64();
}

QString checkUrl(const QUrl& url)
{
    if (!url.isValid())
        return QStringLiteral("not a valid URL: %1").arg(url.errorString());
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("ws") && scheme != QLatin1String("wss") && scheme != QLatin1String("http")
        && scheme != QLatin1String("https"))
        return QStringLiteral("the URL must start with ws:// or wss:// (got \"%1\")").arg(scheme);
    if (url.host().isEmpty())
        return QStringLiteral("the URL has no host");
    return {};
}

namespace {

QByteArray requestTarget(const QUrl& url)
{
    QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
    if (path.isEmpty())
        path = "/";
    if (url.hasQuery())
        path += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    return path;
}

QByteArray hostHeader(const QUrl& url)
{
    const bool secure = url.scheme().compare(QLatin1String("wss"), Qt::CaseInsensitive) == 0
        || url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
    const int defaultPort = secure ? 443 : 80;
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    if (url.port(defaultPort) != defaultPort)
        host += ':' + QByteArray::number(url.port(defaultPort));
    return host;
}

// Origin, credentials, the caller's extra headers and the User-Agent: what every request of a probe carries.
QByteArray commonHeaders(const ProbeOptions& options, bool redacted)
{
    QByteArray r;
    if (!options.origin.isEmpty())
        r += "Origin: " + options.origin.toUtf8() + "\r\n";
    if (!options.bearerToken.isEmpty())
        r += "Authorization: Bearer " + (redacted ? QByteArray("<redacted>") : options.bearerToken.toUtf8()) + "\r\n";
    else if (!options.basicAuthUser.isEmpty())
        r += "Authorization: Basic "
            + (redacted ? QByteArray("<redacted>")
                        : QByteArray(options.basicAuthUser.toUtf8() + ':' + options.basicAuthPassword.toUtf8()).toBase64())
            + "\r\n";
    bool haveUserAgent = false;
    for (const auto& h : options.headers) {
        QByteArray name = h.first.toUtf8().trimmed();
        QByteArray value = h.second.toUtf8().trimmed();
        // Never let a header smuggle a line break into the request.
        name.replace('\r', ' ').replace('\n', ' ');
        value.replace('\r', ' ').replace('\n', ' ');
        if (name.isEmpty())
            continue;
        if (name.compare("User-Agent", Qt::CaseInsensitive) == 0)
            haveUserAgent = true;
        const bool secret = name.compare("Authorization", Qt::CaseInsensitive) == 0
            || name.compare("Cookie", Qt::CaseInsensitive) == 0;
        r += name + ": " + (redacted && secret ? QByteArray("<redacted>") : value) + "\r\n";
    }
    if (!haveUserAgent)
        r += "User-Agent: SocketScope/" + versionString().toLatin1() + "\r\n";
    return r;
}

} // namespace

QByteArray buildRequest(const QUrl& url, const ProbeOptions& options, const QByteArray& key, bool redacted)
{
    QByteArray r = "GET " + requestTarget(url) + " HTTP/1.1\r\n";
    r += "Host: " + hostHeader(url) + "\r\n";
    r += "Upgrade: websocket\r\n";
    r += "Connection: Upgrade\r\n";
    r += "Sec-WebSocket-Key: " + key + "\r\n";
    r += "Sec-WebSocket-Version: 13\r\n";
    if (options.deflate)
        r += QByteArray("Sec-WebSocket-Extensions: ") + kDeflateOffer + "\r\n";
    if (!options.subprotocols.isEmpty())
        r += "Sec-WebSocket-Protocol: " + options.subprotocols.join(QStringLiteral(", ")).toUtf8() + "\r\n";
    r += commonHeaders(options, redacted);
    r += "\r\n";
    return r;
}

QByteArray buildHttpRequest(const QUrl& url, const ProbeOptions& options, const QByteArray& method, const QByteArray& body,
                            bool redacted)
{
    QByteArray r = method + ' ' + requestTarget(url) + " HTTP/1.1\r\n";
    r += "Host: " + hostHeader(url) + "\r\n";
    r += "Connection: keep-alive\r\n";
    r += "Accept: */*\r\n";
    if (method != "GET") {
        r += "Content-Type: text/plain;charset=UTF-8\r\n";
        r += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    }
    r += commonHeaders(options, redacted);
    r += "\r\n";
    r += body;
    return r;
}

QString validateUpgrade(const HttpResponseParser& response, const QByteArray& key, const QStringList& offered,
                        QString* subprotocol, bool deflateOffered)
{
    if (subprotocol)
        subprotocol->clear();
    if (response.statusCode() != 101)
        return QStringLiteral("status %1 is not 101").arg(response.statusCode());
    if (!response.hasHeader(QStringLiteral("Upgrade")))
        return QStringLiteral("101 without an Upgrade header");
    if (response.header(QStringLiteral("Upgrade")).trimmed().compare(QLatin1String("websocket"), Qt::CaseInsensitive) != 0)
        return QStringLiteral("101 with \"Upgrade: %1\" instead of websocket").arg(response.header(QStringLiteral("Upgrade")));
    bool connectionUpgrade = false;
    const QStringList tokens = response.headerList(QStringLiteral("Connection")).split(QLatin1Char(','));
    for (const QString& t : tokens) {
        if (t.trimmed().compare(QLatin1String("upgrade"), Qt::CaseInsensitive) == 0)
            connectionUpgrade = true;
    }
    if (!connectionUpgrade)
        return response.hasHeader(QStringLiteral("Connection"))
            ? QStringLiteral("101 with \"Connection: %1\" (no upgrade token)").arg(response.headerList(QStringLiteral("Connection")))
            : QStringLiteral("101 without a Connection: Upgrade header");
    const QString accept = response.header(QStringLiteral("Sec-WebSocket-Accept")).trimmed();
    if (accept.isEmpty())
        return QStringLiteral("101 without Sec-WebSocket-Accept");
    const QByteArray expected = acceptFor(key);
    if (accept.toLatin1() != expected)
        return QStringLiteral("Sec-WebSocket-Accept is \"%1\", expected \"%2\"")
            .arg(accept, QString::fromLatin1(expected));
    const QString chosen = response.header(QStringLiteral("Sec-WebSocket-Protocol")).trimmed();
    if (!chosen.isEmpty()) {
        if (!offered.contains(chosen))
            return QStringLiteral("server chose subprotocol \"%1\", which was not offered (offered: %2)")
                .arg(chosen, offered.isEmpty() ? QStringLiteral("none") : offered.join(QStringLiteral(", ")));
        if (subprotocol)
            *subprotocol = chosen;
    }
    const QString extensions = response.headerList(QStringLiteral("Sec-WebSocket-Extensions")).trimmed();
    if (!extensions.isEmpty()) {
        const QStringList enabled = extensions.split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const QString& e : enabled) {
            const QString name = e.section(QLatin1Char(';'), 0, 0).trimmed();
            if (!deflateOffered || name.compare(QLatin1String("permessage-deflate"), Qt::CaseInsensitive) != 0)
                return QStringLiteral("server enabled extension \"%1\", which was not offered").arg(extensions);
        }
    }
    return {};
}

QString negotiateDeflate(const QString& header, DeflateParams* params)
{
    *params = DeflateParams{};
    const QStringList enabled = header.split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (enabled.size() != 1)
        return QStringLiteral("permessage-deflate: the server accepted %1 extension entries (\"%2\"); one was offered")
            .arg(enabled.size()).arg(header);
    const QStringList parts = enabled.first().split(QLatin1Char(';'));
    QStringList seen;
    for (qsizetype i = 1; i < parts.size(); ++i) {
        const QString part = parts.at(i).trimmed();
        const QString name = part.section(QLatin1Char('='), 0, 0).trimmed().toLower();
        const bool hasValue = part.contains(QLatin1Char('='));
        QString value = part.section(QLatin1Char('='), 1).trimmed();
        if (value.size() >= 2 && value.startsWith(QLatin1Char('"')) && value.endsWith(QLatin1Char('"')))
            value = value.mid(1, value.size() - 2);
        if (name.isEmpty())
            continue;
        if (seen.contains(name))
            return QStringLiteral("permessage-deflate: the server repeated the parameter %1 (\"%2\")").arg(name, header);
        seen << name;
        const auto windowBits = [&](int* into) -> QString {
            bool ok = false;
            const int bits = value.toInt(&ok);
            if (!hasValue || !ok || bits < 8 || bits > 15)
                return QStringLiteral("permessage-deflate: %1 needs a value from 8 to 15 (\"%2\")").arg(name, header);
            *into = bits;
            return {};
        };
        if (name == QLatin1String("server_no_context_takeover") && !hasValue)
            params->serverNoContextTakeover = true;
        else if (name == QLatin1String("client_no_context_takeover") && !hasValue)
            params->clientNoContextTakeover = true;
        else if (name == QLatin1String("server_max_window_bits")) {
            if (QString e = windowBits(&params->serverMaxWindowBits); !e.isEmpty())
                return e;
        } else if (name == QLatin1String("client_max_window_bits")) { // offered without a value: the server may set one
            if (QString e = windowBits(&params->clientMaxWindowBits); !e.isEmpty())
                return e;
        } else
            return QStringLiteral("permessage-deflate: the server answered with the parameter \"%1\", which the client "
                                  "did not offer (\"%2\")").arg(part, header);
    }
    return {};
}

} // namespace socketscope::wshandshake
