// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace socketscope {

// The product version, e.g. "0.1.0" (from CMake's project()).
inline QString versionString() { return QStringLiteral(SOCKETSCOPE_VERSION); }

} // namespace socketscope
