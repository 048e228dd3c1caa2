// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Enough of HAProxy's configuration format to check WebSocket timeouts: sections (global,
// defaults [NAME] [from NAME], frontend/backend/listen NAME [from DEFAULTS]), keyword lines with
// positions, defaults inheritance, and the HA001/HA002 rules with a minimal fix.

#include "nginx/ConfigFinding.h"
#include "nginx/NginxConfig.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace socketscope::nginx {

// One keyword line ("timeout client 30s").
struct HaLine {
    int line = 0;
    int column = 0;             // of the first word
    qsizetype offset = 0;       // of the line's first byte
    qsizetype endOffset = 0;    // one past the last byte before the newline
    QByteArray indent;          // leading blanks
    QList<QByteArray> words;    // unquoted, comment removed
    QList<qsizetype> wordOffsets;
    QList<qsizetype> wordLengths; // raw lengths (quotes included)
};

struct HaSection {
    QByteArray kind;            // "global", "defaults", "frontend", "backend", "listen", …
    QByteArray name;            // may be empty (anonymous defaults)
    QByteArray from;            // "from NAME" (2.6 named defaults)
    HaLine header;
    QList<HaLine> lines;        // keyword lines after the header
    bool isProxy() const { return kind == "frontend" || kind == "backend" || kind == "listen"; }
};

struct HaproxyConfig {
    QString path;
    QByteArray text;
    QList<HaSection> sections;

    // Parses text read from path; false with *error set (file:line:column) on malformed input.
    static bool parse(const QByteArray& text, const QString& path, HaproxyConfig* out, ConfError* error);
    // The defaults section a proxy section takes its settings from (-1 when none).
    int defaultsFor(int sectionIndex) const;
    // The last `timeout KIND` line that applies to the section (own, then its defaults chain);
    // *owner gets the section index holding it. Null when none.
    const HaLine* timeout(int sectionIndex, const QByteArray& kind, int* owner = nullptr) const;
    int findSection(const QByteArray& kind, const QByteArray& name) const;
    // A readable outline (for `lint haproxy --dump`).
    QString dump() const;
};

struct HaproxyFixResult {
    QByteArray newText;
    QByteArray diff;
    QStringList fixedRules;
    ConfigFindings before;
};

class HaproxyAnalyzer {
public:
    // HA001 / HA002 on a parsed configuration.
    static ConfigFindings lint(const HaproxyConfig& config, const RuleOptions& options);
    // Adds or raises `timeout tunnel` (options.suggestedSeconds) in the sections that need it.
    static HaproxyFixResult fix(const HaproxyConfig& config, const RuleOptions& options);
};

} // namespace socketscope::nginx
