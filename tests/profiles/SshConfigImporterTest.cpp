// SPDX-License-Identifier: GPL-3.0-or-later
// ~/.ssh/config import: the keywords we read, wildcard blocks, Include, quoting, and bad input.
#include "lab/Lab.h"
#include "profiles/ProfileStore.h"
#include "profiles/SshConfigImporter.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

const SshConfigHost* hostNamed(const SshConfigParse& r, const QString& alias)
{
    for (const SshConfigHost& h : r.hosts)
        if (h.alias == alias)
            return &h;
    return nullptr;
}

bool anyWarningContains(const SshConfigParse& r, const QString& text)
{
    for (const QString& w : r.warnings)
        if (w.contains(text))
            return true;
    return false;
}

// What OpenSSH resolves for one host of a config: `ssh -G -F CONFIG ALIAS`, the oracle for the
// importer's HostName/User/Port/IdentityFile/ProxyJump.
struct Resolved {
    QString hostName, user, proxyJump;
    int port = 0;
    QStringList identityFiles;
};

Resolved opensshResolves(const QString& configFile, const QString& alias)
{
    QProcess p;
    p.start(QStringLiteral("/usr/bin/ssh"), {QStringLiteral("-G"), QStringLiteral("-F"), configFile, alias});
    p.closeWriteChannel();
    EXPECT_TRUE(p.waitForFinished(30000));
    EXPECT_EQ(p.exitCode(), 0) << p.readAllStandardError().constData();
    Resolved r;
    for (const QByteArray& raw : p.readAllStandardOutput().split('\n')) {
        const QString line = QString::fromUtf8(raw);
        const QString key = line.section(u' ', 0, 0);
        QString value = line.section(u' ', 1);
        if (key == QLatin1String("hostname"))
            r.hostName = value;
        else if (key == QLatin1String("user"))
            r.user = value;
        else if (key == QLatin1String("port"))
            r.port = value.toInt();
        else if (key == QLatin1String("proxyjump"))
            r.proxyJump = value;
        else if (key == QLatin1String("identityfile"))
            // ssh -G prints the path as configured; "~" is the home directory (ssh expands it later).
            r.identityFiles << (value.startsWith(QLatin1String("~/")) ? QDir::homePath() + value.mid(1) : value);
    }
    return r;
}

QString localUser()
{
    QByteArray out;
    lab::runProgram(QStringLiteral("/usr/bin/id"), {QStringLiteral("-un")}, &out);
    return QString::fromUtf8(out.trimmed());
}

// Every host the importer found resolves as `ssh -G` resolves it. Where the config sets no User,
// Port or IdentityFile, ssh fills in its defaults (the local user, 22, ~/.ssh/id_*), which a
// profile leaves to connect time. OpenSSH lower-cases the host name it prints (and SocketScope
// lower-cases it before every known_hosts lookup), so host names compare case-insensitively.
void expectResolvedLikeOpenSsh(const QString& configFile, const SshConfigParse& r)
{
    LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/ssh"), QStringLiteral("openssh-client")));
    ASSERT_FALSE(r.hosts.isEmpty());
    for (const SshConfigHost& h : r.hosts) {
        SCOPED_TRACE(h.alias.toStdString());
        const Resolved want = opensshResolves(configFile, h.alias);
        const Profile p = SshConfigImporter::toProfile(h);
        EXPECT_EQ(p.ssh.host.toLower(), want.hostName);
        EXPECT_EQ(h.user.isEmpty() ? localUser() : h.user, want.user);
        EXPECT_EQ(p.ssh.port, want.port);
        EXPECT_EQ(p.ssh.jumpHost, want.proxyJump);
        if (h.identityFiles.isEmpty()) {
            for (const QString& f : want.identityFiles)
                EXPECT_TRUE(f.startsWith(QDir::homePath() + QStringLiteral("/.ssh/id_"))) << "not a default: " << f.toStdString();
        } else {
            EXPECT_EQ(h.identityFiles, want.identityFiles);
            EXPECT_EQ(p.ssh.keyFile, want.identityFiles.value(0));
        }
    }
}

} // namespace

TEST(SshConfigImporter, ReadsHostsWithTheirSettings)
{
    const QByteArray config = R"(# my servers
Host neo4j-prod
    HostName neo4jprod.uksouth.cloudapp.azure.com
    User azureuser
    Port 2222
    IdentityFile ~/.ssh/neo4j.pem
    IdentityFile ~/.ssh/second_key
    ProxyJump ops@bastion.example.com:2200

host=web1
  hostname = 10.0.0.5
  USER=deploy
  identityfile "/keys/with space/id_ed25519"

Host direct-only
  HostName direct.example.com
)";
    const SshConfigParse r = SshConfigImporter::parse(config, QStringLiteral("config"));
    ASSERT_EQ(r.hosts.size(), 3);
    const SshConfigHost* prod = hostNamed(r, QStringLiteral("neo4j-prod"));
    ASSERT_NE(prod, nullptr);
    EXPECT_EQ(prod->hostName, QStringLiteral("neo4jprod.uksouth.cloudapp.azure.com"));
    EXPECT_EQ(prod->user, QStringLiteral("azureuser"));
    EXPECT_EQ(prod->port, 2222);
    EXPECT_EQ(prod->identityFiles, (QStringList{QDir::homePath() + QStringLiteral("/.ssh/neo4j.pem"),
                                                QDir::homePath() + QStringLiteral("/.ssh/second_key")}));
    EXPECT_EQ(prod->proxyJump, QStringLiteral("ops@bastion.example.com:2200"));
    EXPECT_EQ(prod->line, 2);

    const SshConfigHost* web = hostNamed(r, QStringLiteral("web1"));
    ASSERT_NE(web, nullptr);
    EXPECT_EQ(web->hostName, QStringLiteral("10.0.0.5"));
    EXPECT_EQ(web->user, QStringLiteral("deploy"));
    EXPECT_EQ(web->identityFiles, QStringList{QStringLiteral("/keys/with space/id_ed25519")});

    const Profile p = SshConfigImporter::toProfile(*prod);
    EXPECT_EQ(p.name, QStringLiteral("neo4j-prod"));
    EXPECT_EQ(p.ssh.host, QStringLiteral("neo4jprod.uksouth.cloudapp.azure.com"));
    EXPECT_EQ(p.ssh.port, 2222);
    EXPECT_EQ(p.ssh.user, QStringLiteral("azureuser"));
    EXPECT_EQ(p.ssh.auth, SshAccess::AuthMethod::KeyFile);
    EXPECT_EQ(p.ssh.keyFile, prod->identityFiles.first());
    EXPECT_EQ(p.ssh.jumpHost, QStringLiteral("ops@bastion.example.com:2200"));

    const Profile d = SshConfigImporter::toProfile(*hostNamed(r, QStringLiteral("direct-only")));
    EXPECT_EQ(d.ssh.port, 22);
    EXPECT_EQ(d.ssh.auth, SshAccess::AuthMethod::Agent);

    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("config"));
    ASSERT_TRUE(lab::writeFile(file, config));
    expectResolvedLikeOpenSsh(file, r);
}

// OpenSSH's ssh_config semantics — first value wins in file order, wildcard and negated
// patterns, case-sensitive Host patterns, "ProxyJump none", %h in HostName, IdentityFile
// accumulating — are graded by `ssh -G`, not written down here.
TEST(SshConfigImporter, WildcardBlocksAreDefaultsNotHostsAndFirstValueWins)
{
    const QByteArray config = R"(
Host web-*
    User www
    Port 2200
Host web-1 db-1 !web-2
    HostName %h.internal
Host db-1
    User postgres
    ProxyJump none
Host WEB-3
    User upper
Host cmd
    ProxyCommand nc %h %p
    ProxyJump ignored.example.com
Host *
    User fallback
    ProxyJump jump.example.com
    IdentityFile ~/.ssh/default
Host web-2
Host web-3
    Port 2201
Host Db-?
    Port 2202
Host db-2 Db-2
    HostName Db-Two.Example.ORG
    IdentityFile "/keys/with space/id_ed25519"
    Port 2203
    ProxyJump ops@bastion:2222
)";
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("config"));
    ASSERT_TRUE(lab::writeFile(file, config));
    const SshConfigParse r = SshConfigImporter::parse(config, file);
    QStringList aliases;
    for (const SshConfigHost& h : r.hosts)
        aliases << h.alias;
    // Concrete names become profiles (Host patterns match case-sensitively in ssh, so WEB-3 and
    // web-3 are two hosts); wildcard blocks only contribute settings.
    EXPECT_EQ(aliases, (QStringList{QStringLiteral("web-1"), QStringLiteral("db-1"), QStringLiteral("WEB-3"), QStringLiteral("cmd"),
                                    QStringLiteral("web-2"), QStringLiteral("web-3"), QStringLiteral("db-2"), QStringLiteral("Db-2")}));
    EXPECT_TRUE(anyWarningContains(r, QStringLiteral("web-*")));
    EXPECT_TRUE(anyWarningContains(r, QStringLiteral("ProxyCommand is not supported for 'cmd'")));
    expectResolvedLikeOpenSsh(file, r);
}

TEST(SshConfigImporter, FollowsIncludeRelativeToSshDirWithGlobs)
{
    QTemporaryDir dir;
    ASSERT_TRUE(lab::writeFile(dir.filePath(QStringLiteral("config.d/10-prod.conf")),
                               "Host prod\n  HostName prod.example.com\n  Include nested.conf\n"));
    ASSERT_TRUE(lab::writeFile(dir.filePath(QStringLiteral("config.d/20-stage.conf")), "Host stage\n  User stager\n"));
    ASSERT_TRUE(lab::writeFile(dir.filePath(QStringLiteral("nested.conf")), "  Port 2022\n"));
    ASSERT_TRUE(lab::writeFile(dir.filePath(QStringLiteral("loop.conf")), "Include loop.conf\n"));
    const QByteArray config = "Include config.d/*.conf\nInclude missing.conf\nInclude loop.conf\nHost after\n";
    ASSERT_TRUE(lab::writeFile(dir.filePath(QStringLiteral("config")), config));

    const SshConfigParse r = SshConfigImporter::parse(config, dir.filePath(QStringLiteral("config")), dir.path(),
                                                      [](const QString& p) -> std::optional<QByteArray> {
                                                          QFile f(p);
                                                          if (!f.open(QIODevice::ReadOnly))
                                                              return std::nullopt;
                                                          return f.readAll();
                                                      });
    ASSERT_NE(hostNamed(r, QStringLiteral("prod")), nullptr);
    EXPECT_EQ(hostNamed(r, QStringLiteral("prod"))->hostName, QStringLiteral("prod.example.com"));
    EXPECT_EQ(hostNamed(r, QStringLiteral("prod"))->port, 2022) << "a nested Include continues the current Host block";
    EXPECT_EQ(hostNamed(r, QStringLiteral("prod"))->sourceFile, dir.filePath(QStringLiteral("config.d/10-prod.conf")));
    ASSERT_NE(hostNamed(r, QStringLiteral("stage")), nullptr);
    EXPECT_EQ(hostNamed(r, QStringLiteral("stage"))->user, QStringLiteral("stager"));
    EXPECT_NE(hostNamed(r, QStringLiteral("after")), nullptr);
    EXPECT_TRUE(anyWarningContains(r, QStringLiteral("missing.conf")));
    EXPECT_TRUE(anyWarningContains(r, QStringLiteral("nested more than"))) << "a self-include stops";

    // Without a reader, Include lines are reported instead of followed.
    const SshConfigParse reported = SshConfigImporter::parse(config, QStringLiteral("config"));
    EXPECT_TRUE(anyWarningContains(reported, QStringLiteral("Include not followed")));
}

TEST(SshConfigImporter, ParseFileReadsFromDisk)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("ssh_config"));
    ASSERT_TRUE(lab::writeFile(path, "Host box\r\n  HostName box.example.com\r\n  Port 2200\r\n"));
    const SshConfigParse r = SshConfigImporter::parseFile(path);
    ASSERT_EQ(r.hosts.size(), 1);
    EXPECT_EQ(r.hosts.first().hostName, QStringLiteral("box.example.com")) << "CRLF line ends are accepted";
    EXPECT_EQ(r.hosts.first().port, 2200);
    EXPECT_FALSE(SshConfigImporter::parseFile(dir.filePath(QStringLiteral("nope"))).warnings.isEmpty());
}

TEST(SshConfigImporter, BadLinesAreWarningsNotFailures)
{
    const QByteArray config = "Host a\n  Port 99999\n  User \"unbalanced\n  HostName\nMatch host x\n  User matched\nHost\n\x01\xff\xfe garbage\n";
    const SshConfigParse r = SshConfigImporter::parse(config, QStringLiteral("config"));
    ASSERT_EQ(r.hosts.size(), 1);
    EXPECT_EQ(r.hosts.first().port, 0);
    EXPECT_EQ(r.hosts.first().user, QString()) << "Match blocks never apply";
    EXPECT_TRUE(anyWarningContains(r, QStringLiteral("config:2")));
    EXPECT_TRUE(anyWarningContains(r, QStringLiteral("unbalanced")));
    EXPECT_TRUE(anyWarningContains(r, QStringLiteral("Match")));
}

TEST(SshConfigImporter, ImportedHostsBecomeProfilesWithClashesReported)
{
    QTemporaryDir dir;
    ProfileStore store(dir.filePath(QStringLiteral("profiles.json")));
    ASSERT_TRUE(store.load().ok());
    Profile existing;
    existing.name = QStringLiteral("prod");
    ASSERT_TRUE(store.add(existing).ok());
    const SshConfigParse r = SshConfigImporter::parse("Host prod\n HostName p\nHost stage\n HostName s\n ProxyJump a@b:2\n", QStringLiteral("c"));
    QList<Profile> incoming;
    for (const SshConfigHost& h : r.hosts)
        incoming << SshConfigImporter::toProfile(h);
    const ImportReport report = store.importProfiles(incoming);
    EXPECT_EQ(report.added, QStringList{QStringLiteral("stage")});
    ASSERT_EQ(report.skipped.size(), 1);
    EXPECT_TRUE(report.skipped.first().startsWith(QStringLiteral("'prod'")));
    EXPECT_EQ(store.find(QStringLiteral("stage"))->ssh.jumpHost, QStringLiteral("a@b:2"));
    EXPECT_EQ(store.find(QStringLiteral("prod"))->ssh.host, QString()) << "the existing profile is untouched";
}
