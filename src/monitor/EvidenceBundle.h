// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "probe/ProbeTypes.h"

#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace socketscope {

struct Monitor;
struct Profile;
class ProbeMatrix;
struct TimeoutMapResult;

// What goes into an evidence bundle for a ticket. Every pointer may be null (that part is left out).
struct EvidenceInput {
    const Profile* profile = nullptr;
    const Monitor* monitor = nullptr;
    const ProbeMatrix* matrix = nullptr;
    const TimeoutMapResult* timeouts = nullptr; // the timeout map (issue 13): timeouts.json + timeouts.txt
    QList<ProbeResult> probes;     // probe documents (the latest periodic probe, ...)
    QStringList chartFiles;        // chart images already written into the bundle folder (names)
};

namespace evidence {

// Creates DIR/socketscope-evidence-<profile>-<yyyyMMdd-HHmmss>/ and writes into it:
// summary.md (verdict, times in the local zone with the UTC offset), profile.json (no secrets:
// profiles hold none), samples.csv + samples.json, matrix.json + matrix.md, timeouts.json +
// timeouts.txt, probes/NN-<id>.json.
// Returns the folder's path.
Result<QString> createBundleFolder(const QString& parentDir, const QString& profileName);
Status writeBundle(const QString& folder, const EvidenceInput& input);
// A profile as JSON for the bundle (every field; a Profile never holds a secret).
QJsonObject profileJson(const Profile& profile);
// One probe's document for the bundle.
QJsonObject probeJson(const ProbeResult& result);
// The summary.md text.
QString summaryMarkdown(const EvidenceInput& input);

} // namespace evidence
} // namespace socketscope
