// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "monitor/ProbeLauncher.h"

namespace socketscope {

class ProbeEngine;

// The product's ProbeLauncher: forwards to a ProbeEngine (async, sockets on worker threads).
class EngineProbeLauncher : public ProbeLauncher {
    Q_OBJECT
public:
    // Uses engine (borrowed) or, when null, creates and owns one.
    explicit EngineProbeLauncher(ProbeEngine* engine = nullptr, QObject* parent = nullptr);
    quint64 start(const socketscope::ProbeOptions& options) override;
    void cancel(quint64 id) override;
    ProbeEngine* engine() const { return m_engine; }

private:
    ProbeEngine* m_engine;
};

} // namespace socketscope
