// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/FileIdentity.h"

#include <QFile>

#if defined(Q_OS_UNIX)
#include <sys/stat.h>
#endif

namespace socketscope::logs {

QByteArray fileIdentity(const QString& path)
{
#if defined(Q_OS_UNIX)
    struct stat st {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return QByteArray::number(qulonglong(st.st_dev)) + ':' + QByteArray::number(qulonglong(st.st_ino));
#else
    Q_UNUSED(path);
    return {};
#endif
}

} // namespace socketscope::logs
