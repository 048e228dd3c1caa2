// SPDX-License-Identifier: GPL-3.0-or-later
// `socketscope-cli reload-test` (issue 13) against a real nginx reloaded by the profile's own
// reload command: live sockets survive a plain reload (old workers drain), and are cut after
// worker_shutdown_timeout when it is set. The judges: nginx's documented drain behaviour and the
// configured timeout; the CLI's JSON and exit code as the contract.
#include "lab/Lab.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

struct ReloadLab {
    lab::Daemon serve;
    lab::NginxLab nginx;
    QTemporaryDir dir;
    quint16 nginxPort = 0;

    // Starts the backend and nginx (with mainExtra at the top level); "" or the reason it cannot run.
    QString start(const QString& mainExtra)
    {
        const quint16 servePort = lab::freePort();
        nginxPort = lab::freePort();
        if (!serve.start(lab::cliPath(), {QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(servePort)})
            || !lab::waitForPort(servePort))
            return QStringLiteral("socketscope-cli serve did not start");
        nginx.writeMainConfig({}, mainExtra);
        nginx.writeSite(QStringLiteral("ws"), QStringLiteral("server {\n"
                                                             "    listen 127.0.0.1:%1;\n"
                                                             "    location / {\n"
                                                             "        proxy_pass http://127.0.0.1:%2;\n"
                                                             "        proxy_http_version 1.1;\n"
                                                             "        proxy_set_header Upgrade $http_upgrade;\n"
                                                             "        proxy_set_header Connection \"upgrade\";\n"
                                                             "        proxy_read_timeout 60s;\n"
                                                             "    }\n"
                                                             "}\n").arg(nginxPort).arg(servePort));
        QByteArray log;
        if (!nginx.start(&log) || !lab::waitForPort(nginxPort))
            return QStringLiteral("nginx did not start: ") + QString::fromUtf8(log);
        return {};
    }

    // A profile whose reload command is this lab's `nginx -s reload`; then the CLI's JSON.
    QJsonObject run(int* exitCode)
    {
        const QString profiles = dir.filePath(QStringLiteral("profiles.json"));
        const QString reload = (QStringList{lab::nginxProgram()} + nginx.baseArgs() + QStringList{QStringLiteral("-s"), QStringLiteral("reload")})
                                   .join(QLatin1Char(' '));
        QByteArray out;
        EXPECT_EQ(lab::runProgram(lab::cliPath(), {QStringLiteral("--profiles"), profiles, QStringLiteral("profiles"), QStringLiteral("add"),
                                                   QStringLiteral("lab"), QStringLiteral("--url"),
                                                   QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(nginxPort),
                                                   QStringLiteral("--reload-cmd"), reload}, &out), 0) << out.constData();
        QProcess p;
        p.start(lab::cliPath(), {QStringLiteral("--profiles"), profiles, QStringLiteral("reload-test"), QStringLiteral("--profile"),
                                 QStringLiteral("lab"), QStringLiteral("--sockets"), QStringLiteral("3"), QStringLiteral("--window"),
                                 QStringLiteral("4"), QStringLiteral("--local"), QStringLiteral("--json")});
        p.closeWriteChannel();
        EXPECT_TRUE(p.waitForFinished(60000));
        *exitCode = p.exitCode();
        const QByteArray json = p.readAllStandardOutput();
        QJsonParseError pe{};
        const QJsonObject o = QJsonDocument::fromJson(json, &pe).object();
        EXPECT_EQ(pe.error, QJsonParseError::NoError) << json.constData() << p.readAllStandardError().constData();
        return o;
    }
};

} // namespace

TEST(ReloadTest, LiveSocketsSurviveAPlainNginxReload)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    ReloadLab l;
    ASSERT_EQ(l.start({}), QString());
    const qint64 master = l.nginx.masterPid();
    const QSet<QByteArray> before = lab::nginxWorkerPids(master);
    int code = -1;
    const QJsonObject o = l.run(&code);
    const std::string dump = QJsonDocument(o).toJson().toStdString();
    EXPECT_EQ(code, 0) << dump;
    EXPECT_EQ(o.value(QStringLiteral("sockets")).toInt(), 3) << dump;
    EXPECT_EQ(o.value(QStringLiteral("survived")).toInt(), 3) << dump;
    EXPECT_TRUE(o.value(QStringLiteral("drain_s")).isNull()) << dump;
    // nginx's master found from the reload command's -p/-c: the old worker is watched, still draining.
    EXPECT_EQ(o.value(QStringLiteral("drain_from")).toString(), QStringLiteral("workers")) << dump;
    EXPECT_TRUE(o.value(QStringLiteral("new_connections_ok")).toBool()) << dump;
    // The reload really happened: nginx has new workers.
    EXPECT_NE(lab::nginxWorkerPids(master), before);
}

TEST(ReloadTest, WorkerShutdownTimeoutCutsLiveSocketsAfterItsDelay)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    ReloadLab l;
    ASSERT_EQ(l.start(QStringLiteral("worker_shutdown_timeout 1s;")), QString());
    int code = -1;
    const QJsonObject o = l.run(&code);
    const std::string dump = QJsonDocument(o).toJson().toStdString();
    EXPECT_EQ(code, 1) << dump;
    EXPECT_EQ(o.value(QStringLiteral("sockets")).toInt(), 3) << dump;
    EXPECT_EQ(o.value(QStringLiteral("survived")).toInt(), 0) << dump;
    ASSERT_TRUE(o.value(QStringLiteral("drain_s")).isDouble()) << dump;
    EXPECT_NEAR(o.value(QStringLiteral("drain_s")).toDouble(), 1.0, 0.75) << dump;
    EXPECT_EQ(o.value(QStringLiteral("drain_from")).toString(), QStringLiteral("workers")) << dump;
    EXPECT_TRUE(o.value(QStringLiteral("new_connections_ok")).toBool()) << dump;
}
