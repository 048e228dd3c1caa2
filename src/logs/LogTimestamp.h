// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "logs/LogFile.h"

#include <QByteArrayView>
#include <QDateTime>

#include <optional>

namespace socketscope::logs {

// A timestamp found at the start of a log line.
struct LogTime {
    QDateTime time;          // UTC when the line carried an offset, local time otherwise
    int length = 0;          // bytes of the line it covers
    bool hasOffset = false;  // the line said which zone it is in
};

// Parses the timestamp a log line starts with, for the formats met in the field:
//   nginx error log   2026/01/28 10:03:00
//   Neo4j             2026-01-28 09:24:14.123+0000
//   ISO-8601          2026-01-28T09:24:14Z, 2026-01-28T09:24:14.5+01:00, 2026-01-28 09:24:14
//   syslog            Jan 28 10:03:00   (no year: `referenceYear`, default the current one)
//   nginx access log  a bracketed [28/Jan/2026:10:03:00 +0000] anywhere in the first 200 bytes
// Returns nothing for other lines (and never throws on any input).
std::optional<LogTime> parseLogTime(QByteArrayView line, int referenceYear = 0);

// Blocking: the first line whose timestamp is at or after `when`, assuming time grows down the
// file (binary search; lines without a timestamp take the next stamped line's). -1 when every
// stamped line is earlier; 0 when none has a timestamp.
qint64 findLineAtTime(const LogFile& file, const QDateTime& when);

} // namespace socketscope::logs
