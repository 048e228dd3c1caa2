// SPDX-License-Identifier: GPL-3.0-or-later
#include "exporter/TargetAllowList.h"

#include "core/GlobMatch.h"

namespace socketscope {

bool TargetAllowList::add(const QString& text, QString* error)
{
    Pattern p;
    QString rest = text.trimmed();
    if (const qsizetype sep = rest.indexOf(QLatin1String("://")); sep >= 0) {
        p.scheme = rest.left(sep).toLower();
        rest = rest.mid(sep + 3);
        if (p.scheme != QLatin1String("ws") && p.scheme != QLatin1String("wss")) {
            *error = QStringLiteral("--allow %1: the scheme must be ws or wss").arg(text);
            return false;
        }
    }
    if (const qsizetype slash = rest.indexOf(QLatin1Char('/')); slash >= 0) {
        p.path = rest.mid(slash);
        rest = rest.left(slash);
    }
    // HOST, HOST:PORT, [V6], [V6]:PORT
    if (rest.startsWith(QLatin1Char('['))) {
        const qsizetype close = rest.indexOf(QLatin1Char(']'));
        if (close < 0) {
            *error = QStringLiteral("--allow %1: unbalanced '['").arg(text);
            return false;
        }
        p.host = rest.mid(1, close - 1);
        if (rest.size() > close + 1) {
            if (rest.at(close + 1) != QLatin1Char(':')) {
                *error = QStringLiteral("--allow %1: expected ':PORT' after ']'").arg(text);
                return false;
            }
            p.port = rest.mid(close + 2);
        }
    } else if (const qsizetype colon = rest.lastIndexOf(QLatin1Char(':')); colon >= 0) {
        p.host = rest.left(colon);
        p.port = rest.mid(colon + 1);
    } else {
        p.host = rest;
    }
    p.host = p.host.toLower();
    if (p.host.isEmpty() || (rest.contains(QLatin1Char(':')) && p.port.isEmpty())) {
        *error = QStringLiteral("--allow %1: expected [ws://|wss://]HOST[:PORT][/PATH], globs '*' and '?' allowed")
                     .arg(text);
        return false;
    }
    m_patterns.append(p);
    return true;
}

bool TargetAllowList::allows(const QUrl& target) const
{
    if (m_patterns.isEmpty())
        return true;
    const QString scheme = target.scheme().toLower();
    const QString host = target.host(QUrl::FullyEncoded).toLower();
    const int defaultPort = scheme == QLatin1String("wss") ? 443 : 80;
    const QString port = QString::number(target.port(defaultPort));
    QString path = target.path(QUrl::FullyEncoded);
    if (path.isEmpty())
        path = QStringLiteral("/");
    if (target.hasQuery())
        path += QLatin1Char('?') + target.query(QUrl::FullyEncoded);
    for (const Pattern& p : m_patterns) {
        if (!p.scheme.isEmpty() && p.scheme != scheme)
            continue;
        if (!globMatch(host, p.host))
            continue;
        if (!p.port.isEmpty() && !globMatch(port, p.port))
            continue;
        if (!p.path.isEmpty() && !globMatch(path, p.path))
            continue;
        return true;
    }
    return false;
}

} // namespace socketscope
