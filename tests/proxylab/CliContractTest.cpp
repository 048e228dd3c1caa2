// SPDX-License-Identifier: GPL-3.0-or-later
// The CLI's contract (flags, JSON fields, exit codes) run as a user would, against the lab.
#include "ProxyLab.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::proxylab;

namespace {
QJsonObject runJson(const QStringList& args, int* exitCode)
{
    QProcess p;
    p.start(lab::cliPath(), args);
    p.closeWriteChannel();
    EXPECT_TRUE(p.waitForFinished(30000));
    *exitCode = p.exitCode();
    const QByteArray out = p.readAllStandardOutput();
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(out, &error);
    EXPECT_EQ(error.error, QJsonParseError::NoError) << out.constData() << p.readAllStandardError().constData();
    return doc.object();
}
} // namespace

TEST(CliContract, ProbeJsonHasEveryContractFieldAndExitCodes)
{
    lab::NginxLab nginx;
    LAB_REQUIRE(lab::NginxLab::skipReason());
    Backend serve;
    ASSERT_TRUE(serve.start(QStringLiteral("serve")));
    const quint16 good = lab::freePort(), down = lab::freePort();
    QByteArray log;
    ASSERT_TRUE(startNginx(nginx, {{QStringLiteral("good"), proxySite(good, serve.port(), upgradeDirectives())},
                                   {QStringLiteral("down"), proxySite(down, lab::freePort(), upgradeDirectives())}}, &log))
        << log.constData();
    int code = -1;
    QJsonObject o = runJson({QStringLiteral("probe"), QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(good),
                             QStringLiteral("--echo"), QStringLiteral("4"), QStringLiteral("--size"), QStringLiteral("100"),
                             QStringLiteral("--timeout"), QStringLiteral("2"), QStringLiteral("--json")}, &code);
    EXPECT_EQ(code, 0);
    for (const char* key : {"url", "cause", "ok", "http_status", "close_code", "close_reason", "closed_by", "timings_ms",
                            "rtt_ms", "idle_cutoff_s", "held_s", "response_headers", "evidence", "advice"})
        EXPECT_TRUE(o.contains(QLatin1String(key))) << key;
    EXPECT_EQ(o.value(QStringLiteral("cause")).toString(), QStringLiteral("ok"));
    EXPECT_TRUE(o.value(QStringLiteral("ok")).toBool());
    EXPECT_EQ(o.value(QStringLiteral("http_status")).toInt(), 101);
    EXPECT_EQ(o.value(QStringLiteral("closed_by")).toString(), QStringLiteral("client"));
    const QJsonObject timings = o.value(QStringLiteral("timings_ms")).toObject();
    for (const char* key : {"dns", "connect", "tls", "upgrade", "first_echo"})
        EXPECT_TRUE(timings.contains(QLatin1String(key))) << key;
    EXPECT_TRUE(timings.value(QStringLiteral("tls")).isNull());
    EXPECT_GT(timings.value(QStringLiteral("upgrade")).toDouble(), 0);
    const QJsonObject rtt = o.value(QStringLiteral("rtt_ms")).toObject();
    EXPECT_EQ(rtt.value(QStringLiteral("count")).toInt(), 4);
    for (const char* key : {"min", "median", "p95", "max"})
        EXPECT_TRUE(rtt.value(QLatin1String(key)).isDouble()) << key;
    EXPECT_TRUE(o.value(QStringLiteral("idle_cutoff_s")).isNull());
    EXPECT_EQ(o.value(QStringLiteral("response_headers")).toObject().value(QStringLiteral("upgrade")).toString().toLower(),
              QStringLiteral("websocket"));

    o = runJson({QStringLiteral("probe"), QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(down), QStringLiteral("--json")}, &code);
    EXPECT_EQ(code, 1);
    EXPECT_EQ(o.value(QStringLiteral("cause")).toString(), QStringLiteral("bad_gateway"));
    EXPECT_EQ(o.value(QStringLiteral("http_status")).toInt(), 502);
    EXPECT_FALSE(o.value(QStringLiteral("advice")).toArray().isEmpty());

    QByteArray out;
    EXPECT_EQ(lab::runProgram(lab::cliPath(), {QStringLiteral("probe"), QStringLiteral("ftp://x/")}, &out), 2) << out.constData();
    EXPECT_EQ(lab::runProgram(lab::cliPath(), {QStringLiteral("probe"), QStringLiteral("ws://x/"), QStringLiteral("--bogus")}, &out), 2);
    EXPECT_EQ(lab::runProgram(lab::cliPath(), {QStringLiteral("probe"), QStringLiteral("ws://x/"), QStringLiteral("--basic-user"),
                                               QStringLiteral("u")}, &out), 2)
        << "a password is never taken from argv";
}

TEST(CliContract, DiagnoseNamesTheProxyWhenDirectWorksAndTheProxyDropsIdle)
{
    lab::NginxLab nginx;
    LAB_REQUIRE(lab::NginxLab::skipReason());
    Backend serve;
    ASSERT_TRUE(serve.start(QStringLiteral("serve")));
    const quint16 port = lab::freePort();
    QByteArray log;
    ASSERT_TRUE(startNginx(nginx, {{QStringLiteral("idle"), proxySite(port, serve.port(), upgradeDirectives()
                                                                      + QStringLiteral("        proxy_read_timeout 2s;\n"))}}, &log))
        << log.constData();
    int code = -1;
    const QJsonObject o = runJson({QStringLiteral("diagnose"), QStringLiteral("--direct"),
                                   QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(serve.port()), QStringLiteral("--via"),
                                   QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(port), QStringLiteral("--hold"),
                                   QStringLiteral("3"), QStringLiteral("--json")}, &code);
    EXPECT_EQ(code, 1);
    EXPECT_EQ(o.value(QStringLiteral("faulty_hop")).toString(), QStringLiteral("proxy"));
    EXPECT_EQ(o.value(QStringLiteral("direct")).toObject().value(QStringLiteral("cause")).toString(), QStringLiteral("ok"));
    const QJsonObject via = o.value(QStringLiteral("via")).toObject();
    EXPECT_EQ(via.value(QStringLiteral("cause")).toString(), QStringLiteral("idle_timeout"));
    EXPECT_NEAR(via.value(QStringLiteral("idle_cutoff_s")).toDouble(), 2.0, 0.5);
    EXPECT_EQ(via.value(QStringLiteral("close_code")).toInt(), 1006);
    EXPECT_TRUE(o.value(QStringLiteral("verdict")).toString().contains(QStringLiteral("proxy")));
}
