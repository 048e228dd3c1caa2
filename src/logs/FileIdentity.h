// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

namespace socketscope::logs {

// Platform seam: an opaque identity of the file a path names right now (device + inode on
// POSIX). Empty where the platform gives none; callers then rely on size and first bytes.
// A different identity for the same path means the file was rotated (renamed and recreated).
QByteArray fileIdentity(const QString& path);

} // namespace socketscope::logs
