// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeouts/KnownTimeouts.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

namespace socketscope {

namespace {

std::optional<DeathKind> deathFromId(const QString& id)
{
    for (DeathKind k : {DeathKind::None, DeathKind::CloseFrame, DeathKind::Fin, DeathKind::Reset, DeathKind::HttpError,
                        DeathKind::SilentDrop}) {
        if (deathKindId(k) == id)
            return k;
    }
    return std::nullopt;
}

bool visible(DeathKind d) { return d == DeathKind::CloseFrame || d == DeathKind::Fin || d == DeathKind::Reset; }

bool deathAgrees(DeathKind measured, DeathKind known)
{
    if (measured == DeathKind::SilentDrop || known == DeathKind::SilentDrop)
        return measured == known;
    return !visible(measured) || visible(known);
}

QString defaultText(const KnownTimeout& k)
{
    return k.seconds ? QStringLiteral("default %1 s").arg(*k.seconds) : QStringLiteral("no documented default");
}

} // namespace

const KnownTimeouts& KnownTimeouts::builtin()
{
    static const KnownTimeouts table = [] {
        QFile f(QStringLiteral(":/timeouts/known-defaults.json"));
        if (!f.open(QIODevice::ReadOnly))
            return KnownTimeouts();
        Result<KnownTimeouts> t = fromJson(f.readAll());
        return t ? std::move(t).value() : KnownTimeouts();
    }();
    return table;
}

Result<KnownTimeouts> KnownTimeouts::fromJson(const QByteArray& json)
{
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return Result<KnownTimeouts>::failure(QStringLiteral("known timeouts: not a JSON object (%1)").arg(pe.errorString()));
    const QJsonArray list = doc.object().value(QStringLiteral("defaults")).toArray();
    KnownTimeouts table;
    for (const QJsonValue& v : list) {
        const QJsonObject o = v.toObject();
        KnownTimeout k;
        k.id = o.value(QStringLiteral("id")).toString();
        k.product = o.value(QStringLiteral("product")).toString();
        k.setting = o.value(QStringLiteral("setting")).toString();
        if (o.value(QStringLiteral("seconds")).isDouble())
            k.seconds = o.value(QStringLiteral("seconds")).toDouble();
        const QString kind = o.value(QStringLiteral("kind")).toString();
        if (kind != cutKindId(CutKind::Idle) && kind != cutKindId(CutKind::Lifetime))
            return Result<KnownTimeouts>::failure(QStringLiteral("known timeouts: %1 has kind \"%2\" (idle or lifetime)").arg(k.id, kind));
        k.kind = kind == cutKindId(CutKind::Idle) ? CutKind::Idle : CutKind::Lifetime;
        const auto death = deathFromId(o.value(QStringLiteral("death")).toString());
        if (!death)
            return Result<KnownTimeouts>::failure(QStringLiteral("known timeouts: %1 has an unknown death").arg(k.id));
        k.death = *death;
        if (const QString re = o.value(QStringLiteral("server")).toString(); !re.isEmpty())
            k.server = QRegularExpression(re, QRegularExpression::CaseInsensitiveOption);
        k.advice = o.value(QStringLiteral("advice")).toString();
        k.reference = o.value(QStringLiteral("reference")).toString();
        if (k.id.isEmpty() || k.product.isEmpty() || k.reference.isEmpty())
            return Result<KnownTimeouts>::failure(QStringLiteral("known timeouts: every entry needs id, product and reference"));
        table.m_entries << k;
    }
    return table;
}

QList<const KnownTimeout*> KnownTimeouts::byValue(double cutS, CutKind kind, double toleranceS) const
{
    QList<const KnownTimeout*> out;
    for (const KnownTimeout& k : m_entries) {
        if (k.seconds && k.kind == kind && std::abs(*k.seconds - cutS) <= toleranceS)
            out << &k;
    }
    return out;
}

QList<const KnownTimeout*> KnownTimeouts::byHeader(const QString& headerValue) const
{
    QList<const KnownTimeout*> out;
    if (headerValue.isEmpty())
        return out;
    for (const KnownTimeout& k : m_entries) {
        if (k.server.isValid() && !k.server.pattern().isEmpty() && k.server.match(headerValue).hasMatch())
            out << &k;
    }
    return out;
}

QString timeoutSignature(const KnownTimeouts& table, double cutS, CutKind kind, DeathKind death, double toleranceS,
                         const QList<QPair<QString, QString>>& responseHeaders, const KnownTimeout** best)
{
    QStringList parts;
    const KnownTimeout* first = nullptr;
    // The product a response header names (whatever the value: it was configured).
    for (const auto& h : responseHeaders) {
        if (h.first.compare(QLatin1String("server"), Qt::CaseInsensitive) != 0
            && h.first.compare(QLatin1String("via"), Qt::CaseInsensitive) != 0)
            continue;
        const QList<const KnownTimeout*> named = table.byHeader(h.second);
        // Of a product's several settings, the one of the same kind (Envoy: route vs stream idle).
        const KnownTimeout* pick = nullptr;
        for (const KnownTimeout* k : named) {
            if (!pick || (k->kind == kind && pick->kind != kind))
                pick = k;
        }
        if (pick) {
            parts << QStringLiteral("%1 %2 (%3: %4; %5)").arg(pick->product, pick->setting, h.first, h.second, defaultText(*pick));
            if (!first)
                first = pick;
        }
    }
    // Products whose default this cut matches.
    QStringList candidates;
    for (const KnownTimeout* k : table.byValue(cutS, kind, toleranceS)) {
        if ((first && first->product == k->product) || !deathAgrees(death, k->death))
            continue;
        candidates << QStringLiteral("%1 %2 (default %3 s)").arg(k->product, k->setting).arg(*k->seconds);
        if (!first)
            first = k;
    }
    if (!candidates.isEmpty())
        parts << QStringLiteral("matches ") + candidates.join(QStringLiteral(" or "));
    if (best)
        *best = first;
    return parts.join(QStringLiteral("; "));
}

} // namespace socketscope
