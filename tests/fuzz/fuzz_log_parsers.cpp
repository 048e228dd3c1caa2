// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: everything the log viewer parses from outside — log line timestamps,
// `nginx -T` dumps, neo4j.conf, highlighting-rule JSON — plus the line index and search over
// the input written as a log file. The first byte picks which parser gets the rest.
#include "logs/HighlightRules.h"
#include "logs/LineIndex.h"
#include "logs/LogFile.h"
#include "logs/LogLocator.h"
#include "logs/LogSearch.h"
#include "logs/LogTimestamp.h"

#include <QFile>
#include <QTemporaryFile>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace socketscope::logs;
    if (size == 0)
        return 0;
    const QByteArray input(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    switch (data[0] % 5) {
    case 0:
        for (const QByteArray& line : input.split('\n'))
            (void)parseLogTime(line, 2026);
        break;
    case 1:
        (void)parseNginxErrorLogs(QString::fromUtf8(input), QStringLiteral("/usr/share/nginx"));
        break;
    case 2:
        (void)parseNeo4jLogLocation(QString::fromUtf8(input), QStringLiteral("/var/lib/neo4j"));
        break;
    case 3:
        (void)RuleSet::fromJson(input, QStringLiteral("fuzz"));
        break;
    case 4: {
        // Index the bytes as a file and check it against a plain newline count.
        QTemporaryFile f;
        if (!f.open() || f.write(input) != input.size() || !f.flush())
            return 0;
        LogFile log(f.fileName());
        if (!log.update())
            return 0;
        const qint64 expected = input.count('\n') + (input.isEmpty() || input.endsWith('\n') ? 0 : 1);
        if (log.lineCount() != expected)
            __builtin_trap();
        SearchQuery q;
        q.pattern = QStringLiteral("a.b");
        q.regex = true;
        std::vector<qint64> out;
        if (auto m = LineMatcher::compile(q))
            searchLines(log, *m, 0, log.lineCount(), out);
        q.regex = false;
        q.caseSensitive = false;
        if (auto m = LineMatcher::compile(q))
            searchLines(log, *m, 0, log.lineCount(), out);
        (void)log.readLines(0, 100);
        break;
    }
    }
    return 0;
}
