// SPDX-License-Identifier: GPL-3.0-or-later
// The timeout map (issue 13) against a real chain on 127.0.0.1, started here:
//   client → HAProxy (timeout tunnel 4s) → nginx (proxy_read_timeout 2s) → `socketscope-cli serve`
//   client → a relay that cuts every connection at 3 s whatever the traffic (tests/timeouts/relay.py)
//   client → a relay that silently stops forwarding after 3 s idle
// The judges are the configured values of the real daemons and of the relays written for the test,
// and nginx's own error log line.
#include "lab/Lab.h"
#include "lab/SshdLab.h"
#include "monitor/EvidenceBundle.h"
#include "probe/ProbeEngine.h"
#include "runbook/RunbookConnect.h"
#include "timeouts/CutLogs.h"
#include "timeouts/KnownTimeouts.h"
#include "timeouts/TimeoutJson.h"
#include "timeouts/TimeoutMapper.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>

#include <gtest/gtest.h>

#include <algorithm>

using namespace socketscope;

namespace {

constexpr double kResolution = 0.5;

QString relayScript() { return QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/timeouts/relay.py"); }
QString syslogScript() { return QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/timeouts/syslog.py"); }
QString wsUrl(quint16 port, const QString& path = QStringLiteral("/ws/echo"))
{
    return QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(path);
}

// `socketscope-cli serve` with a fast heartbeat on /ws/health (the server-side keepalive).
bool startServe(lab::Daemon& d, quint16 port)
{
    return d.start(lab::cliPath(), {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port),
                                    QStringLiteral("--heartbeat"), QStringLiteral("0.5")})
        && lab::waitForPort(port);
}

bool startRelay(lab::Daemon& d, const QString& mode, double seconds, quint16 port, quint16 target)
{
    return d.start(QStringLiteral("/usr/bin/python3"), {relayScript(), mode, QString::number(seconds), QString::number(port),
                                                        QString::number(target)})
        && lab::waitForPort(port);
}

// A syslog receiver writing HAProxy's log lines to `file`, as rsyslog would.
bool startSyslog(lab::Daemon& d, quint16 port, const QString& file)
{
    if (!d.start(QStringLiteral("/usr/bin/python3"), {syslogScript(), QString::number(port), file}))
        return false;
    for (int i = 0; i < 200 && !QFile::exists(file); ++i) // it opens the file once its port is bound
        QThread::msleep(25);
    return QFile::exists(file);
}

// HAProxy in front of `target` with `timeout tunnel`, logging httplog lines to a syslog port.
QString haproxyConfig(quint16 listen, quint16 target, const QString& tunnel, quint16 syslogPort)
{
    return QStringLiteral("global\n"
                          "    log 127.0.0.1:%4 format raw local0\n"
                          "defaults\n"
                          "    mode http\n"
                          "    log global\n"
                          "    option httplog\n"
                          "    timeout connect 1s\n"
                          "    timeout client 30s\n"
                          "    timeout server 30s\n"
                          "    timeout tunnel %3\n"
                          "frontend fe\n"
                          "    bind 127.0.0.1:%1\n"
                          "    default_backend be\n"
                          "backend be\n"
                          "    server nginx 127.0.0.1:%2\n").arg(listen).arg(target).arg(tunnel).arg(syslogPort);
}

QString nginxSite(quint16 listen, quint16 target, const QString& readTimeout)
{
    return QStringLiteral("server {\n"
                          "    listen 127.0.0.1:%1;\n"
                          "    location / {\n"
                          "        proxy_pass http://127.0.0.1:%2;\n"
                          "        proxy_http_version 1.1;\n"
                          "        proxy_set_header Upgrade $http_upgrade;\n"
                          "        proxy_set_header Connection \"upgrade\";\n"
                          "        proxy_read_timeout %3;\n"
                          "    }\n"
                          "}\n").arg(listen).arg(target).arg(readTimeout);
}

QJsonObject runCli(const QStringList& args, int* exitCode)
{
    QProcess cli;
    cli.start(lab::cliPath(), QStringList{QStringLiteral("timeouts")} + args + QStringList{QStringLiteral("--json")});
    cli.closeWriteChannel();
    if (!cli.waitForFinished(120000)) {
        ADD_FAILURE() << "the CLI did not finish";
        return {};
    }
    const QByteArray out = cli.readAllStandardOutput();
    QJsonParseError pe{};
    const QJsonObject map = QJsonDocument::fromJson(out, &pe).object();
    EXPECT_EQ(pe.error, QJsonParseError::NoError) << out.constData() << cli.readAllStandardError().constData();
    *exitCode = cli.exitCode();
    return map;
}

QJsonObject hopNamed(const QJsonObject& map, const QString& name)
{
    for (const QJsonValue& v : map.value(QStringLiteral("hops")).toArray()) {
        if (v.toObject().value(QStringLiteral("name")).toString() == name)
            return v.toObject();
    }
    return {};
}

std::optional<bool> survived(const QJsonObject& map, const QString& traffic)
{
    for (const QJsonValue& v : map.value(QStringLiteral("keepalive")).toArray()) {
        const QJsonObject row = v.toObject();
        if (row.value(QStringLiteral("traffic")).toString() == traffic) {
            const QJsonValue s = row.value(QStringLiteral("survived"));
            return s.isBool() ? std::optional<bool>(s.toBool()) : std::nullopt;
        }
    }
    return std::nullopt;
}

} // namespace

TEST(TimeoutMap, ChainNamesNginxFirstTheRelayLifetimeTheDropSilentAndServerTrafficKeepsNginxAlive)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    LAB_REQUIRE(lab::HaproxyLab::skipReason());
    LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/python3"), QStringLiteral("python3")));

    const quint16 servePort = lab::freePort(), nginxPort = lab::freePort(), haproxyPort = lab::freePort(),
                  lifetimePort = lab::freePort(), silentPort = lab::freePort();
    lab::Daemon serve, lifetime, silent, syslog;
    QTemporaryDir logs;
    const QString haproxyLog = logs.filePath(QStringLiteral("haproxy.log"));
    const quint16 syslogPort = lab::freePort();
    ASSERT_TRUE(startSyslog(syslog, syslogPort, haproxyLog)) << syslog.output().constData();
    ASSERT_TRUE(startServe(serve, servePort)) << serve.output().constData();
    ASSERT_TRUE(startRelay(lifetime, QStringLiteral("lifetime"), 3, lifetimePort, servePort)) << lifetime.output().constData();
    ASSERT_TRUE(startRelay(silent, QStringLiteral("silent"), 3, silentPort, servePort)) << silent.output().constData();

    lab::NginxLab nginx;
    nginx.writeMainConfig();
    nginx.writeSite(QStringLiteral("ws"), QStringLiteral("server {\n"
                                                         "    listen 127.0.0.1:%1;\n"
                                                         "    location / {\n"
                                                         "        proxy_pass http://127.0.0.1:%2;\n"
                                                         "        proxy_http_version 1.1;\n"
                                                         "        proxy_set_header Upgrade $http_upgrade;\n"
                                                         "        proxy_set_header Connection \"upgrade\";\n"
                                                         "        proxy_read_timeout 2s;\n"
                                                         "    }\n"
                                                         "}\n").arg(nginxPort).arg(servePort));
    QByteArray log;
    if (!nginx.start(&log))
        LAB_UNAVAILABLE(QStringLiteral("nginx did not start: ") + QString::fromUtf8(log));
    ASSERT_TRUE(lab::waitForPort(nginxPort));

    lab::HaproxyLab haproxy;
    haproxy.writeConfig(haproxyConfig(haproxyPort, nginxPort, QStringLiteral("4s"), syslogPort));
    ASSERT_TRUE(haproxy.check(&log)) << log.constData();
    ASSERT_TRUE(haproxy.start());
    ASSERT_TRUE(lab::waitForPort(haproxyPort)) << haproxy.output().constData();

    // The real CLI, as a user runs it: hops from the client side to the backend.
    QProcess cli;
    cli.start(lab::cliPath(), {QStringLiteral("timeouts"),
                               QStringLiteral("--hop"), QStringLiteral("haproxy=") + wsUrl(haproxyPort),
                               QStringLiteral("--hop"), QStringLiteral("nginx=") + wsUrl(nginxPort),
                               QStringLiteral("--hop"), QStringLiteral("lifetime-relay=") + wsUrl(lifetimePort),
                               QStringLiteral("--hop"), QStringLiteral("silent-relay=") + wsUrl(silentPort),
                               QStringLiteral("--hop"), QStringLiteral("backend=") + wsUrl(servePort),
                               QStringLiteral("--max"), QStringLiteral("8"), QStringLiteral("--resolution"), QString::number(kResolution),
                               QStringLiteral("--nginx-error-log"), nginx.errorLog(), QStringLiteral("--haproxy-log"), haproxyLog,
                               QStringLiteral("--json")});
    cli.closeWriteChannel();
    ASSERT_TRUE(cli.waitForFinished(120000));
    const QByteArray out = cli.readAllStandardOutput();
    QJsonParseError pe{};
    const QJsonObject map = QJsonDocument::fromJson(out, &pe).object();
    ASSERT_EQ(pe.error, QJsonParseError::NoError) << out.constData() << cli.readAllStandardError().constData();
    const std::string dump = out.toStdString();
    EXPECT_EQ(cli.exitCode(), 1) << "a hop cuts below --max" << dump;

    // nginx cuts first, after its proxy_read_timeout, an idle cap, FIN, named by its own log line.
    const QJsonObject first = map.value(QStringLiteral("first_cut")).toObject();
    EXPECT_EQ(first.value(QStringLiteral("hop")).toString(), QStringLiteral("nginx")) << dump;
    EXPECT_NEAR(first.value(QStringLiteral("after_s")).toDouble(), 2.0, kResolution) << dump;
    EXPECT_EQ(first.value(QStringLiteral("kind")).toString(), QStringLiteral("idle")) << dump;
    const QJsonObject ng = hopNamed(map, QStringLiteral("nginx"));
    EXPECT_NEAR(ng.value(QStringLiteral("idle_cutoff_s")).toDouble(), 2.0, kResolution) << dump;
    EXPECT_TRUE(ng.value(QStringLiteral("lifetime_cap_s")).isNull()) << dump;
    EXPECT_EQ(ng.value(QStringLiteral("death")).toString(), QStringLiteral("fin")) << dump;
    EXPECT_TRUE(ng.value(QStringLiteral("signature")).toString().contains(QLatin1String("upstream timed out"))) << dump;
    EXPECT_TRUE(ng.value(QStringLiteral("signature")).toString().contains(QLatin1String("proxy_read_timeout"))) << dump;
    // HAProxy's own 4 s never comes into play: nginx behind it cuts at 2 s, and HAProxy's log
    // has no timeout of its own (cD/sD) to sign the haproxy hop with.
    EXPECT_NEAR(hopNamed(map, QStringLiteral("haproxy")).value(QStringLiteral("idle_cutoff_s")).toDouble(), 2.0, kResolution) << dump;
    EXPECT_FALSE(hopNamed(map, QStringLiteral("haproxy")).value(QStringLiteral("signature")).toString().contains(QLatin1String("HAProxy log"))) << dump;
    EXPECT_TRUE(lab::readAll(haproxyLog).contains("GET /ws/echo")) << "HAProxy logged to the syslog receiver";

    // The relay that cuts at 3 s whatever the traffic: a lifetime cap.
    const QJsonObject lt = hopNamed(map, QStringLiteral("lifetime-relay"));
    EXPECT_NEAR(lt.value(QStringLiteral("lifetime_cap_s")).toDouble(), 3.0, kResolution) << dump;
    EXPECT_TRUE(lt.value(QStringLiteral("idle_cutoff_s")).isNull()) << dump;
    EXPECT_EQ(lt.value(QStringLiteral("death")).toString(), QStringLiteral("fin")) << dump;

    // The relay that stops forwarding after 3 s idle without closing: a silent drop, bisected.
    const QJsonObject sd = hopNamed(map, QStringLiteral("silent-relay"));
    EXPECT_EQ(sd.value(QStringLiteral("death")).toString(), QStringLiteral("silent_drop")) << dump;
    EXPECT_NEAR(sd.value(QStringLiteral("idle_cutoff_s")).toDouble(), 3.0, kResolution) << dump;
    EXPECT_TRUE(sd.value(QStringLiteral("lifetime_cap_s")).isNull()) << dump;
    // Narrowed by the staggered pool (idle probes opened a step apart from the start and pinged
    // together when the ladder met the drop); whether a bisection round followed depends on timing.
    const QJsonArray details = sd.value(QStringLiteral("details")).toArray();
    EXPECT_TRUE(std::any_of(details.begin(), details.end(), [](const QJsonValue& d) {
        return d.toString().contains(QLatin1String("staggered idle probes pinged together"))
            && !d.toString().startsWith(QLatin1String("narrowed by 0 "));
    })) << dump;

    // The backend alone never cuts within --max.
    const QJsonObject be = hopNamed(map, QStringLiteral("backend"));
    EXPECT_TRUE(be.value(QStringLiteral("idle_cutoff_s")).isNull()) << dump;
    EXPECT_EQ(be.value(QStringLiteral("death")).toString(), QStringLiteral("none")) << dump;

    // The keepalive matrix on nginx: an idle client alone dies, server-side traffic keeps it alive.
    EXPECT_EQ(survived(map, QStringLiteral("none")), std::optional<bool>(false)) << dump;
    EXPECT_EQ(survived(map, QStringLiteral("server_data")), std::optional<bool>(true)) << dump;
    EXPECT_LT(map.value(QStringLiteral("advised_ping_interval_s")).toDouble(), 0.8 * first.value(QStringLiteral("after_s")).toDouble());
    EXPECT_GT(map.value(QStringLiteral("advised_ping_interval_s")).toDouble(), 0.0);
}

TEST(TimeoutMap, HaproxyCuttingFirstIsSignedByItsOwnTimeoutFlagsInItsLog)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    LAB_REQUIRE(lab::HaproxyLab::skipReason());
    LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/python3"), QStringLiteral("python3")));
    // client → HAProxy (timeout tunnel 2s) → nginx (proxy_read_timeout 5s) → serve: HAProxy cuts first.
    const quint16 servePort = lab::freePort(), nginxPort = lab::freePort(), haproxyPort = lab::freePort(), syslogPort = lab::freePort();
    lab::Daemon serve, syslog;
    QTemporaryDir logs;
    const QString haproxyLog = logs.filePath(QStringLiteral("haproxy.log"));
    ASSERT_TRUE(startServe(serve, servePort)) << serve.output().constData();
    ASSERT_TRUE(startSyslog(syslog, syslogPort, haproxyLog)) << syslog.output().constData();
    lab::NginxLab nginx;
    nginx.writeMainConfig();
    nginx.writeSite(QStringLiteral("ws"), nginxSite(nginxPort, servePort, QStringLiteral("5s")));
    QByteArray log;
    if (!nginx.start(&log))
        LAB_UNAVAILABLE(QStringLiteral("nginx did not start: ") + QString::fromUtf8(log));
    ASSERT_TRUE(lab::waitForPort(nginxPort));
    lab::HaproxyLab haproxy;
    haproxy.writeConfig(haproxyConfig(haproxyPort, nginxPort, QStringLiteral("2s"), syslogPort));
    ASSERT_TRUE(haproxy.check(&log)) << log.constData();
    ASSERT_TRUE(haproxy.start());
    ASSERT_TRUE(lab::waitForPort(haproxyPort)) << haproxy.output().constData();

    int exitCode = -1;
    const QJsonObject map = runCli({QStringLiteral("--hop"), QStringLiteral("haproxy=") + wsUrl(haproxyPort),
                                    QStringLiteral("--hop"), QStringLiteral("nginx=") + wsUrl(nginxPort),
                                    QStringLiteral("--max"), QStringLiteral("7"), QStringLiteral("--resolution"), QString::number(kResolution),
                                    QStringLiteral("--nginx-error-log"), nginx.errorLog(), QStringLiteral("--haproxy-log"), haproxyLog,
                                    QStringLiteral("--no-keepalive")},
                                   &exitCode);
    const std::string dump = QJsonDocument(map).toJson().toStdString();
    EXPECT_EQ(exitCode, 1) << dump;
    const QJsonObject first = map.value(QStringLiteral("first_cut")).toObject();
    EXPECT_EQ(first.value(QStringLiteral("hop")).toString(), QStringLiteral("haproxy")) << dump;
    EXPECT_NEAR(first.value(QStringLiteral("after_s")).toDouble(), 2.0, kResolution) << dump;
    // HAProxy's own line: termination state cD (its client-side timer: timeout tunnel), the request, the duration.
    const QString sig = hopNamed(map, QStringLiteral("haproxy")).value(QStringLiteral("signature")).toString();
    EXPECT_TRUE(sig.contains(QLatin1String("HAProxy log cD"))) << dump;
    EXPECT_TRUE(sig.contains(QLatin1String("GET /ws/echo"))) << dump;
    // nginx behind it cuts at its own 5 s, signed by its error-log line, not by HAProxy's.
    const QJsonObject ng = hopNamed(map, QStringLiteral("nginx"));
    EXPECT_NEAR(ng.value(QStringLiteral("idle_cutoff_s")).toDouble(), 5.0, kResolution) << dump;
    EXPECT_TRUE(ng.value(QStringLiteral("signature")).toString().contains(QLatin1String("upstream timed out"))) << dump;
    EXPECT_FALSE(ng.value(QStringLiteral("signature")).toString().contains(QLatin1String("HAProxy log"))) << dump;
}

TEST(TimeoutMap, NginxErrorLogLineIsReadOverSshFromWhereItStoodAtTheStart)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    QString why;
    lab::SshdLab* sshd = lab::SshdLab::shared(&why);
    if (!sshd)
        LAB_UNAVAILABLE(why);
    const quint16 servePort = lab::freePort(), nginxPort = lab::freePort();
    lab::Daemon serve;
    ASSERT_TRUE(startServe(serve, servePort)) << serve.output().constData();
    lab::NginxLab nginx;
    nginx.writeMainConfig();
    nginx.writeSite(QStringLiteral("ws"), nginxSite(nginxPort, servePort, QStringLiteral("2s")));
    QByteArray log;
    if (!nginx.start(&log))
        LAB_UNAVAILABLE(QStringLiteral("nginx did not start: ") + QString::fromUtf8(log));
    ASSERT_TRUE(lab::waitForPort(nginxPort));
    // A line from before the run must not be taken for this run's.
    QFile old(nginx.errorLog());
    ASSERT_TRUE(old.open(QIODevice::Append));
    old.write("2026/01/01 00:00:00 [info] 1#1: *1 upstream timed out (110: Connection timed out) while proxying upgraded "
              "connection, client: 127.0.0.1, server: , request: \"GET /stale HTTP/1.1\"\n");
    old.close();

    QTemporaryDir tmp;
    ASSERT_TRUE(sshd->writeKnownHosts(tmp.filePath(QStringLiteral("known_hosts"))));
    SshTarget target;
    target.host = sshd->host();
    target.port = sshd->port();
    target.user = lab::SshdLab::user(); // root's log in a 0700 directory: read through sudo
    target.auth = SshTarget::Auth::KeyFile;
    target.keyFile = sshd->keyFile();
    target.appKnownHostsFile = tmp.filePath(QStringLiteral("known_hosts"));
    target.userKnownHostsFile = tmp.filePath(QStringLiteral("none"));
    target.connectTimeoutMs = 10000;

    ProbeEngine engine;
    TimeoutMapper mapper(&engine);
    QSignalSpy finished(&mapper, &TimeoutMapper::finished);
    TimeoutMapOptions o;
    o.hops = {TimeoutHop{QStringLiteral("nginx"), wsUrl(nginxPort)}};
    o.maxS = 4;
    o.resolution = kResolution;
    o.keepalive = false;
    o.probe.timeoutS = 3;
    o.nginxErrorLog = nginx.errorLog();
    const HostFactory ssh = RunbookConnect::sshFactory(target, SecretBytes(lab::SshdLab::password()));
    std::atomic_int connections{0};
    o.logHost = [ssh, &connections] {
        ++connections;
        return ssh();
    };
    mapper.start(o);
    ASSERT_TRUE(lab::waitForCount(finished, 1, 60000));
    const auto r = finished.first().first().value<TimeoutMapResult>();
    ASSERT_EQ(r.hops.size(), 1);
    const QString sig = r.hops.first().signature;
    EXPECT_TRUE(sig.contains(QLatin1String("nginx error log:")) && sig.contains(QLatin1String("while proxying upgraded connection")))
        << sig.toStdString() << " / " << r.advice.join(u'|').toStdString();
    EXPECT_TRUE(sig.contains(QLatin1String("GET /ws/echo"))) << sig.toStdString();
    EXPECT_FALSE(sig.contains(QLatin1String("/stale"))) << sig.toStdString();
    EXPECT_EQ(connections.load(), 2) << "one SSH login for the sizes at the start, one for the lines at the end";
}

TEST(TimeoutMap, CutLogLinesOfNginxAndHaproxyAreParsedAndGivenToTheHopTheyName)
{
    // Lines as nginx 1.22 and HAProxy 2.6 write them (httplog and tcplog), with their neighbours.
    const QByteArray nginxLog =
        "2026/12/03 06:25:15 [info] 7#7: *3 client 127.0.0.1 closed keepalive connection\n"
        "2026/12/03 06:25:17 [info] 7#7: *5 upstream timed out (110: Connection timed out) while proxying upgraded connection, "
        "client: 127.0.0.1, server: , request: \"GET /ws/echo HTTP/1.1\", upstream: \"http://127.0.0.1:8080/ws/echo\"\n";
    const QList<CutLogLine> n = parseCutLog(CutLogKind::NginxError, nginxLog);
    ASSERT_EQ(n.size(), 1);
    EXPECT_TRUE(n.first().line.contains(QLatin1String("*5 upstream timed out")));
    const QByteArray haproxyLog =
        "127.0.0.1:52122 [03/Dec/2026:06:25:15.872] fe be/s1 0/0/0/56/2058 101 438 - - cD-- 1/1/0/0/0 0/0 \"GET /ws/echo HTTP/1.1\"\n"
        "127.0.0.1:52124 [03/Dec/2026:06:25:16.001] fe be/s1 0/0/0/2/31 101 438 - - CD-- 1/1/0/0/0 0/0 \"GET /ws/echo HTTP/1.1\"\n"
        "127.0.0.1:52126 [03/Dec/2026:06:25:16.101] fe be/s1 0/0/0/2/40 200 120 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"\n"
        "<134>Dec  3 06:25:20 haproxy[12]: 127.0.0.1:52128 [03/Dec/2026:06:25:10.000] ft bk/srv 0/0/60012 1200 sD 1/1/0/0/0 0/0\n";
    const QList<CutLogLine> h = parseCutLog(CutLogKind::Haproxy, haproxyLog);
    ASSERT_EQ(h.size(), 3); // cD, CD, sD; the normal close (----) is not a cut
    EXPECT_EQ(h[0].flags, QStringLiteral("cD"));
    EXPECT_DOUBLE_EQ(*h[0].durationS, 2.058);
    EXPECT_TRUE(h[0].ownTimeout());
    EXPECT_EQ(h[1].flags, QStringLiteral("CD"));
    EXPECT_FALSE(h[1].ownTimeout());
    EXPECT_EQ(h[2].flags, QStringLiteral("sD"));
    EXPECT_DOUBLE_EQ(*h[2].durationS, 60.012);

    // Hops from the client: haproxy (cut at 2 s, no Server header), nginx (cut at 5 s, Server: nginx).
    QList<HopTimeout> hops(2);
    hops[0].name = QStringLiteral("haproxy");
    hops[0].idleCutoffS = 2.0;
    hops[0].death = DeathKind::Fin;
    hops[1].name = QStringLiteral("nginx");
    hops[1].idleCutoffS = 5.0;
    hops[1].death = DeathKind::Fin;
    const QList<QList<QPair<QString, QString>>> headers{{}, {{QStringLiteral("Server"), QStringLiteral("nginx/1.22.1")}}};
    EXPECT_EQ(attachCutLogLines(hops, headers, n + h, 1.0), 2);
    EXPECT_TRUE(hops[0].signature.startsWith(QLatin1String("HAProxy log cD"))) << hops[0].signature.toStdString();
    EXPECT_FALSE(hops[0].signature.contains(QLatin1String("nginx error log"))) << hops[0].signature.toStdString();
    EXPECT_TRUE(hops[1].signature.startsWith(QLatin1String("nginx error log: "))) << hops[1].signature.toStdString();
    EXPECT_FALSE(hops[1].signature.contains(QLatin1String("HAProxy"))) << "no HAProxy timeout lasted 5 s";
}

TEST(TimeoutMap, CancelEndsEveryProbeAndReportsCancelled)
{
    const quint16 servePort = lab::freePort();
    lab::Daemon serve;
    ASSERT_TRUE(startServe(serve, servePort)) << serve.output().constData();
    ProbeEngine engine;
    TimeoutMapper mapper(&engine);
    QSignalSpy progress(&mapper, &TimeoutMapper::progress);
    QSignalSpy finished(&mapper, &TimeoutMapper::finished);
    TimeoutMapOptions o;
    o.hops = {TimeoutHop{QStringLiteral("backend"), wsUrl(servePort)}};
    o.maxS = 600;
    o.resolution = 1;
    o.probe.timeoutS = 3;
    mapper.start(o);
    ASSERT_TRUE(lab::waitForCount(progress, 2, 10000)) << "an alive-after-1-s report";
    mapper.cancel();
    ASSERT_TRUE(lab::waitForCount(finished, 1, 1000));
    const auto r = finished.first().first().value<TimeoutMapResult>();
    EXPECT_TRUE(r.cancelled);
    EXPECT_FALSE(mapper.isRunning());
    ASSERT_EQ(r.hops.size(), 1);
    EXPECT_FALSE(r.hops.first().idleCutoffS.has_value());
}

TEST(TimeoutMap, KnownDefaultsTableLoadsAndNamesCandidates)
{
    const KnownTimeouts& table = KnownTimeouts::builtin();
    ASSERT_GE(table.entries().size(), 12);
    for (const KnownTimeout& k : table.entries())
        EXPECT_TRUE(k.reference.startsWith(QLatin1String("https://"))) << k.id.toStdString();
    // A cut within the tolerance of a default names the product; a lifetime cap only lifetime products.
    QStringList ids;
    for (const KnownTimeout* k : table.byValue(99.6, CutKind::Idle, 1.0))
        ids << k->id;
    EXPECT_EQ(ids, QStringList{QStringLiteral("cloudflare")});
    ids.clear();
    for (const KnownTimeout* k : table.byValue(30.2, CutKind::Lifetime, 1.0))
        ids << k->id;
    EXPECT_EQ(ids, QStringList{QStringLiteral("gcp-https-lb")});
    EXPECT_TRUE(table.byValue(30.2, CutKind::Idle, 1.0).isEmpty());
    ids.clear();
    for (const KnownTimeout* k : table.byValue(60.4, CutKind::Idle, 1.0))
        ids << k->id;
    EXPECT_TRUE(ids.contains(QStringLiteral("nginx")) && ids.contains(QStringLiteral("aws-alb"))) << ids.join(u',').toStdString();
    // The Server header names nginx whatever the configured value.
    const KnownTimeout* best = nullptr;
    const QString sig = timeoutSignature(table, 7.0, CutKind::Idle, DeathKind::Fin, 0.5,
                                         {{QStringLiteral("Server"), QStringLiteral("nginx/1.22.1")}}, &best);
    ASSERT_NE(best, nullptr);
    EXPECT_EQ(best->id, QStringLiteral("nginx"));
    EXPECT_TRUE(sig.contains(QLatin1String("proxy_read_timeout"))) << sig.toStdString();
    EXPECT_TRUE(timeoutSignature(table, 7.0, CutKind::Idle, DeathKind::Fin, 0.5, {}).isEmpty());
    // By value, the death must agree: a silent drop at 60 s is not nginx's FIN; at 240 s it is Azure's LB.
    EXPECT_TRUE(timeoutSignature(table, 60.0, CutKind::Idle, DeathKind::SilentDrop, 1.0, {}).isEmpty());
    EXPECT_TRUE(timeoutSignature(table, 60.0, CutKind::Idle, DeathKind::Fin, 1.0, {}).contains(QLatin1String("proxy_read_timeout")));
    best = nullptr;
    timeoutSignature(table, 239.6, CutKind::Idle, DeathKind::SilentDrop, 1.0, {}, &best);
    ASSERT_NE(best, nullptr);
    EXPECT_EQ(best->id, QStringLiteral("azure-lb"));
    // A table that breaks the format is refused with a reason.
    EXPECT_FALSE(KnownTimeouts::fromJson(R"({"defaults":[{"id":"x","product":"X","kind":"sometimes","death":"fin","reference":"https://x"}]})"));
}

TEST(TimeoutMap, EvidenceBundleCarriesTheMap)
{
    TimeoutMapResult r;
    r.maxS = 900;
    r.resolution = 1;
    HopTimeout nginx;
    nginx.name = QStringLiteral("nginx");
    nginx.url = QStringLiteral("ws://127.0.0.1:1/ws");
    nginx.idleCutoffS = 60.01;
    nginx.death = DeathKind::Fin;
    r.hops << nginx;
    r.firstCut = FirstCut{QStringLiteral("nginx"), 60.01, CutKind::Idle};
    r.advisedPingIntervalS = 45;
    r.keepalive << KeepaliveRow{QStringLiteral("nginx"), KeepaliveTraffic::None, false, QString()}
                << KeepaliveRow{QStringLiteral("nginx"), KeepaliveTraffic::ServerData, std::nullopt, QStringLiteral("nothing")};
    r.advice << QStringLiteral("raise proxy_read_timeout");
    QTemporaryDir dir;
    EvidenceInput in;
    in.timeouts = &r;
    ASSERT_TRUE(evidence::writeBundle(dir.path(), in));
    const QJsonObject o = QJsonDocument::fromJson(lab::readAll(dir.filePath(QStringLiteral("timeouts.json")))).object();
    const QJsonObject hop = o.value(QStringLiteral("hops")).toArray().first().toObject();
    for (const char* key : {"name", "url", "idle_cutoff_s", "lifetime_cap_s", "death", "signature"})
        EXPECT_TRUE(hop.contains(QLatin1String(key))) << key;
    EXPECT_TRUE(hop.value(QStringLiteral("lifetime_cap_s")).isNull());
    EXPECT_TRUE(hop.value(QStringLiteral("signature")).isNull());
    EXPECT_EQ(o.value(QStringLiteral("first_cut")).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("idle"));
    EXPECT_DOUBLE_EQ(o.value(QStringLiteral("advised_ping_interval_s")).toDouble(), 45.0);
    const QJsonArray ka = o.value(QStringLiteral("keepalive")).toArray();
    ASSERT_EQ(ka.size(), 2);
    EXPECT_EQ(ka.at(0).toObject().value(QStringLiteral("survived")), QJsonValue(false));
    EXPECT_TRUE(ka.at(1).toObject().value(QStringLiteral("survived")).isNull());
    EXPECT_EQ(ka.at(1).toObject().value(QStringLiteral("traffic")).toString(), QStringLiteral("server_data"));
    EXPECT_TRUE(lab::readAll(dir.filePath(QStringLiteral("summary.md"))).contains("nginx after 60.01 s (idle)"));
    EXPECT_TRUE(lab::readAll(dir.filePath(QStringLiteral("timeouts.txt"))).contains("first cut: nginx"));
}
