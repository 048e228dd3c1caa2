// SPDX-License-Identifier: GPL-3.0-or-later
// The exported playbook run by the real ansible-playbook against a fleet of three real nginx:
// two local prefixes (ansible_connection=local) and one over the real sshd lab, with the inventory
// written by `socketscope-cli profiles export-inventory`. One host (a port clash that passes
// nginx -t) must fail and roll back while the others are fixed and proved by a probe; check
// mode changes no byte; a second run changes nothing; the site with /api/ before /ws/ is fixed
// in the /ws/ location; per-host inventory values beat the playbook's defaults.
#include "lab/RunbookLab.h"
#include "lab/SshdLab.h"
#include "profiles/ProfileStore.h"
#include "runbook/AnsibleExport.h"
#include "runbook/NginxFacts.h"
#include "runbook/Runbook.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpServer>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

struct Recap {
    int ok = -1, changed = -1, failed = -1, unreachable = -1;
};

// "host : ok=9 changed=3 unreachable=0 failed=1 …" lines of the PLAY RECAP.
QMap<QString, Recap> recap(const QByteArray& out)
{
    QMap<QString, Recap> m;
    static const QRegularExpression re(
        QStringLiteral("^(\\S+)\\s+:\\s+ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=(\\d+)\\s+failed=(\\d+)"),
        QRegularExpression::MultilineOption);
    for (auto it = re.globalMatch(QString::fromUtf8(out)); it.hasNext();) {
        const QRegularExpressionMatch mt = it.next();
        m.insert(mt.captured(1),
            { mt.captured(2).toInt(), mt.captured(3).toInt(), mt.captured(5).toInt(), mt.captured(4).toInt() });
    }
    return m;
}

class AnsibleFleet : public ::testing::Test {
protected:
    void SetUp() override
    {
        LAB_REQUIRE(missingProgram(QStringLiteral("/usr/bin/ansible-playbook"), QStringLiteral("ansible-core")));
        LAB_REQUIRE(NginxLab::skipReason());
        LAB_REQUIRE(SshdLab::skipReason());
        QString error;
        for (RunbookLab* lab : { &a, &b, &c })
            if (!lab->start(&error))
                LAB_UNAVAILABLE(error);
        if (!sshd.start(&error))
            LAB_UNAVAILABLE(error);

        // a: a map defined in nginx.conf (the old export validated the site alone: "unknown
        // variable") and a plain HTTP location /api/ before the WebSocket location /ws/.
        QByteArray conf = readAll(a.nginx().confPath());
        conf.replace("http {\n", "http {\n    map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n");
        ASSERT_TRUE(writeFile(a.nginx().confPath(), conf));
        const QString twoLocations = QStringLiteral("server {\n"
                                                    "    listen 127.0.0.1:%1;\n"
                                                    "    location /api/ {\n"
                                                    "        proxy_pass http://127.0.0.1:%2;\n"
                                                    "        proxy_set_header X-Upgrade-Seen $connection_upgrade;\n"
                                                    "    }\n"
                                                    "    location /ws/ {\n"
                                                    "        proxy_pass http://127.0.0.1:%2;\n"
                                                    "        proxy_read_timeout 3s;\n"
                                                    "    }\n"
                                                    "}\n")
                                         .arg(a.proxyPort())
                                         .arg(a.backendPort());
        ASSERT_TRUE(writeFile(a.siteAvailable(), twoLocations.toUtf8()));
        QByteArray log;
        ASSERT_TRUE(a.nginx().reloadAndWaitForNewWorkers(&log)) << log.constData();

        // b: someone's pending change on disk (not loaded yet) listens on a port another program
        // holds: nginx -t passes, the reload keeps the old configuration and logs [emerg] bind().
        ASSERT_TRUE(clash.listen(QHostAddress::LocalHost, 0));
        QByteArray bSite = readAll(b.siteAvailable());
        bSite += QStringLiteral("server {\n    listen 127.0.0.1:%1;\n    return 204;\n}\n")
                     .arg(clash.serverPort())
                     .toUtf8();
        ASSERT_TRUE(writeFile(b.siteAvailable(), bSite));
        ASSERT_TRUE(b.nginx().test(&log)) << "the clash passes nginx -t: " << log.constData();

        // Profiles → inventory. c is reached over SSH (key file, NOPASSWD sudo).
        a.profile().name = QStringLiteral("Fleet A");
        b.profile().name = QStringLiteral("Fleet B");
        c.profile().name = QStringLiteral("Fleet C");
        int i = 0;
        for (RunbookLab* lab : { &a, &b, &c }) {
            lab->profile().nginx.backupDir = work.filePath(QStringLiteral("backups-%1").arg(i++));
            lab->profile().ssh.sudoWithoutPassword = true;
        }
        c.profile().ssh.host = sshd.host();
        c.profile().ssh.port = sshd.port();
        c.profile().ssh.user = SshdLab::noPasswordSudoUser();
        c.profile().ssh.auth = SshAccess::AuthMethod::KeyFile;
        c.profile().ssh.keyFile = sshd.keyFile();
        ProfileStore store(work.filePath(QStringLiteral("profiles.json")));
        ASSERT_TRUE(store.load());
        for (RunbookLab* lab : { &a, &b, &c })
            ASSERT_TRUE(store.add(lab->profile()));
        QByteArray out;
        ASSERT_EQ(
            cli({ QStringLiteral("--profiles"), work.filePath(QStringLiteral("profiles.json")),
                    QStringLiteral("profiles"), QStringLiteral("export-inventory"), QStringLiteral("-o"), inventory() },
                &out),
            0)
            << out.constData();
        ASSERT_TRUE(sshd.writeKnownHosts(work.filePath(QStringLiteral("known_hosts"))));
        // What the controller adds for every host: where its CLI is, the probe's hold (longer
        // than the old 3 s idle cutoff), known_hosts for the SSH host, results directory.
        ASSERT_TRUE(writeFile(work.filePath(QStringLiteral("controller.yml")),
            QStringLiteral("all:\n  vars:\n"
                           "    socketscope_cli: \"%1\"\n"
                           "    socketscope_hold: 4\n"
                           "    socketscope_results_dir: \"%2\"\n"
                           "    ansible_python_interpreter: /usr/bin/python3\n"
                           "    ansible_ssh_common_args: \"-o UserKnownHostsFile=%3 -o StrictHostKeyChecking=yes\"\n")
                .arg(cliPath(), results(), work.filePath(QStringLiteral("known_hosts")))
                .toUtf8()));
        // The playbook, exported with A's profile: its values are only defaults, so B and C
        // must still get their own site files from the inventory.
        Result<Runbook> rb = Runbooks::find(QStringLiteral("nginx-websocket-fix"));
        ASSERT_TRUE(rb);
        Result<QString> y = AnsibleExport::playbook(rb.value(), &a.profile());
        ASSERT_TRUE(y) << y.error().toStdString();
        ASSERT_TRUE(writeFile(playbook(), y->toUtf8()));
    }

    QString inventory() const { return work.filePath(QStringLiteral("inventory.yml")); }
    QString playbook() const { return work.filePath(QStringLiteral("fix.yml")); }
    QString results() const { return work.filePath(QStringLiteral("results")); }

    QProcessEnvironment env() const
    {
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("HOME"), work.path());
        e.insert(QStringLiteral("XDG_DATA_HOME"), work.filePath(QStringLiteral("data")));
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), work.filePath(QStringLiteral("config")));
        e.insert(QStringLiteral("ANSIBLE_LOCAL_TEMP"), work.filePath(QStringLiteral(".ansible-tmp")));
        e.insert(QStringLiteral("ANSIBLE_NOCOLOR"), QStringLiteral("1"));
        e.insert(QStringLiteral("ANSIBLE_FORKS"), QStringLiteral("5"));
        e.insert(QStringLiteral("ANSIBLE_PIPELINING"), QStringLiteral("1"));
        return e;
    }

    // Runs a program while this process's event loop turns (the backends live here).
    int run(const QString& program, const QStringList& args, QByteArray* out, int timeoutMs = 170000)
    {
        QProcess p;
        p.setProcessEnvironment(env());
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        p.closeWriteChannel();
        QDeadlineTimer deadline(timeoutMs);
        while (p.state() != QProcess::NotRunning && !deadline.hasExpired()) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
            p.waitForFinished(10);
        }
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished();
        }
        *out = p.readAll();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }
    int cli(const QStringList& args, QByteArray* out) { return run(cliPath(), args, out); }
    int ansible(const QStringList& extra, QByteArray* out)
    {
        return run(QStringLiteral("/usr/bin/ansible-playbook"),
            QStringList { QStringLiteral("-i"), inventory(), QStringLiteral("-i"),
                work.filePath(QStringLiteral("controller.yml")) }
                + extra + QStringList { playbook() },
            out);
    }
    // Every file of a prefix except the logs nginx itself appends to.
    static QMap<QString, QString> configChecksums(const RunbookLab& lab)
    {
        QMap<QString, QString> m = lab.prefixChecksums();
        for (auto it = m.begin(); it != m.end();)
            it = it.key().startsWith(QLatin1String("logs/")) ? m.erase(it) : std::next(it);
        return m;
    }
    ProbeResult probeWs(const RunbookLab& lab, int holdS = 0)
    {
        ProbeOptions o;
        o.url = lab.profile().publicUrl;
        o.holdS = holdS;
        return lab::probe(o, 30000);
    }

    QTemporaryDir work;
    RunbookLab a, b, c;
    SshdLab sshd;
    QTcpServer clash;
};

} // namespace

TEST_F(AnsibleFleet, ChecksThenFixesTwoHostsRollsBackTheClashAndIsIdempotent)
{
    const QByteArray aOriginal = readAll(a.siteAvailable());
    const QByteArray bOriginal = readAll(b.siteAvailable());
    const QByteArray cOriginal = readAll(c.siteAvailable());
    const QString inv = QString::fromUtf8(readAll(inventory()));
    EXPECT_TRUE(inv.contains(QStringLiteral("ansible_port: %1").arg(sshd.port()))) << inv.toStdString();
    EXPECT_TRUE(inv.contains(QStringLiteral("ansible_user: !unsafe \"ssnopw\""))) << inv.toStdString();
    EXPECT_TRUE(inv.contains(QStringLiteral("ansible_connection: local"))) << inv.toStdString();

    // Check mode: the exact diff per host, and not one byte changes.
    const auto before = std::make_tuple(configChecksums(a), configChecksums(b), configChecksums(c));
    QByteArray out;
    EXPECT_EQ(ansible({ QStringLiteral("--check"), QStringLiteral("--diff") }, &out), 0) << out.constData();
    EXPECT_EQ(std::make_tuple(configChecksums(a), configChecksums(b), configChecksums(c)), before) << out.constData();
    EXPECT_GE(out.count("+        proxy_set_header Upgrade $http_upgrade;"), 3) << out.constData();
    EXPECT_FALSE(QDir(results()).exists()) << "check mode records nothing";

    // The real run: A and C fixed and proved, B fails after the write and is rolled back.
    EXPECT_NE(ansible({}, &out), 0) << out.constData();
    const QMap<QString, Recap> r1 = recap(out);
    ASSERT_EQ(r1.size(), 3) << out.constData();
    EXPECT_EQ(r1.value(QStringLiteral("fleet-a")).failed, 0) << out.constData();
    EXPECT_GT(r1.value(QStringLiteral("fleet-a")).changed, 0) << out.constData();
    EXPECT_EQ(r1.value(QStringLiteral("fleet-c")).failed, 0) << out.constData();
    EXPECT_GT(r1.value(QStringLiteral("fleet-c")).changed, 0) << out.constData();
    EXPECT_EQ(r1.value(QStringLiteral("fleet-b")).failed, 1) << out.constData();

    // A: the /ws/ location got the fix, /api/ is untouched; the idle hold now survives.
    const QByteArray aNow = readAll(a.siteAvailable());
    const qsizetype ws = aNow.indexOf("location /ws/");
    ASSERT_GT(ws, 0);
    EXPECT_TRUE(aNow.left(ws) == aOriginal.left(aOriginal.indexOf("location /ws/"))) << "the /api/ location changed:\n"
                                                                                     << aNow.constData();
    EXPECT_TRUE(aNow.mid(ws).contains("proxy_set_header Upgrade $http_upgrade;")) << aNow.constData();
    EXPECT_EQ(probeWs(a, 4).cause, QStringLiteral("ok"));
    EXPECT_NE(readAll(c.siteAvailable()), cOriginal);
    EXPECT_EQ(probeWs(c).cause, QStringLiteral("ok"));

    // B: byte-identical to before, the backup verified, still serving the old configuration.
    EXPECT_EQ(readAll(b.siteAvailable()), bOriginal);
    EXPECT_TRUE(readAll(b.errorLog()).contains("[emerg]")) << "the clash really happened";
    EXPECT_NE(probeWs(b).cause, QStringLiteral("ok")) << "nginx still runs B's old (broken) configuration";

    // Results as JSON per host, and the audit trail in the desktop run's format.
    QMap<QString, QJsonObject> byHost;
    for (const QFileInfo& fi : QDir(results()).entryInfoList({ QStringLiteral("*.json") }, QDir::Files)) {
        const QJsonObject o = QJsonDocument::fromJson(readAll(fi.filePath())).object();
        byHost.insert(o.value(QStringLiteral("host")).toString(), o);
    }
    ASSERT_EQ(byHost.size(), 3) << out.constData();
    const QJsonObject ra = byHost.value(QStringLiteral("fleet-a"));
    EXPECT_EQ(ra.value(QStringLiteral("outcome")).toString(), QStringLiteral("ok"));
    EXPECT_EQ(ra.value(QStringLiteral("final_probe")).toString(), QStringLiteral("ok"));
    const QString aBackup = ra.value(QStringLiteral("backup")).toString();
    EXPECT_TRUE(aBackup.startsWith(a.profile().nginx.backupDir)) << aBackup.toStdString();
    EXPECT_EQ(NginxFacts::sha256Hex(readAll(aBackup)), ra.value(QStringLiteral("backup_sha256")).toString());
    EXPECT_EQ(readAll(aBackup), aOriginal);
    const QJsonObject rb = byHost.value(QStringLiteral("fleet-b"));
    EXPECT_EQ(rb.value(QStringLiteral("outcome")).toString(), QStringLiteral("rolled_back"))
        << QJsonDocument(rb).toJson().constData();
    EXPECT_EQ(readAll(rb.value(QStringLiteral("backup")).toString()), bOriginal);
    EXPECT_EQ(
        byHost.value(QStringLiteral("fleet-c")).value(QStringLiteral("outcome")).toString(), QStringLiteral("ok"));

    QByteArray audit;
    ASSERT_EQ(cli({ QStringLiteral("runbook"), QStringLiteral("audit"), QStringLiteral("--profile"),
                      QStringLiteral("Fleet B") },
                  &audit),
        0)
        << audit.constData();
    EXPECT_TRUE(audit.contains(rb.value(QStringLiteral("run")).toString().toUtf8())) << audit.constData();
    EXPECT_TRUE(audit.contains("\"event\":\"file\"") && audit.contains("\"step\":\"rollback\"")) << audit.constData();
    EXPECT_TRUE(audit.contains("\"outcome\":\"rolled_back\"")) << audit.constData();

    // A second run (the hosts that succeeded) changes nothing.
    EXPECT_EQ(ansible({ QStringLiteral("--limit"), QStringLiteral("fleet-a,fleet-c") }, &out), 0) << out.constData();
    const QMap<QString, Recap> r2 = recap(out);
    ASSERT_EQ(r2.size(), 2) << out.constData();
    for (const Recap& r : r2) {
        EXPECT_EQ(r.changed, 0) << out.constData();
        EXPECT_EQ(r.failed, 0) << out.constData();
    }
}
