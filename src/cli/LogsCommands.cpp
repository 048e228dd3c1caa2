// SPDX-License-Identifier: GPL-3.0-or-later
// socketscope-cli logs: print, grep, list problems in, or follow a log file.
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "cli/TerminalPrompt.h"
#include "cli/ProfileLookup.h"
#include "logs/HighlightRules.h"
#include "logs/LogFile.h"
#include "logs/LogSearch.h"
#include "logs/LogSource.h"
#include "logs/RemoteLogSource.h"
#include "profiles/ProfileLogs.h"
#include "ssh/SshWorker.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <charconv>
#include <cstdio>
#include <map>
#include <memory>
#include <vector>


namespace socketscope::cli {

using namespace socketscope::logs;

namespace {

// Raw line output: bytes exactly as in the file (no re-encoding), so `logs F --grep RE -n`
// prints what `grep -n RE F` prints. Lines are formatted into a buffer of our own and written
// 1 MiB at a time (one write() per MiB instead of three stdio calls per line).
class RawOut {
public:
    RawOut()
    {
        std::setvbuf(stdout, nullptr, _IOFBF, 1 << 20);
        m_buf.reserve(kFlushAt + 64 * 1024);
    }
    ~RawOut() { flush(); }
    RawOut(const RawOut&) = delete;
    RawOut& operator=(const RawOut&) = delete;
    void line(qint64 number, QByteArrayView text, bool numbers, QByteArrayView extra = {})
    {
        if (numbers) {
            char digits[24];
            const auto end = std::to_chars(digits, digits + sizeof digits, static_cast<long long>(number + 1)).ptr;
            m_buf.insert(m_buf.end(), digits, end);
            m_buf.push_back(':');
        }
        m_buf.insert(m_buf.end(), extra.begin(), extra.end());
        m_buf.insert(m_buf.end(), text.begin(), text.end());
        m_buf.push_back('\n');
        if (m_buf.size() >= kFlushAt)
            writeBuffered();
    }
    // Everything given so far reaches stdout (before anything printed another way).
    void flush()
    {
        writeBuffered();
        std::fflush(stdout);
    }

private:
    static constexpr std::size_t kFlushAt = 1 << 20;
    void writeBuffered()
    {
        if (!m_buf.empty())
            std::fwrite(m_buf.data(), 1, m_buf.size(), stdout);
        m_buf.clear();
    }
    std::vector<char> m_buf;
};

struct Options {
    bool numbers = false;
    bool count = false;
    bool problems = false;
    bool follow = false;
    bool explain = false;            // --explain: each rule's meaning and advice after the summary
    LineMatcher matcher;
    RuleSet rules;
    std::optional<LogFormat> format; // --source NAME or the profile's; detected from the first lines when unset
    QString formatFrom;              // where `format` came from, for the "source:" line
};

// Restricts the rules to the log's format (given, or detected from its first lines) and says
// which on stderr, so the problem lines on stdout stay what they were.
void applyFormat(CliContext& ctx, const LogFile& file, Options& o)
{
    const bool detected = !o.format;
    const LogFormat format = o.format ? *o.format
                                      : detectLogFormat(file.readRawLines(0, qMin(file.lineCount(), kFormatDetectLines), 2048));
    o.rules.setFormat(format);
    *ctx.err << "logs: source: " << logFormatId(format) << " — " << logFormatName(format)
             << (detected ? QStringLiteral(" (detected from the first lines; --source NAME overrides)")
                          : QStringLiteral(" (%1)").arg(o.formatFrom))
             << '\n';
    ctx.err->flush();
}

// Prints lines [from, to) according to the options; returns how many were selected. A search
// that stopped on an error (a pattern too complex for a line) sets *error.
qint64 emitRange(const LogFile& file, const Options& o, qint64 from, qint64 to, RawOut& out,
                 std::map<int, qint64>* perRule, QString* error)
{
    qint64 selected = 0;
    if (o.problems) {
        ProblemScan scan;
        const SearchStats stats = scanProblems(file, o.rules, from, to, scan);
        if (error)
            *error = stats.error;
        for (std::size_t i = 0; i < scan.lines.size(); ++i) {
            const qint64 line = scan.lines[i];
            const QByteArray text = file.readRawLines(line, 1, 0, true).value(0);
            if (!o.matcher.isEmpty() && !o.matcher.matches(QByteArrayView(text).chopped(text.endsWith('\r') ? 1 : 0)))
                continue;
            ++selected;
            if (perRule)
                ++(*perRule)[scan.rules[i]];
            if (!o.count)
                out.line(line, text, o.numbers, QByteArray("[" + o.rules.rules()[scan.rules[i]].id.toUtf8() + "] "));
        }
        return selected;
    }
    if (!o.matcher.isEmpty()) {
        std::vector<qint64> hits;
        const SearchStats stats = searchLines(file, o.matcher, from, to, hits, {}, {}, [&](qint64 line, QByteArrayView text) {
            if (!o.count)
                out.line(line, text, o.numbers);
        });
        if (error)
            *error = stats.error;
        return qint64(hits.size());
    }
    for (qint64 at = from; at < to; at += 10000) {
        const QList<QByteArray> lines = file.readRawLines(at, qMin<qint64>(10000, to - at), 0, true);
        for (qsizetype i = 0; i < lines.size(); ++i)
            out.line(at + i, lines[i], o.numbers);
    }
    return to - from;
}

// Lines that are complete (the last one may still be being written while following).
qint64 completeLines(const LogFile& file)
{
    return file.withIndex([](const LineIndex& index, qint64, quint64) { return index.lineCount(); });
}

// Prints what a whole (non-followed) log selects and returns the exit code.
int printAll(CliContext& ctx, const LogFile& file, Options o)
{
    if (o.problems)
        applyFormat(ctx, file, o);
    RawOut out;
    std::map<int, qint64> perRule;
    QString error;
    const qint64 selected = emitRange(file, o, 0, file.lineCount(), out, &perRule, &error);
    out.flush();
    if (o.count)
        std::fprintf(stdout, "%lld\n", static_cast<long long>(selected));
    std::fflush(stdout);
    if (!error.isEmpty()) { // like grep: exit 2 on an error, after what was found before it
        *ctx.err << "logs: --grep: " << error << '\n';
        ctx.err->flush();
        return ExitUsage;
    }
    if (o.problems && !o.count) {
        QStringList parts;
        for (const auto& [rule, n] : perRule)
            parts.append(QStringLiteral("%1 ×%2").arg(o.rules.rules()[rule].name).arg(n));
        *ctx.out << selected << (selected == 1 ? " problem line" : " problem lines")
                 << (parts.isEmpty() ? QString() : QStringLiteral(": ") + parts.join(QStringLiteral(", "))) << '\n';
        if (o.explain) {
            // What the Logs tab shows as each rule's tooltip: meaning, advice, the probe's cause id.
            for (const auto& [rule, n] : perRule) {
                const HighlightRule& r = o.rules.rules()[rule];
                *ctx.out << "  [" << r.id << "] " << r.name << " ×" << n << ": " << r.hint;
                if (!r.advice.isEmpty())
                    *ctx.out << " Advice: " << r.advice;
                if (!r.cause.isEmpty())
                    *ctx.out << " (probe cause: " << r.cause << ')';
                *ctx.out << '\n';
            }
        }
        ctx.out->flush();
    }
    if (o.problems)
        return selected > 0 ? ExitFinding : ExitOk;
    if (!o.matcher.isEmpty())
        return selected > 0 ? ExitOk : ExitFinding; // like grep: 1 when nothing matched
    return ExitOk;
}

// --grep on a whole local file: searched without building a line index (grepFile).
int grepLocal(CliContext& ctx, const QString& path, const Options& o)
{
    qint64 selected = 0;
    Result<SearchStats> stats = SearchStats{};
    {
        RawOut out;
        stats = grepFile(path, o.matcher, &selected, o.count ? MatchSink() : MatchSink([&](qint64 line, QByteArrayView text) {
            out.line(line, text, o.numbers);
        }));
        out.flush();
        if (o.count && stats)
            std::fprintf(stdout, "%lld\n", static_cast<long long>(selected));
        std::fflush(stdout);
    }
    if (!stats) {
        *ctx.err << "logs: " << stats.error() << '\n';
        return ExitUsage;
    }
    if (!stats->error.isEmpty()) { // like grep: exit 2 on an error, after what was found before it
        *ctx.err << "logs: --grep: " << stats->error << '\n';
        ctx.err->flush();
        return ExitUsage;
    }
    return selected > 0 ? ExitOk : ExitFinding; // like grep: 1 when nothing matched
}

// Follow: print each completed line as it arrives in `file` (source->grew()), until killed.
void followPrint(CliContext& ctx, LogSource* source, const std::shared_ptr<LogFile>& file, const Options& options)
{
    auto out = std::make_shared<RawOut>();
    auto printed = std::make_shared<qint64>(0);
    auto o = std::make_shared<Options>(options);
    auto formatKnown = std::make_shared<bool>(!o->problems);
    QObject::connect(source, &LogSource::grew, source, [file, o, out, printed, formatKnown, &ctx] {
        const auto r = file->update();
        if (!r) {
            *ctx.err << "logs: " << r.error() << '\n';
            ctx.err->flush();
            return;
        }
        if (r->change == LogFile::Change::Reset && *printed > 0) {
            *ctx.err << "logs: " << file->path() << " was truncated or replaced; following the new content\n";
            ctx.err->flush();
            *printed = 0;
        }
        const qint64 complete = completeLines(*file);
        if (complete > 0 && !*formatKnown) {
            applyFormat(ctx, *file, *o); // from the first lines that arrive
            *formatKnown = true;
        }
        if (complete > *printed) {
            QString error;
            emitRange(*file, *o, *printed, complete, *out, nullptr, &error);
            if (!error.isEmpty()) {
                *ctx.err << "logs: --grep: " << error << '\n';
                ctx.err->flush();
            }
            *printed = complete;
            out->flush();
        }
    });
}

// Which of a profile's logs to read: `--log NAME`, or `--remote NAME|PATH` (NAME: error/nginx,
// access, app, haproxy), else its nginx error log (its app log when it names none). The log's
// format comes from the profile (ProfileLogs.h) unless --source says otherwise.
struct ProfileLogChoice {
    QString path;
    std::optional<ProfileLog> log;
};

Result<ProfileLogChoice> chooseProfileLog(const ArgParser& p, const Profile& profile)
{
    using R = Result<ProfileLogChoice>;
    const bool byLog = p.isSet(QStringLiteral("--log"));
    const QString remote = p.value(QStringLiteral("--remote"));
    if (byLog && !remote.isEmpty())
        return R::failure(QStringLiteral("give either --log NAME or --remote PATH, not both"));
    const QString name = byLog ? p.value(QStringLiteral("--log")) : remote;
    ProfileLogChoice out;
    if (name.isEmpty())
        out.log = profile.logs.nginxErrorLog.isEmpty() && !profile.logs.appLog.isEmpty() ? ProfileLog::App : ProfileLog::NginxError;
    else
        out.log = profileLogFromId(name);
    if (!out.log && byLog) {
        QStringList names;
        for (ProfileLog l : allProfileLogs())
            names.append(profileLogId(l));
        return R::failure(QStringLiteral("--log %1: unknown log; one of %2").arg(name, names.join(QStringLiteral(", "))));
    }
    if (!out.log) { // --remote PATH: the profile's format when the path is one of its logs
        out.path = name;
        out.log = profileLogForPath(profile, name);
        return out;
    }
    out.path = profileLogPath(profile, *out.log);
    if (out.path.isEmpty())
        return R::failure(name.isEmpty() ? QStringLiteral("profile '%1' names no log file; give one with --remote PATH").arg(profile.name)
                                         : QStringLiteral("profile '%1' names no %2; set it in the profile or give --remote PATH")
                                               .arg(profile.name, profileLogName(*out.log)));
    return out;
}

// A profile's log over SSH: the whole file, or followed live with `tail -n N -F`.
int logsRemote(CliContext& ctx, const ArgParser& p, const Profile& profile, const QString& path, const Options& o)
{
    bool linesOk = true;
    const int tailLines = p.isSet(QStringLiteral("--lines")) ? p.value(QStringLiteral("--lines")).toInt(&linesOk) : 10;
    if (!linesOk || tailLines < 0) {
        *ctx.err << "logs: --lines needs a number of lines\n";
        return ExitUsage;
    }

    SshTarget sshTarget = SshTarget::fromProfile(profile.ssh);
    const SshCredentials credentials = sshCredentialsFromStdin(ctx, p.isSet(QStringLiteral("--password-stdin")),
                                                               p.isSet(QStringLiteral("--sudo-password-stdin")));
    const auto mode = o.follow ? RemoteLogSource::Mode::Follow : RemoteLogSource::Mode::WholeFile;
    auto* source = new RemoteLogSource(sshTarget, path, mode, tailLines, p.isSet(QStringLiteral("--sudo")),
                                       QCoreApplication::instance());
    SshWorker* w = source->worker();
    w->setAcceptNewHostKeys(p.isSet(QStringLiteral("--accept-new-host-key")));
    w->setCredentials(credentials);
    QObject::connect(w, &SshWorker::secretNeeded, source, [w](const SecretRequest& r) { w->answerSecret(promptHidden(r.prompt)); });
    auto file = std::make_shared<LogFile>(source->localPath());
    QObject::connect(source, &LogSource::failed, source, [&ctx](const QString& message) {
        *ctx.err << "logs: " << message << '\n';
        ctx.finish(ExitUsage);
    });
    QObject::connect(source, &RemoteLogSource::notice, source, [&ctx](const QString& message) {
        *ctx.err << "logs: remote: " << message << '\n';
        ctx.err->flush();
    });
    if (o.follow) {
        followPrint(ctx, source, file, o);
    } else {
        QObject::connect(source, &LogSource::stateChanged, source, [&ctx, file, o](LogSource::State state) {
            if (state != LogSource::State::Finished)
                return;
            const auto r = file->update();
            if (!r) {
                *ctx.err << "logs: " << r.error() << '\n';
                ctx.finish(ExitUsage);
                return;
            }
            ctx.finish(printAll(ctx, *file, o));
        });
    }
    source->start();
    return ExitAsync;
}

} // namespace

int cmdLogs(CliContext& ctx)
{
    ArgParser p;
    p.addValue(QStringLiteral("--remote"));
    p.addValue(QStringLiteral("--log"));
    p.addValue(QStringLiteral("--grep"), QStringLiteral("-e"));
    p.addValue(QStringLiteral("--rules"));
    p.addValue(QStringLiteral("--source"));
    p.addFlag(QStringLiteral("--follow"), QStringLiteral("-f"));
    p.addFlag(QStringLiteral("--problems"));
    p.addFlag(QStringLiteral("--explain"));
    p.addFlag(QStringLiteral("--line-numbers"), QStringLiteral("-n"));
    p.addFlag(QStringLiteral("--ignore-case"), QStringLiteral("-i"));
    p.addFlag(QStringLiteral("--fixed-strings"), QStringLiteral("-F"));
    p.addFlag(QStringLiteral("--count"), QStringLiteral("-c"));
    p.addValue(QStringLiteral("--lines"));
    p.addFlag(QStringLiteral("--accept-new-host-key"));
    p.addFlag(QStringLiteral("--password-stdin"));
    p.addFlag(QStringLiteral("--sudo"));
    p.addFlag(QStringLiteral("--sudo-password-stdin"));
    if (!p.parse(ctx.args) || p.positionals().size() != 1) {
        *ctx.err << "logs: " << (p.error().isEmpty() ? QStringLiteral("expected one PROFILE_OR_FILE") : p.error()) << '\n'
                 << "usage: logs PROFILE_OR_FILE [--log error|access|app|haproxy | --remote PATH] [--follow] [--grep RE [-i] [-F]] [--problems [--source NAME] [--explain]] [-n] [-c]\n";
        return ExitUsage;
    }
    const QString target = p.positionals().first();
    const bool looksLikePath = target.contains(QLatin1Char('/')) || target.contains(QLatin1Char('\\'))
                               || QFileInfo::exists(target);
    const bool profileTarget = p.isSet(QStringLiteral("--remote")) || p.isSet(QStringLiteral("--log")) || !looksLikePath;

    Options o;
    o.numbers = p.isSet(QStringLiteral("--line-numbers"));
    o.count = p.isSet(QStringLiteral("--count"));
    o.problems = p.isSet(QStringLiteral("--problems"));
    o.follow = p.isSet(QStringLiteral("--follow"));
    o.explain = p.isSet(QStringLiteral("--explain"));
    if (p.isSet(QStringLiteral("--grep"))) {
        SearchQuery q;
        q.pattern = p.value(QStringLiteral("--grep"));
        q.regex = !p.isSet(QStringLiteral("--fixed-strings"));
        q.caseSensitive = !p.isSet(QStringLiteral("--ignore-case"));
        if (q.pattern.isEmpty()) {
            *ctx.err << "logs: --grep needs a non-empty pattern\n";
            return ExitUsage;
        }
        auto m = LineMatcher::compile(q);
        if (!m) {
            *ctx.err << "logs: --grep: " << m.error() << '\n';
            return ExitUsage;
        }
        o.matcher = *m;
    }
    if (o.problems) {
        o.rules = RuleSet::builtin();
        // --rules FILE_OR_DIR replaces the default places (log-rules.json, then log-rules.d/*.json).
        const QStringList sources = p.isSet(QStringLiteral("--rules")) ? QStringList{p.value(QStringLiteral("--rules"))}
                                                                       : RuleSet::defaultUserRuleSources();
        const RuleSet::UserRules user = RuleSet::loadUserRuleSources(sources);
        if (!user.errors.isEmpty()) {
            for (const QString& e : user.errors)
                *ctx.err << "logs: " << e << '\n';
            return ExitUsage;
        }
        o.rules.mergeRules(user.rules);
    }
    if (p.isSet(QStringLiteral("--source"))) {
        const QString name = p.value(QStringLiteral("--source"));
        if (name != QLatin1String("auto")) {
            o.format = logFormatFromId(name);
            if (!o.format) {
                QStringList names{QStringLiteral("auto")};
                for (LogFormat f : allLogFormats())
                    names.append(logFormatId(f));
                *ctx.err << "logs: --source " << name << ": unknown source; one of " << names.join(QStringLiteral(", ")) << '\n';
                return ExitUsage;
            }
            o.formatFrom = QStringLiteral("--source");
        }
    }

    QString path = target;
    if (profileTarget) {
        const auto profile = loadProfileForCli(ctx, target);
        if (!profile) {
            *ctx.err << "logs: " << profile.error() << '\n';
            return ExitUsage;
        }
        const auto choice = chooseProfileLog(p, *profile);
        if (!choice) {
            *ctx.err << "logs: " << choice.error() << '\n';
            return ExitUsage;
        }
        if (!o.format && choice->log) {
            o.format = profileLogFormat(*profile, *choice->log);
            o.formatFrom = QStringLiteral("the profile's %1").arg(profileLogName(*choice->log));
        }
        if (profile->ssh.isConfigured())
            return logsRemote(ctx, p, *profile, choice->path, o);
        if (p.isSet(QStringLiteral("--remote"))) {
            *ctx.err << "logs: profile '" << profile->name << "' has no SSH access configured (host, user)\n";
            return ExitUsage;
        }
        path = choice->path; // a profile without SSH access: its logs are on this machine
    }

    if (!o.follow && !o.problems && !o.matcher.isEmpty())
        return grepLocal(ctx, path, o);

    auto file = std::make_shared<LogFile>(path);
    const auto indexed = file->update();
    if (!indexed) {
        *ctx.err << "logs: " << indexed.error() << '\n';
        return ExitUsage;
    }
    ctx.out->flush();
    if (!o.follow)
        return printAll(ctx, *file, o);

    auto* source = new LocalFileSource(path, true, QCoreApplication::instance());
    followPrint(ctx, source, file, o);
    source->start();
    return ExitAsync;
}

} // namespace socketscope::cli
