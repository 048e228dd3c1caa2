// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The cutting hop's own words (issue 13): the lines a proxy logs when its timer cuts an upgraded
// connection, read from the part of its log written during the timeout map's run (locally, or
// over SSH through a RemoteHost), and given to the hop they name.

#include "timeouts/TimeoutTypes.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace socketscope {

class RemoteHost;

// Which product wrote a log, hence how its lines are read.
enum class CutLogKind {
    NginxError, // nginx's error log: "upstream timed out (110: …) while proxying upgraded connection" (level info)
    Haproxy,    // HAProxy's httplog/tcplog lines: termination state cD/sD (its own timeout), CD/SD (a side aborted)
};

struct CutLog {
    CutLogKind kind = CutLogKind::NginxError;
    QString path;
};

// One line of a log that says a connection was cut.
struct CutLogLine {
    CutLogKind kind = CutLogKind::NginxError;
    QString line;                     // as logged, trimmed
    QString flags;                    // HAProxy: the two termination-state letters ("cD"); nginx: ""
    std::optional<double> durationS;  // HAProxy: the connection's total time (Ta/Tt); nginx: none logged
    // HAProxy's own timer cut it (cD, sD): the proxy that wrote the line is the cutting hop.
    bool ownTimeout() const { return flags == QLatin1String("cD") || flags == QLatin1String("sD"); }
};

// The lines of `text` (a log's new part) that record a cut of an upgraded connection.
QList<CutLogLine> parseCutLog(CutLogKind kind, const QByteArray& text);

// What HAProxy's two termination letters say, in words ("HAProxy's client-side timeout during the data phase").
QString haproxyFlagsMeaning(const QString& flags);

// Appends to each hop's signature the log lines that name it. An nginx error-log line goes to the
// innermost hop that died by a FIN and whose 101 named nginx (Server header); a HAProxy line with
// its own timeout (cD/sD) to the innermost hop whose cut matches the line's duration within
// toleranceS. headers[i] are hop i's 101 response headers. Returns how many hops got a line.
int attachCutLogLines(QList<HopTimeout>& hops, const QList<QList<QPair<QString, QString>>>& headers,
                      const QList<CutLogLine>& lines, double toleranceS);

// The size of each log now (-1: unreadable), through `host` (this machine or SSH); a sudo retry
// when the plain read is refused.
QList<qint64> cutLogSizes(RemoteHost& host, const QList<CutLog>& logs);
// What each log gained since `sizes` (empty for an unreadable one; a shorter file, rotated, is read whole).
QList<QByteArray> cutLogTails(RemoteHost& host, const QList<CutLog>& logs, const QList<qint64>& sizes);

} // namespace socketscope
