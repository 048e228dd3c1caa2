// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/SecretBytes.h"

namespace socketscope {

void wipeSecret(QByteArray& secret)
{
    if (secret.isEmpty())
        return;
    if (!secret.isDetached()) {
        secret = QByteArray();
        return;
    }
    volatile char* p = secret.data();
    for (qsizetype i = 0; i < secret.size(); ++i)
        p[i] = 0;
    secret.clear();
}

} // namespace socketscope
