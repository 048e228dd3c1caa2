// SPDX-License-Identifier: GPL-3.0-or-later
#include "LogTestUtil.h"
#include "lab/Lab.h"

#include "logs/LogLocator.h"
#include "remote/RemoteHost.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::logs;

namespace {

// Runs the commands on this machine: the "server" here is real nginx started from a lab prefix.
// Only the transport differs from production (no SSH), which the SSH tests cover.
class ThisMachine : public RemoteHost {
public:
    QString describe() const override { return QStringLiteral("localhost"); }
    Result<CommandResult> run(const QString& command, const CommandOptions& options) override
    {
        QProcess p;
        p.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), command});
        if (!p.waitForFinished(options.timeoutMs))
            return Result<CommandResult>::failure(QStringLiteral("timed out: ") + command);
        CommandResult r;
        r.exitStatus = p.exitCode();
        r.stdOut = p.readAllStandardOutput();
        r.stdErr = p.readAllStandardError();
        return r;
    }
    Result<QByteArray> readFile(const QString& path, bool) override
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return Result<QByteArray>::failure(QStringLiteral("Cannot read %1").arg(path));
        return f.readAll();
    }
    Status writeFileAtomic(const QString&, const QByteArray&, bool) override { return Status::failure(QStringLiteral("read-only")); }
    Result<FileInfo> stat(const QString&, bool) override { return Result<FileInfo>::failure(QStringLiteral("unused")); }
};

const char* kNeo4jConf = R"(#*****************************************************************
# Neo4j configuration
#*****************************************************************
#server.directories.logs=/var/log/neo4j
server.directories.data=/data/neo4j/data
  server.directories.logs = /data/neo4j/logs
server.bolt.listen_address=:7687
)";

} // namespace

TEST(LogLocator, EveryErrorLogOfARealNginxDumpWithItsContext)
{
    lab::NginxLab nginx;
    LAB_REQUIRE(lab::NginxLab::skipReason());
    const QString p = nginx.prefix();
    nginx.writeMainConfig(QStringLiteral("    error_log logs/http.log warn;\n"));
    nginx.writeSite(QStringLiteral("neo4j"), QStringLiteral(
        "server {\n"
        "    listen 127.0.0.1:%1;\n"
        "    error_log %2/logs/neo4j-site.log;\n"
        "    server_name neo4jprod.example.com;\n"
        "    location /ws { error_log syslog:server=127.0.0.1:%1 error; return 200; }\n"
        "}\n").arg(lab::freePort()).arg(p));
    QByteArray dump;
    ASSERT_EQ(lab::runProgram(QStringLiteral("/usr/sbin/nginx"), QStringList{QStringLiteral("-T")} + nginx.baseArgs(), &dump), 0)
        << dump.constData();
    const auto logs = parseNginxErrorLogs(QString::fromUtf8(dump), p);
    ASSERT_TRUE(logs.ok()) << logs.error().toStdString();
    ASSERT_EQ(logs->size(), 4) << dump.constData();
    const NginxErrorLog& main = logs->at(0);
    EXPECT_EQ(main.context, QStringLiteral("main"));
    EXPECT_EQ(main.path, QDir::cleanPath(p + QStringLiteral("/logs/error.log")));
    EXPECT_EQ(main.level, QStringLiteral("info"));
    EXPECT_EQ(main.configFile, nginx.confPath());
    EXPECT_GT(main.configLine, 1);
    EXPECT_FALSE(main.compiledDefault);
    EXPECT_EQ(logs->at(1).context, QStringLiteral("http"));
    EXPECT_EQ(logs->at(1).path, QDir::cleanPath(p + QStringLiteral("/logs/http.log"))); // relative → prefix
    EXPECT_EQ(logs->at(1).level, QStringLiteral("warn"));
    EXPECT_EQ(logs->at(2).context, QStringLiteral("http > server neo4jprod.example.com"));
    EXPECT_EQ(logs->at(2).level, QStringLiteral("error"));
    EXPECT_EQ(logs->at(2).configLine, 3);
    EXPECT_TRUE(logs->at(2).configFile.endsWith(QStringLiteral("sites-enabled/neo4j")));
    EXPECT_EQ(logs->at(3).context, QStringLiteral("http > server neo4jprod.example.com > location /ws"));
    EXPECT_FALSE(logs->at(3).isFile);
}

TEST(LogLocator, CompiledDefaultWhenMainSetsNoErrorLogAndGarbageIsRejected)
{
    const QString dump = QStringLiteral("# configuration file /etc/nginx/nginx.conf:\nevents {}\nhttp { error_log /x/h.log; }\n");
    const auto logs = parseNginxErrorLogs(dump);
    ASSERT_TRUE(logs.ok());
    ASSERT_EQ(logs->size(), 2);
    EXPECT_TRUE(logs->at(0).compiledDefault);
    EXPECT_EQ(logs->at(0).path, QStringLiteral("/var/log/nginx/error.log"));
    EXPECT_FALSE(parseNginxErrorLogs(QStringLiteral("nginx: [emerg] unknown directive")).ok());
    // Unbalanced braces and quotes must not crash.
    EXPECT_TRUE(parseNginxErrorLogs(QStringLiteral("# configuration file /a:\n}}} { \"unterminated error_log ;")).ok());
}

TEST(LogLocator, Neo4jConfLogDirectory)
{
    auto loc = parseNeo4jLogLocation(QString::fromUtf8(kNeo4jConf), QStringLiteral("/var/lib/neo4j"));
    EXPECT_EQ(loc.logsDir, QStringLiteral("/data/neo4j/logs"));
    EXPECT_EQ(loc.setting, QStringLiteral("server.directories.logs"));
    EXPECT_EQ(loc.configLine, 6);
    EXPECT_EQ(loc.neo4jLog(), QStringLiteral("/data/neo4j/logs/neo4j.log"));

    loc = parseNeo4jLogLocation(QStringLiteral("dbms.directories.logs=custom/logs\n"), QStringLiteral("/opt/neo4j"));
    EXPECT_EQ(loc.logsDir, QStringLiteral("/opt/neo4j/custom/logs"));
    EXPECT_EQ(loc.setting, QStringLiteral("dbms.directories.logs"));

    loc = parseNeo4jLogLocation(QStringLiteral("server.directories.logs=/a\ndbms.directories.logs=/b\n"), QStringLiteral("/h"));
    EXPECT_EQ(loc.logsDir, QStringLiteral("/a"));

    loc = parseNeo4jLogLocation(QStringLiteral("# nothing set\n"), QStringLiteral("/var/lib/neo4j"));
    EXPECT_EQ(loc.logsDir, QStringLiteral("/var/lib/neo4j/logs"));
    EXPECT_TRUE(loc.setting.isEmpty());
}

TEST(LogLocator, FindsTheConfiguredNeo4jLogAndFlagsTheStaleCopy)
{
    lab::NginxLab nginx;
    LAB_REQUIRE(lab::NginxLab::skipReason());
    nginx.writeMainConfig();
    QTemporaryDir root;
    const QString home = root.filePath(QStringLiteral("neo4j-home"));
    const QString dataLogs = root.filePath(QStringLiteral("data/neo4j/logs"));
    ASSERT_TRUE(QDir().mkpath(home + QStringLiteral("/logs")));
    ASSERT_TRUE(QDir().mkpath(dataLogs));
    ASSERT_TRUE(logtest::writeBytes(home + QStringLiteral("/logs/neo4j.log"), "2026-01-22 00:19:00 INFO old\n"));
    ASSERT_TRUE(logtest::writeBytes(dataLogs + QStringLiteral("/neo4j.log"), "2026-01-28 09:24:14 ERROR new\n"));
    const QString conf = root.filePath(QStringLiteral("neo4j.conf"));
    ASSERT_TRUE(logtest::writeBytes(conf, QStringLiteral("server.directories.logs=%1\n").arg(dataLogs).toUtf8()));

    ThisMachine host;
    LogFindOptions options;
    options.nginxCommand = QStringLiteral("/usr/sbin/nginx -T ") + nginx.baseArgs().join(QLatin1Char(' '));
    options.neo4jConf = conf;
    options.neo4jHome = home;
    const ServerLogs found = findServerLogs(host, options);
    EXPECT_TRUE(found.nginxError.isEmpty()) << found.nginxError.toStdString();
    ASSERT_FALSE(found.nginx.isEmpty());
    EXPECT_EQ(found.nginx.first().path, nginx.errorLog());
    EXPECT_TRUE(found.neo4jError.isEmpty());
    ASSERT_EQ(found.neo4jCandidates.size(), 2);
    EXPECT_TRUE(found.neo4jCandidates[0].configured);
    EXPECT_TRUE(found.neo4jCandidates[0].exists);
    EXPECT_EQ(found.neo4jCandidates[0].path, dataLogs + QStringLiteral("/neo4j.log"));
    EXPECT_FALSE(found.neo4jCandidates[1].configured);
    EXPECT_EQ(found.neo4jCandidates[1].path, home + QStringLiteral("/logs/neo4j.log"));
    EXPECT_TRUE(found.neo4jCandidates[1].note.contains(QStringLiteral("stale"))) << found.neo4jCandidates[1].note.toStdString();
}
