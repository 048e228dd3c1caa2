// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// How the runbook probes a WebSocket (Preflight's direct-vs-proxied matrix, Verify): a blocking
// call made from the runbook's worker thread. The product adapts the probe engine
// (src/probe/ProbeEngine.h); tests may pass their own.

#include "probe/ProbeTypes.h"

#include <atomic>
#include <memory>

namespace socketscope {

class RunbookProber {
public:
    virtual ~RunbookProber() = default;
    // Probes options.url (upgrade, options.echoCount echoes, an idle hold of options.holdS, then
    // one more echo) and returns the result with a cause id from the diagnosis list. Blocks.
    virtual ProbeResult probe(const ProbeOptions& options, const std::atomic_bool* cancel) = 0;
};

// The default prober: the product's probe engine and diagnosis (src/probe, src/diagnosis).
std::unique_ptr<RunbookProber> makeDefaultRunbookProber();

// The probe engine behind the runbook's seam; waits for its result in the calling worker
// thread's own event loop (never called on the GUI thread).
class ProbeEngineProber : public RunbookProber {
public:
    ProbeResult probe(const ProbeOptions& options, const std::atomic_bool* cancel) override;
};

} // namespace socketscope
