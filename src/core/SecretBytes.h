// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

namespace socketscope {

// Overwrites a secret's bytes with zeros before it is released, then clears it. A buffer shared
// with other QByteArrays is only released (wiping it would detach and copy the secret first).
void wipeSecret(QByteArray& secret);

} // namespace socketscope
