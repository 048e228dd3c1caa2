// SPDX-License-Identifier: GPL-3.0-or-later
// How fast the nginx config parser, the rules and the fixer are on a large configuration
// (N server blocks with WebSocket locations), next to two references measured in the same run:
// a bare line scan of the same bytes (memory-bound floor) and real `nginx -t` on the same file.
#include "nginx/NginxAnalyzer.h"
#include "nginx/NginxConfig.h"
#include "nginx/NginxConfigSet.h"
#include "nginx/NginxFixer.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>

using namespace socketscope::nginx;

namespace {

QByteArray makeConfig(int servers)
{
    QByteArray out = "# generated for the benchmark\n";
    for (int i = 0; i < servers; ++i) {
        const QByteArray n = QByteArray::number(i);
        out += "server {\n    listen 127.0.0.1:" + QByteArray::number(20000 + i) + ";\n    server_name s" + n + ".example.com;\n"
               "    proxy_set_header Host $host;   # kept for every location\n"
               "    location / {\n        proxy_pass http://127.0.0.1:9000;\n    }\n"
               "    location /ws/ {\n        proxy_pass http://127.0.0.1:9000;\n        proxy_http_version 1.1;\n"
               "        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n"
               "        proxy_read_timeout 60s;\n    }\n}\n";
    }
    return out;
}

template <typename F>
double bestOf(int runs, F&& f)
{
    double best = 1e300;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer t;
        t.start();
        f();
        best = qMin(best, double(t.nsecsElapsed()) / 1e6);
    }
    return best;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    const int servers = argc > 1 ? atoi(argv[1]) : 5000;
    const QByteArray text = makeConfig(servers);
    const double mb = double(text.size()) / (1024.0 * 1024.0);
    out << "config: " << servers << " servers, " << text.size() << " bytes (" << QString::number(mb, 'f', 1) << " MiB)\n";

    qsizetype lines = 0;
    const double scan = bestOf(5, [&] { lines = text.count('\n'); });
    ConfFile file;
    ConfError error;
    const double parse = bestOf(5, [&] { NginxParser::parse(text, QStringLiteral("bench.conf"), &file, &error); });
    QByteArray printed;
    const double print = bestOf(5, [&] { printed = NginxParser::print(file); });
    NginxConfigSet set;
    LoadOptions load;
    load.followIncludes = false;
    set.loadText(text, QStringLiteral("/bench/bench.conf"), load, &error);
    ConfigFindings findings;
    const double lint = bestOf(3, [&] { findings = NginxAnalyzer::lint(set, {}); });
    FixResult fix;
    const double fixMs = bestOf(3, [&] { fix = NginxFixer::fixSet(set, {}); });

    double nginxT = -1;
    QTemporaryDir dir;
    if (QFile::exists(QStringLiteral("/usr/sbin/nginx")) && dir.isValid()) {
        QDir(dir.path()).mkpath(QStringLiteral("logs"));
        QFile conf(dir.filePath(QStringLiteral("nginx.conf")));
        conf.open(QIODevice::WriteOnly);
        conf.write("pid logs/nginx.pid;\nerror_log logs/error.log;\nevents {}\nhttp {\n    server_names_hash_bucket_size 128;\n"
                   "    include bench.conf;\n}\n");
        conf.close();
        QFile b(dir.filePath(QStringLiteral("bench.conf")));
        b.open(QIODevice::WriteOnly);
        b.write(text);
        b.close();
        nginxT = bestOf(3, [&] {
            QProcess p;
            p.start(QStringLiteral("/usr/sbin/nginx"), {QStringLiteral("-t"), QStringLiteral("-q"), QStringLiteral("-p"),
                                                        dir.path() + QLatin1Char('/'), QStringLiteral("-c"), conf.fileName()});
            p.waitForFinished(120000);
        });
    }
    out << "reference  line scan (count '\\n', " << lines << " lines): " << QString::number(scan, 'f', 2) << " ms\n";
    out << "reference  nginx -t on the same config:           " << QString::number(nginxT, 'f', 1) << " ms\n";
    out << "parse:     " << QString::number(parse, 'f', 1) << " ms  (" << QString::number(mb / (parse / 1000), 'f', 0) << " MiB/s)\n";
    out << "print:     " << QString::number(print, 'f', 1) << " ms  (round trip identical: " << (printed == text ? "yes" : "NO") << ")\n";
    out << "lint:      " << QString::number(lint, 'f', 1) << " ms  (" << findings.size() << " findings)\n";
    out << "fix:       " << QString::number(fixMs, 'f', 1) << " ms  (diff " << fix.diff.size() << " bytes)\n";
    return 0;
}
