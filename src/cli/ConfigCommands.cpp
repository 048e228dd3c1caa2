// SPDX-License-Identifier: GPL-3.0-or-later
// `lint nginx|haproxy FILE` and `fix nginx|haproxy FILE`: the configuration rules from the command line.
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "nginx/HaproxyConfig.h"
#include "nginx/NginxAnalyzer.h"
#include "nginx/NginxConfigSet.h"
#include "nginx/NginxFixer.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

namespace socketscope::cli {

using namespace socketscope::nginx;

namespace {

struct Input {
    QString kind;       // "nginx" | "haproxy"
    QString file;       // "-" = stdin
    bool dumpT = false;
    RuleOptions rules;
    LoadOptions load;
};

bool parseCommon(CliContext& ctx, ArgParser& p, const char* command, Input* in)
{
    p.addFlag(QStringLiteral("--nginx-T"));
    p.addValue(QStringLiteral("--threshold"));
    p.addValue(QStringLiteral("--suggested"));
    p.addValue(QStringLiteral("--endpoint"));
    p.addValue(QStringLiteral("--mark"));
    p.addValue(QStringLiteral("--prefix"));
    p.addFlag(QStringLiteral("--no-include"));
    const QString cmd = QString::fromLatin1(command);
    if (!p.parse(ctx.args)) {
        *ctx.err << cmd << ": " << p.error() << '\n';
        return false;
    }
    const QStringList pos = p.positionals();
    if (pos.size() != 2 || (pos.at(0) != QLatin1String("nginx") && pos.at(0) != QLatin1String("haproxy"))) {
        *ctx.err << cmd << ": usage: " << cmd << " nginx|haproxy FILE [options] (see --help)\n";
        return false;
    }
    in->kind = pos.at(0);
    in->file = pos.at(1);
    in->dumpT = p.isSet(QStringLiteral("--nginx-T"));
    const auto threshold = p.number(QStringLiteral("--threshold"), in->rules.thresholdSeconds);
    const auto suggested = p.number(QStringLiteral("--suggested"), in->rules.suggestedSeconds);
    if (!threshold || !suggested || *threshold <= 0 || *suggested <= 0) {
        *ctx.err << cmd << ": --threshold and --suggested take a positive number of seconds\n";
        return false;
    }
    in->rules.thresholdSeconds = *threshold;
    in->rules.suggestedSeconds = qMax(*suggested, *threshold);
    in->rules.endpointPaths = p.values(QStringLiteral("--endpoint"));
    in->rules.markedLocations = p.values(QStringLiteral("--mark"));
    in->load.prefix = p.value(QStringLiteral("--prefix"));
    in->load.followIncludes = !p.isSet(QStringLiteral("--no-include"));
    if (in->dumpT && in->kind != QLatin1String("nginx")) {
        *ctx.err << cmd << ": --nginx-T reads `nginx -T` output; it does not apply to haproxy\n";
        return false;
    }
    return true;
}

bool readInput(CliContext& ctx, const Input& in, QByteArray* data, QString* path)
{
    if (in.file == QLatin1String("-")) {
        *data = ctx.readStdin();
        data->append('\n');
        *path = in.dumpT ? QStringLiteral("<nginx -T>") : QStringLiteral("<stdin>");
        return true;
    }
    QFile f(in.file);
    if (!f.open(QIODevice::ReadOnly)) {
        *ctx.err << in.file << ": cannot read: " << f.errorString() << '\n';
        return false;
    }
    if (f.size() > 64LL * 1024 * 1024) {
        *ctx.err << in.file << ": larger than 64 MiB: not a configuration file\n";
        return false;
    }
    *data = f.readAll();
    *path = QFileInfo(in.file).absoluteFilePath();
    return true;
}

bool loadNginx(CliContext& ctx, const Input& in, NginxConfigSet* set)
{
    QByteArray data;
    QString path;
    if (!readInput(ctx, in, &data, &path))
        return false;
    ConfError error;
    const bool ok = in.dumpT ? set->loadDump(data, in.load, &error) : set->loadText(data, path, in.load, &error);
    if (!ok) {
        *ctx.err << error.toString() << '\n';
        return false;
    }
    for (const QString& note : set->notes())
        *ctx.err << "note: " << note << '\n';
    return true;
}

bool loadHaproxy(CliContext& ctx, const Input& in, HaproxyConfig* config)
{
    QByteArray data;
    QString path;
    if (!readInput(ctx, in, &data, &path))
        return false;
    ConfError error;
    if (!HaproxyConfig::parse(data, path, config, &error)) {
        *ctx.err << error.toString() << '\n';
        return false;
    }
    return true;
}

void printFindings(CliContext& ctx, const ConfigFindings& findings, bool json)
{
    if (json) {
        *ctx.out << QJsonDocument(findingsToJson(findings)).toJson(QJsonDocument::Indented);
        return;
    }
    int errors = 0;
    int warnings = 0;
    for (const ConfigFinding& f : findings) {
        *ctx.out << f.file << ':' << f.line << ": " << f.rule << ' ' << f.severity << ": " << f.message << '\n'
                 << "    fix: " << f.fix << '\n';
        errors += f.severity == QLatin1String("error");
        warnings += f.severity == QLatin1String("warning");
    }
    if (findings.isEmpty())
        *ctx.out << "clean: no WebSocket findings\n";
    else
        *ctx.out << findings.size() << " finding(s): " << errors << " error(s), " << warnings << " warning(s), "
                 << (findings.size() - errors - warnings) << " info\n";
}

} // namespace

int cmdLint(CliContext& ctx)
{
    ArgParser p;
    p.addFlag(QStringLiteral("--dump"));
    p.addFlag(QStringLiteral("--json"));
    Input in;
    if (!parseCommon(ctx, p, "lint", &in))
        return ExitUsage;
    const bool json = p.isSet(QStringLiteral("--json"));
    const bool dump = p.isSet(QStringLiteral("--dump"));
    ConfigFindings findings;
    if (in.kind == QLatin1String("nginx")) {
        NginxConfigSet set;
        if (!loadNginx(ctx, in, &set))
            return ExitUsage;
        if (dump) {
            for (const ConfFile& f : set.files())
                *ctx.out << NginxParser::dump(f) << '\n';
            if (!json)
                return ExitOk;
        }
        findings = NginxAnalyzer::lint(set, in.rules);
    } else {
        HaproxyConfig config;
        if (!loadHaproxy(ctx, in, &config))
            return ExitUsage;
        if (dump) {
            *ctx.out << config.dump() << '\n';
            if (!json)
                return ExitOk;
        }
        findings = HaproxyAnalyzer::lint(config, in.rules);
    }
    printFindings(ctx, findings, json);
    // Info findings (WS010) are advice: they are listed but do not fail the lint.
    for (const ConfigFinding& f : findings) {
        if (f.severity != QLatin1String("info"))
            return ExitFinding;
    }
    return ExitOk;
}

int cmdFix(CliContext& ctx)
{
    ArgParser p;
    p.addFlag(QStringLiteral("--diff"));
    p.addValue(QStringLiteral("--output"), QStringLiteral("-o"));
    p.addValue(QStringLiteral("--rules"));
    p.addFlag(QStringLiteral("--no-comment"));
    Input in;
    if (!parseCommon(ctx, p, "fix", &in))
        return ExitUsage;
    const bool diff = p.isSet(QStringLiteral("--diff"));
    const QString output = p.value(QStringLiteral("--output"));
    if (diff && !output.isEmpty()) {
        *ctx.err << "fix: --diff and -o are alternatives: choose one\n";
        return ExitUsage;
    }
    QByteArray newText;
    QByteArray diffText;
    QStringList fixedRules;
    ConfigFindings notFixed;
    int otherFiles = 0;
    if (in.kind == QLatin1String("nginx")) {
        NginxConfigSet set;
        if (!loadNginx(ctx, in, &set))
            return ExitUsage;
        FixOptions options;
        options.rules = in.rules;
        options.addComment = !p.isSet(QStringLiteral("--no-comment"));
        const QString rules = p.value(QStringLiteral("--rules"));
        if (!rules.isEmpty())
            options.onlyRules = rules.toUpper().split(QLatin1Char(','), Qt::SkipEmptyParts);
        const FixResult r = NginxFixer::fixSet(set, options);
        newText = r.newText;
        diffText = r.diff;
        fixedRules = r.fixedRules;
        notFixed = r.notFixed;
        for (const FileFix& f : r.files)
            otherFiles += f.path != set.files().front().path;
    } else {
        HaproxyConfig config;
        if (!loadHaproxy(ctx, in, &config))
            return ExitUsage;
        const HaproxyFixResult r = HaproxyAnalyzer::fix(config, in.rules);
        newText = r.newText;
        diffText = r.diff;
        fixedRules = r.fixedRules;
    }
    for (const ConfigFinding& f : notFixed)
        *ctx.err << "not fixed: " << f.file << ':' << f.line << ": " << f.rule << ": " << f.message << "\n    do: " << f.fix << '\n';
    *ctx.err << (fixedRules.isEmpty() ? QStringLiteral("nothing to fix")
                                      : QStringLiteral("fixed: ") + fixedRules.join(QStringLiteral(", "))) << '\n';
    if (diff) {
        *ctx.out << QString::fromUtf8(diffText);
        return ExitOk;
    }
    if (otherFiles > 0)
        *ctx.err << "note: " << otherFiles << " included file(s) also change; use --diff to see every file\n";
    if (!output.isEmpty()) {
        QSaveFile f(output);
        if (!f.open(QIODevice::WriteOnly) || f.write(newText) != newText.size() || !f.commit()) {
            *ctx.err << output << ": cannot write: " << f.errorString() << '\n';
            return ExitFinding;
        }
        return ExitOk;
    }
    ctx.out->flush();
    QFile stdoutFile;
    if (stdoutFile.open(stdout, QIODevice::WriteOnly)) {
        stdoutFile.write(newText);
        stdoutFile.flush();
    }
    return ExitOk;
}

} // namespace socketscope::cli
