// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "monitor/MonitorTypes.h"
#include "monitor/Sample.h"

#include <QJsonObject>
#include <QStringList>

namespace socketscope {

struct Monitor;

// Sample export: one CSV/JSON format shared by the GUI's export and `socketscope-cli monitor`.
namespace monitorexport {

// The CSV header line (no newline): time,monitor,cause,ok,http_status,close_code,closed_by,
// dns_ms,tcp_ms,tls_ms,upgrade_ms,echo_min_ms,echo_ms,echo_max_ms,ping_ms,app,app_rtt_ms.
QString csvHeader();
// One CSV row (no newline); time as ISO-8601 with the UTC offset; empty fields for phases not reached.
QString csvRow(const Sample& s, const QString& cause, const QString& monitorName);
// One sample as a JSON object with the same field names as the CSV columns (null: not measured).
QJsonObject sampleJson(const Sample& s, const QString& cause, const QString& monitorName);
QJsonObject eventJson(const MonitorEvent& e);
// The whole monitor: {"monitor", "url", "interval_s", "samples": [...], "events": [...],
// "minute": [...] (1-minute aggregates)}.
QJsonObject monitorJson(const Monitor& m);

// One CSV row for a long-lived connection that closed early: ok 0, its HTTP status, close code
// and closed_by, the close's cause (abnormal_closure when it named none), no timings.
QString csvCloseRow(const MonitorEvent& e, const QString& monitorName);
// Writes every raw sample of a monitor and every early close of its long-lived connection as
// CSV rows in time order (atomically).
Status writeCsv(const Monitor& m, const QString& path);
// Writes monitorJson() (atomically, indented).
Status writeJson(const Monitor& m, const QString& path);
// Writes bytes atomically (QSaveFile) with a message naming the file on failure.
Status writeFileAtomic(const QString& path, const QByteArray& data);

} // namespace monitorexport
} // namespace socketscope
