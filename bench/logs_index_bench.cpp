// SPDX-License-Identifier: GPL-3.0-or-later
// logs_index_bench: indexes a 1 GiB synthetic nginx/Neo4j log and searches it for a literal with
// line numbers, next to `rg -n` (or `grep -n` when ripgrep is absent) run on the same file in the
// same run; then the problem scan (every built-in rule set, and only one format's sets) next to
// a plain literal search and to `rg -n -P` of the same alternation. The file is generated in /tmp
// (or --dir) and deleted afterwards.
//
//   logs_index_bench [--size-mib N] [--runs N] [--dir DIR]
//   logs_index_bench --generate PATH [--size-mib N]     (only writes the file)
#include "logs/HighlightRules.h"
#include "logs/LogFile.h"
#include "logs/LogFormat.h"
#include "logs/LogSearch.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

using namespace socketscope::logs;

namespace {

// 64 MiB of varied seed-like lines, written repeatedly (line numbers stay distinct).
QByteArray makeChunk(qint64 bytes)
{
    static const char* const templates[] = {
        "2026/01/28 10:%02d:%02d [error] 1234#1234: *%d upstream timed out (110: Connection timed out) while proxying upgraded connection, client: 10.0.%d.%d, server: neo4jprod.example.com, request: \"GET / HTTP/1.1\", upstream: \"http://127.0.0.1:7687/\"",
        "2026/01/28 10:%02d:%02d [info] 1234#1234: *%d client 10.0.%d.%d closed keepalive connection",
        "2026-01-28 09:%02d:%02d.123+0000 INFO  [o.n.b.t.p.ProtocolHandshaker] Connection %d accepted from 10.0.%d.%d:51234",
        "2026-01-28 09:%02d:%02d.456+0000 ERROR [o.n.b.t.TransportSelectionHandler] ClientTimeoutException: Terminated connection 'bolt-%d' as the client failed to authenticate within 30000 ms. (%d/%d)",
        "2026/01/28 10:%02d:%02d [warn] 1234#1234: *%d an upstream response is buffered to a temporary file, client: 10.0.%d.%d",
        "2026-01-28 09:%02d:%02d.789+0000 INFO  [o.n.s.CheckPointerImpl] Checkpoint triggered by \"Scheduled checkpoint\" @ txId: %d, %d/%d pages flushed",
        "2026/01/28 10:%02d:%02d [error] 1234#1234: *%d recv() failed (104: Connection reset by peer) while proxying upgraded connection, client: 10.0.%d.%d",
        "2026-01-28 09:%02d:%02d.001+0000 DEBUG [o.n.k.i.p.Procedures] routine %d completed in %d ms (%d)",
        "2026-01-28 09:%02d:%02d.002+0000 INFO  [o.n.k.i.t.l.c.CheckPointerImpl] tx %d committed %d %d",
    };
    std::mt19937 rng(42);
    QByteArray out;
    out.reserve(qsizetype(bytes + 1024));
    char buf[512];
    while (out.size() < bytes) {
        // Weights: mostly INFO/DEBUG chatter, some errors, rare timeouts (realistic density).
        const auto r = unsigned(rng() % 100);
        const int t = r < 3 ? 0 : r < 30 ? 1 : r < 50 ? 2 : r < 52 ? 3 : r < 57 ? 4 : r < 70 ? 5 : r < 73 ? 6 : r < 88 ? 7 : 8;
        const int n = std::snprintf(buf, sizeof buf, templates[t], int(rng() % 60), int(rng() % 60), int(rng() % 1000000),
                                    int(rng() % 256), int(rng() % 256));
        out.append(buf, n);
        out.append('\n');
    }
    return out;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// Runs a reference tool with its output written to `outFile` (not /dev/null: GNU grep stops at
// the first match when its output is /dev/null); returns seconds (or -1).
double timeTool(const QString& program, const QStringList& args, const QString& outFile)
{
    QProcess p;
    p.setStandardOutputFile(outFile);
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    if (!p.waitForFinished(-1))
        return -1;
    return double(t.nsecsElapsed()) / 1e9;
}

// Writes sizeMiB of the synthetic log (whole lines) to path.
bool writeSynthetic(const QString& path, qint64 sizeMiB)
{
    const QByteArray chunk = makeChunk(64LL * 1024 * 1024);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    qint64 written = 0;
    while (written < sizeMiB * 1024 * 1024) {
        const qint64 n = qMin<qint64>(chunk.size(), sizeMiB * 1024 * 1024 - written);
        const qint64 cut = chunk.lastIndexOf('\n', qsizetype(n - 1)) + 1; // whole lines
        if (f.write(chunk.constData(), cut) != cut)
            return false;
        written += cut;
        if (cut < n)
            break;
    }
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    qint64 sizeMiB = 1024;
    int runs = 3;
    QString dir = QStringLiteral("/tmp");
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); ++i) {
        if (args[i] == QLatin1String("--size-mib"))
            sizeMiB = args[i + 1].toLongLong();
        else if (args[i] == QLatin1String("--runs"))
            runs = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--dir"))
            dir = args[i + 1];
    }
    // --generate PATH: only write the synthetic log (bench/logs_grep_bench.sh searches it).
    if (const qsizetype g = args.indexOf(QStringLiteral("--generate")); g > 0 && g + 1 < args.size())
        return writeSynthetic(args[g + 1], sizeMiB) ? 0 : 2;
    QTemporaryDir tmp(dir + QStringLiteral("/logs_index_bench-XXXXXX"));
    const QString path = tmp.filePath(QStringLiteral("synthetic.log"));
    if (!writeSynthetic(path, sizeMiB))
        return 2;
    const qint64 bytes = QFile(path).size();
    // Warm the page cache (the goal is stated for a warm file).
    {
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        QByteArray b(8 << 20, Qt::Uninitialized);
        while (f.read(b.data(), b.size()) > 0) {
        }
    }
    std::printf("file: %s, %.2f GiB\n", qPrintable(path), double(bytes) / (1 << 30));

    // 1. Indexing.
    std::vector<double> indexTimes;
    qint64 lines = 0;
    double bytesPerLine = 0;
    for (int r = 0; r < runs; ++r) {
        LogFile file(path);
        QElapsedTimer t;
        t.start();
        const auto res = file.update();
        indexTimes.push_back(double(t.nsecsElapsed()) / 1e9);
        if (!res)
            return 2;
        lines = file.lineCount();
        bytesPerLine = file.indexBytesPerLine();
    }
    const QString wc = QStandardPaths::findExecutable(QStringLiteral("wc"));
    std::vector<double> wcTimes;
    for (int r = 0; r < runs; ++r)
        wcTimes.push_back(timeTool(wc, {QStringLiteral("-l"), path}, tmp.filePath(QStringLiteral("wc.out"))));
    std::printf("\nindex: %lld lines, %.3f index bytes/line\n", static_cast<long long>(lines), bytesPerLine);
    std::printf("  LogFile::update   median %.3f s  -> %.2f GB/s (best %.3f s)\n", median(indexTimes),
                double(bytes) / median(indexTimes) / 1e9, *std::min_element(indexTimes.begin(), indexTimes.end()));
    std::printf("  reference wc -l   median %.3f s  -> %.2f GB/s\n", median(wcTimes), double(bytes) / median(wcTimes) / 1e9);

    // 2. Literal search with line numbers, "N:line" written to a file (the reference writes one too).
    LogFile file(path);
    file.update();
    const QString rg = QStandardPaths::findExecutable(QStringLiteral("rg"));
    const QString ref = rg.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("grep")) : rg;
    const QString refName = rg.isEmpty() ? QStringLiteral("grep -n") : QStringLiteral("rg -n");
    std::printf("\nliteral search with line numbers (output to a file), reference: %s\n", qPrintable(refName));
    for (const char* pattern : {"upstream timed out", "bolt-424242'", "Connection reset by peer"}) {
        SearchQuery q;
        q.pattern = QString::fromUtf8(pattern);
        const auto matcher = LineMatcher::compile(q);
        std::vector<double> ours, theirs;
        std::size_t hits = 0;
        QByteArray sink;
        for (int r = 0; r < runs; ++r) {
            std::vector<qint64> out;
            sink.clear();
            QFile outFile(tmp.filePath(QStringLiteral("ours.out")));
            outFile.open(QIODevice::WriteOnly | QIODevice::Truncate);
            QElapsedTimer t;
            t.start();
            searchLines(file, *matcher, 0, file.lineCount(), out, {}, {}, [&](qint64 line, QByteArrayView text) {
                char num[24];
                const int n = std::snprintf(num, sizeof num, "%lld:", static_cast<long long>(line + 1));
                sink.append(num, n);
                sink.append(text.data(), text.size());
                sink.append('\n');
                if (sink.size() > (1 << 20)) {
                    outFile.write(sink); // written to a file, like the reference's output
                    sink.clear();
                }
            });
            outFile.write(sink);
            outFile.close();
            ours.push_back(double(t.nsecsElapsed()) / 1e9);
            hits = out.size();
            theirs.push_back(timeTool(ref, {QStringLiteral("-n"), QStringLiteral("-F"), QString::fromUtf8(pattern), path},
                                      tmp.filePath(QStringLiteral("ref.out"))));
        }
        std::printf("  \"%s\": %zu lines  ours median %.3f s (%.2f GB/s)  %s median %.3f s  ratio %.2fx\n", pattern, hits,
                    median(ours), double(bytes) / median(ours) / 1e9, qPrintable(refName), median(theirs),
                    median(ours) / median(theirs));
    }

    // 3. Problem scan: scanProblems() with every rule set (mixed) and with one format's sets, next
    //    to a plain literal search and to rg -n -P of the same alternation, all in this run.
    std::printf("\nproblem scan (scanProblems, no output) vs plain literal search and rg -n -P of the alternation\n");
    {
        SearchQuery q;
        q.pattern = QStringLiteral("upstream timed out");
        const auto literal = LineMatcher::compile(q);
        std::vector<double> plain;
        for (int r = 0; r < runs; ++r) {
            std::vector<qint64> out;
            QElapsedTimer t;
            t.start();
            searchLines(file, *literal, 0, file.lineCount(), out);
            plain.push_back(double(t.nsecsElapsed()) / 1e9);
        }
        std::printf("  plain literal \"upstream timed out\": median %.3f s\n", median(plain));
        const RuleSet builtin = RuleSet::builtin();
        for (const LogFormat format : {LogFormat::Mixed, LogFormat::NginxError, LogFormat::Neo4j}) {
            RuleSet rules = builtin;
            rules.setFormat(format);
            int active = 0;
            for (int i = 0; i < int(rules.rules().size()); ++i)
                active += rules.isActive(i) && rules.rules()[i].isProblem() ? 1 : 0;
            std::vector<double> ours, theirs;
            std::size_t found = 0;
            for (int r = 0; r < runs; ++r) {
                ProblemScan scan;
                QElapsedTimer t;
                t.start();
                scanProblems(file, rules, 0, file.lineCount(), scan);
                ours.push_back(double(t.nsecsElapsed()) / 1e9);
                found = scan.lines.size();
                if (!rg.isEmpty())
                    theirs.push_back(timeTool(rg, {QStringLiteral("-n"), QStringLiteral("-P"), QStringLiteral("-e"),
                                                   rules.problemMatcher().query().pattern, path},
                                              tmp.filePath(QStringLiteral("rg.out"))));
            }
            std::printf("  %-12s %2d problem rules: %zu lines  scan median %.3f s (%.2fx plain)", qPrintable(logFormatId(format)),
                        active, found, median(ours), median(ours) / median(plain));
            if (!theirs.empty())
                std::printf("  rg -n -P median %.3f s  ratio %.2fx", median(theirs), median(ours) / median(theirs));
            std::printf("\n");
        }
    }
    return 0;
}
