// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QHostAddress>
#include <QString>

namespace socketscope::cli {

// Parses --listen HOST:PORT ("127.0.0.1:9000", "[::1]:9000", "localhost:9000"); false when the
// host is not a numeric address (or localhost) or the port is not 0-65535.
bool parseListenAddress(const QString& listen, QHostAddress* address, quint16* port);

} // namespace socketscope::cli
