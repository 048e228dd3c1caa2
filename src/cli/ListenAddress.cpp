// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/ListenAddress.h"

namespace socketscope::cli {

bool parseListenAddress(const QString& listen, QHostAddress* address, quint16* port)
{
    const qsizetype colon = listen.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const uint p = listen.mid(colon + 1).toUInt(&portOk);
    QString host = colon > 0 ? listen.left(colon) : QStringLiteral("127.0.0.1");
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    const QHostAddress a(host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : host);
    if (colon < 0 || !portOk || p > 65535 || a.isNull())
        return false;
    *address = a;
    *port = quint16(p);
    return true;
}

} // namespace socketscope::cli
