// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Which targets the exporter may probe (--allow PATTERN, repeatable). A pattern is
//   [SCHEME://]HOST[:PORT][/PATH]
// with OpenSSH-style globs ('*', '?') matched part by part: the scheme (default: ws and wss), the
// host, the port (default: any) and the path with its query (default: any). A '*' in the host never
// reaches into the path, so "*.example.com" cannot be satisfied by "evil.test/x.example.com".
// No pattern given: every ws:// and wss:// target is allowed.

#include <QString>
#include <QStringList>
#include <QUrl>

namespace socketscope {

class TargetAllowList {
public:
    // False with *error naming the malformed pattern.
    bool add(const QString& pattern, QString* error);
    bool isEmpty() const { return m_patterns.isEmpty(); }
    bool allows(const QUrl& target) const;

private:
    struct Pattern {
        QString scheme; // "" = ws or wss
        QString host; // lower-case
        QString port; // "" = any
        QString path; // "" = any
    };
    QList<Pattern> m_patterns;
};

} // namespace socketscope
