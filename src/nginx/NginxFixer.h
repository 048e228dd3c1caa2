// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Minimal textual fixes for the WebSocket rules: directives are inserted into (or replaced in)
// the WebSocket location itself, with the indentation of its neighbours; every other byte of the
// file, comments included, is kept. Values inherited from server/http level are overridden in
// the location, never edited at the outer level (other locations depend on them).

#include "nginx/ConfigFinding.h"
#include "nginx/NginxConfigSet.h"

#include <QByteArray>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

namespace socketscope::nginx {

struct FixOptions {
    RuleOptions rules;
    // Rules to fix; empty: WS001–WS009 and WS011 (the info rules WS006–WS008 are applied only to a dedicated
    // WebSocket location: caching and buffering of a location that also serves regular HTTP are
    // never changed, even when named here). WS010 (info) is fixed only when named here: it
    // changes what the backend sees.
    QStringList onlyRules;
    LoadOptions load;                 // how includes are resolved (fix(text, path, ...) only)
    bool addComment = true;           // mark inserted lines with "# … added by SocketScope (RULES)"
};

// The change to one file.
struct FileFix {
    QString path;
    QByteArray oldText;
    QByteArray newText;
    QByteArray diff;                  // unified diff a/PATH → b/PATH
};

struct FixResult {
    bool ok = false;
    QString error;                    // parse error (file:line:column: message) when !ok
    QByteArray newText;               // the main file after the fix (== input when nothing to fix)
    QByteArray diff;                  // unified diff of every changed file (empty when none)
    QStringList fixedRules;           // rules an edit was made for, sorted
    QList<FileFix> files;             // changed files (the main file and/or included ones)
    ConfigFindings before;            // findings before the fix
    ConfigFindings notFixed;          // findings no edit addresses (NG001, unselected rules)
};

class NginxFixer {
public:
    // Fixes the configuration in `text` (read from `path`; includes followed per options.load).
    static FixResult fix(const QByteArray& text, const QString& path, const FixOptions& options);
    // Fixes an already loaded configuration.
    static FixResult fixSet(const NginxConfigSet& set, const FixOptions& options);
    // The rules fixed when FixOptions::onlyRules is empty.
    static QStringList defaultRules();
};

} // namespace socketscope::nginx
