// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The configuration as nginx evaluates it: http → server → location scopes with includes
// spliced in where they appear, and nginx's inheritance rules for the directives the
// WebSocket rules read (scalars inherit from the nearest level; proxy_set_header is all-or-nothing).

#include "nginx/NginxConfigSet.h"

#include <QByteArray>
#include <QList>

#include <memory>
#include <vector>

namespace socketscope::nginx {

// A directive and the file it was read from.
struct DirectiveRef {
    const ConfNode* node = nullptr;
    int file = -1;
    explicit operator bool() const { return node != nullptr; }
};

struct Scope {
    enum class Kind { Main, Http, Server, Location, If, Upstream, Map, Other };
    Kind kind = Kind::Main;
    const ConfNode* node = nullptr;  // the block (null for Main)
    int file = 0;                    // where the block is written
    Scope* parent = nullptr;
    std::vector<DirectiveRef> directives;              // direct, non-block directives, includes spliced
    std::vector<std::unique_ptr<Scope>> children;

    // Last occurrence of `name` directly in this scope.
    DirectiveRef own(const QByteArray& name) const;
    QList<DirectiveRef> ownAll(const QByteArray& name) const;
    // The value nginx uses here: the nearest definition in this scope or an enclosing one (`if` skipped).
    DirectiveRef effective(const QByteArray& name) const;
    // The scope whose proxy_set_header list applies here (the nearest one that has any), or null.
    const Scope* headerScope() const;
    // "location /ws", "server", …
    QString label() const;
    // The location's match argument(s) joined ("/", "~ ^/ws", "= /ws").
    QString locationArgs() const;
    bool proxies() const;            // proxy_pass here or inside one of its `if` blocks
    const Scope* enclosingServer() const;
};

// Builds the scope tree of a loaded configuration (pointers into `set`: keep it alive).
std::unique_ptr<Scope> buildScopes(const NginxConfigSet& set);

// Visits every scope of kind `kind` below root, depth first.
void collectScopes(const Scope* root, Scope::Kind kind, QList<const Scope*>& out);

// The location nginx picks in `container` for request path `path` (exact, longest prefix, ^~,
// regexes in order), descending into nested locations; null when none matches.
const Scope* selectLocation(const Scope* container, const QString& path);

} // namespace socketscope::nginx
