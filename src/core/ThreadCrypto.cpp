// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/ThreadCrypto.h"

#include <QThread>

#ifdef SOCKETSCOPE_HAVE_OPENSSL
#include <openssl/crypto.h>
#endif

namespace socketscope {

void releaseThreadCryptoState()
{
#ifdef SOCKETSCOPE_HAVE_OPENSSL
    OPENSSL_thread_stop();
#endif
}

void releaseCryptoStateWhenFinished(QThread* thread)
{
    // Direct: `finished` is emitted on the ending thread itself, the only place this can run.
    QObject::connect(thread, &QThread::finished, thread, [] { releaseThreadCryptoState(); }, Qt::DirectConnection);
}

} // namespace socketscope
