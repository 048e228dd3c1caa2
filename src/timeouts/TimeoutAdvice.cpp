// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeouts/TimeoutAdvice.h"

#include "timeouts/KnownTimeouts.h"

#include <algorithm>

namespace socketscope {

void adviseTimeoutMap(TimeoutMapResult& r, const QList<QPair<QString, QString>>& firstCutHeaders, double toleranceS)
{
    QStringList& advice = r.advice;
    if (r.firstCut) {
        const FirstCut& fc = *r.firstCut;
        const HopTimeout* hop = nullptr;
        for (const HopTimeout& h : std::as_const(r.hops)) {
            if (h.name == fc.hop)
                hop = &h;
        }
        const KnownTimeout* known = nullptr;
        timeoutSignature(KnownTimeouts::builtin(), fc.afterS, fc.kind, hop ? hop->death : DeathKind::None,
                         toleranceS, firstCutHeaders, &known);
        if (known)
            advice << QStringLiteral("%1 cuts first after %2 s: %3 (%4)").arg(fc.hop, timeoutSecondsText(fc.afterS), known->advice, known->reference);
        else
            advice << QStringLiteral("%1 cuts first after %2 s (%3): raise that hop's timeout for WebSocket connections")
                          .arg(fc.hop, timeoutSecondsText(fc.afterS), cutKindId(fc.kind));
        if (fc.kind == CutKind::Lifetime) {
            advice << QStringLiteral("a lifetime cap: no keepalive helps; raise it, or have the client reconnect before %1 s")
                          .arg(timeoutSecondsText(fc.afterS));
        } else {
            std::optional<KeepaliveTraffic> cheapest;
            bool measured = false;
            for (const KeepaliveRow& row : std::as_const(r.keepalive)) {
                measured = measured || row.survived.has_value();
                if (row.traffic != KeepaliveTraffic::None && row.survived.value_or(false) && !cheapest)
                    cheapest = row.traffic;
            }
            const QString every = r.advisedPingIntervalS ? timeoutSecondsText(*r.advisedPingIntervalS) : QStringLiteral("?");
            if (cheapest)
                advice << QStringLiteral("the cheapest keepalive that works: %1 every %2 s (below 0.8 × %3 s)")
                              .arg(keepaliveTrafficLabel(*cheapest), every, timeoutSecondsText(fc.afterS));
            else if (measured)
                advice << QStringLiteral("no keepalive traffic kept %1 alive: raise its timeout").arg(fc.hop);
            else
                advice << QStringLiteral("set the client and server heartbeat to every %1 s (below 0.8 × %2 s)").arg(every, timeoutSecondsText(fc.afterS));
        }
        if (hop && hop->death == DeathKind::SilentDrop)
            advice << QStringLiteral("%1 drops silently: the client only notices by a ping that never returns; treat a missing pong as a dead connection")
                          .arg(fc.hop);
    } else if (!r.cancelled
               && std::none_of(r.hops.cbegin(), r.hops.cend(), [](const HopTimeout& h) { return !h.error.isEmpty(); })) {
        advice << QStringLiteral("nothing cut an idle WebSocket within %1 s").arg(timeoutSecondsText(r.maxS));
    }
    for (const HopTimeout& h : std::as_const(r.hops)) {
        if (!h.error.isEmpty())
            advice << QStringLiteral("%1 could not be measured (%2): check its URL and that it answers a WebSocket upgrade").arg(h.name, h.error);
    }
}

} // namespace socketscope
