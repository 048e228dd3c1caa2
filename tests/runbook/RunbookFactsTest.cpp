// SPDX-License-Identifier: GPL-3.0-or-later
// What the runbook reads from a profile's shell line and from nginx -V, checked against the real
// /bin/sh and the real nginx binary; the Monitor's bounded line buffer.
#include "lab/Lab.h"
#include "runbook/LogScanner.h"
#include "runbook/NginxFacts.h"

#include <QProcess>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

// The words /bin/sh itself makes of a simple command line.
QStringList shellSays(const QString& line)
{
    QProcess p;
    p.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("printf '%s\\0' ") + line});
    p.waitForFinished(10000);
    QStringList words;
    for (const QByteArray& w : p.readAllStandardOutput().split('\0'))
        words << QString::fromUtf8(w);
    words.removeLast(); // after the last NUL
    return words;
}

} // namespace

TEST(NginxCommand, WordsAreTheShellsOwn)
{
    for (const QString& line : {QStringLiteral("/usr/sbin/nginx -t -p /srv/my\\ nginx/ -c conf/nginx.conf"),
                                QStringLiteral("nginx -t -g 'pid run/nginx.pid; daemon off;' -c \"/etc/nginx/a b.conf\""),
                                QStringLiteral("nginx   -tq   -p'/x y/'  -c\"c.conf\""),
                                QStringLiteral("nginx -t -c \"quote\\\"inside\" -e 'it'\\''s'")}) {
        const Result<QStringList> words = NginxFacts::firstCommandWords(line);
        ASSERT_TRUE(words) << line.toStdString() << ": " << words.error().toStdString();
        QStringList expected = shellSays(line);
        EXPECT_EQ(words.value(), expected) << line.toStdString();
    }
}

TEST(NginxCommand, OnlyTheFirstCommandAndNothingTheShellWouldEvaluate)
{
    // The line that made a dry run reload nginx: only "nginx -t" is read from it.
    Result<NginxFacts::NginxInvocation> n = NginxFacts::parseNginxCommand(QStringLiteral("nginx -t && nginx -s reload"));
    ASSERT_TRUE(n) << n.error().toStdString();
    EXPECT_EQ(NginxFacts::dumpCommand(*n), QStringLiteral("nginx -T"));
    for (const char* tail : {"; touch /tmp/x", "|| touch /tmp/x", "| tee /tmp/x", "> /tmp/x", "& touch /tmp/x", "\ntouch /tmp/x",
                             " # comment"}) {
        n = NginxFacts::parseNginxCommand(QStringLiteral("/usr/sbin/nginx -t -p /srv/ng/ -c conf/nginx.conf") + QLatin1String(tail));
        ASSERT_TRUE(n) << tail;
        EXPECT_EQ(NginxFacts::dumpCommand(*n), QStringLiteral("/usr/sbin/nginx -T -p /srv/ng/ -c conf/nginx.conf")) << tail;
    }
    // Quoted options come back quoted, attached values are read, -e and -g are kept.
    n = NginxFacts::parseNginxCommand(QStringLiteral("sudo nginx -tq -p'/srv/my nginx/' -e logs/e.log -g 'pid run/n.pid;'"));
    ASSERT_TRUE(n) << n.error().toStdString();
    EXPECT_EQ(n->prefix, QStringLiteral("/srv/my nginx/"));
    EXPECT_EQ(NginxFacts::dumpCommand(*n), QStringLiteral("nginx -T -p '/srv/my nginx/' -e logs/e.log -g 'pid run/n.pid;'"));
    EXPECT_EQ(NginxFacts::directivePath(n->globals.toUtf8(), QStringLiteral("pid")), QStringLiteral("run/n.pid"));
    // What only a shell could evaluate, or what is not nginx, is refused: no dump is derived.
    for (const char* bad : {"nginx -t -c $CONF", "nginx -t -c \"$(cat /tmp/c)\"", "nginx -t -c `x`", "nginx -t -c /etc/*.conf",
                            "systemctl reload nginx", "/usr/local/bin/check-nginx", "nginx -t extra", "nginx -x",
                            "X=1 nginx -t", "nginx -t -c 'unbalanced"})
        EXPECT_FALSE(NginxFacts::parseNginxCommand(QString::fromLatin1(bad))) << bad;
}

TEST(NginxCommand, VersionOutputOfTheRealBinary)
{
    LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/sbin/nginx"), QStringLiteral("nginx")));
    QProcess p;
    p.start(QStringLiteral("/usr/sbin/nginx"), {QStringLiteral("-V")});
    ASSERT_TRUE(p.waitForFinished(10000));
    const QByteArray out = p.readAllStandardOutput() + p.readAllStandardError();
    const NginxFacts::NginxBuild b = NginxFacts::parseVersionOutput(out);
    // The oracle: grep on the same text.
    auto grepped = [&](const char* option) {
        QProcess g;
        g.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("grep -o -- '%1=[^ ]*' | head -n 1 | cut -d= -f2-").arg(QLatin1String(option))});
        g.write(out);
        g.closeWriteChannel();
        g.waitForFinished(10000);
        return QString::fromUtf8(g.readAllStandardOutput().trimmed());
    };
    ASSERT_FALSE(grepped("--pid-path").isEmpty()) << out.toStdString();
    EXPECT_EQ(b.pidPath, grepped("--pid-path"));
    EXPECT_EQ(b.prefix, grepped("--prefix"));
    // The version the runbook hands to the fixer (WS001 names its default, issue 11).
    ASSERT_FALSE(b.version.isEmpty()) << out.toStdString();
    EXPECT_TRUE(out.contains(QStringLiteral("nginx version: nginx/%1\n").arg(b.version).toUtf8())) << b.version.toStdString();
    // A build from source names neither: nginx's own defaults, the pid relative to the prefix.
    const NginxFacts::NginxBuild src = NginxFacts::parseVersionOutput("nginx version: nginx/1.25.3\nconfigure arguments: --prefix=/opt/nginx --with-http_ssl_module\n");
    EXPECT_EQ(src.prefix, QStringLiteral("/opt/nginx"));
    EXPECT_EQ(src.version, QStringLiteral("1.25.3"));
    EXPECT_EQ(NginxFacts::resolveAgainstPrefix(src.pidPath, src.prefix), QStringLiteral("/opt/nginx/logs/nginx.pid"));
    EXPECT_EQ(NginxFacts::resolveAgainstPrefix(QStringLiteral("/run/nginx.pid"), QStringLiteral("/srv/x/")), QStringLiteral("/run/nginx.pid"));
}

TEST(LogScanner, AnEndlessLineStaysBoundedAndPatternsAcrossPiecesAreFound)
{
    LogScanner scanner({QStringLiteral("[emerg]"), QStringLiteral("Connection reset by peer")}, 4096);
    const QByteArray junk(1000, 'x');
    int hits = 0;
    for (int i = 0; i < 10000; ++i) { // 10 MB without a newline
        hits += int(scanner.feed(junk).size());
        ASSERT_LE(scanner.pending(), 4096 + 1000);
    }
    EXPECT_EQ(hits, 0);
    EXPECT_TRUE(scanner.feed("\n").isEmpty()) << "the end of the endless line";
    // A pattern split over two reads is found once.
    QList<LogScanner::Hit> h;
    h = scanner.feed("2026/01/01 [em");
    h += scanner.feed("erg] bind() failed\nok line\n");
    ASSERT_EQ(h.size(), 1);
    EXPECT_EQ(h.first().pattern, QStringLiteral("[emerg]"));
    EXPECT_TRUE(h.first().line.contains(QStringLiteral("bind() failed")));
    // A pattern that straddles the cut of an over-long line is still counted once.
    LogScanner cut({QStringLiteral("upstream timed out")}, 1024);
    QList<LogScanner::Hit> c = cut.feed(QByteArray(1020, 'z') + "upstream ti");
    c += cut.feed("med out" + QByteArray(3000, 'z') + "\n");
    EXPECT_EQ(c.size(), 1);
}
