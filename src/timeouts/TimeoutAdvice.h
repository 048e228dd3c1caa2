// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "timeouts/TimeoutTypes.h"

#include <QList>
#include <QPair>
#include <QString>

namespace socketscope {

// Appends the map's advice to r.advice: the hop that cuts first and the setting to raise (the known
// defaults table, matched within toleranceS and by firstCutHeaders, its 101's headers), the cheapest
// keepalive that worked (or that none did, or that a lifetime cap needs a reconnect), a silent
// drop's warning, and each hop that could not be measured.
void adviseTimeoutMap(TimeoutMapResult& r, const QList<QPair<QString, QString>>& firstCutHeaders, double toleranceS);

} // namespace socketscope
