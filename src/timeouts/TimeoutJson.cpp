// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeouts/TimeoutJson.h"

#include <QJsonArray>

namespace socketscope {

namespace {
QJsonValue num(const std::optional<double>& v) { return v ? QJsonValue(*v) : QJsonValue(QJsonValue::Null); }
QJsonValue text(const QString& s) { return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s); }
QString seconds(const std::optional<double>& v) { return v ? QString::number(*v, 'f', *v < 10 ? 2 : 1) + QStringLiteral(" s") : QStringLiteral("—"); }
} // namespace

QJsonObject timeoutMapToJson(const TimeoutMapResult& r)
{
    QJsonArray hops;
    for (const HopTimeout& h : r.hops) {
        QJsonObject o{{QStringLiteral("name"), h.name},
                      {QStringLiteral("url"), h.url},
                      {QStringLiteral("idle_cutoff_s"), num(h.idleCutoffS)},
                      {QStringLiteral("lifetime_cap_s"), num(h.lifetimeCapS)},
                      {QStringLiteral("death"), deathKindId(h.death)},
                      {QStringLiteral("signature"), text(h.signature)},
                      {QStringLiteral("details"), QJsonArray::fromStringList(h.details)}};
        if (!h.error.isEmpty())
            o.insert(QStringLiteral("error"), h.error);
        hops.append(o);
    }
    QJsonArray keepalive;
    for (const KeepaliveRow& k : r.keepalive) {
        QJsonObject o{{QStringLiteral("hop"), k.hop},
                      {QStringLiteral("traffic"), keepaliveTrafficId(k.traffic)},
                      {QStringLiteral("survived"), k.survived ? QJsonValue(*k.survived) : QJsonValue(QJsonValue::Null)}};
        if (!k.note.isEmpty())
            o.insert(QStringLiteral("note"), k.note);
        keepalive.append(o);
    }
    QJsonValue firstCut(QJsonValue::Null);
    if (r.firstCut)
        firstCut = QJsonObject{{QStringLiteral("hop"), r.firstCut->hop},
                               {QStringLiteral("after_s"), r.firstCut->afterS},
                               {QStringLiteral("kind"), cutKindId(r.firstCut->kind)}};
    return QJsonObject{{QStringLiteral("hops"), hops},
                       {QStringLiteral("first_cut"), firstCut},
                       {QStringLiteral("advised_ping_interval_s"), num(r.advisedPingIntervalS)},
                       {QStringLiteral("keepalive"), keepalive},
                       {QStringLiteral("advice"), QJsonArray::fromStringList(r.advice)},
                       {QStringLiteral("max_s"), r.maxS},
                       {QStringLiteral("resolution_s"), r.resolution},
                       {QStringLiteral("elapsed_s"), r.elapsedS},
                       {QStringLiteral("cancelled"), r.cancelled}};
}

QString timeoutMapToText(const TimeoutMapResult& r)
{
    QString out;
    out += QStringLiteral("Timeout map (idle holds up to %1 s, resolution %2 s, %3 s)\n\n")
               .arg(r.maxS).arg(r.resolution).arg(r.elapsedS, 0, 'f', 1);
    out += QStringLiteral("%1 %2 %3 %4  %5\n")
               .arg(QStringLiteral("hop"), -16)
               .arg(QStringLiteral("idle cutoff"), -12)
               .arg(QStringLiteral("lifetime cap"), -13)
               .arg(QStringLiteral("death"), -12)
               .arg(QStringLiteral("url"));
    for (const HopTimeout& h : r.hops) {
        out += QStringLiteral("%1 %2 %3 %4  %5\n")
                   .arg(h.name, -16)
                   .arg(seconds(h.idleCutoffS), -12)
                   .arg(seconds(h.lifetimeCapS), -13)
                   .arg(deathKindId(h.death), -12)
                   .arg(h.url);
        if (!h.error.isEmpty())
            out += QStringLiteral("    error: %1\n").arg(h.error);
        if (!h.signature.isEmpty())
            out += QStringLiteral("    signature: %1\n").arg(h.signature);
        for (const QString& d : h.details)
            out += QStringLiteral("    %1\n").arg(d);
    }
    out += QLatin1Char('\n');
    if (r.firstCut)
        out += QStringLiteral("first cut: %1 after %2 (%3)\n").arg(r.firstCut->hop, seconds(r.firstCut->afterS), cutKindId(r.firstCut->kind));
    else
        out += QStringLiteral("first cut: none within %1 s\n").arg(r.maxS);
    out += QStringLiteral("advised ping interval: %1\n").arg(seconds(r.advisedPingIntervalS));
    if (!r.keepalive.isEmpty()) {
        out += QStringLiteral("\nkeepalive matrix (%1)\n").arg(r.keepalive.first().hop);
        for (const KeepaliveRow& k : r.keepalive) {
            const QString verdict = !k.survived ? QStringLiteral("not measured") : *k.survived ? QStringLiteral("survives") : QStringLiteral("cut");
            out += QStringLiteral("  %1 %2%3\n").arg(keepaliveTrafficLabel(k.traffic), -42).arg(verdict,
                       k.note.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(k.note));
        }
    }
    if (!r.advice.isEmpty()) {
        out += QStringLiteral("\nadvice:\n");
        for (const QString& a : r.advice)
            out += QStringLiteral("  - %1\n").arg(a);
    }
    if (r.cancelled)
        out += QStringLiteral("\n(cancelled: partial results)\n");
    return out;
}

} // namespace socketscope
