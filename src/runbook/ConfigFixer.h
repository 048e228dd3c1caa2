// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The narrow seam between the runbook's "Lint and plan" step and the nginx config fixer
// (src/nginx/). The runbook never edits nginx text itself: it asks a ConfigFixer for the fixed
// text and the diff, shows them, and applies exactly that text.

#include "core/Result.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace socketscope {

struct FixPlan {
    QByteArray newText;                 // the whole fixed file; equal to the input when nothing to fix
    QString diff;                       // unified diff, old → new
    QStringList findings;               // one line per rule hit ("ws-missing-upgrade-header: ...")
    QStringList leftOut;                // findings of rules the user left out in the Config tab (not fixed)
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

// What the fixer checks and fixes: the options the user reviewed in the Config tab.
struct FixScope {
    QStringList endpointPaths;        // request paths of the WebSocket endpoint ("/ws/")
    QStringList onlyRules;            // the rules to fix (the findings the user kept); empty: the default set
    double thresholdSeconds = 300;    // idle timeouts below this are findings
    double suggestedSeconds = 3600;   // the value a fix writes
};

// A fix handed from the Config tab to the runbook: the file, what the user saw (the findings and
// the diff) and the scope that produced them, so the runbook plans the same fix on the server's
// copy of the file rather than one from the profile's URL.
struct HandedFix {
    QString path;                     // the site file
    QByteArray fixedText;             // the fixed text as the Config tab computed it
    QByteArray diff;
    QStringList findings;             // "RULE (severity) line N: message", one per reviewed finding
    FixScope scope;
};

// The product's fixer (the nginx module's rules and minimal fixes). endpointPaths: request paths of
// the WebSocket endpoint (from the profile's URL) so a location without any Upgrade header yet is
// still recognised as the WebSocket one.
std::unique_ptr<ConfigFixer> makeDefaultConfigFixer(const QStringList& endpointPaths);
// The same fixer with a scope handed over from the Config tab. With onlyRules, the plan's findings
// are those rules' findings; the others go to FixPlan::leftOut.
std::unique_ptr<ConfigFixer> makeDefaultConfigFixer(const FixScope& scope);

} // namespace socketscope

Q_DECLARE_METATYPE(socketscope::HandedFix)
