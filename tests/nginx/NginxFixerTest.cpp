// SPDX-License-Identifier: GPL-3.0-or-later
// The fixer: the Neo4j incident's "Current" config becomes its "New" one; inheritance is
// respected (WS009 restates headers, inherited good values are not duplicated); edits are minimal.
#include "lab/Lab.h"
#include "nginx/NginxAnalyzer.h"
#include "nginx/NginxFixer.h"
#include "nginx/UnifiedDiff.h"

#include <QMap>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::nginx;

namespace {

// Every directive below `node` as "context/name arg…", time values normalised to seconds, so
// "86400" and "86400s" compare equal (nginx reads them the same).
void flatten(const std::vector<ConfNode>& nodes, const QString& context, QStringList& out)
{
    for (const ConfNode& n : nodes) {
        QStringList args;
        for (const QByteArray& a : n.args()) {
            const double secs = n.name().endsWith("_timeout") ? parseNginxSeconds(a) : -1;
            args.append(secs >= 0 ? QString::number(secs) : QString::fromUtf8(a));
        }
        const QString key = context + QLatin1Char('/') + QString::fromUtf8(n.name());
        out.append(key + QLatin1Char(' ') + args.join(QLatin1Char(' ')));
        if (n.isBlock)
            flatten(n.children, key + QLatin1Char('[') + args.join(QLatin1Char(' ')) + QLatin1Char(']'), out);
    }
}

QStringList directives(const QByteArray& text)
{
    ConfFile f;
    ConfError e;
    EXPECT_TRUE(NginxParser::parse(text, QStringLiteral("x"), &f, &e)) << e.toString().toStdString();
    QStringList out;
    flatten(f.nodes, QString(), out);
    out.sort();
    return out;
}

FixResult fixText(const QByteArray& text, FixOptions options = {})
{
    options.load.followIncludes = false;
    return NginxFixer::fix(text, QStringLiteral("/etc/nginx/sites-available/site"), options);
}

ConfigFindings lintText(const QByteArray& text, const RuleOptions& options = {})
{
    NginxConfigSet set;
    ConfError e;
    LoadOptions load;
    load.followIncludes = false;
    EXPECT_TRUE(set.loadText(text, QStringLiteral("/etc/nginx/sites-available/site"), load, &e));
    return NginxAnalyzer::lint(set, options);
}

} // namespace

TEST(NginxFixer, Neo4jCurrentBecomesTheIncidentsNewConfiguration)
{
    const QByteArray current = lab::readAll(lab::fixturePath(QStringLiteral("nginx/neo4j-current.conf")));
    const QByteArray wanted = lab::readAll(lab::fixturePath(QStringLiteral("nginx/neo4j-new.conf")));
    ASSERT_FALSE(current.isEmpty());
    const FixResult r = fixText(current);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.fixedRules, QStringList({QStringLiteral("WS005"), QStringLiteral("WS006"), QStringLiteral("WS007")}));
    EXPECT_EQ(directives(r.newText).join(QLatin1Char('\n')).toStdString(), directives(wanted).join(QLatin1Char('\n')).toStdString());
    // The one remaining finding is WS010 (info), which the incident's fix did not apply either.
    const ConfigFindings after = lintText(r.newText);
    ASSERT_EQ(after.size(), 1);
    EXPECT_EQ(after.front().rule, QStringLiteral("WS010"));
    // Only additions inside `location /`: every original line is still there, in order.
    for (const DiffLine& d : UnifiedDiff::compare(current, r.newText))
        EXPECT_NE(d.op, DiffLine::Op::Removed) << d.text.toStdString();
    EXPECT_TRUE(r.newText.contains("        proxy_read_timeout 86400;\n        # WebSocket settings added by SocketScope (WS005 WS006 WS007)\n"
                                   "        proxy_send_timeout 86400s;\n        proxy_buffering off;\n"
                                   "        proxy_request_buffering off;\n        proxy_cache off;\n    }\n"))
        << r.newText.toStdString();
}

TEST(NginxFixer, Ws009RestatesTheDroppedHeadersAndKeepsInheritedTimeouts)
{
    const QByteArray text = lab::readAll(lab::fixturePath(QStringLiteral("nginx/inherit-server-headers.conf")));
    const ConfigFindings before = lintText(text);
    ASSERT_EQ(before.size(), 1);
    EXPECT_EQ(before.front().rule, QStringLiteral("WS009"));
    EXPECT_TRUE(before.front().message.contains(QStringLiteral("X-Real-IP, X-Forwarded-For"))) << before.front().message.toStdString();
    EXPECT_FALSE(before.front().message.contains(QStringLiteral("Host,")));   // the location restates Host itself
    const FixResult r = fixText(text);
    EXPECT_EQ(r.fixedRules, QStringList{QStringLiteral("WS009")});
    EXPECT_TRUE(lintText(r.newText).isEmpty());
    EXPECT_TRUE(r.newText.contains("        proxy_set_header Host $host;\n        # WebSocket settings added by SocketScope (WS009)\n"
                                   "        proxy_set_header X-Real-IP $remote_addr;\n"
                                   "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n    }"))
        << r.newText.toStdString();
    // Timeouts and buffering inherited from the server are right: nothing added for them.
    EXPECT_EQ(r.newText.count("proxy_read_timeout"), 1);
    EXPECT_EQ(r.newText.count("proxy_buffering"), 1);
}

TEST(NginxFixer, FirstHeaderInALocationRestatesTheInheritedOnes)
{
    const QByteArray text = "server {\n    listen 80;\n    proxy_set_header Host $host;\n    proxy_set_header Connection \"keep-alive\";\n"
                            "    location /ws {\n        proxy_pass http://127.0.0.1:9000;\n    }\n}\n";
    FixOptions options;
    options.rules.endpointPaths = {QStringLiteral("/ws")};
    const FixResult r = fixText(text, options);
    const ConfigFindings after = lintText(r.newText, options.rules);
    EXPECT_TRUE(after.isEmpty()) << r.newText.toStdString();
    // Host is restated; the wrong inherited Connection is replaced by "upgrade", not restated.
    EXPECT_TRUE(r.newText.contains("        proxy_set_header Host $host;\n        proxy_set_header Upgrade $http_upgrade;\n"
                                   "        proxy_set_header Connection \"upgrade\";\n"))
        << r.newText.toStdString();
    EXPECT_EQ(r.newText.count("keep-alive"), 1);
}

TEST(NginxFixer, ReplacesWrongValuesInPlaceKeepingTheLine)
{
    const QByteArray text = lab::readAll(lab::fixturePath(QStringLiteral("nginx/short-timeouts.conf")));
    FixOptions options;
    options.addComment = false;
    const FixResult r = fixText(text, options);
    EXPECT_EQ(QString::fromUtf8(r.diff).section(QLatin1Char('\n'), 2).toStdString(),
              "@@ -7,9 +7,10 @@\n"
              "         proxy_http_version 1.1;\n"
              "         proxy_set_header Upgrade $http_upgrade;\n"
              "         proxy_set_header Connection \"upgrade\";\n"
              "-        proxy_read_timeout 60s;\n"
              "-        proxy_send_timeout 1m;\n"
              "-        proxy_buffering on;\n"
              "-        proxy_request_buffering on;\n"
              "+        proxy_read_timeout 3600s;\n"
              "+        proxy_send_timeout 3600s;\n"
              "+        proxy_buffering off;\n"
              "+        proxy_request_buffering off;\n"
              "+        proxy_cache off;\n"
              "     }\n"
              " }\n");
    EXPECT_TRUE(r.diff.startsWith("--- a/etc/nginx/sites-available/site\n+++ b/etc/nginx/sites-available/site\n"));
}

TEST(NginxFixer, ThresholdAndSuggestedValueAreOptions)
{
    const QByteArray text = lab::readAll(lab::fixturePath(QStringLiteral("nginx/playbook-ws.conf")));
    RuleOptions strict;
    strict.thresholdSeconds = 3600;
    QStringList rules;
    for (const ConfigFinding& f : lintText(text, strict))
        rules.append(f.rule);
    EXPECT_EQ(rules, QStringList({QStringLiteral("WS007"), QStringLiteral("WS004"), QStringLiteral("WS005")}));
    FixOptions options;
    options.rules.thresholdSeconds = 600;
    options.rules.suggestedSeconds = 7200;
    const FixResult r = fixText(text, options);
    EXPECT_TRUE(r.newText.contains("proxy_read_timeout 7200s;"));
    EXPECT_TRUE(r.newText.contains("proxy_send_timeout 7200s;"));
}

TEST(NginxFixer, Ws010IsFixedOnlyWhenAskedFor)
{
    const QByteArray text = lab::readAll(lab::fixturePath(QStringLiteral("nginx/tls-server.conf")));
    EXPECT_TRUE(fixText(text).files.isEmpty());
    FixOptions options;
    options.onlyRules = {QStringLiteral("WS010")};
    const FixResult r = fixText(text, options);
    EXPECT_EQ(r.fixedRules, QStringList{QStringLiteral("WS010")});
    EXPECT_TRUE(r.newText.contains("        proxy_set_header X-Forwarded-Proto $scheme;\n"));
    EXPECT_TRUE(lintText(r.newText).isEmpty());
}

TEST(NginxFixer, TabIndentationIsKept)
{
    const QByteArray text = lab::readAll(lab::fixturePath(QStringLiteral("nginx/connection-close.conf")));
    const FixResult r = fixText(text);
    EXPECT_TRUE(r.newText.contains("\t\tproxy_http_version 1.1;\n"));
    EXPECT_TRUE(r.newText.contains("\t\tproxy_set_header Connection \"upgrade\";\n"));
    EXPECT_TRUE(lintText(r.newText).isEmpty());
}

TEST(NginxFixer, ParseErrorIsReportedNotFixed)
{
    const FixResult r = fixText("server {\n  location / {\n");
    EXPECT_FALSE(r.ok);
    EXPECT_TRUE(r.error.startsWith(QStringLiteral("/etc/nginx/sites-available/site:3:1: "))) << r.error.toStdString();
    EXPECT_TRUE(r.diff.isEmpty());
}

TEST(UnifiedDiff, EqualTextsGiveNoDiff)
{
    EXPECT_TRUE(UnifiedDiff::unified("a\nb\n", "a\nb\n", QStringLiteral("a"), QStringLiteral("b")).isEmpty());
    const QByteArray d = UnifiedDiff::unified("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "1\n2\nX\n4\n5\n6\n7\n8\n9\n10\n11\nY\n",
                                              QStringLiteral("a/f"), QStringLiteral("b/f"));
    EXPECT_EQ(d.toStdString(), "--- a/f\n+++ b/f\n@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+X\n 4\n 5\n 6\n"
                               "@@ -9,4 +9,4 @@\n 9\n 10\n 11\n-12\n+Y\n");
}

TEST(UnifiedDiff, LargeFilesStillGiveLocalHunks)
{
    QByteArray a;
    QByteArray b;
    for (int i = 0; i < 5000; ++i) {
        const QByteArray line = "line " + QByteArray::number(i % 7) + "\n"; // many repeated lines
        a += line;
        b += line;
        if (i == 10 || i == 4000)
            b += "inserted " + QByteArray::number(i) + "\n";
    }
    int added = 0;
    int removed = 0;
    for (const DiffLine& d : UnifiedDiff::compare(a, b)) {
        added += d.op == DiffLine::Op::Added;
        removed += d.op == DiffLine::Op::Removed;
    }
    EXPECT_EQ(added, 2);
    EXPECT_EQ(removed, 0);
    EXPECT_EQ(UnifiedDiff::unified(a, b, QStringLiteral("a"), QStringLiteral("b")).count("\n@@ "), 2); // two hunks
}
