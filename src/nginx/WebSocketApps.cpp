// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/WebSocketApps.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace socketscope::nginx {

namespace {

QStringList strings(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& s : v.toArray())
        out.append(s.toString());
    return out;
}

bool isSegmentChar(QChar c)
{
    return c.isLetterOrNumber() || c == QLatin1Char('.') || c == QLatin1Char('_') || c == QLatin1Char('-');
}

} // namespace

const WebSocketAppCatalog& WebSocketAppCatalog::builtIn()
{
    static const WebSocketAppCatalog catalog = [] {
        WebSocketAppCatalog c;
        QFile f(QStringLiteral(":/apps/websocket-apps.json"));
        QString error;
        if (f.open(QIODevice::ReadOnly))
            fromJson(f.readAll(), &c, &error);
        return c;
    }();
    return catalog;
}

bool WebSocketAppCatalog::fromJson(const QByteArray& json, WebSocketAppCatalog* out, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject() || !doc.object().value(QStringLiteral("apps")).isArray()) {
        *error = parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                              : QStringLiteral("no \"apps\" array");
        return false;
    }
    out->m_apps.clear();
    for (const QJsonValue& v : doc.object().value(QStringLiteral("apps")).toArray()) {
        const QJsonObject o = v.toObject();
        WebSocketApp app;
        app.name = o.value(QStringLiteral("name")).toString();
        app.paths = strings(o.value(QStringLiteral("paths")));
        for (const QString& h : strings(o.value(QStringLiteral("hints"))))
            app.hints.append(h.toLower());
        app.root = o.value(QStringLiteral("root")).toBool();
        if (!app.name.isEmpty())
            out->m_apps.append(app);
    }
    return true;
}

QStringList WebSocketAppCatalog::segments(const QString& pattern)
{
    QStringList out;
    QString current;
    for (const QChar c : pattern) {
        if (c == QLatin1Char('\\'))
            continue; // a regex escape (`socket\.io`) stays inside the segment
        if (isSegmentChar(c)) {
            current += c.toLower();
        } else if (!current.isEmpty()) {
            out.append(current);
            current.clear();
        }
    }
    if (!current.isEmpty())
        out.append(current);
    return out;
}

AppMatch WebSocketAppCatalog::matchPattern(const QString& pattern, const QList<AppMatch>& preferred) const
{
    const QStringList have = segments(pattern);
    QList<const WebSocketApp*> order;
    for (const AppMatch& m : preferred)
        order.append(m.app);
    for (const WebSocketApp& app : m_apps) {
        if (app.hints.isEmpty() && !order.contains(&app))
            order.append(&app);
    }
    for (const WebSocketApp& app : m_apps) {
        if (!order.contains(&app))
            order.append(&app);
    }
    for (const WebSocketApp* appPtr : order) {
        const WebSocketApp& app = *appPtr;
        for (const QString& path : app.paths) {
            const QStringList want = segments(path);
            if (want.isEmpty() || want.size() > have.size())
                continue;
            for (qsizetype i = 0; i + want.size() <= have.size(); ++i) {
                if (have.mid(i, want.size()) == want)
                    return {&app, path, {}};
            }
        }
    }
    return {};
}

QList<AppMatch> WebSocketAppCatalog::hintedBy(const QString& text) const
{
    const QString lower = text.toLower();
    QList<AppMatch> out;
    for (const WebSocketApp& app : m_apps) {
        for (const QString& hint : app.hints) {
            if (lower.contains(hint)) {
                out.append({&app, {}, hint});
                break;
            }
        }
    }
    return out;
}

} // namespace socketscope::nginx
