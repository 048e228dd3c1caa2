// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What sits in front of a profile's endpoint (nginx, HAProxy, a cloud load balancer), read from
// the profile's fields, what the probes saw (Server/Via headers, error pages, host names) and an
// `nginx -T` dump when one is known — so the advice names only the directives of that stack and
// quotes the measured values next to them.

#include "probe/ProbeTypes.h"

#include <QFlags>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace socketscope {

struct Profile;

enum class Platform : unsigned {
    Nginx = 0x1,
    Haproxy = 0x2,
    Aws = 0x4,
    Azure = 0x8,
    Gcp = 0x10,
};
Q_DECLARE_FLAGS(Platforms, Platform)
Q_DECLARE_OPERATORS_FOR_FLAGS(Platforms)

// "nginx", "HAProxy", "AWS", "Azure", "GCP".
QString platformName(Platform p);

// One advice bullet and the platforms it is about (none: it applies whatever the stack).
struct AdviceLine {
    Platforms platforms;
    QString text;
};

// The stack in front of an endpoint, as far as it is known.
struct ProxyStack {
    Platforms platforms;
    QStringList reasons;                           // why each platform was recognised, one line each
    QList<QPair<QString, QString>> idleDirectives; // from an nginx -T dump: ("proxy_read_timeout", "4s"), in order
    bool known() const { return platforms.toInt() != 0; }
};

// Recognises the stack from the profile (nginx site/error log, an haproxy test command, a cloud
// host name), the probe results (Server/Via headers, HAProxy's error page) and an optional
// `nginx -T` dump. Pure.
ProxyStack detectStack(const Profile& profile, const QList<ProbeResult>& results, const QByteArray& nginxDump = {});

// Every advice bullet for a diagnosed cause, tagged with its platforms (the CLI's advice is their
// texts, unfiltered).
QList<AdviceLine> adviceLines(const QString& cause, const ProbeResult& result);

// The advice for a result as it fits the stack: bullets about other platforms are left out (all
// bullets when the stack is unknown), and the measured values (the idle cutoff, the RTT) and the
// directives' current values from the dump are quoted next to the directive to change.
QStringList adviceForStack(const ProbeResult& result, const ProxyStack& stack);

} // namespace socketscope
