// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 11: WebSocket routes found without being told (the application catalogue), WS011's
// dedicated-location fix (judged by a real nginx in front of a real WebSocket backend), WS002 on a
// constant Upgrade value, and fixes whose diff touches only the lines they add.
#include "ConfigTestUtil.h"

#include "lab/Lab.h"
#include "nginx/NginxAnalyzer.h"
#include "nginx/NginxFixer.h"
#include "nginx/WebSocketApps.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::nginx;

namespace {

const QString kSite = QStringLiteral("/etc/nginx/sites-available/site");

FixResult fixText(const QByteArray& text, FixOptions options = {})
{
    options.load.followIncludes = false;
    return NginxFixer::fix(text, kSite, options);
}

ConfigFindings lintText(const QByteArray& text)
{
    NginxConfigSet set;
    ConfError e;
    LoadOptions load;
    load.followIncludes = false;
    EXPECT_TRUE(set.loadText(text, kSite, load, &e)) << e.toString().toStdString();
    return NginxAnalyzer::lint(set, {});
}

const ConfigFinding* finding(const ConfigFindings& findings, const char* rule)
{
    for (const ConfigFinding& f : findings) {
        if (f.rule == QLatin1String(rule))
            return &f;
    }
    return nullptr;
}

// The lines of a unified diff that remove or add something (hunk headers and context excluded).
QList<QByteArray> changedLines(const QByteArray& diff)
{
    QList<QByteArray> out;
    for (const QByteArray& l : diff.split('\n')) {
        if ((l.startsWith('+') && !l.startsWith("+++")) || (l.startsWith('-') && !l.startsWith("---")))
            out.append(l);
    }
    return out;
}

} // namespace

TEST(WebSocketApps, BuiltInCatalogueCoversTheIssuesApplications)
{
    const WebSocketAppCatalog& catalog = WebSocketAppCatalog::builtIn();
    QStringList names;
    for (const WebSocketApp& app : catalog.apps())
        names.append(app.name);
    for (const char* name : {"Socket.IO", "SockJS", "SignalR", "ActionCable", "Phoenix", "GraphQL subscriptions", "MQTT over WebSocket",
                             "STOMP over WebSocket", "Grafana Live", "Jupyter", "code-server", "Home Assistant", "Mattermost",
                             "Rocket.Chat", "Mastodon streaming", "Jitsi Meet", "Odoo", "Proxmox VE (noVNC console)", "Guacamole",
                             "Neo4j (Bolt over WebSocket)"})
        EXPECT_TRUE(names.contains(QLatin1String(name))) << name;
    EXPECT_EQ(catalog.matchPattern(QStringLiteral("~* /(api/kernels/[^/]+/channels)")).app->name, QStringLiteral("Jupyter"));
    EXPECT_EQ(catalog.matchPattern(QStringLiteral("~ ^/socket\\.io/")).app->name, QStringLiteral("Socket.IO"));
    EXPECT_FALSE(catalog.matchPattern(QStringLiteral("/api/")));
    EXPECT_FALSE(catalog.matchPattern(QStringLiteral("= /xmpp-websocket-docs")));
    // Several applications list /websocket: the one the server's hints name wins.
    const QList<AppMatch> odoo = catalog.hintedBy(QStringLiteral("upstream odoo 127.0.0.1:8069"));
    ASSERT_FALSE(odoo.isEmpty());
    EXPECT_EQ(catalog.matchPattern(QStringLiteral("/websocket"), odoo).app->name, QStringLiteral("Odoo"));
    WebSocketAppCatalog bad;
    QString error;
    EXPECT_FALSE(WebSocketAppCatalog::fromJson("{\"apps\": 3}", &bad, &error));
    EXPECT_FALSE(error.isEmpty());
}

TEST(WebSocketRoutes, UnconfiguredSocketIoLocationIsFoundWithoutEndpoint)
{
    const QByteArray site = "server {\n"
                            "    listen 80;\n"
                            "    location / {\n"
                            "        proxy_pass http://127.0.0.1:3000;\n"
                            "    }\n"
                            "    location /socket.io/ {\n"
                            "        proxy_pass http://127.0.0.1:3000;\n"
                            "    }\n"
                            "}\n";
    const ConfigFindings findings = lintText(site);
    const ConfigFinding* ws002 = finding(findings, "WS002");
    ASSERT_NE(ws002, nullptr);
    EXPECT_EQ(ws002->line, 6);
    EXPECT_TRUE(ws002->message.contains(QStringLiteral("Socket.IO's WebSocket endpoint /socket.io/"))) << ws002->message.toStdString();
    for (const ConfigFinding& f : findings)
        EXPECT_NE(f.line, 3) << "location / is not a WebSocket location: " << f.message.toStdString();
}

TEST(WebSocketRoutes, Ws011ProposesADedicatedLocationAndLeavesTheSiteWideOneAlone)
{
    const QByteArray site = "map $http_upgrade $connection_upgrade {\n"
                            "    default upgrade;\n"
                            "    ''      close;\n"
                            "}\n"
                            "upstream odoo {\n"
                            "    server 127.0.0.1:8069;\n"
                            "}\n"
                            "server {\n"
                            "    listen 443 ssl;\n"
                            "    server_name erp.example.com;\n"
                            "    proxy_set_header Host $host;\n"
                            "    location / {\n"
                            "        proxy_pass http://odoo/;\n"
                            "        proxy_cache erp;\n"
                            "        auth_basic \"staff\";\n"
                            "    }\n"
                            "}\n";
    const ConfigFindings findings = lintText(site);
    ASSERT_EQ(findings.size(), 1);
    EXPECT_EQ(findings.front().rule, QStringLiteral("WS011"));
    EXPECT_EQ(findings.front().severity, QStringLiteral("error"));
    EXPECT_EQ(findings.front().line, 12);
    EXPECT_TRUE(findings.front().message.contains(QStringLiteral("Odoo's WebSocket path /websocket"))) << findings.front().message.toStdString();

    const FixResult r = fixText(site);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.fixedRules, QStringList{QStringLiteral("WS011")});
    // Only additions: location / keeps its bytes (cache and all).
    for (const QByteArray& l : changedLines(r.diff))
        EXPECT_TRUE(l.startsWith('+')) << l.toStdString();
    const qsizetype rootEnd = site.indexOf("    }\n") + 5;
    EXPECT_TRUE(r.newText.startsWith(site.left(rootEnd)));
    EXPECT_TRUE(r.newText.endsWith(site.mid(rootEnd)));
    // The new location: the same URI reaches the backend (proxy_pass with a URI part carries the
    // rest of the path), what location / had (auth, not its cache), the inherited Host header
    // restated, the file's map variable, TLS → X-Forwarded-Proto.
    const QByteArray added = r.newText.mid(rootEnd);
    for (const char* want : {"location ^~ /websocket {", "proxy_pass http://odoo/websocket;", "auth_basic \"staff\";",
                             "proxy_set_header Host $host;", "proxy_http_version 1.1;", "proxy_set_header Upgrade $http_upgrade;",
                             "proxy_set_header Connection $connection_upgrade;", "proxy_set_header X-Forwarded-Proto $scheme;",
                             "proxy_read_timeout 3600s;", "proxy_send_timeout 3600s;"})
        EXPECT_TRUE(r.newText.contains(want)) << want << "\n" << r.newText.toStdString();
    EXPECT_FALSE(added.contains("proxy_cache erp")) << added.toStdString();
    // Re-lint: clean.
    EXPECT_TRUE(lintText(r.newText).isEmpty()) << r.newText.toStdString();
}

// Proxmox's console upgrades on any path: a location proxying to its port is a WebSocket location
// even without Upgrade headers, and each finding says why.
TEST(WebSocketRoutes, ApplicationThatUpgradesOnAnyPathMakesItsLocationAWebSocketLocation)
{
    const QByteArray site = "server {\n"
                            "    listen 80;\n"
                            "    location / {\n"
                            "        proxy_pass https://localhost:8006;\n"
                            "    }\n"
                            "}\n";
    const ConfigFindings findings = lintText(site);
    const ConfigFinding* ws002 = finding(findings, "WS002");
    ASSERT_NE(ws002, nullptr);
    EXPECT_EQ(ws002->line, 3);
    EXPECT_TRUE(ws002->message.contains(QStringLiteral("[a WebSocket location: Proxmox VE (noVNC console) upgrades on any path"))) << ws002->message.toStdString();
    // Another port: nothing is known about it, nothing is reported.
    QByteArray other = site;
    other.replace(":8006", ":8443");
    EXPECT_TRUE(lintText(other).isEmpty());
}

// Grafana under a sub-path: /api/live/ at the top lands in another application's location /,
// which is no Grafana Live route; /grafana/api/live/ is the one to check (it is not in the catalogue).
TEST(WebSocketRoutes, Ws011OnlyWhereThePathLeadsToTheRecognisedApplication)
{
    const QByteArray site = "upstream grafana {\n"
                            "    server 127.0.0.1:3000;\n"
                            "}\n"
                            "server {\n"
                            "    listen 80;\n"
                            "    location / {\n"
                            "        proxy_pass http://127.0.0.1:8080;\n"
                            "    }\n"
                            "    location /grafana/ {\n"
                            "        proxy_pass http://grafana;\n"
                            "    }\n"
                            "}\n";
    EXPECT_TRUE(lintText(site).isEmpty());
}

TEST(WebSocketRoutes, ConstantUpgradeHeaderIsAWarningThatSaysTheUpgradeWorks)
{
    const QByteArray site = "server {\n"
                            "    location /ws/ {\n"
                            "        proxy_pass http://127.0.0.1:9000;\n"
                            "        proxy_http_version 1.1;\n"
                            "        proxy_set_header Upgrade \"websocket\";\n"
                            "        proxy_set_header Connection \"upgrade\";\n"
                            "    }\n"
                            "}\n";
    const ConfigFindings findings = lintText(site);
    const ConfigFinding* ws002 = finding(findings, "WS002");
    ASSERT_NE(ws002, nullptr);
    EXPECT_EQ(ws002->severity, QStringLiteral("warning"));
    EXPECT_EQ(ws002->line, 5);
    EXPECT_TRUE(ws002->message.contains(QStringLiteral("the WebSocket upgrade works"))) << ws002->message.toStdString();
    EXPECT_TRUE(ws002->message.contains(QStringLiteral("every plain request"))) << ws002->message.toStdString();
    EXPECT_FALSE(ws002->message.contains(QStringLiteral("never sees")));
    // A variable other than $http_upgrade stays an error.
    QByteArray wrong = site;
    wrong.replace("\"websocket\"", "$connection_upgrade");
    const ConfigFindings wrongFindings = lintText(wrong);
    const ConfigFinding* ws002Wrong = finding(wrongFindings, "WS002");
    ASSERT_NE(ws002Wrong, nullptr);
    EXPECT_EQ(ws002Wrong->severity, QStringLiteral("error"));
}

// Proxmox's example ends its lines with blanks: the inserted lines must not take them over
// (which rewrote the last original line in the diff).
TEST(WebSocketRoutes, FixDiffTouchesOnlyTheLinesItAddsEvenAfterTrailingBlanks)
{
    const QByteArray site = "server {\n"
                            "    listen 443 ssl;\n"
                            "    location / {\n"
                            "        proxy_http_version 1.1;\n"
                            "        proxy_set_header Upgrade $http_upgrade;\n"
                            "        proxy_set_header Connection \"upgrade\"; \n"
                            "        proxy_pass https://localhost:8006;\t \n"
                            "    }\n"
                            "}\n";
    const FixResult r = fixText(site);
    ASSERT_TRUE(r.ok);
    ASSERT_FALSE(r.diff.isEmpty());
    for (const QByteArray& l : changedLines(r.diff))
        EXPECT_TRUE(l.startsWith('+')) << "changed an original line: " << l.toStdString() << "\n" << r.diff.toStdString();
    EXPECT_TRUE(r.newText.contains("proxy_pass https://localhost:8006;\t \n")) << r.newText.toStdString();
    for (const QByteArray& l : r.newText.split('\n')) {
        if (l.contains("SocketScope") || l.contains("_timeout")) {
            EXPECT_FALSE(l.endsWith(' ') || l.endsWith('\t')) << l.toStdString();
        }
    }
}

// The WS011 fix judged by nginx: Odoo's /websocket falling into a site-wide `location /` is
// refused by a real WebSocket backend (Debian's python3-websockets) through nginx; after the
// fix, nginx -t and a reload, the same request is upgraded (101).
TEST(WebSocketRoutesLab, Ws011FixMakesTheApplicationsWebSocketPathUpgrade)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/python3"), QStringLiteral("python3-websockets")));
    lab::NginxLab nginxLab;
    const quint16 backendPort = lab::freePort();
    lab::Daemon backend;
    ASSERT_TRUE(backend.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/proxylab/ws_peer.py"),
                                                                   QStringLiteral("echo"), QString::number(backendPort)}));
    ASSERT_TRUE(lab::waitForPort(backendPort));
    const quint16 port = lab::freePort();
    const QString broken = QStringLiteral("upstream odoo {\n"
                                          "    server 127.0.0.1:%2;\n"
                                          "}\n"
                                          "server {\n"
                                          "    listen 127.0.0.1:%1;\n"
                                          "    location / {\n"
                                          "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n"
                                          "        proxy_pass http://odoo/;\n"
                                          "    }\n"
                                          "}\n").arg(port).arg(backendPort);
    nginxLab.writeMainConfig();
    nginxLab.writeSite(QStringLiteral("odoo"), broken);
    QByteArray log;
    ASSERT_TRUE(nginxLab.start(&log)) << log.toStdString();
    ASSERT_TRUE(lab::waitForPort(port));
    const int refused = lab::handshakeStatus(port, "/websocket");
    EXPECT_TRUE(refused == 400 || refused == 426) << refused;

    FixOptions options;
    options.load.followIncludes = false;
    const FixResult r = NginxFixer::fix(broken.toUtf8(), nginxLab.prefix() + QStringLiteral("/sites-available/odoo"), options);
    ASSERT_TRUE(r.ok) << r.error.toStdString();
    EXPECT_EQ(r.fixedRules, QStringList{QStringLiteral("WS011")});
    nginxLab.writeSite(QStringLiteral("odoo"), QString::fromUtf8(r.newText));
    ASSERT_TRUE(nginxLab.test(&log)) << log.toStdString() << r.newText.toStdString();
    ASSERT_TRUE(nginxLab.reloadAndWaitForNewWorkers(&log)) << log.toStdString();
    EXPECT_EQ(lab::handshakeStatus(port, "/websocket"), 101) << r.newText.toStdString();
}

// docs/config-analysis.md lists the catalogue (issue 11: "docs list the application catalogue and
// how to add an entry"): every built-in entry's name appears in its table.
TEST(WebSocketApps, DocsListEveryCatalogueEntry)
{
    const QByteArray docs = lab::readAll(QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/docs/config-analysis.md"));
    ASSERT_FALSE(docs.isEmpty());
    for (const WebSocketApp& app : WebSocketAppCatalog::builtIn().apps())
        EXPECT_TRUE(docs.contains(QStringLiteral("\n| %1 | ").arg(app.name).toUtf8())) << app.name.toStdString() << " is not in the docs' catalogue table";
}
