// SPDX-License-Identifier: GPL-3.0-or-later
// The profile store: round trip of every field, atomic writes, files that must never be
// overwritten (unreadable, malformed, newer version), import / export.
#include "ProfileTestData.h"
#include "lab/Lab.h"
#include "probe/ProbeProfile.h"
#include "profiles/ProfileJson.h"
#include "profiles/ProfileStore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#ifndef _WIN32
#include <csignal>
#include <sys/resource.h>
#endif

using namespace socketscope;

namespace {

struct StoreFixture : ::testing::Test {
    QTemporaryDir dir;
    QString file() const { return dir.filePath(QStringLiteral("config/profiles.json")); }
    QString keyFile()
    {
        const QString path = dir.filePath(QStringLiteral("id_ed25519"));
        if (!QFile::exists(path))
            lab::writeFile(path, "-----BEGIN OPENSSH PRIVATE KEY-----\nnot a real key\n-----END OPENSSH PRIVATE KEY-----\n");
        return path;
    }
    QStringList dirEntries() const
    {
        return QDir(dir.filePath(QStringLiteral("config"))).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot);
    }
};

// Applies one change per field; each must make the profile compare unequal (operator== covers it).
QList<std::function<void(Profile&)>> fieldMutations()
{
    return {
        [](Profile& p) { p.id = QUuid::createUuid(); },
        [](Profile& p) { p.name += u'x'; },
        [](Profile& p) { p.publicUrl += u'x'; },
        [](Profile& p) { p.directUrl += u'x'; },
        [](Profile& p) { p.origin += u'x'; },
        [](Profile& p) { p.app = AppProtocolId::SocketIo; },
        [](Profile& p) { p.extraHeaders.last().second += u'x'; },
        [](Profile& p) { p.subprotocols.removeLast(); },
        [](Profile& p) { p.bolt = !p.bolt; },
        [](Profile& p) { p.tls.caFile += u'x'; },
        [](Profile& p) { p.tls.pinnedCertificate += u'x'; },
        [](Profile& p) { p.tls.clientCertificate += u'x'; },
        [](Profile& p) { p.tls.clientKey += u'x'; },
        [](Profile& p) { p.tls.insecure = !p.tls.insecure; },
        [](Profile& p) { p.ssh.host += u'x'; },
        [](Profile& p) { p.ssh.port += 1; },
        [](Profile& p) { p.ssh.user += u'x'; },
        [](Profile& p) { p.ssh.auth = SshAccess::AuthMethod::Password; },
        [](Profile& p) { p.ssh.keyFile += u'x'; },
        [](Profile& p) { p.ssh.jumpHost += u'x'; },
        [](Profile& p) { p.ssh.sudoWithoutPassword = !p.ssh.sudoWithoutPassword; },
        [](Profile& p) { p.nginx.siteFile += u'x'; },
        [](Profile& p) { p.nginx.enabledLink += u'x'; },
        [](Profile& p) { p.nginx.testCommand += u'x'; },
        [](Profile& p) { p.nginx.reloadCommand += u'x'; },
        [](Profile& p) { p.nginx.backupDir += u'x'; },
        [](Profile& p) { p.logs.nginxErrorLog += u'x'; },
        [](Profile& p) { p.logs.appLog += u'x'; },
        [](Profile& p) { p.logs.appLogFormat = logs::LogFormat::Json; },
        [](Profile& p) { p.logs.nginxAccessLog += u'x'; },
        [](Profile& p) { p.logs.haproxyLog += u'x'; },
        [](Profile& p) { p.serviceName += u'x'; },
        [](Profile& p) { p.notes += u'x'; },
        [](Profile& p) { p.builtinDemo = !p.builtinDemo; },
    };
}

} // namespace

TEST_F(StoreFixture, EqualityCoversEveryField)
{
    const Profile base = testdata::fullProfile(keyFile());
    int i = 0;
    for (const auto& mutate : fieldMutations()) {
        Profile changed = base;
        mutate(changed);
        EXPECT_NE(changed, base) << "mutation #" << i << " is not seen by operator==";
        ++i;
    }
}

TEST_F(StoreFixture, EveryFieldSurvivesSaveAndLoad)
{
    const Profile full = testdata::fullProfile(keyFile());
    Profile plain;
    plain.name = QStringLiteral("plain defaults");
    {
        ProfileStore store(file());
        ASSERT_TRUE(store.load().ok());
        const Status added = store.add(full);
        ASSERT_TRUE(added.ok()) << added.error().toStdString();
        ASSERT_TRUE(store.add(plain).ok());
    }
    ProfileStore reloaded(file());
    ASSERT_TRUE(reloaded.load().ok()) << reloaded.loadError().toStdString();
    ASSERT_EQ(reloaded.profiles().size(), 2);
    EXPECT_EQ(reloaded.profiles().at(0), full);
    EXPECT_EQ(reloaded.profiles().at(1), plain);
    EXPECT_EQ(reloaded.find(QStringLiteral("NEO4J-PROD"))->id, full.id);
    EXPECT_EQ(reloaded.find(full.id.toString())->name, full.name);

    // Each mutated profile also round-trips through the JSON (no field is dropped on the way).
    for (const auto& mutate : fieldMutations()) {
        Profile changed = full;
        mutate(changed);
        const Result<QList<Profile>> back = ProfileJson::parse(ProfileJson::serialize({changed}));
        ASSERT_TRUE(back.ok()) << back.error().toStdString();
        EXPECT_EQ(back->first(), changed);
    }
}

TEST_F(StoreFixture, DocumentHasTheVersionedEnvelope)
{
    ProfileStore store(file());
    ASSERT_TRUE(store.load().ok());
    Profile p;
    p.name = QStringLiteral("a");
    ASSERT_TRUE(store.add(p).ok());
    const QJsonObject root = QJsonDocument::fromJson(lab::readAll(file())).object();
    EXPECT_EQ(root.value(QStringLiteral("format")).toString(), QStringLiteral("socketscope-profiles"));
    EXPECT_EQ(root.value(QStringLiteral("version")).toInt(), ProfileJson::kVersion);
    EXPECT_EQ(ProfileJson::kVersion, 3) << "version 2 added the application protocol, version 3 the profile's logs";
    EXPECT_EQ(root.value(QStringLiteral("profiles")).toArray().size(), 1);
}

TEST_F(StoreFixture, Version1FilesLoadAndTheirBoltFlagIsTheBoltProtocol)
{
    // Written before profiles had "app": still loads; `bolt` keeps meaning the Bolt protocol.
    const auto v1 = ProfileJson::parse(R"({"format":"socketscope-profiles","version":1,
        "profiles":[{"name":"neo4j","publicUrl":"wss://db/ws","bolt":true},{"name":"plain","publicUrl":"wss://h/ws"}]})");
    ASSERT_TRUE(v1.ok()) << v1.error().toStdString();
    EXPECT_EQ(v1->at(0).app, AppProtocolId::Auto);
    ProbeOptions o;
    applyProfile(o, v1->at(0));
    EXPECT_EQ(o.app, AppProtocolId::Bolt);
    EXPECT_EQ(o.appSource, AppDetectedBy::Profile);
    ProbeOptions plain;
    applyProfile(plain, v1->at(1));
    EXPECT_EQ(plain.app, AppProtocolId::Auto);

    Profile p;
    p.name = QStringLiteral("gql");
    p.app = AppProtocolId::GraphqlTransportWs;
    const auto back = ProfileJson::parse(ProfileJson::serialize({p}));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->first().app, AppProtocolId::GraphqlTransportWs);
    EXPECT_TRUE(ProfileJson::serialize({p}).contains("\"app\": \"graphql-transport-ws\""));
    const auto bad = ProfileJson::parse(R"({"format":"socketscope-profiles","version":2,"profiles":[{"name":"x","app":"socket.io"}]})");
    ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(bad.error().contains(QStringLiteral("app"))) << bad.error().toStdString();
}

// Issue 17: the profile names its logs and the app log's format (version 3); version 2 files (no
// such fields) load with the logs unset and the app log's format detected.
TEST_F(StoreFixture, Version3LogsRoundTripAndVersion2FilesLoad)
{
    const auto v2 = ProfileJson::parse(R"({"format":"socketscope-profiles","version":2,
        "profiles":[{"name":"old","app":"auto","logs":{"nginxErrorLog":"/var/log/nginx/error.log","appLog":"/srv/app.log"}}]})");
    ASSERT_TRUE(v2.ok()) << v2.error().toStdString();
    EXPECT_EQ(v2->first().logs.nginxErrorLog, QStringLiteral("/var/log/nginx/error.log"));
    EXPECT_EQ(v2->first().logs.appLog, QStringLiteral("/srv/app.log"));
    EXPECT_FALSE(v2->first().logs.appLogFormat.has_value());
    EXPECT_TRUE(v2->first().logs.haproxyLog.isEmpty());
    EXPECT_TRUE(v2->first().logs.nginxAccessLog.isEmpty());

    Profile p;
    p.name = QStringLiteral("chain");
    p.logs.appLog = QStringLiteral("/srv/uvicorn.log");
    p.logs.appLogFormat = logs::LogFormat::Python;
    p.logs.haproxyLog = QStringLiteral("/var/log/haproxy.log");
    p.logs.nginxAccessLog = QStringLiteral("/var/log/nginx/access.log");
    const QByteArray doc = ProfileJson::serialize({p});
    EXPECT_TRUE(doc.contains("\"appLogFormat\": \"python\"")) << doc.constData();
    EXPECT_TRUE(doc.contains("\"haproxyLog\": \"/var/log/haproxy.log\"")) << doc.constData();
    const auto back = ProfileJson::parse(doc);
    ASSERT_TRUE(back.ok()) << back.error().toStdString();
    EXPECT_EQ(back->first(), p);
    Profile detected = p;
    detected.logs.appLogFormat.reset();
    EXPECT_TRUE(ProfileJson::serialize({detected}).contains("\"appLogFormat\": \"auto\""));
    EXPECT_EQ(ProfileJson::parse(ProfileJson::serialize({detected}))->first(), detected);

    const auto bad = ProfileJson::parse(R"({"format":"socketscope-profiles","version":3,"profiles":[{"name":"x","logs":{"appLogFormat":"syslog"}}]})");
    ASSERT_FALSE(bad.ok());
    EXPECT_TRUE(bad.error().contains(QStringLiteral("logs.appLogFormat"))) << bad.error().toStdString();
    EXPECT_TRUE(bad.error().contains(QStringLiteral("syslog"))) << bad.error().toStdString();
}

TEST_F(StoreFixture, MissingFileIsAnEmptyWritableStore)
{
    ProfileStore store(file());
    EXPECT_TRUE(store.load().ok());
    EXPECT_FALSE(store.isReadOnly());
    EXPECT_TRUE(store.profiles().isEmpty());
    EXPECT_FALSE(QFile::exists(file())) << "loading must not create the file";
}

#ifndef _WIN32
// A write that fails half-way (file size limit reached) must leave the previous file intact and
// no temporary file behind.
TEST_F(StoreFixture, FailedWriteLeavesPreviousFileIntactAndNoPartialFile)
{
    ProfileStore store(file());
    ASSERT_TRUE(store.load().ok());
    Profile first;
    first.name = QStringLiteral("first");
    ASSERT_TRUE(store.add(first).ok());
    const QByteArray before = lab::readAll(file());
    ASSERT_FALSE(before.isEmpty());

    Profile big;
    big.name = QStringLiteral("big");
    big.notes = QString(200000, u'n');
    rlimit old{};
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
    const auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit limited = old;
    limited.rlim_cur = rlim_t(before.size() + 4096);
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
    const Status st = store.add(big);
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, oldHandler);

    ASSERT_FALSE(st.ok()) << "the write should have hit the file size limit";
    EXPECT_TRUE(st.error().contains(QDir::toNativeSeparators(file()))) << st.error().toStdString();
    EXPECT_EQ(lab::readAll(file()), before);
    EXPECT_EQ(dirEntries(), QStringList{QStringLiteral("profiles.json")});
    ASSERT_EQ(store.profiles().size(), 1) << "a failed save must not change the store in memory";

    // And a successful write replaces the file in one piece.
    ASSERT_TRUE(store.add(big).ok());
    EXPECT_EQ(dirEntries(), QStringList{QStringLiteral("profiles.json")});
    ProfileStore reloaded(file());
    ASSERT_TRUE(reloaded.load().ok());
    EXPECT_EQ(reloaded.profiles().size(), 2);
}
#endif

TEST_F(StoreFixture, MalformedFileIsKeptByteIdenticalAndStoreIsReadOnly)
{
    const QByteArray garbage = "{\"format\":\"socketscope-profiles\",\"version\":1,\"profiles\":[{\"name\":\"half";
    ASSERT_TRUE(lab::writeFile(file(), garbage));
    ProfileStore store(file());
    QSignalSpy changed(&store, &ProfileStore::changed);
    const Status st = store.load();
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(store.isReadOnly());
    EXPECT_TRUE(st.error().contains(QDir::toNativeSeparators(file()))) << st.error().toStdString();
    EXPECT_TRUE(st.error().contains(QStringLiteral("not valid JSON"))) << st.error().toStdString();
    EXPECT_EQ(store.loadError(), st.error());

    Profile p;
    p.name = QStringLiteral("new");
    const Status add = store.add(p);
    EXPECT_FALSE(add.ok());
    EXPECT_TRUE(add.error().contains(QStringLiteral("read-only"))) << add.error().toStdString();
    EXPECT_FALSE(store.importProfiles({p}).skipped.isEmpty());
    EXPECT_EQ(lab::readAll(file()), garbage);
    EXPECT_EQ(dirEntries(), QStringList{QStringLiteral("profiles.json")});
}

TEST_F(StoreFixture, WrongFieldTypeNamesTheField)
{
    ASSERT_TRUE(lab::writeFile(file(), R"({"format":"socketscope-profiles","version":1,
        "profiles":[{"name":"a"},{"name":"b","ssh":{"host":"h","port":"22"}}]})"));
    ProfileStore store(file());
    const Status st = store.load();
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.error().contains(QStringLiteral("profile #2"))) << st.error().toStdString();
    EXPECT_TRUE(st.error().contains(QStringLiteral("ssh.port"))) << st.error().toStdString();
    EXPECT_TRUE(store.isReadOnly());
}

TEST_F(StoreFixture, UnreadablePathIsReportedAndLeftAlone)
{
    // A directory where the file should be: cannot be read as a file (works as root, unlike chmod).
    ASSERT_TRUE(QDir().mkpath(file()));
    ProfileStore store(file());
    const Status st = store.load();
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(store.isReadOnly());
    EXPECT_TRUE(st.error().contains(QDir::toNativeSeparators(file())));
    EXPECT_TRUE(st.error().contains(QStringLiteral("not a regular file"))) << st.error().toStdString();
    Profile p;
    p.name = QStringLiteral("x");
    EXPECT_FALSE(store.add(p).ok());
    EXPECT_TRUE(QFileInfo(file()).isDir());
}

TEST_F(StoreFixture, NewerVersionIsRefusedAndKept)
{
    const QByteArray newer = R"({"format":"socketscope-profiles","version":4,"profiles":[{"name":"from the future"}]})";
    ASSERT_TRUE(lab::writeFile(file(), newer));
    ProfileStore store(file());
    const Status st = store.load();
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.error().contains(QStringLiteral("newer"))) << st.error().toStdString();
    EXPECT_TRUE(st.error().contains(QStringLiteral("version 4"))) << st.error().toStdString();
    EXPECT_TRUE(store.isReadOnly());
    EXPECT_TRUE(store.profiles().isEmpty());
    Profile p;
    p.name = QStringLiteral("x");
    EXPECT_FALSE(store.add(p).ok());
    EXPECT_EQ(lab::readAll(file()), newer);
}

TEST_F(StoreFixture, HugeNumbersAreRejectedNotConverted)
{
    // Out-of-range doubles must not be cast to int (undefined behaviour; UBSan checks it).
    EXPECT_TRUE(ProfileJson::parse(R"({"format":"socketscope-profiles","version":1e300,"profiles":[]})")
                    .error().contains(QStringLiteral("newer")));
    const auto port = ProfileJson::parse(R"({"format":"socketscope-profiles","version":1,"profiles":[{"name":"a","ssh":{"port":1e300}}]})");
    ASSERT_FALSE(port.ok());
    EXPECT_TRUE(port.error().contains(QStringLiteral("ssh.port"))) << port.error().toStdString();
    EXPECT_FALSE(ProfileJson::parse(R"({"format":"socketscope-profiles","version":1,"profiles":[{"name":"a","ssh":{"port":22.5}}]})").ok());
}

TEST_F(StoreFixture, ForeignJsonIsNotTakenForAStore)
{
    ASSERT_TRUE(lab::writeFile(file(), R"({"profiles":[]})"));
    ProfileStore store(file());
    const Status st = store.load();
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.error().contains(QStringLiteral("format"))) << st.error().toStdString();
}

TEST_F(StoreFixture, UpdateAndRemoveSaveAndReject)
{
    ProfileStore store(file());
    ASSERT_TRUE(store.load().ok());
    Profile a;
    a.name = QStringLiteral("alpha");
    Profile b;
    b.name = QStringLiteral("beta");
    ASSERT_TRUE(store.add(a).ok());
    ASSERT_TRUE(store.add(b).ok());
    b.name = QStringLiteral("ALPHA");
    const Status dup = store.update(b);
    ASSERT_FALSE(dup.ok());
    EXPECT_TRUE(dup.error().contains(QStringLiteral("already exists"))) << dup.error().toStdString();
    b.name = QStringLiteral("gamma");
    ASSERT_TRUE(store.update(b).ok());
    ASSERT_TRUE(store.remove(a.id).ok());
    EXPECT_FALSE(store.remove(a.id).ok());
    ProfileStore reloaded(file());
    ASSERT_TRUE(reloaded.load().ok());
    ASSERT_EQ(reloaded.profiles().size(), 1);
    EXPECT_EQ(reloaded.profiles().first().name, QStringLiteral("gamma"));
}

TEST_F(StoreFixture, SessionProfileIsNeverWritten)
{
    ASSERT_TRUE(lab::writeFile(file(), "not json"));
    ProfileStore store(file());
    ASSERT_FALSE(store.load().ok());
    Profile demo;
    demo.name = QStringLiteral("Local demo");
    demo.builtinDemo = true;
    store.addSessionProfile(demo);
    EXPECT_EQ(store.profiles().size(), 1);
    demo.publicUrl = QStringLiteral("ws://127.0.0.1:1234/ws/echo");
    EXPECT_TRUE(store.update(demo).ok());
    EXPECT_EQ(lab::readAll(file()), QByteArray("not json"));
}

TEST_F(StoreFixture, ImportReportsNameClashesAndNeverOverwrites)
{
    ProfileStore store(file());
    ASSERT_TRUE(store.load().ok());
    Profile mine;
    mine.name = QStringLiteral("prod");
    mine.publicUrl = QStringLiteral("wss://mine.example.com/ws");
    ASSERT_TRUE(store.add(mine).ok());

    Profile clash;
    clash.name = QStringLiteral("Prod");
    clash.publicUrl = QStringLiteral("wss://theirs.example.com/ws");
    Profile sameId = mine; // e.g. importing our own export again under another name
    sameId.name = QStringLiteral("prod copy");
    Profile remoteKey;
    remoteKey.name = QStringLiteral("staging");
    remoteKey.ssh.host = QStringLiteral("staging.example.com");
    remoteKey.ssh.auth = SshAccess::AuthMethod::KeyFile;
    remoteKey.ssh.keyFile = QStringLiteral("/nonexistent/on/this/machine/id_rsa");

    const QString exported = dir.filePath(QStringLiteral("export.json"));
    ASSERT_TRUE(ProfileStore::exportTo(exported, {clash, sameId, remoteKey}).ok());
    const Result<QList<Profile>> incoming = ProfileStore::readFile(exported);
    ASSERT_TRUE(incoming.ok()) << incoming.error().toStdString();
    const ImportReport report = store.importProfiles(*incoming);

    EXPECT_EQ(report.added, (QStringList{QStringLiteral("prod copy"), QStringLiteral("staging")}));
    ASSERT_EQ(report.skipped.size(), 1);
    EXPECT_TRUE(report.skipped.first().contains(QStringLiteral("already exists"))) << report.skipped.first().toStdString();
    ASSERT_EQ(report.notes.size(), 1) << "the missing key file is worth a note, not a refusal";
    EXPECT_TRUE(report.notes.first().contains(QStringLiteral("id_rsa")));
    EXPECT_EQ(store.find(QStringLiteral("prod"))->publicUrl, mine.publicUrl);
    EXPECT_NE(store.find(QStringLiteral("prod copy"))->id, mine.id) << "an id already taken gets a fresh one";
    ProfileStore reloaded(file());
    ASSERT_TRUE(reloaded.load().ok());
    EXPECT_EQ(reloaded.profiles().size(), 3);
}

TEST_F(StoreFixture, ChangeMadeByAnotherProgramIsNotOverwritten)
{
    ProfileStore gui(file());
    ProfileStore cli(file());
    ASSERT_TRUE(gui.load().ok());
    ASSERT_TRUE(cli.load().ok());
    Profile fromCli;
    fromCli.name = QStringLiteral("added by the cli");
    ASSERT_TRUE(cli.add(fromCli).ok());
    const QByteArray afterCli = lab::readAll(file());

    Profile fromGui;
    fromGui.name = QStringLiteral("added in the gui");
    const Status st = gui.add(fromGui);
    ASSERT_FALSE(st.ok());
    EXPECT_TRUE(st.error().contains(QStringLiteral("changed by another program"))) << st.error().toStdString();
    EXPECT_EQ(lab::readAll(file()), afterCli);
    EXPECT_TRUE(gui.profiles().isEmpty());

    ASSERT_TRUE(gui.load().ok());
    ASSERT_TRUE(gui.add(fromGui).ok());
    ProfileStore reread(file());
    ASSERT_TRUE(reread.load().ok());
    EXPECT_EQ(reread.profiles().size(), 2);
}
