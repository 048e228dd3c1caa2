// SPDX-License-Identifier: GPL-3.0-or-later
// The fixer: the Neo4j incident's "Current" config becomes its "New" one; inheritance is
// respected (WS009 restates headers, inherited good values are not duplicated); edits are minimal.
#include "ConfigTestUtil.h"

#include "lab/Lab.h"
#include "nginx/ConfigAnalysis.h"
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
    EXPECT_EQ(r.fixedRules, QStringList({QStringLiteral("WS005")}));
    // The incident's "New Configuration", except its buffering and cache lines: they do not apply
    // to the upgraded Bolt tunnel (WS006–WS008 are info), and the fix never changes caching or
    // buffering of `location /`, which could serve regular HTTP as well (issue 11).
    QStringList wantedDirectives = directives(wanted);
    for (const char* d : {"/server[]/location[/]/proxy_buffering off", "/server[]/location[/]/proxy_request_buffering off",
                          "/server[]/location[/]/proxy_cache off"})
        EXPECT_TRUE(wantedDirectives.removeOne(QString::fromLatin1(d))) << d;
    EXPECT_EQ(directives(r.newText).join(QLatin1Char('\n')).toStdString(), wantedDirectives.join(QLatin1Char('\n')).toStdString());
    // What remains is info only: WS006/WS007 (left as is in `location /`) and WS010, which the
    // incident's fix did not apply either.
    QStringList after;
    for (const ConfigFinding& f : lintText(r.newText)) {
        after.append(f.rule);
        EXPECT_EQ(f.severity, QStringLiteral("info")) << f.rule.toStdString();
    }
    EXPECT_EQ(after, QStringList({QStringLiteral("WS006"), QStringLiteral("WS007"), QStringLiteral("WS010")}));
    // Only additions inside `location /`: every original line is still there, in order.
    for (const DiffLine& d : UnifiedDiff::compare(current, r.newText))
        EXPECT_NE(d.op, DiffLine::Op::Removed) << d.text.toStdString();
    EXPECT_TRUE(r.newText.contains("        proxy_read_timeout 86400;\n        # WebSocket settings added by SocketScope (WS005)\n"
                                   "        proxy_send_timeout 86400s;\n    }\n"))
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

// The directives of one location (flattened by directives(): "…/location[ARGS]/NAME ARGS").
QStringList inLocation(const QByteArray& text, const QString& args)
{
    QStringList out;
    const QString marker = QStringLiteral("/location[%1]/").arg(args);
    for (const QString& d : directives(text)) {
        const qsizetype at = d.indexOf(marker);
        if (at >= 0 && !d.mid(at + marker.size()).contains(QLatin1Char('[')))
            out.append(d.mid(at + marker.size()));
    }
    return out;
}

const QStringList kAllRules{QStringLiteral("WS001"), QStringLiteral("WS002"), QStringLiteral("WS003"), QStringLiteral("WS004"),
                            QStringLiteral("WS005"), QStringLiteral("WS006"), QStringLiteral("WS007"), QStringLiteral("WS008"),
                            QStringLiteral("WS009")};

// Issue 11: Mastodon's Rails location (`location @proxy`, the fallback of `location /`) carries
// the Upgrade headers incidentally and caches the whole site. Even with WS006–WS008 asked for
// explicitly, the fix keeps its cache and buffering; the dedicated streaming location is fixed.
TEST(NginxFixer, MastodonRailsLocationKeepsItsCacheAndBuffering)
{
    const nginxtest::Fixture f{QStringLiteral("mastodon-style"), lab::fixturePath(QStringLiteral("nginx/mastodon-style.conf")), false,
                               lab::fixturePath(QStringLiteral("nginx/mastodon-style"))};
    const QByteArray text = lab::readAll(f.mainPath);
    ASSERT_FALSE(text.isEmpty());
    const QStringList before = inLocation(text, QStringLiteral("@proxy"));
    ASSERT_TRUE(before.contains(QStringLiteral("proxy_cache CACHE")));
    ASSERT_TRUE(before.contains(QStringLiteral("proxy_buffering on")));
    for (const QStringList& rules : {QStringList(), kAllRules}) {
        FixOptions options;
        options.onlyRules = rules;
        const FixResult r = fixText(text, options);
        ASSERT_TRUE(r.ok) << r.error.toStdString();
        const QStringList rails = inLocation(r.newText, QStringLiteral("@proxy"));
        EXPECT_TRUE(rails.contains(QStringLiteral("proxy_cache CACHE"))) << rails.join(QLatin1Char('\n')).toStdString();
        EXPECT_TRUE(rails.contains(QStringLiteral("proxy_buffering on")));
        for (const QString& d : rails) {
            EXPECT_FALSE(d.startsWith(QLatin1String("proxy_cache off")) || d.startsWith(QLatin1String("proxy_buffering off"))
                         || d.startsWith(QLatin1String("proxy_request_buffering")))
                << d.toStdString();
        }
        // Nothing was added to the Rails location: its Upgrade headers are incidental (the
        // server routes WebSockets to the streaming location), so its timeouts are the regular
        // HTTP requests' and stay as they are too.
        QStringList added = rails;
        for (const QString& d : before)
            added.removeOne(d);
        EXPECT_EQ(added, QStringList());
        // The dedicated streaming location does get request buffering off.
        EXPECT_TRUE(inLocation(r.newText, QStringLiteral("^~ /api/v1/streaming")).contains(QStringLiteral("proxy_request_buffering off")));
        // The caching/buffering findings of the Rails location are reported as not fixed.
        QStringList notFixed;
        for (const ConfigFinding& x : r.notFixed)
            notFixed.append(QStringLiteral("%1@%2").arg(x.rule).arg(x.line));
        EXPECT_EQ(notFixed, QStringList({QStringLiteral("WS004@101"), QStringLiteral("WS005@101"), QStringLiteral("WS007@101"),
                                         QStringLiteral("WS006@110"), QStringLiteral("WS008@116")}));

        // The fixed file passes real `nginx -t`.
        LAB_REQUIRE(lab::NginxLab::skipReason());
        lab::NginxLab nginxLab;
        nginxLab.writeMainConfig({}, {});
        nginxLab.writeSite(QStringLiteral("site"), QString::fromUtf8(nginxtest::labSubstitute(f, r.newText)));
        QByteArray log;
        EXPECT_TRUE(nginxLab.test(&log)) << log.toStdString() << "\n--- fixed config:\n" << r.newText.toStdString();
    }
}

// The same for a literal `location /` that proxies the whole site with the server's cache and
// incidental Upgrade headers: asked to fix everything, its cache, buffering and (the server
// routing WebSockets to /ws) its timeouts stay; the dedicated /ws gets cache and buffering off.
TEST(NginxFixer, SiteWideRootLocationKeepsCacheAndBuffering)
{
    const QByteArray text = "proxy_cache_path /tmp/c keys_zone=CACHE:1m;\n"
                            "server {\n"
                            "    listen 80;\n"
                            "    proxy_cache CACHE;\n"
                            "    location / {\n"
                            "        proxy_pass http://127.0.0.1:3000;\n"
                            "        proxy_http_version 1.1;\n"
                            "        proxy_set_header Upgrade $http_upgrade;\n"
                            "        proxy_set_header Connection \"upgrade\";\n"
                            "    }\n"
                            "    location /ws {\n"
                            "        proxy_pass http://127.0.0.1:4000;\n"
                            "        proxy_http_version 1.1;\n"
                            "        proxy_set_header Upgrade $http_upgrade;\n"
                            "        proxy_set_header Connection \"upgrade\";\n"
                            "    }\n"
                            "}\n";
    FixOptions options;
    options.onlyRules = kAllRules;
    const FixResult r = fixText(text, options);
    ASSERT_TRUE(r.ok);
    const QStringList root = inLocation(r.newText, QStringLiteral("/"));
    EXPECT_FALSE(root.contains(QStringLiteral("proxy_cache off"))) << root.join(QLatin1Char(' ')).toStdString();
    EXPECT_FALSE(root.contains(QStringLiteral("proxy_buffering off")));
    EXPECT_FALSE(root.contains(QStringLiteral("proxy_request_buffering off")));
    EXPECT_FALSE(root.contains(QStringLiteral("proxy_read_timeout 3600")));
    const QStringList ws = inLocation(r.newText, QStringLiteral("/ws"));
    EXPECT_TRUE(ws.contains(QStringLiteral("proxy_read_timeout 3600")));
    EXPECT_TRUE(ws.contains(QStringLiteral("proxy_cache off")));
    EXPECT_TRUE(ws.contains(QStringLiteral("proxy_buffering off")));
    EXPECT_TRUE(ws.contains(QStringLiteral("proxy_request_buffering off")));
}

// Issue 11: a file that defines `map $http_upgrade $connection_upgrade` gets that variable, not
// a literal "upgrade" (which would send Connection: upgrade on every plain request too).
TEST(NginxFixer, ReusesTheFilesUpgradeMapVariable)
{
    const QByteArray text = "map $http_upgrade $Conn_Up {\n    default upgrade;\n    ''      close;\n}\n"
                            "server {\n    listen 80;\n    location /ws {\n        proxy_pass http://127.0.0.1:9000;\n"
                            "        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n"
                            "        proxy_read_timeout 1h;\n        proxy_send_timeout 1h;\n    }\n}\n";
    FixOptions options;
    options.addComment = false;
    const FixResult r = fixText(text, options);
    ASSERT_TRUE(r.ok);
    EXPECT_TRUE(r.fixedRules.contains(QStringLiteral("WS003")));
    EXPECT_TRUE(r.newText.contains("        proxy_set_header Connection $Conn_Up;\n")) << r.newText.toStdString();
    EXPECT_FALSE(r.newText.contains("\"upgrade\"")) << r.newText.toStdString();
    for (const ConfigFinding& f : lintText(r.newText))
        EXPECT_NE(f.rule, QStringLiteral("WS003")) << f.message.toStdString();

    // Without a map the literal is written, as before.
    const QByteArray noMap = text.mid(text.indexOf("server {"));
    EXPECT_TRUE(fixText(noMap, options).newText.contains("        proxy_set_header Connection \"upgrade\";\n"));

    LAB_REQUIRE(lab::NginxLab::skipReason());
    lab::NginxLab nginxLab;
    nginxLab.writeMainConfig({}, {});
    nginxLab.writeSite(QStringLiteral("site"), QString::fromUtf8(r.newText));
    QByteArray log;
    EXPECT_TRUE(nginxLab.test(&log)) << log.toStdString() << "\n--- fixed config:\n" << r.newText.toStdString();
}

// Issue 11, Mastodon: a location that also serves regular HTTP and carries Upgrade headers
// while the server routes WebSockets to a dedicated location has ordinary HTTP timeouts: WS004/
// WS005 are info there, name the dedicated location, and fix leaves them. Where the WebSocket
// does go through the shared location (no dedicated one, or a recognised application's path
// lands there), they stay warnings and are fixed.
TEST(NginxFixer, IncidentalUpgradeHeadersOnASharedLocationGiveInfoTimeouts)
{
    const QByteArray shared = "    location / {\n"
                              "        proxy_pass http://127.0.0.1:3000;\n"
                              "        proxy_http_version 1.1;\n"
                              "        proxy_set_header Upgrade $http_upgrade;\n"
                              "        proxy_set_header Connection \"upgrade\";\n"
                              "    }\n";
    const QByteArray dedicated = "    location ^~ /api/v1/streaming {\n"
                                 "        proxy_pass http://127.0.0.1:4000;\n"
                                 "        proxy_http_version 1.1;\n"
                                 "        proxy_set_header Upgrade $http_upgrade;\n"
                                 "        proxy_set_header Connection \"upgrade\";\n"
                                 "        proxy_read_timeout 3600s;\n"
                                 "        proxy_send_timeout 3600s;\n"
                                 "    }\n";
    auto severities = [](const ConfigFindings& findings, int line) {
        QStringList out;
        for (const ConfigFinding& f : findings) {
            if (f.line == line && (f.rule == QLatin1String("WS004") || f.rule == QLatin1String("WS005")))
                out.append(f.rule + QLatin1Char(' ') + f.severity);
        }
        return out.join(QLatin1Char(','));
    };
    // Mastodon's shape: `/` (line 3) and the streaming location.
    const QByteArray mastodon = "server {\n    listen 80;\n" + shared + dedicated + "}\n";
    const ConfigFindings m = lintText(mastodon);
    EXPECT_EQ(severities(m, 3), QStringLiteral("WS004 info,WS005 info"));
    for (const ConfigFinding& f : m) {
        if (f.line == 3 && (f.rule == QLatin1String("WS004") || f.rule == QLatin1String("WS005"))) {
            EXPECT_TRUE(f.message.contains(QStringLiteral("the server's WebSocket route is location ^~ /api/v1/streaming"))) << f.message.toStdString();
        }
    }
    FixOptions all;
    all.onlyRules = kAllRules;
    const FixResult fixed = fixText(mastodon, all);
    ASSERT_TRUE(fixed.ok);
    EXPECT_EQ(inLocation(fixed.newText, QStringLiteral("/")), inLocation(mastodon, QStringLiteral("/"))) << fixed.diff.toStdString();
    EXPECT_FALSE(fixed.fixedRules.contains(QStringLiteral("WS004"))) << fixed.diff.toStdString(); // the streaming location has 3600 s
    // `/` alone carries the WebSockets: warnings, and fixed.
    const QByteArray alone = "server {\n    listen 80;\n" + shared + "}\n";
    EXPECT_EQ(severities(lintText(alone), 3), QStringLiteral("WS004 warning,WS005 warning"));
    EXPECT_TRUE(inLocation(fixText(alone).newText, QStringLiteral("/")).contains(QStringLiteral("proxy_read_timeout 3600")));
    // A recognised application's WebSocket path lands in `/` (Home Assistant's /api/websocket):
    // the dedicated location does not make `/` incidental.
    QByteArray hass = "server {\n    listen 80;\n    server_name homeassistant.example.com;\n" + shared + dedicated + "}\n";
    EXPECT_EQ(severities(lintText(hass), 4), QStringLiteral("WS004 warning,WS005 warning"));
}

// Issue 11: WS001 names the running nginx's default. proxy_http_version defaults to 1.0 before
// nginx 1.29.7 and to 1.1 from it on (nginx's CHANGES for 1.29.7); an explicit 1.0 is always wrong.
TEST(NginxAnalyzerVersion, Ws001SaysWhatTheRunningVersionDefaultsTo)
{
    const QByteArray unset = "location /ws {\n    proxy_pass http://127.0.0.1:9000;\n"
                             "    proxy_set_header Upgrade $http_upgrade;\n    proxy_set_header Connection \"upgrade\";\n}\n";
    auto ws001 = [](const ConfigFindings& findings) {
        for (const ConfigFinding& f : findings) {
            if (f.rule == QLatin1String("WS001"))
                return f.message;
        }
        return QString();
    };
    RuleOptions old;
    old.serverVersion = ServerVersion::fromText(QStringLiteral("1.22.1"));
    EXPECT_TRUE(ws001(lintText(unset, old)).contains(QStringLiteral("nginx 1.22.1 talks HTTP/1.0 to the backend (its default; nginx 1.29.7 and later default to 1.1)")))
        << ws001(lintText(unset, old)).toStdString();
    EXPECT_TRUE(ws001(lintText(unset)).contains(QStringLiteral("the default before nginx 1.29.7"))) << ws001(lintText(unset)).toStdString();
    RuleOptions recent;
    recent.serverVersion = ServerVersion::fromText(QStringLiteral("1.29.7"));
    EXPECT_TRUE(ws001(lintText(unset, recent)).isEmpty());
    RuleOptions older;
    older.serverVersion = ServerVersion::fromText(QStringLiteral("1.29.6"));
    EXPECT_FALSE(ws001(lintText(unset, older)).isEmpty());
    QByteArray explicit10 = unset;
    explicit10.replace("    proxy_pass", "    proxy_http_version 1.0;\n    proxy_pass");
    EXPECT_TRUE(ws001(lintText(explicit10, recent)).contains(QStringLiteral("proxy_http_version is 1.0")));
    // WS003 names what that version sends without a Connection header.
    const QByteArray noConnection = "location /ws {\n    proxy_pass http://127.0.0.1:9000;\n    proxy_http_version 1.1;\n"
                                    "    proxy_set_header Upgrade $http_upgrade;\n}\n";
    QString ws003;
    for (const ConfigFinding& f : lintText(noConnection, recent)) {
        if (f.rule == QLatin1String("WS003"))
            ws003 = f.message;
    }
    EXPECT_TRUE(ws003.contains(QStringLiteral("nginx 1.29.7 sends no Connection header by default"))) << ws003.toStdString();
}

TEST(ServerVersion, ReadsNginxAndHaproxyVersionOutput)
{
    const ServerVersion n = ServerVersion::fromVersionOutput("nginx version: nginx/1.22.1\n");
    EXPECT_EQ(n.text, QStringLiteral("1.22.1"));
    EXPECT_TRUE(n.atLeast(1, 22, 1));
    EXPECT_FALSE(n.atLeast(1, 29, 7));
    const ServerVersion h = ServerVersion::fromVersionOutput("HAProxy version 2.6.12-1+deb12u1 2023/12/16 - https://haproxy.org/\n");
    EXPECT_EQ(h.text, QStringLiteral("2.6.12-1+deb12u1"));
    EXPECT_TRUE(h.atLeast(2, 6, 12));
    EXPECT_FALSE(ServerVersion::fromVersionOutput("nginx: the configuration file syntax is ok\n").known());
    EXPECT_FALSE(ServerVersion::fromText(QStringLiteral("latest")).known());
    EXPECT_TRUE(ServerVersion::fromText(QStringLiteral("1.30")).atLeast(1, 29, 7));
    // Only a line before the dump's first file counts (a comment inside a file does not).
    EXPECT_EQ(ServerVersion::fromDumpPrelude("nginx version: nginx/1.22.1\nnginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
                                             "# configuration file /etc/nginx/nginx.conf:\nevents {}\n").text,
              QStringLiteral("1.22.1"));
    EXPECT_FALSE(ServerVersion::fromDumpPrelude("# configuration file /etc/nginx/nginx.conf:\n# nginx version: nginx/1.22.1\n").known());
}

// The Config tab's "Paste nginx -T" path reads the version line in front of the dump too.
TEST(ConfigAnalysisVersion, PastedDumpWithVersionLineNamesItsDefaults)
{
    ConfigAnalysisRequest request;
    request.kind = ConfigAnalysisRequest::Kind::NginxDump;
    request.path = QStringLiteral("<nginx -T>");
    request.text = "nginx version: nginx/1.22.1\n# configuration file /etc/nginx/sites-enabled/app:\n"
                   "server {\n    listen 80;\n    location /ws {\n        proxy_pass http://127.0.0.1:9000;\n"
                   "        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection \"upgrade\";\n    }\n}\n";
    const ConfigReport report = runConfigAnalysis(request);
    ASSERT_TRUE(report.ok) << report.error.toString().toStdString();
    QString ws001;
    for (const ConfigFinding& f : report.findings) {
        if (f.rule == QLatin1String("WS001"))
            ws001 = f.message;
    }
    EXPECT_TRUE(ws001.contains(QStringLiteral("nginx 1.22.1 talks HTTP/1.0"))) << ws001.toStdString();
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
