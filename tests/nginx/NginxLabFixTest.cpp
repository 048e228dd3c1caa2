// SPDX-License-Identifier: GPL-3.0-or-later
// End to end: a real nginx proxying to the real reference endpoint with a broken location (no
// Upgrade/Connection headers, HTTP/1.0, 3 s read timeout). The client's upgrade is refused (426
// from the backend); after the fixer's edit and `nginx -s reload` the upgrade succeeds (101) and
// the echo round trip works through nginx.
#include "lab/Lab.h"
#include "nginx/NginxAnalyzer.h"
#include "nginx/NginxFixer.h"
#include "server/ReferenceServer.h"

#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QSet>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

#include <gtest/gtest.h>

#include <algorithm>

using namespace socketscope;
using namespace socketscope::nginx;
using socketscope::lab::handshakeStatus;
using socketscope::lab::waitForCount;

namespace {

// Runs one probe of the profile's endpoint (the probe engine with its diagnosis) and returns it.
ProbeResult probe(const QString& url)
{
    ProbeOptions options;
    options.url = url;
    options.timeoutS = 5;
    return lab::probe(options, 20000);
}

} // namespace

TEST(NginxLabFix, FixTurnsARefusedUpgradeIntoAWorkingWebSocket)
{
    lab::NginxLab nginxLab;
    LAB_REQUIRE(lab::NginxLab::skipReason());
    ReferenceServer backend;
    ASSERT_TRUE(backend.listen(QHostAddress::LocalHost, 0).ok());
    const quint16 port = lab::freePort();
    const QString broken = QStringLiteral(
        "# the app's site: /ws/ was added later by copying the plain HTTP location\n"
        "server {\n"
        "    listen 127.0.0.1:%1;\n"
        "    location / {\n"
        "        return 200 \"app\\n\";\n"
        "    }\n"
        "    location /ws/ {\n"
        "        proxy_pass http://127.0.0.1:%2;\n"
        "        proxy_read_timeout 3s;   # copied from the API location\n"
        "    }\n"
        "}\n").arg(port).arg(backend.port());
    nginxLab.writeMainConfig();
    nginxLab.writeSite(QStringLiteral("app"), broken);
    QByteArray log;
    ASSERT_TRUE(nginxLab.start(&log)) << log.toStdString();
    ASSERT_TRUE(lab::waitForPort(port));

    // What a client sees: the backend's refusal, passed on by nginx; the probe fails.
    EXPECT_EQ(handshakeStatus(port), 426);
    const QString url = QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(port);
    const ProbeResult before = probe(url);
    EXPECT_FALSE(before.ok);
    EXPECT_EQ(before.httpStatus.value_or(0), 426) << before.cause.toStdString();

    // What the analyzer says, given the endpoint path the profile probes.
    FixOptions options;
    options.rules.endpointPaths = {QStringLiteral("/ws/echo")};
    options.load.followIncludes = false;
    const QString sitePath = nginxLab.prefix() + QStringLiteral("/sites-available/app");
    const FixResult r = NginxFixer::fix(broken.toUtf8(), sitePath, options);
    ASSERT_TRUE(r.ok) << r.error.toStdString();
    EXPECT_EQ(r.fixedRules, QStringList({QStringLiteral("WS001"), QStringLiteral("WS002"), QStringLiteral("WS003"),
                                         QStringLiteral("WS004"), QStringLiteral("WS005"), QStringLiteral("WS006"),
                                         QStringLiteral("WS007")}));
    EXPECT_TRUE(r.newText.contains("proxy_read_timeout 3600s;   # copied from the API location")) << r.newText.toStdString();

    // Apply it the way an operator would: write, nginx -t, reload.
    nginxLab.writeSite(QStringLiteral("app"), QString::fromUtf8(r.newText));
    ASSERT_TRUE(nginxLab.test(&log)) << log.toStdString();
    const QSet<QByteArray> oldWorkers = lab::nginxWorkerPids(nginxLab.masterPid());
    ASSERT_TRUE(nginxLab.reload(&log)) << log.toStdString();

    // Old workers may still accept for a moment after the reload: wait until they are gone.
    QDeadlineTimer deadline(15000);
    while (!deadline.hasExpired()) {
        const QSet<QByteArray> now = lab::nginxWorkerPids(nginxLab.masterPid());
        if (!now.isEmpty() && !now.intersects(oldWorkers))
            break;
        QTest::qWait(20);
    }
    EXPECT_EQ(handshakeStatus(port), 101);
    const ProbeResult after = probe(url);
    EXPECT_TRUE(after.ok) << after.cause.toStdString() << ": " << after.errorString.toStdString();
    EXPECT_EQ(after.cause, QStringLiteral("ok"));

    // And a real WebSocket client gets the welcome and its echo through nginx.
    QWebSocket client;
    QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
    QSignalSpy connected(&client, &QWebSocket::connected);
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(port)));
    ASSERT_TRUE(waitForCount(connected, 1)) << client.errorString().toStdString();
    ASSERT_TRUE(waitForCount(texts, 1));
    EXPECT_TRUE(texts.at(0).at(0).toString().contains(QStringLiteral("welcome")));
    client.sendTextMessage(QStringLiteral("through nginx"));
    ASSERT_TRUE(waitForCount(texts, 2));
    EXPECT_EQ(texts.at(1).at(0).toString(), QStringLiteral("through nginx"));
    client.close();
}

TEST(NginxLabFix, ShortReadTimeoutCutsIdleWebSocketsUntilFixed)
{
    lab::NginxLab nginxLab;
    LAB_REQUIRE(lab::NginxLab::skipReason());
    ReferenceServer backend;
    ASSERT_TRUE(backend.listen(QHostAddress::LocalHost, 0).ok());
    const quint16 port = lab::freePort();
    const QString site = QStringLiteral(
        "server {\n"
        "    listen 127.0.0.1:%1;\n"
        "    location /ws/ {\n"
        "        proxy_pass http://127.0.0.1:%2;\n"
        "        proxy_http_version 1.1;\n"
        "        proxy_set_header Upgrade $http_upgrade;\n"
        "        proxy_set_header Connection \"upgrade\";\n"
        "        proxy_read_timeout 2s;\n"
        "    }\n"
        "}\n").arg(port).arg(backend.port());
    nginxLab.writeMainConfig();
    nginxLab.writeSite(QStringLiteral("app"), site);
    QByteArray log;
    ASSERT_TRUE(nginxLab.start(&log)) << log.toStdString();
    ASSERT_TRUE(lab::waitForPort(port));
    const QUrl url(QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(port));

    {   // Idle after the welcome: nginx closes the tunnel at its 2 s read timeout.
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy disconnected(&client, &QWebSocket::disconnected);
        client.open(url);
        ASSERT_TRUE(waitForCount(connected, 1));
        EXPECT_TRUE(waitForCount(disconnected, 1, 10000));
    }

    RuleOptions rules;
    NginxConfigSet set;
    ConfError error;
    LoadOptions load;
    load.followIncludes = false;
    ASSERT_TRUE(set.loadText(site.toUtf8(), nginxLab.prefix() + QStringLiteral("/sites-available/app"), load, &error));
    const ConfigFindings findings = NginxAnalyzer::lint(set, rules);
    const auto ws004 = std::find_if(findings.begin(), findings.end(), [](const ConfigFinding& f) { return f.rule == QLatin1String("WS004"); });
    ASSERT_NE(ws004, findings.end());
    EXPECT_EQ(ws004->line, 8);
    EXPECT_TRUE(ws004->message.contains(QStringLiteral("proxy_read_timeout is 2s"))) << ws004->message.toStdString();
    FixOptions options;
    options.onlyRules = {QStringLiteral("WS004")};
    const FixResult r = NginxFixer::fixSet(set, options);
    ASSERT_EQ(r.fixedRules, QStringList{QStringLiteral("WS004")});
    nginxLab.writeSite(QStringLiteral("app"), QString::fromUtf8(r.newText));
    ASSERT_TRUE(nginxLab.test(&log)) << log.toStdString();
    const QSet<QByteArray> oldWorkers = lab::nginxWorkerPids(nginxLab.masterPid());
    ASSERT_FALSE(oldWorkers.isEmpty());
    ASSERT_TRUE(nginxLab.reload(&log)) << log.toStdString();
    // Both configurations answer 101, so wait until the old workers are gone (QTRY-style poll;
    // Linux /proc, as the lab's nginx runs here), then idle longer than the old timeout.
    QDeadlineTimer deadline(15000);
    while (!deadline.hasExpired()) {
        const QSet<QByteArray> now = lab::nginxWorkerPids(nginxLab.masterPid());
        if (!now.isEmpty() && !now.intersects(oldWorkers))
            break;
        QTest::qWait(20);
    }
    ASSERT_FALSE(lab::nginxWorkerPids(nginxLab.masterPid()).intersects(oldWorkers));
    QWebSocket client;
    QSignalSpy connected(&client, &QWebSocket::connected);
    QSignalSpy disconnected(&client, &QWebSocket::disconnected);
    client.open(url);
    ASSERT_TRUE(waitForCount(connected, 1));
    EXPECT_FALSE(waitForCount(disconnected, 1, 4000)) << "still cut after the fix";
    QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
    client.sendTextMessage(QStringLiteral("after 4 s idle"));
    EXPECT_TRUE(waitForCount(texts, 1));
}
