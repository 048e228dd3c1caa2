// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "probe/ProbeTypes.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace socketscope {

struct Profile;

// What to monitor and how often.
struct MonitorSpec {
    QString name;                 // shown in lists and exports (usually the profile name)
    QString profileId;            // the profile it came from (may be empty)
    ProbeOptions options;         // the periodic probe; echo and ping are on by default
    double intervalS = 5;         // seconds between probe starts (a probe still running skips a tick)
    bool longLived = false;       // also keep one connection open and record how it dies
    double longLivedMaxS = 3600;  // reconnect after this long even if the connection is still fine

    // A spec for a profile's public URL with its origin, headers, subprotocols, TLS options.
    static MonitorSpec fromProfile(const Profile& profile);
    // Default periodic options for a URL: 3 echoes, pings, a short hold.
    static ProbeOptions defaultOptions(const QString& url);
};

// The headline state of a monitor: always shown as a word and a colour.
enum class MonitorState { Unknown, Ok, Degraded, Down, Paused, Stopped };
// "unknown", "ok", "degraded", "down", "paused", "stopped".
QString monitorStateId(MonitorState s);

// Something that happened to a monitor, kept in a bounded list and drawn as a timeline marker.
struct MonitorEvent {
    enum class Kind { Started, Paused, Resumed, IntervalChanged, StateChanged, CauseChanged, ConnectionClosed, Stopped };
    qint64 timeMs = 0;            // wall clock, ms since the epoch
    Kind kind = Kind::Started;
    QString cause;                // cause id (CauseChanged, ConnectionClosed)
    QString previousCause;        // CauseChanged
    int closeCode = 0;            // ConnectionClosed: 0 when no close code was seen
    ClosedBy closedBy = ClosedBy::None;
    double heldS = 0;             // ConnectionClosed: how long the connection stayed open
    int httpStatus = 0;
    QString text;                 // one readable line
    QStringList evidence;         // what the probe saw (the diagnosis's evidence lines)
    QStringList advice;
};
// "started", "paused", "resumed", "interval_changed", "state_changed", "cause_changed", "connection_closed",
// "stopped".
QString eventKindId(MonitorEvent::Kind k);

// The evidence of one recent probe, for hover text (bounded: the monitor keeps the last few).
struct ProbeEvidence {
    qint64 timeMs = 0;
    QString cause;
    QString statusLine;
    QString errorString;
    QStringList evidence;
    QStringList advice;
};

// ISO-8601 in the local zone with the UTC offset, e.g. 2026-11-23T08:30:00.123+01:00.
QString isoWithOffset(qint64 msSinceEpoch);

} // namespace socketscope

Q_DECLARE_METATYPE(socketscope::MonitorEvent)
Q_DECLARE_METATYPE(socketscope::MonitorState)
