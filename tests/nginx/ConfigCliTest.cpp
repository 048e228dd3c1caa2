// SPDX-License-Identifier: GPL-3.0-or-later
// `socketscope-cli lint|fix nginx|haproxy`: exit codes, the JSON contract, -o/--diff, stdin -T.
#include "lab/Lab.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

struct CliRun {
    int code = -1;
    QByteArray out;
    QByteArray err;
};

CliRun cli(const QStringList& args, const QByteArray& stdinData = {})
{
    QProcess p;
    p.start(lab::cliPath(), args);
    CliRun r;
    if (!p.waitForStarted(5000))
        return r;
    p.write(stdinData);
    p.closeWriteChannel();
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QString fixture(const char* name) { return lab::fixturePath(QString::fromLatin1(name)); }

} // namespace

TEST(ConfigCli, LintJsonIsAnArrayOfTheContractFieldsAndExitsOneOnFindings)
{
    const CliRun r = cli({QStringLiteral("lint"), QStringLiteral("nginx"), fixture("nginx/no-upgrade-headers.conf"),
                       QStringLiteral("--endpoint"), QStringLiteral("/ws"), QStringLiteral("--json")});
    EXPECT_EQ(r.code, 1) << r.err.toStdString();
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(r.out, &pe);
    ASSERT_TRUE(doc.isArray()) << pe.errorString().toStdString() << r.out.toStdString();
    const QJsonArray a = doc.array();
    ASSERT_EQ(a.size(), 7);
    const QJsonObject first = a.at(0).toObject();
    EXPECT_EQ(first.keys(), QStringList({QStringLiteral("file"), QStringLiteral("fix"), QStringLiteral("line"),
                                         QStringLiteral("message"), QStringLiteral("rule"), QStringLiteral("severity")}));
    EXPECT_EQ(first.value(QStringLiteral("rule")).toString(), QStringLiteral("WS001"));
    EXPECT_EQ(first.value(QStringLiteral("severity")).toString(), QStringLiteral("error"));
    EXPECT_EQ(first.value(QStringLiteral("line")).toInt(), 10);
    EXPECT_TRUE(first.value(QStringLiteral("file")).toString().endsWith(QStringLiteral("no-upgrade-headers.conf")));
    EXPECT_EQ(first.value(QStringLiteral("fix")).toString(), QStringLiteral("proxy_http_version 1.1;"));
}

TEST(ConfigCli, CleanConfigExitsZeroAndParseErrorExitsTwoWithPosition)
{
    CliRun r = cli({QStringLiteral("lint"), QStringLiteral("nginx"), fixture("nginx/map-upgrade.conf")});
    EXPECT_EQ(r.code, 0) << r.out.toStdString();
    EXPECT_TRUE(r.out.contains("clean"));

    QTemporaryDir tmp;
    const QString bad = tmp.filePath(QStringLiteral("bad.conf"));
    lab::writeFile(bad, "server {\n    location / {\n        return 200 \"oops;\n    }\n}\n");
    r = cli({QStringLiteral("lint"), QStringLiteral("nginx"), bad, QStringLiteral("--json")});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(r.err.startsWith((bad + QStringLiteral(":3:20: unterminated")).toUtf8())) << r.err.toStdString();

    r = cli({QStringLiteral("lint"), QStringLiteral("haproxy"), fixture("haproxy/client-only.cfg"), QStringLiteral("--threshold"), QStringLiteral("20")});
    // Issue 11: without a tunnel timeout the upgraded connection idles out after the client/server
    // timeouts; 30 s pass a 20 s threshold, so the missing tunnel is no finding (it was HA001).
    EXPECT_EQ(r.code, 0) << r.out.toStdString();
    EXPECT_FALSE(r.out.contains("HA001"));
    EXPECT_FALSE(r.out.contains("HA002"));

    r = cli({QStringLiteral("lint"), QStringLiteral("nginx")});
    EXPECT_EQ(r.code, 2);
}

TEST(ConfigCli, DumpShowsTheTreeWithPositions)
{
    const CliRun r = cli({QStringLiteral("lint"), QStringLiteral("nginx"), fixture("nginx/map-upgrade.conf"), QStringLiteral("--dump")});
    EXPECT_EQ(r.code, 0);
    EXPECT_TRUE(r.out.contains("map-upgrade.conf:12:9      proxy_pass http://127.0.0.1:9000 ;")) << r.out.toStdString();
}

TEST(ConfigCli, FixWritesTheFileOrTheDiff)
{
    QTemporaryDir tmp;
    const QString out = tmp.filePath(QStringLiteral("fixed.conf"));
    CliRun r = cli({QStringLiteral("fix"), QStringLiteral("nginx"), fixture("nginx/neo4j-current.conf"), QStringLiteral("-o"), out});
    EXPECT_EQ(r.code, 0) << r.err.toStdString();
    EXPECT_TRUE(r.err.contains("fixed: WS005\n")) << r.err.toStdString(); // buffering of `location /` is left as is
    EXPECT_TRUE(lab::readAll(out).contains("proxy_send_timeout 86400s;"));
    r = cli({QStringLiteral("lint"), QStringLiteral("nginx"), out});
    EXPECT_EQ(r.code, 0) << r.out.toStdString(); // only WS010 (info) remains: advice, not a failure
    EXPECT_TRUE(r.out.contains("WS010 info"));

    r = cli({QStringLiteral("fix"), QStringLiteral("nginx"), fixture("nginx/neo4j-current.conf"), QStringLiteral("--diff")});
    EXPECT_EQ(r.code, 0);
    EXPECT_TRUE(r.out.contains("+        proxy_send_timeout 86400s;\n")) << r.out.toStdString();
    EXPECT_FALSE(r.out.contains("proxy_buffering off")) << r.out.toStdString();

    r = cli({QStringLiteral("fix"), QStringLiteral("haproxy"), fixture("haproxy/client-only.cfg")});
    EXPECT_EQ(r.code, 0);
    EXPECT_TRUE(r.out.contains("backend ws_back\n    timeout tunnel 3600s\n    server ws1")) << r.out.toStdString();
}

TEST(ConfigCli, ReadsNginxTOutputFromStdin)
{
    const QByteArray dump = "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
                            "# configuration file /etc/nginx/nginx.conf:\n"
                            "http {\n    include /etc/nginx/sites-enabled/*;\n}\n\n"
                            "# configuration file /etc/nginx/sites-enabled/default.backup.1:\n"
                            "server { listen 80 default_server; }\n\n"
                            "# configuration file /etc/nginx/sites-enabled/app:\n"
                            "server {\n    listen 80;\n    location /ws { proxy_pass http://127.0.0.1:9; proxy_set_header Upgrade $http_upgrade; }\n}\n\n";
    const CliRun r = cli({QStringLiteral("lint"), QStringLiteral("nginx"), QStringLiteral("-"), QStringLiteral("--nginx-T"), QStringLiteral("--json")}, dump);
    EXPECT_EQ(r.code, 1) << r.err.toStdString();
    const QJsonArray a = QJsonDocument::fromJson(r.out).array();
    QStringList keys;
    for (const auto& v : a)
        keys.append(v.toObject().value(QStringLiteral("rule")).toString() + QLatin1Char('@')
                    + v.toObject().value(QStringLiteral("file")).toString() + QLatin1Char(':')
                    + QString::number(v.toObject().value(QStringLiteral("line")).toInt()));
    EXPECT_TRUE(keys.contains(QStringLiteral("NG001@/etc/nginx/nginx.conf:2"))) << keys.join(QLatin1Char(' ')).toStdString();
    EXPECT_TRUE(keys.contains(QStringLiteral("WS003@/etc/nginx/sites-enabled/app:3")));
}

// Issue 11: a configuration that works for WebSockets (Proxmox's noVNC proxy, written from the
// Proxmox wiki's example) exits 0: request buffering (WS007) does not apply to the upgraded
// tunnel, so it is info, and only error/warning findings fail `lint`.
TEST(ConfigCli, WebSocketCorrectConfigWithDefaultRequestBufferingExitsZero)
{
    QTemporaryDir tmp;
    const QString conf = tmp.filePath(QStringLiteral("proxmox.conf"));
    lab::writeFile(conf, "server {\n"
                         "    listen 443 ssl;\n"
                         "    server_name _;\n"
                         "    location / {\n"
                         "        proxy_http_version 1.1;\n"
                         "        proxy_set_header Upgrade $http_upgrade;\n"
                         "        proxy_set_header Connection \"upgrade\";\n"
                         "        proxy_pass https://localhost:8006;\n"
                         "        proxy_buffering off;\n"
                         "        client_max_body_size 0;\n"
                         "        proxy_connect_timeout 3600s;\n"
                         "        proxy_read_timeout 3600s;\n"
                         "        proxy_send_timeout 3600s;\n"
                         "        send_timeout 3600s;\n"
                         "    }\n"
                         "}\n");
    const CliRun r = cli({QStringLiteral("lint"), QStringLiteral("nginx"), conf});
    EXPECT_EQ(r.code, 0) << r.out.toStdString();
    EXPECT_TRUE(r.out.contains("WS007 info")) << r.out.toStdString();
    EXPECT_TRUE(r.out.contains("0 error(s), 0 warning(s)")) << r.out.toStdString();
}

// Issue 11: WS001 says what the running nginx defaults to. The version comes from the real local
// nginx (`nginx -v`), given with --nginx-version or read from a `nginx version:` line before an
// `nginx -T` dump (`{ nginx -v; nginx -T; } 2>&1 | socketscope-cli lint nginx - --nginx-T`).
TEST(ConfigCli, Ws001NamesTheRealNginxVersionsDefault)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    QProcess v;
    v.start(lab::nginxProgram(), {QStringLiteral("-v")});
    ASSERT_TRUE(v.waitForFinished(10000));
    const QByteArray versionOutput = v.readAllStandardError() + v.readAllStandardOutput();
    const qsizetype slash = versionOutput.indexOf('/');
    ASSERT_GT(slash, 0) << versionOutput.toStdString();
    const QString version = QString::fromUtf8(versionOutput.mid(slash + 1).trimmed());
    const QStringList parts = version.split(QLatin1Char('.'));
    ASSERT_GE(parts.size(), 2) << version.toStdString();
    // nginx's CHANGES: proxy_http_version defaults to 1.1 from 1.29.7 on.
    const bool http11 = parts.at(0).toInt() > 1 || (parts.at(0).toInt() == 1 && (parts.at(1).toInt() > 29
                          || (parts.at(1).toInt() == 29 && parts.value(2).toInt() >= 7)));
    const QString site = fixture("nginx/no-upgrade-headers.conf");
    auto ws001 = [](const QByteArray& json) {
        for (const auto& x : QJsonDocument::fromJson(json).array()) {
            if (x.toObject().value(QStringLiteral("rule")).toString() == QLatin1String("WS001"))
                return x.toObject().value(QStringLiteral("message")).toString();
        }
        return QString();
    };
    const QString expected = QStringLiteral("proxy_http_version is not set, so nginx %1 talks HTTP/1.0 to the backend (its default; nginx 1.29.7 and later default to 1.1)").arg(version);
    CliRun r = cli({QStringLiteral("lint"), QStringLiteral("nginx"), site, QStringLiteral("--endpoint"), QStringLiteral("/ws"),
                    QStringLiteral("--json"), QStringLiteral("--nginx-version"), version});
    EXPECT_EQ(r.code, 1) << r.err.toStdString();
    if (http11)
        EXPECT_TRUE(ws001(r.out).isEmpty()) << r.out.toStdString();
    else
        EXPECT_TRUE(ws001(r.out).contains(expected)) << r.out.toStdString();

    // The same from the version line in front of a dump.
    const QByteArray dump = versionOutput + "# configuration file /etc/nginx/sites-enabled/app:\n" + lab::readAll(site);
    r = cli({QStringLiteral("lint"), QStringLiteral("nginx"), QStringLiteral("-"), QStringLiteral("--nginx-T"), QStringLiteral("--endpoint"),
             QStringLiteral("/ws"), QStringLiteral("--json")}, dump);
    EXPECT_EQ(r.code, 1) << r.err.toStdString();
    if (http11)
        EXPECT_TRUE(ws001(r.out).isEmpty()) << r.out.toStdString();
    else
        EXPECT_TRUE(ws001(r.out).contains(expected)) << r.out.toStdString();

    // Unknown version: the message says which versions default to what.
    r = cli({QStringLiteral("lint"), QStringLiteral("nginx"), site, QStringLiteral("--endpoint"), QStringLiteral("/ws"), QStringLiteral("--json")});
    EXPECT_TRUE(ws001(r.out).contains(QStringLiteral("the default before nginx 1.29.7"))) << r.out.toStdString();
    // A version that is not one, or for the other server, is a usage error.
    EXPECT_EQ(cli({QStringLiteral("lint"), QStringLiteral("nginx"), site, QStringLiteral("--nginx-version"), QStringLiteral("latest")}).code, 2);
    EXPECT_EQ(cli({QStringLiteral("lint"), QStringLiteral("nginx"), site, QStringLiteral("--haproxy-version"), QStringLiteral("2.6")}).code, 2);
}

// The HAProxy finding without a tunnel timeout names the running HAProxy (real `haproxy -v`).
TEST(ConfigCli, Ha001NamesTheRealHaproxyVersion)
{
    LAB_REQUIRE(lab::HaproxyLab::skipReason());
    QProcess v;
    v.start(lab::haproxyProgram(), {QStringLiteral("-v")});
    ASSERT_TRUE(v.waitForFinished(10000));
    const QByteArray out = v.readAllStandardOutput() + v.readAllStandardError();
    const qsizetype at = out.indexOf("version ");
    ASSERT_GE(at, 0) << out.toStdString();
    const QString version = QString::fromUtf8(out.mid(at + 8).split(' ').value(0).trimmed());
    const CliRun r = cli({QStringLiteral("lint"), QStringLiteral("haproxy"), fixture("haproxy/client-only.cfg"),
                          QStringLiteral("--haproxy-version"), version});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.out.contains(QStringLiteral("no timeout tunnel (HAProxy %1 sets none by default)").arg(version).toUtf8())) << r.out.toStdString();
}
