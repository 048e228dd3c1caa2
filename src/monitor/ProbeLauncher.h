// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "probe/ProbeTypes.h"

#include <QObject>

namespace socketscope {

// The seam between monitors and whatever runs probes: the real ProbeEngine (EngineProbeLauncher)
// in the product; tests of scheduling and aggregation may script results instead.
class ProbeLauncher : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    // Starts a probe and returns its id (never 0); finished(id, result) follows exactly once,
    // asynchronously, also after cancel().
    virtual quint64 start(const socketscope::ProbeOptions& options) = 0;
    // Stops a running probe early; its result reports what was seen so far.
    virtual void cancel(quint64 id) = 0;

signals:
    void finished(quint64 id, const socketscope::ProbeResult& result);
};

} // namespace socketscope
