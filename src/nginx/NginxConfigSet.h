// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A whole nginx configuration: the main file plus every file its `include` directives pull in
// (globs expanded in nginx's order), read from disk or from the output of `nginx -T`.

#include "nginx/NginxConfig.h"

#include <QString>
#include <QStringList>

#include <deque>

namespace socketscope::nginx {

// One file a glob include matched, with what the filesystem says about it (for NG001).
struct GlobMatch {
    QString path;
    bool isSymlink = false;
    bool symlinkKnown = true;   // false for `nginx -T` input: no filesystem view
};

// An `include` with a wildcard and what it matched.
struct GlobInclude {
    int fileIndex = 0;          // the file holding the include directive
    int line = 0;
    QString pattern;            // as resolved (absolute)
    QList<GlobMatch> matches;
};

struct LoadOptions {
    QString prefix;             // nginx's conf prefix for relative includes; default: the main file's directory
    bool followIncludes = true;
    int maxFiles = 2000;
};

class NginxConfigSet {
public:
    // Reads and parses path and everything it includes. False with *error set (file:line:column)
    // on the first file that does not parse, an include cycle, or an unreadable main file.
    bool loadFile(const QString& path, const LoadOptions& options, ConfError* error);
    // Parses text as if read from path; includes are resolved on disk when options say so.
    bool loadText(const QByteArray& text, const QString& path, const LoadOptions& options, ConfError* error);
    // Parses `nginx -T` output: each "# configuration file PATH:" section becomes a file; includes
    // are resolved among the sections. Lines before the first section (nginx -t chatter) are skipped.
    bool loadDump(const QByteArray& dump, const LoadOptions& options, ConfError* error);

    const std::deque<ConfFile>& files() const { return m_files; }
    std::deque<ConfFile>& files() { return m_files; }
    const QList<GlobInclude>& globIncludes() const { return m_globs; }
    // Things worth knowing that are not errors (an include that matched nothing, a missing file).
    const QStringList& notes() const { return m_notes; }
    bool fromDump() const { return m_fromDump; }
    int indexOf(const QString& path) const;

    // True when `name` looks like a backup copy: *.bak, *.backup*, *~, *.orig, *.old, *.save, *.swp, *.dpkg-*.
    static bool isBackupName(const QString& name);

private:
    bool parseInto(const QByteArray& text, const QString& path, ConfError* error);
    bool resolveIncludes(int fileIndex, std::vector<ConfNode>& nodes, QStringList& stack, ConfError* error);
    QStringList expand(const QString& pattern, int fileIndex, int line, bool* isGlob);
    QString absoluteFor(const QString& target, int fileIndex) const;

    std::deque<ConfFile> m_files;
    QList<GlobInclude> m_globs;
    QStringList m_notes;
    QStringList m_dumpPaths;
    QList<QByteArray> m_dumpTexts;
    LoadOptions m_options;
    bool m_fromDump = false;
};

} // namespace socketscope::nginx
