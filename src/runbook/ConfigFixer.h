// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The narrow seam between the runbook's "Lint and plan" step and the nginx config fixer
// (src/nginx/). The runbook never edits nginx text itself: it asks a ConfigFixer for the fixed
// text and the diff, shows them, and applies exactly that text.

#include "core/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace socketscope {

struct FixPlan {
    QByteArray newText;                 // the whole fixed file; equal to the input when nothing to fix
    QString diff;                       // unified diff, old → new
    QStringList findings;               // one line per rule hit ("ws-missing-upgrade-header: ...")
    std::optional<double> oldIdleCutoffS; // the idle cutoff the old config imposed, when known
};

class ConfigFixer {
public:
    virtual ~ConfigFixer() = default;
    // Lints `text` (the file at `path`) and builds the fix. Fails when the text cannot be parsed.
    virtual Result<FixPlan> plan(const QByteArray& text, const QString& path) = 0;
    // The server's nginx version ("1.22.1", from `nginx -V`), so findings name its defaults.
    virtual void setServerVersion(const QString& version) { (void)version; }
};

// The product's fixer (the nginx module's rules and minimal fixes). endpointPaths: request paths of
// the WebSocket endpoint (from the profile's URL) so a location without any Upgrade header yet is
// still recognised as the WebSocket one.
std::unique_ptr<ConfigFixer> makeDefaultConfigFixer(const QStringList& endpointPaths);

} // namespace socketscope
