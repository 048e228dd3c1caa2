// SPDX-License-Identifier: GPL-3.0-or-later
// Runs the real built socketscope-cli against a temporary --profiles file: what a script sees
// (exit codes, --json output, the file it leaves behind).
#include "lab/Lab.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

struct CliRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

CliRun runCli(const QStringList& args, const QByteArray& stdinData = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Never touch the user's real keychain entries.
    env.insert(QStringLiteral("SOCKETSCOPE_KEYCHAIN_SERVICE"), QStringLiteral("SocketScopeCliTests"));
    p.setProcessEnvironment(env);
    p.start(lab::cliPath(), args);
    CliRun r;
    if (!p.waitForStarted(10000))
        return r;
    p.write(stdinData);
    p.closeWriteChannel();
    if (!p.waitForFinished(30000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

struct CliFixture : ::testing::Test {
    QTemporaryDir dir;
    QString store() const { return dir.filePath(QStringLiteral("profiles.json")); }
    CliRun profiles(const QStringList& args, const QByteArray& stdinData = {})
    {
        return runCli(QStringList{QStringLiteral("--profiles"), store(), QStringLiteral("profiles")} + args, stdinData);
    }
};

} // namespace

TEST(Cli, VersionAndUsage)
{
    const CliRun v = runCli({QStringLiteral("--version")});
    EXPECT_EQ(v.exitCode, 0);
    EXPECT_TRUE(v.out.startsWith("socketscope-cli ")) << v.out.constData();
    const CliRun none = runCli({});
    EXPECT_EQ(none.exitCode, 2);
    EXPECT_TRUE(none.err.contains("usage:"));
    EXPECT_EQ(runCli({QStringLiteral("no-such-command")}).exitCode, 2);
    EXPECT_EQ(runCli({QStringLiteral("--profiles")}).exitCode, 2) << "--profiles without FILE";
    const CliRun help = runCli({QStringLiteral("--help")});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_TRUE(help.out.contains("profiles list|show NAME"));
}

TEST_F(CliFixture, AddListShowRoundTrip)
{
    CliRun empty = profiles({QStringLiteral("list"), QStringLiteral("--json")});
    ASSERT_EQ(empty.exitCode, 0) << empty.err.constData();
    EXPECT_EQ(QJsonDocument::fromJson(empty.out).object().value(QStringLiteral("profiles")).toArray().size(), 0);

    const CliRun add = profiles({QStringLiteral("add"), QStringLiteral("neo4j-prod"),
                                 QStringLiteral("--url"), QStringLiteral("wss://flowdash.example.com/ws"),
                                 QStringLiteral("--direct-url"), QStringLiteral("ws://127.0.0.1:7687/"),
                                 QStringLiteral("--origin"), QStringLiteral("https://flowdash.example.com"),
                                 QStringLiteral("--ssh"), QStringLiteral("azureuser@neo4jprod.example.com:2222"),
                                 QStringLiteral("--site-file"), QStringLiteral("/etc/nginx/sites-available/neo4j"),
                                 QStringLiteral("--enabled-link"), QStringLiteral("/etc/nginx/sites-enabled/neo4j"),
                                 QStringLiteral("--error-log"), QStringLiteral("/var/log/nginx/error.log"),
                                 QStringLiteral("--app-log"), QStringLiteral("/data/neo4j/logs/neo4j.log"),
                                 QStringLiteral("--test-cmd"), QStringLiteral("sudo nginx -t"),
                                 QStringLiteral("--reload-cmd=sudo systemctl reload nginx")});
    ASSERT_EQ(add.exitCode, 0) << add.err.constData();

    const CliRun list = profiles({QStringLiteral("list"), QStringLiteral("--json")});
    ASSERT_EQ(list.exitCode, 0);
    const QJsonObject root = QJsonDocument::fromJson(list.out).object();
    EXPECT_EQ(root.value(QStringLiteral("file")).toString(), store());
    const QJsonArray items = root.value(QStringLiteral("profiles")).toArray();
    ASSERT_EQ(items.size(), 1);
    const QJsonObject p = items.first().toObject();
    EXPECT_EQ(p.value(QStringLiteral("name")).toString(), QStringLiteral("neo4j-prod"));
    EXPECT_EQ(p.value(QStringLiteral("publicUrl")).toString(), QStringLiteral("wss://flowdash.example.com/ws"));
    EXPECT_EQ(p.value(QStringLiteral("directUrl")).toString(), QStringLiteral("ws://127.0.0.1:7687/"));
    EXPECT_EQ(p.value(QStringLiteral("origin")).toString(), QStringLiteral("https://flowdash.example.com"));
    const QJsonObject ssh = p.value(QStringLiteral("ssh")).toObject();
    EXPECT_EQ(ssh.value(QStringLiteral("host")).toString(), QStringLiteral("neo4jprod.example.com"));
    EXPECT_EQ(ssh.value(QStringLiteral("user")).toString(), QStringLiteral("azureuser"));
    EXPECT_EQ(ssh.value(QStringLiteral("port")).toInt(), 2222);
    const QJsonObject nginx = p.value(QStringLiteral("nginx")).toObject();
    EXPECT_EQ(nginx.value(QStringLiteral("siteFile")).toString(), QStringLiteral("/etc/nginx/sites-available/neo4j"));
    EXPECT_EQ(nginx.value(QStringLiteral("enabledLink")).toString(), QStringLiteral("/etc/nginx/sites-enabled/neo4j"));
    EXPECT_EQ(nginx.value(QStringLiteral("testCommand")).toString(), QStringLiteral("sudo nginx -t"));
    EXPECT_EQ(nginx.value(QStringLiteral("reloadCommand")).toString(), QStringLiteral("sudo systemctl reload nginx"));
    const QJsonObject logs = p.value(QStringLiteral("logs")).toObject();
    EXPECT_EQ(logs.value(QStringLiteral("nginxErrorLog")).toString(), QStringLiteral("/var/log/nginx/error.log"));
    EXPECT_EQ(logs.value(QStringLiteral("appLog")).toString(), QStringLiteral("/data/neo4j/logs/neo4j.log"));

    const CliRun show = profiles({QStringLiteral("show"), QStringLiteral("NEO4J-PROD"), QStringLiteral("--json")});
    ASSERT_EQ(show.exitCode, 0);
    EXPECT_EQ(QJsonDocument::fromJson(show.out).object(), p);
    const CliRun text = profiles({QStringLiteral("show"), QStringLiteral("neo4j-prod")});
    EXPECT_TRUE(text.out.contains("azureuser@neo4jprod.example.com:2222")) << text.out.constData();

    const CliRun missing = profiles({QStringLiteral("show"), QStringLiteral("nope")});
    EXPECT_EQ(missing.exitCode, 2);
    EXPECT_TRUE(missing.err.contains("known profiles: neo4j-prod")) << missing.err.constData();
}

TEST_F(CliFixture, InvalidProfilesAreRefusedWithTheReason)
{
    CliRun r = profiles({QStringLiteral("add"), QStringLiteral("x"), QStringLiteral("--url"), QStringLiteral("https://x.example.com/ws")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.err.contains("use wss:// instead of https://")) << r.err.constData();
    r = profiles({QStringLiteral("add"), QStringLiteral("x"), QStringLiteral("--ssh"), QStringLiteral("root@h:70000")});
    EXPECT_EQ(r.exitCode, 2);
    r = profiles({QStringLiteral("add"), QStringLiteral("x"), QStringLiteral("--ssh"), QStringLiteral("root@h"),
                  QStringLiteral("--key"), dir.filePath(QStringLiteral("no_such_key"))});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.err.contains("does not exist")) << r.err.constData();
    ASSERT_EQ(profiles({QStringLiteral("add"), QStringLiteral("dup")}).exitCode, 0);
    r = profiles({QStringLiteral("add"), QStringLiteral("DUP")});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.err.contains("already exists")) << r.err.constData();
    r = profiles({QStringLiteral("add"), QStringLiteral("y"), QStringLiteral("--password"), QStringLiteral("hunter2")});
    EXPECT_EQ(r.exitCode, 2) << "secrets are never options";
    EXPECT_TRUE(r.err.contains("unknown option --password"));
    EXPECT_EQ(profiles({QStringLiteral("frobnicate")}).exitCode, 2);
    EXPECT_EQ(profiles({QStringLiteral("show")}).exitCode, 2);
}

TEST_F(CliFixture, ExportImportAndRemove)
{
    ASSERT_EQ(profiles({QStringLiteral("add"), QStringLiteral("a"), QStringLiteral("--url"), QStringLiteral("ws://127.0.0.1:9000/ws/echo")}).exitCode, 0);
    ASSERT_EQ(profiles({QStringLiteral("add"), QStringLiteral("b")}).exitCode, 0);
    const QString exported = dir.filePath(QStringLiteral("export.json"));
    const CliRun ex = profiles({QStringLiteral("export"), exported, QStringLiteral("--json")});
    ASSERT_EQ(ex.exitCode, 0) << ex.err.constData();
    EXPECT_EQ(QJsonDocument::fromJson(ex.out).object().value(QStringLiteral("exported")).toInt(), 2);
    EXPECT_EQ(QJsonDocument::fromJson(lab::readAll(exported)).object().value(QStringLiteral("format")).toString(),
              QStringLiteral("socketscope-profiles"));

    // Into a fresh store: both added. Into the same store again: both skipped (exit 1), nothing overwritten.
    const QString other = dir.filePath(QStringLiteral("other.json"));
    const CliRun fresh = runCli({QStringLiteral("--profiles"), other, QStringLiteral("profiles"), QStringLiteral("import"), exported, QStringLiteral("--json")});
    ASSERT_EQ(fresh.exitCode, 0) << fresh.err.constData();
    EXPECT_EQ(QJsonDocument::fromJson(fresh.out).object().value(QStringLiteral("added")).toArray().size(), 2);
    const QByteArray before = lab::readAll(store());
    const CliRun again = profiles({QStringLiteral("import"), exported, QStringLiteral("--json")});
    EXPECT_EQ(again.exitCode, 1);
    EXPECT_EQ(QJsonDocument::fromJson(again.out).object().value(QStringLiteral("skipped")).toArray().size(), 2);
    EXPECT_EQ(lab::readAll(store()), before);

    ASSERT_TRUE(lab::writeFile(dir.filePath(QStringLiteral("junk.json")), "[1,2"));
    const CliRun junk = profiles({QStringLiteral("import"), dir.filePath(QStringLiteral("junk.json"))});
    EXPECT_EQ(junk.exitCode, 2);
    EXPECT_TRUE(junk.err.contains("junk.json")) << junk.err.constData();

    ASSERT_EQ(profiles({QStringLiteral("remove"), QStringLiteral("a")}).exitCode, 0);
    EXPECT_EQ(profiles({QStringLiteral("remove"), QStringLiteral("a")}).exitCode, 2);
    const CliRun list = profiles({QStringLiteral("list"), QStringLiteral("--json")});
    EXPECT_EQ(QJsonDocument::fromJson(list.out).object().value(QStringLiteral("profiles")).toArray().size(), 1);
}

TEST_F(CliFixture, BrokenStoreIsReportedAndKept)
{
    const QByteArray newer = R"({"format":"socketscope-profiles","version":4,"profiles":[]})";
    ASSERT_TRUE(lab::writeFile(store(), newer));
    const CliRun list = profiles({QStringLiteral("list")});
    EXPECT_EQ(list.exitCode, 2);
    EXPECT_TRUE(list.err.contains(store().toUtf8())) << list.err.constData();
    EXPECT_TRUE(list.err.contains("newer"));
    EXPECT_EQ(profiles({QStringLiteral("add"), QStringLiteral("x")}).exitCode, 2);
    EXPECT_EQ(lab::readAll(store()), newer);
}

TEST_F(CliFixture, ImportSshConfig)
{
    const QString config = dir.filePath(QStringLiteral("ssh_config"));
    ASSERT_TRUE(lab::writeFile(config, "Host prod\n  HostName prod.example.com\n  User admin\n  ProxyJump jump@bastion:2200\nHost *.internal\n  User x\n"));
    const CliRun dry = profiles({QStringLiteral("import-ssh-config"), config, QStringLiteral("--dry-run"), QStringLiteral("--json")});
    ASSERT_EQ(dry.exitCode, 0) << dry.err.constData();
    EXPECT_EQ(QJsonDocument::fromJson(dry.out).object().value(QStringLiteral("profiles")).toArray().size(), 1);
    EXPECT_FALSE(QFile::exists(store())) << "a dry run writes nothing";
    const CliRun real = profiles({QStringLiteral("import-ssh-config"), config});
    ASSERT_EQ(real.exitCode, 0) << real.err.constData();
    const CliRun show = profiles({QStringLiteral("show"), QStringLiteral("prod"), QStringLiteral("--json")});
    const QJsonObject ssh = QJsonDocument::fromJson(show.out).object().value(QStringLiteral("ssh")).toObject();
    EXPECT_EQ(ssh.value(QStringLiteral("host")).toString(), QStringLiteral("prod.example.com"));
    EXPECT_EQ(ssh.value(QStringLiteral("jumpHost")).toString(), QStringLiteral("jump@bastion:2200"));
}

// Secrets come on standard input and go to the keychain, never into the profile file. This
// machine may have no keychain service: then the command says so and fails (exit 1).
TEST_F(CliFixture, SetSecretReadsStdinAndNeverWritesTheProfileFile)
{
    ASSERT_EQ(profiles({QStringLiteral("add"), QStringLiteral("prod"), QStringLiteral("--ssh"), QStringLiteral("admin@prod.example.com")}).exitCode, 0);
    const QByteArray before = lab::readAll(store());
    EXPECT_EQ(profiles({QStringLiteral("set-secret"), QStringLiteral("prod"), QStringLiteral("--kind"), QStringLiteral("sudo-password")}).exitCode, 2)
        << "without --password-stdin";
    EXPECT_EQ(profiles({QStringLiteral("set-secret"), QStringLiteral("prod"), QStringLiteral("--kind"), QStringLiteral("pin"),
                        QStringLiteral("--password-stdin")}, "x").exitCode, 2);
    const CliRun set = profiles({QStringLiteral("set-secret"), QStringLiteral("prod"), QStringLiteral("--kind"),
                                 QStringLiteral("sudo-password"), QStringLiteral("--password-stdin")}, "cli-sudo-secret-5150\n");
    if (set.exitCode == 1) {
        EXPECT_TRUE(set.err.contains("unavailable") && set.err.contains("will ask each time")) << set.err.constData();
    } else {
        EXPECT_EQ(set.exitCode, 0) << set.err.constData();
        EXPECT_EQ(profiles({QStringLiteral("forget-secrets"), QStringLiteral("prod")}).exitCode, 0);
    }
    EXPECT_FALSE(set.out.contains("cli-sudo-secret-5150"));
    EXPECT_FALSE(set.err.contains("cli-sudo-secret-5150"));
    EXPECT_EQ(lab::readAll(store()), before);
    EXPECT_FALSE(lab::readAll(store()).contains("cli-sudo-secret-5150"));
}

// Issue 16: `COMMAND --help` prints that command's usage and its options, exit 0, for every
// command (not "unknown option --help"); after "--" it belongs to the remote command.
TEST(Cli, EveryCommandAnswersHelpWithItsUsageAndOptions)
{
    const QList<QPair<QString, QByteArray>> commands = {
        {QStringLiteral("probe"), "--hold S"},          {QStringLiteral("diagnose"), "--direct URL"},
        {QStringLiteral("monitor"), "--interval S"},    {QStringLiteral("lint"), "--threshold S"},
        {QStringLiteral("fix"), "--diff"},              {QStringLiteral("logs"), "--follow"},
        {QStringLiteral("ssh"), "--accept-new-host-key"}, {QStringLiteral("ssh-fingerprint"), "--json"},
        {QStringLiteral("serve"), "--listen HOST:PORT"}, {QStringLiteral("profiles"), "profiles list"},
        {QStringLiteral("runbook"), "runbook list"}};
    for (const auto& [command, option] : commands) {
        const CliRun r = runCli({command, QStringLiteral("--help")});
        EXPECT_EQ(r.exitCode, 0) << command.toStdString() << ": " << r.err.constData();
        EXPECT_TRUE(r.out.startsWith("usage: socketscope-cli ")) << command.toStdString() << ": " << r.out.constData();
        EXPECT_TRUE(r.out.contains(option)) << command.toStdString() << " --help names " << option.constData();
        EXPECT_FALSE(r.err.contains("unknown option")) << command.toStdString();
    }
    // Also after other arguments, and as -h.
    EXPECT_EQ(runCli({QStringLiteral("probe"), QStringLiteral("ws://127.0.0.1:9/ws"), QStringLiteral("-h")}).exitCode, 0);
    // After "--" the flag is the remote command's: ssh reports its own problem instead of help.
    const CliRun remote = runCli({QStringLiteral("ssh"), QStringLiteral("nobody@127.0.0.1:1"), QStringLiteral("--timeout"),
                                  QStringLiteral("1"), QStringLiteral("--"), QStringLiteral("ls"), QStringLiteral("--help")});
    EXPECT_NE(remote.exitCode, 0);
    EXPECT_FALSE(remote.out.startsWith("usage:"));
}

// Issue 16: `profiles list` keeps its columns aligned when a URL is longer than the column.
TEST_F(CliFixture, ListAlignsColumnsWithLongUrls)
{
    const QString longUrl = QStringLiteral("wss://a-very-long-host-name.internal.example.com:8443/api/v2/realtime/socket");
    ASSERT_EQ(profiles({QStringLiteral("add"), QStringLiteral("long"), QStringLiteral("--url"), longUrl, QStringLiteral("--ssh"),
                        QStringLiteral("root@long.example.com")}).exitCode, 0);
    ASSERT_EQ(profiles({QStringLiteral("add"), QStringLiteral("short-name-x"), QStringLiteral("--url"), QStringLiteral("ws://s/ws"),
                        QStringLiteral("--ssh"), QStringLiteral("ops@short.example.com")}).exitCode, 0);
    const CliRun r = profiles({QStringLiteral("list")});
    ASSERT_EQ(r.exitCode, 0) << r.err.constData();
    const QStringList lines = QString::fromUtf8(r.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 3) << r.out.constData();
    const qsizetype sshColumn = lines[0].indexOf(QStringLiteral("SSH"));
    ASSERT_GT(sshColumn, 0);
    EXPECT_EQ(lines[1].indexOf(QStringLiteral("root@long.example.com")) + lines[2].indexOf(QStringLiteral("ops@short.example.com")),
              2 * sshColumn)
        << r.out.constData();
    EXPECT_EQ(lines[1].indexOf(QStringLiteral("root@long.example.com")), sshColumn) << r.out.constData();
    EXPECT_EQ(lines[0].indexOf(QStringLiteral("PUBLIC URL")), lines[1].indexOf(QStringLiteral("ws")));
}
