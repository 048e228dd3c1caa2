// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "probe/ProbeTypes.h"

#include <QString>
#include <QStringList>

namespace socketscope {

// What a probe's observations mean: exactly one cause id, what was seen, what to change.
struct Diagnosis {
    QString cause;            // one of allCauseIds()
    bool ok = false;
    QStringList evidence;     // what was seen: status line, headers, close frame, timings
    QStringList advice;       // what to change, naming the nginx / HAProxy / cloud LB directive
};

// The verdict for a direct probe (to the upstream) and a probe through the proxy.
struct HopVerdict {
    QString faultyHop;        // "proxy", "upstream", "client", "none"
    QString verdict;          // one sentence
    QString appLevel;         // the application level of both hops compared ("" when neither reached an application)
};

// Every cause id, in the order of the list (the JSON/CLI contract).
const QStringList& allCauseIds();

// Maps one probe's result to its cause (pure). Options give the thresholds and page origin.
Diagnosis diagnose(const ProbeResult& result, const ProbeOptions& options);
// Fills result.cause/ok/evidence/advice from diagnose().
void applyDiagnosis(ProbeResult& result, const ProbeOptions& options);
// Names the faulty hop from a direct and a proxied result (both already diagnosed).
HopVerdict diagnosePair(const ProbeResult& direct, const ProbeResult& via);
// One human sentence for a diagnosed result ("the proxy closed the idle connection after 2.0 s").
QString causeSentence(const ProbeResult& result);
// "ok", "degraded" or "down" for the header dot.
QString verdictState(const QString& cause);

namespace diagnosis_detail {
QStringList evidenceFor(const ProbeResult& result);
QStringList adviceFor(const QString& cause, const ProbeResult& result);
// True for nginx's 400 that refuses the request for want of a (valid) client certificate.
bool clientCertificateRefused(const ProbeResult& result);
} // namespace diagnosis_detail

} // namespace socketscope
