// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "timeouts/TimeoutTypes.h"

#include <QJsonObject>
#include <QString>

namespace socketscope {

// `socketscope-cli timeouts --json`: hops[{name, url, idle_cutoff_s, lifetime_cap_s, death, signature}],
// first_cut{hop, after_s, kind}, advised_ping_interval_s, keepalive[{hop, traffic, survived}] (the
// contract of issue 13; null where nothing was seen), plus advice, max_s, resolution_s.
QJsonObject timeoutMapToJson(const TimeoutMapResult& r);
// The readable table of the same.
QString timeoutMapToText(const TimeoutMapResult& r);

} // namespace socketscope
