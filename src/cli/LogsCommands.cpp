// SPDX-License-Identifier: GPL-3.0-or-later
// socketscope-cli logs: print, grep, list problems in, or follow a log file.
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "logs/HighlightRules.h"
#include "logs/LogFile.h"
#include "logs/LogSearch.h"
#include "logs/LogSource.h"

#include <QCoreApplication>
#include <QFileInfo>

#include <cstdio>
#include <map>
#include <memory>

namespace socketscope::cli {

using namespace socketscope::logs;

namespace {

// Raw line output: bytes exactly as in the file (no re-encoding), so `logs F --grep RE -n`
// prints what `grep -n RE F` prints.
class RawOut {
public:
    RawOut() { std::setvbuf(stdout, nullptr, _IOFBF, 1 << 20); }
    ~RawOut() { std::fflush(stdout); }
    void line(qint64 number, QByteArrayView text, bool numbers, QByteArrayView extra = {})
    {
        if (numbers)
            std::fprintf(stdout, "%lld:", static_cast<long long>(number + 1));
        if (!extra.isEmpty())
            std::fwrite(extra.data(), 1, std::size_t(extra.size()), stdout);
        std::fwrite(text.data(), 1, std::size_t(text.size()), stdout);
        std::fputc('\n', stdout);
    }
    void flush() { std::fflush(stdout); }
};

struct Options {
    bool numbers = false;
    bool count = false;
    bool problems = false;
    bool follow = false;
    LineMatcher matcher;
    RuleSet rules;
};

// Prints lines [from, to) according to the options; returns how many were selected.
qint64 emitRange(const LogFile& file, const Options& o, qint64 from, qint64 to, RawOut& out,
                 std::map<int, qint64>* perRule)
{
    qint64 selected = 0;
    if (o.problems) {
        ProblemScan scan;
        scanProblems(file, o.rules, from, to, scan);
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
        searchLines(file, o.matcher, from, to, hits, {}, {}, [&](qint64 line, QByteArrayView text) {
            if (!o.count)
                out.line(line, text, o.numbers);
        });
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

} // namespace

int cmdLogs(CliContext& ctx)
{
    ArgParser p;
    p.addValue(QStringLiteral("--remote"));
    p.addValue(QStringLiteral("--grep"), QStringLiteral("-e"));
    p.addValue(QStringLiteral("--rules"));
    p.addFlag(QStringLiteral("--follow"), QStringLiteral("-f"));
    p.addFlag(QStringLiteral("--problems"));
    p.addFlag(QStringLiteral("--line-numbers"), QStringLiteral("-n"));
    p.addFlag(QStringLiteral("--ignore-case"), QStringLiteral("-i"));
    p.addFlag(QStringLiteral("--fixed-strings"), QStringLiteral("-F"));
    p.addFlag(QStringLiteral("--count"), QStringLiteral("-c"));
    if (!p.parse(ctx.args) || p.positionals().size() != 1) {
        *ctx.err << "logs: " << (p.error().isEmpty() ? QStringLiteral("expected one PROFILE_OR_FILE") : p.error()) << '\n'
                 << "usage: logs PROFILE_OR_FILE [--remote PATH] [--follow] [--grep RE [-i] [-F]] [--problems] [-n] [-c]\n";
        return ExitUsage;
    }
    const QString target = p.positionals().first();
    const bool looksLikePath = target.contains(QLatin1Char('/')) || target.contains(QLatin1Char('\\'))
                               || QFileInfo::exists(target);
    if (p.isSet(QStringLiteral("--remote")) || !looksLikePath) {
        *ctx.err << "logs: '" << target << "' is not a file here. Reading a profile's remote log needs SSH "
                    "support, which this build does not have yet; copy the file locally and pass its path.\n";
        return ExitUsage;
    }

    Options o;
    o.numbers = p.isSet(QStringLiteral("--line-numbers"));
    o.count = p.isSet(QStringLiteral("--count"));
    o.problems = p.isSet(QStringLiteral("--problems"));
    o.follow = p.isSet(QStringLiteral("--follow"));
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
        const QString rulesFile = p.value(QStringLiteral("--rules"), RuleSet::userRulesPath());
        auto user = RuleSet::loadUserRules(rulesFile);
        if (!user) {
            *ctx.err << "logs: " << user.error() << '\n';
            return ExitUsage;
        }
        o.rules.merge(*user);
    }

    auto file = std::make_shared<LogFile>(target);
    const auto indexed = file->update();
    if (!indexed) {
        *ctx.err << "logs: " << indexed.error() << '\n';
        return ExitUsage;
    }
    ctx.out->flush();

    if (!o.follow) {
        RawOut out;
        std::map<int, qint64> perRule;
        const qint64 selected = emitRange(*file, o, 0, file->lineCount(), out, &perRule);
        if (o.count)
            std::fprintf(stdout, "%lld\n", static_cast<long long>(selected));
        out.flush();
        if (o.problems && !o.count) {
            QStringList parts;
            for (const auto& [rule, n] : perRule)
                parts.append(QStringLiteral("%1 ×%2").arg(o.rules.rules()[rule].name).arg(n));
            *ctx.out << selected << (selected == 1 ? " problem line" : " problem lines")
                     << (parts.isEmpty() ? QString() : QStringLiteral(": ") + parts.join(QStringLiteral(", "))) << '\n';
            ctx.out->flush();
        }
        if (o.problems)
            return selected > 0 ? ExitFinding : ExitOk;
        if (!o.matcher.isEmpty())
            return selected > 0 ? ExitOk : ExitFinding; // like grep: 1 when nothing matched
        return ExitOk;
    }

    // Follow: print what is there, then each completed line as it is appended, until killed.
    auto out = std::make_shared<RawOut>();
    auto printed = std::make_shared<qint64>(completeLines(*file));
    emitRange(*file, o, 0, *printed, *out, nullptr);
    out->flush();
    auto* source = new LocalFileSource(target, true, QCoreApplication::instance());
    QObject::connect(source, &LogSource::grew, source, [file, o, out, printed, &ctx] {
        const auto r = file->update();
        if (!r) {
            *ctx.err << "logs: " << r.error() << '\n';
            ctx.err->flush();
            return;
        }
        if (r->change == LogFile::Change::Reset) {
            *ctx.err << "logs: " << file->path() << " was truncated or replaced; following the new content\n";
            ctx.err->flush();
            *printed = 0;
        }
        const qint64 complete = completeLines(*file);
        if (complete > *printed) {
            emitRange(*file, o, *printed, complete, *out, nullptr);
            *printed = complete;
            out->flush();
        }
    });
    source->start();
    return ExitAsync;
}

} // namespace socketscope::cli
