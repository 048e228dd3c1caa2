// SPDX-License-Identifier: GPL-3.0-or-later
// `lint nginx|haproxy FILE` and `fix nginx|haproxy FILE`: the configuration rules from the command line.
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "nginx/HaproxyConfig.h"
#include "nginx/NginxAnalyzer.h"
#include "nginx/NginxConfigSet.h"
#include "nginx/NginxFixer.h"
#include "runbook/NginxFacts.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
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
    p.addValue(QStringLiteral("--nginx-version"));
    p.addValue(QStringLiteral("--haproxy-version"));
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
    // The running server's version (`nginx -v`, `haproxy -v`): messages say what it defaults to.
    const QString versionOption = in->kind == QLatin1String("nginx") ? QStringLiteral("--nginx-version") : QStringLiteral("--haproxy-version");
    const QString otherOption = in->kind == QLatin1String("nginx") ? QStringLiteral("--haproxy-version") : QStringLiteral("--nginx-version");
    if (p.isSet(otherOption)) {
        *ctx.err << cmd << ": " << otherOption << " does not apply to " << in->kind << '\n';
        return false;
    }
    if (p.isSet(versionOption)) {
        in->rules.serverVersion = ServerVersion::fromText(p.value(versionOption));
        if (!in->rules.serverVersion.known()) {
            *ctx.err << cmd << ": " << versionOption << " takes a version such as 1.22.1 (as `" << in->kind << " -v` prints it)\n";
            return false;
        }
    }
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

bool loadNginx(CliContext& ctx, Input& in, NginxConfigSet* set)
{
    QByteArray data;
    QString path;
    if (!readInput(ctx, in, &data, &path))
        return false;
    // `{ nginx -v; nginx -T; } 2>&1`: the version line comes before the first file of the dump.
    if (in.dumpT && !in.rules.serverVersion.known())
        in.rules.serverVersion = ServerVersion::fromDumpPrelude(data);
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

// `fix nginx DUMP --nginx-T --site FILE`: the index of the dump's file that is the site file read
// from the server. The dump names a file by the path nginx opened (a sites-enabled symlink, not
// the sites-available file), so it is found by its text; -1 with *why when none or several match.
int siteIndex(const NginxConfigSet& set, const QByteArray& site, QString* why)
{
    auto trimmed = [](QByteArray t) {
        while (t.endsWith('\n'))
            t.chop(1);
        return t;
    };
    int found = -1;
    int count = 0;
    for (int pass = 0; pass < 2 && count == 0; ++pass) {
        for (size_t i = 0; i < set.files().size(); ++i) {
            const QByteArray& text = set.files()[i].text;
            if (pass == 0 ? text == site : trimmed(text) == trimmed(site)) {
                found = int(i);
                ++count;
            }
        }
    }
    if (count == 1)
        return found;
    *why = count == 0
        ? QStringLiteral("the site file's text is not in the nginx -T dump: nginx does not load it, or the file "
                         "changed since nginx read it (run nginx -t, or reload first)")
        : QStringLiteral("%1 files of the nginx -T dump have the site file's text: cannot tell which one to fix")
              .arg(count);
    return -1;
}

// Why a backup in `dir` (already resolved on the server, e.g. `readlink -m`) would be loaded by
// nginx, by the runbook's rule; "" when the directory is safe.
QString backupDirProblem(const QString& dir, const QString& siteName, const QStringList& includePatterns)
{
    const QString clean = QDir::cleanPath(dir);
    switch (NginxFacts::backupDirRisk(clean, siteName, includePatterns)) {
    case NginxFacts::BackupDirRisk::LoadsEveryFile:
        return QStringLiteral("%1 is a directory nginx loads every file from").arg(clean);
    case NginxFacts::BackupDirRisk::Included:
        return QStringLiteral("nginx includes files from %1").arg(clean);
    case NginxFacts::BackupDirRisk::None:
        break;
    }
    return {};
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
    p.addValue(QStringLiteral("--site"));
    p.addValue(QStringLiteral("--backup-dir"));
    p.addFlag(QStringLiteral("--json"));
    Input in;
    if (!parseCommon(ctx, p, "fix", &in))
        return ExitUsage;
    const bool diff = p.isSet(QStringLiteral("--diff"));
    const bool json = p.isSet(QStringLiteral("--json"));
    const QString output = p.value(QStringLiteral("--output"));
    const QString siteArg = p.value(QStringLiteral("--site"));
    if (diff && !output.isEmpty()) {
        *ctx.err << "fix: --diff and -o are alternatives: choose one\n";
        return ExitUsage;
    }
    if (json && in.kind != QLatin1String("nginx")) {
        *ctx.err << "fix: --json reports on an nginx fix\n";
        return ExitUsage;
    }
    if (json && output.isEmpty()) {
        *ctx.err << "fix: --json reports on standard output: write the fixed file with -o FILE\n";
        return ExitUsage;
    }
    if ((!siteArg.isEmpty() || p.isSet(QStringLiteral("--backup-dir")))
        && (!in.dumpT || in.kind != QLatin1String("nginx"))) {
        *ctx.err
            << "fix: --site and --backup-dir pick a file of an nginx -T dump: use them with fix nginx DUMP --nginx-T\n";
        return ExitUsage;
    }
    QByteArray siteText;
    if (!siteArg.isEmpty()) {
        QFile f(siteArg);
        if (!f.open(QIODevice::ReadOnly)) {
            *ctx.err << siteArg << ": cannot read: " << f.errorString() << '\n';
            return ExitUsage;
        }
        siteText = f.readAll();
    }
    QJsonObject report;
    QByteArray oldText;
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
        int target = 0;
        if (!siteArg.isEmpty()) {
            QString why;
            target = siteIndex(set, siteText, &why);
            if (target < 0) {
                *ctx.err << "fix: " << siteArg << ": " << why << '\n';
                return ExitFinding;
            }
        }
        const QString targetPath = set.files()[size_t(target)].path;
        oldText = target == 0 || siteArg.isEmpty() ? set.files()[size_t(target)].text : siteText;
        newText = target == 0 ? r.newText : oldText;
        diffText.clear();
        for (const FileFix& f : r.files) {
            if (f.path == targetPath) {
                newText = f.newText;
                diffText = f.diff;
            } else {
                ++otherFiles;
            }
        }
        // The dump may have lost the file's last newline: keep the server's own ending.
        if (!siteArg.isEmpty() && set.files()[size_t(target)].text != siteText && newText != oldText) {
            qsizetype endings = 0;
            while (endings < siteText.size() && siteText.at(siteText.size() - 1 - endings) == '\n')
                ++endings;
            while (newText.endsWith('\n'))
                newText.chop(1);
            newText += QByteArray(endings, '\n');
        }
        if (siteArg.isEmpty())
            diffText = r.diff;
        fixedRules = r.fixedRules;
        notFixed = r.notFixed;
        if (json) {
            QStringList patterns;
            QString pidFile;
            if (in.dumpT) {
                QByteArray dump;
                for (size_t i = 0; i < set.files().size(); ++i)
                    dump += "# configuration file " + set.files()[i].path.toUtf8() + ":\n" + set.files()[i].text + '\n';
                patterns = NginxFacts::includePatterns(dump);
                pidFile = NginxFacts::directivePath(dump, QStringLiteral("pid"));
                if (!pidFile.isEmpty() && !in.load.prefix.isEmpty())
                    pidFile = NginxFacts::resolveAgainstPrefix(pidFile, in.load.prefix);
                // A path only: the playbook uses this value, and server text must never carry a template.
                static const QRegularExpression plainPath(QStringLiteral("^[A-Za-z0-9_./@+-]+$"));
                if (!plainPath.match(pidFile).hasMatch())
                    pidFile.clear();
            }
            report.insert(QStringLiteral("file"), targetPath);
            report.insert(QStringLiteral("include_patterns"), QJsonArray::fromStringList(patterns));
            report.insert(QStringLiteral("pid_file"), pidFile);
            if (p.isSet(QStringLiteral("--backup-dir")))
                report.insert(QStringLiteral("backup_dir_problem"),
                    backupDirProblem(
                        p.value(QStringLiteral("--backup-dir")), QFileInfo(targetPath).fileName(), patterns));
            report.insert(QStringLiteral("not_fixed"), findingsToJson(r.notFixed));
            report.insert(QStringLiteral("other_files_changed"), otherFiles);
        }
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
        if (json) {
            report.insert(QStringLiteral("changed"), newText != oldText);
            report.insert(QStringLiteral("output"), output);
            report.insert(QStringLiteral("fixed_rules"), QJsonArray::fromStringList(fixedRules));
            report.insert(QStringLiteral("sha256_before"), NginxFacts::sha256Hex(oldText));
            report.insert(QStringLiteral("sha256_after"), NginxFacts::sha256Hex(newText));
            report.insert(QStringLiteral("diff"), QString::fromUtf8(diffText));
            *ctx.out << QJsonDocument(report).toJson(QJsonDocument::Indented);
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
