// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "probe/ProbeTypes.h"

#include <QJsonObject>
#include <QString>

namespace socketscope {

// The CLI's JSON object for one probe (field names are the contract).
QJsonObject probeResultToJson(const ProbeResult& result);
// The short human report (what `probe` prints without --json).
QString probeResultToText(const ProbeResult& result);

} // namespace socketscope
