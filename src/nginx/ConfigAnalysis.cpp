// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/ConfigAnalysis.h"

#include "nginx/HaproxyConfig.h"
#include "nginx/NginxAnalyzer.h"

#include <QFile>
#include <QFileInfo>

namespace socketscope::nginx {

QByteArray ConfigReport::fixedText(const QString& path) const
{
    for (const FileFix& f : fixes) {
        if (f.path == path)
            return f.newText;
    }
    return originalText(path);
}

QByteArray ConfigReport::originalText(const QString& path) const
{
    for (const auto& f : files) {
        if (f.first == path)
            return f.second;
    }
    return {};
}

ConfigReport runConfigAnalysis(const ConfigAnalysisRequest& request)
{
    ConfigReport report;
    report.id = request.id;
    QByteArray text = request.text;
    QString path = request.path;
    if (text.isEmpty()) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            report.error = {path, 0, 0, QStringLiteral("cannot read: %1").arg(f.errorString())};
            return report;
        }
        if (f.size() > 64LL * 1024 * 1024) {
            report.error = {path, 0, 0, QStringLiteral("larger than 64 MiB: not a configuration file")};
            return report;
        }
        text = f.readAll();
        path = QFileInfo(path).absoluteFilePath();
    }
    if (request.kind == ConfigAnalysisRequest::Kind::Haproxy) {
        HaproxyConfig config;
        if (!HaproxyConfig::parse(text, path, &config, &report.error))
            return report;
        report.ok = true;
        report.mainPath = path;
        report.files.append({path, text});
        report.findings = HaproxyAnalyzer::lint(config, request.rules);
        const HaproxyFixResult fix = HaproxyAnalyzer::fix(config, request.rules);
        if (fix.newText != text)
            report.fixes.append({path, text, fix.newText, fix.diff});
        report.fixedRules = fix.fixedRules;
        return report;
    }
    NginxConfigSet set;
    const bool loaded = request.kind == ConfigAnalysisRequest::Kind::NginxDump
        ? set.loadDump(text, request.load, &report.error)
        : set.loadText(text, path, request.load, &report.error);
    if (!loaded)
        return report;
    report.ok = true;
    report.mainPath = set.files().front().path;
    for (const ConfFile& f : set.files())
        report.files.append({f.path, f.text});
    report.notes = set.notes();
    FixOptions options;
    options.rules = request.rules;
    // A pasted `{ nginx -v; nginx -T; } 2>&1` names the running version: findings name its defaults.
    if (request.kind == ConfigAnalysisRequest::Kind::NginxDump && !options.rules.serverVersion.known())
        options.rules.serverVersion = ServerVersion::fromDumpPrelude(text);
    options.onlyRules = request.onlyRules;
    const FixResult fix = NginxFixer::fixSet(set, options);
    report.findings = fix.before;
    report.fixes = fix.files;
    report.fixedRules = fix.fixedRules;
    report.notFixed = fix.notFixed;
    return report;
}

void ConfigAnalysisWorker::analyze(const ConfigAnalysisRequest& request)
{
    emit finished(runConfigAnalysis(request));
}

} // namespace socketscope::nginx
