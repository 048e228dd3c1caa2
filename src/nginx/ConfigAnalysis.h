// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One call that reads, parses, lints and fixes a configuration (nginx file, `nginx -T` output or
// HAProxy file), and a worker object that runs it off the UI thread for the Config panel.

#include "nginx/ConfigFinding.h"
#include "nginx/NginxConfig.h"
#include "nginx/NginxConfigSet.h"
#include "nginx/NginxFixer.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPair>
#include <QString>

namespace socketscope::nginx {

struct ConfigAnalysisRequest {
    enum class Kind { Nginx, NginxDump, Haproxy };
    Kind kind = Kind::Nginx;
    QString path;            // file to read when text is empty; the name shown otherwise
    QByteArray text;         // pasted text (optional)
    RuleOptions rules;
    LoadOptions load;
    QStringList onlyRules;   // nginx: the rules the fix addresses (FixOptions::onlyRules); empty: the default set
    quint64 id = 0;          // echoed in the report (newer requests supersede older ones)
};

struct ConfigReport {
    quint64 id = 0;
    bool ok = false;
    ConfError error;                              // when !ok: where and why it failed
    QString mainPath;
    QList<QPair<QString, QByteArray>> files;      // every file read (main first)
    ConfigFindings findings;
    QList<FileFix> fixes;                         // changed files, with new text and diff
    QStringList fixedRules;
    ConfigFindings notFixed;
    QStringList notes;
    // The fixed text of `path` (the original text when the fix does not touch it).
    QByteArray fixedText(const QString& path) const;
    QByteArray originalText(const QString& path) const;
};

// Runs the whole analysis synchronously (any thread).
ConfigReport runConfigAnalysis(const ConfigAnalysisRequest& request);

// Lives on a worker thread; analyze() is called queued, finished() comes back queued.
class ConfigAnalysisWorker : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    void analyze(const socketscope::nginx::ConfigAnalysisRequest& request);

signals:
    void finished(const socketscope::nginx::ConfigReport& report);
};

} // namespace socketscope::nginx

Q_DECLARE_METATYPE(socketscope::nginx::ConfigAnalysisRequest)
Q_DECLARE_METATYPE(socketscope::nginx::ConfigReport)
