// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "timeouts/TimeoutTypes.h"

#include <QList>
#include <QRegularExpression>
#include <QString>

#include <optional>

namespace socketscope {

// One product's default timeout (resources/timeouts/known-defaults.json).
struct KnownTimeout {
    QString id;                   // "nginx", "aws-alb", ...
    QString product;              // "nginx", "AWS Application Load Balancer"
    QString setting;              // the directive or attribute, e.g. "proxy_read_timeout"
    std::optional<double> seconds; // the default; nullopt: none documented
    CutKind kind = CutKind::Idle;
    DeathKind death = DeathKind::Fin;
    QRegularExpression server;    // matches the Server/Via header that names the product (invalid: none)
    QString advice;
    QString reference;            // documentation URL
};

// The known-defaults table and the signature match: a measured cut within the tolerance of a
// product's default names that product as a candidate; a Server/Via header names it whatever the value.
class KnownTimeouts {
public:
    // The built-in table (":/timeouts/known-defaults.json").
    static const KnownTimeouts& builtin();
    // Parses a table document; fails naming what is wrong.
    static Result<KnownTimeouts> fromJson(const QByteArray& json);

    const QList<KnownTimeout>& entries() const { return m_entries; }
    // Products whose default is within toleranceS of cutS and of the same kind.
    QList<const KnownTimeout*> byValue(double cutS, CutKind kind, double toleranceS) const;
    // Products that a response header value (Server, Via) names.
    QList<const KnownTimeout*> byHeader(const QString& headerValue) const;

private:
    QList<KnownTimeout> m_entries;
};

// The signature of a measured hop: "nginx proxy_read_timeout (Server: nginx/1.22.1)", "Cloudflare
// proxy idle timeout (524) (default 100 s)", ... ("" when nothing matches). A default matches by value
// only when the death agrees too: a silent drop is not nginx's FIN (close_frame/fin/reset count as one
// visible kind; http_error and none match any).
QString timeoutSignature(const KnownTimeouts& table, double cutS, CutKind kind, DeathKind death, double toleranceS,
                         const QList<QPair<QString, QString>>& responseHeaders, const KnownTimeout** best = nullptr);

} // namespace socketscope
