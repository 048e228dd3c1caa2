// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 12: the exported playbook's post-reload probe speaks like the profile's clients (Origin,
// headers — credentials only through a file, never on a command line — and TLS options, all from
// the inventory), and a probe that FAILS after the reload takes the rescue path: the site file is
// restored byte for byte, nginx reloaded on it, and the audit trail records the rollback.
// Real ansible-playbook, real nginx, and a real WebSocket backend (python3-websockets) that
// refuses an upgrade without the right Origin and bearer token.
#include "lab/RunbookLab.h"
#include "profiles/ProfileStore.h"
#include "runbook/AnsibleExport.h"
#include "runbook/NginxFacts.h"
#include "runbook/Runbook.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QDirIterator>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

constexpr const char* kOrigin = "https://app.example.com";
constexpr const char* kToken = "s3cret-ansible-token-4f1c";

// An echo server that answers 403 unless the upgrade carries the Origin and the bearer token.
const char* kBackend = R"PY(
import asyncio, http, sys
import websockets

ORIGIN, TOKEN, PORT = sys.argv[1], sys.argv[2], int(sys.argv[3])

async def check(path, headers):
    if headers.get("Authorization") != "Bearer " + TOKEN or headers.get("X-Tenant") != "blue":
        return http.HTTPStatus.FORBIDDEN, [], b"missing credentials\n"
    return None

async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)

async def main():
    async with websockets.serve(echo, "127.0.0.1", PORT, origins=[ORIGIN], process_request=check):
        print("ready", flush=True)
        await asyncio.Future()

asyncio.run(main())
)PY";

class AnsibleProbeOptions : public ::testing::Test {
protected:
    void SetUp() override
    {
        LAB_REQUIRE(missingProgram(QStringLiteral("/usr/bin/ansible-playbook"), QStringLiteral("ansible-core")));
        LAB_REQUIRE(missingProgram(QStringLiteral("/usr/bin/python3"), QStringLiteral("python3")));
        LAB_REQUIRE(NginxLab::skipReason());
        // The backend first: nginx proxies to it.
        const QString script = work.filePath(QStringLiteral("backend.py"));
        ASSERT_TRUE(writeFile(script, kBackend));
        const quint16 backendPort = freePort();
        backend.setProcessChannelMode(QProcess::MergedChannels);
        backend.start(QStringLiteral("/usr/bin/python3"), {script, QString::fromLatin1(kOrigin), QString::fromLatin1(kToken),
                                                           QString::number(backendPort)});
        if (!backend.waitForReadyRead(10000) || !backend.readAll().contains("ready"))
            LAB_UNAVAILABLE(QStringLiteral("python3-websockets backend did not start: ") + QString::fromUtf8(backend.readAll()));
        a.useBackendPort(backendPort);
        QString error;
        if (!a.start(&error))
            LAB_UNAVAILABLE(error);
        a.profile().name = QStringLiteral("Origin A");
        a.profile().app = AppProtocolId::Echo;
        a.profile().nginx.backupDir = work.filePath(QStringLiteral("backups"));
        ASSERT_TRUE(writeFile(work.filePath(QStringLiteral("controller.yml")),
                              QStringLiteral("all:\n  vars:\n"
                                             "    socketscope_cli: \"%1\"\n"
                                             "    socketscope_results_dir: \"%2\"\n"
                                             "    ansible_python_interpreter: /usr/bin/python3\n")
                                  .arg(cliPath(), results())
                                  .toUtf8()));
        Result<Runbook> rb = Runbooks::find(QStringLiteral("nginx-websocket-fix"));
        ASSERT_TRUE(rb);
        Result<QString> y = AnsibleExport::playbook(rb.value(), nullptr); // every value from the inventory
        ASSERT_TRUE(y) << y.error().toStdString();
        ASSERT_TRUE(writeFile(playbook(), y->toUtf8()));
    }
    void TearDown() override
    {
        if (backend.state() != QProcess::NotRunning) {
            backend.kill();
            backend.waitForFinished(5000);
        }
    }

    QString inventory() const { return work.filePath(QStringLiteral("inventory.yml")); }
    QString playbook() const { return work.filePath(QStringLiteral("fix.yml")); }
    QString results() const { return work.filePath(QStringLiteral("results")); }
    QString profiles() const { return work.filePath(QStringLiteral("profiles.json")); }

    // Writes the profile to a fresh store and the inventory from it (profiles export-inventory).
    void exportInventory()
    {
        QFile::remove(profiles());
        ProfileStore store(profiles());
        ASSERT_TRUE(store.load());
        ASSERT_TRUE(store.add(a.profile()));
        QByteArray out;
        ASSERT_EQ(run(cliPath(), {QStringLiteral("--profiles"), profiles(), QStringLiteral("profiles"),
                                  QStringLiteral("export-inventory"), QStringLiteral("-o"), inventory()},
                      &out),
                  0)
            << out.constData();
    }

    int run(const QString& program, const QStringList& args, QByteArray* out, int timeoutMs = 120000)
    {
        QProcess p;
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("HOME"), work.path());
        e.insert(QStringLiteral("XDG_DATA_HOME"), work.filePath(QStringLiteral("data")));
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), work.filePath(QStringLiteral("config")));
        e.insert(QStringLiteral("ANSIBLE_LOCAL_TEMP"), work.filePath(QStringLiteral(".ansible-tmp")));
        e.insert(QStringLiteral("TMPDIR"), work.filePath(QStringLiteral("tmp"))); // the controller's work directories
        QDir().mkpath(work.filePath(QStringLiteral("tmp")));
        e.insert(QStringLiteral("ANSIBLE_NOCOLOR"), QStringLiteral("1"));
        e.insert(QStringLiteral("ANSIBLE_PIPELINING"), QStringLiteral("1"));
        p.setProcessEnvironment(e);
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
    int ansible(const QStringList& extraInventories, QByteArray* out)
    {
        QStringList args{QStringLiteral("-i"), inventory(), QStringLiteral("-i"), work.filePath(QStringLiteral("controller.yml"))};
        for (const QString& i : extraInventories)
            args << QStringLiteral("-i") << i;
        return run(QStringLiteral("/usr/bin/ansible-playbook"), args << playbook(), out);
    }
    QJsonObject onlyResult()
    {
        QJsonObject newest;
        for (const QFileInfo& fi : QDir(results()).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Time))
            return QJsonDocument::fromJson(readAll(fi.filePath())).object(); // the newest first
        return newest;
    }
    // Every byte this test's runs left behind where a secret could leak: results, audit, backups,
    // the controller's Ansible temp files and the profile store.
    QByteArray everythingWritten()
    {
        QByteArray all;
        QDirIterator it(work.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (path != work.filePath(QStringLiteral("vault.yml"))) // the operator's own (vaulted) file
                all += readAll(path);
        }
        return all;
    }

    QTemporaryDir work;
    QProcess backend;
    RunbookLab a;
};

} // namespace

TEST_F(AnsibleProbeOptions, AFailingProbeRollsBackThenTheProfilesOriginAndHeadersMakeItPass)
{
    const QByteArray original = readAll(a.siteAvailable());

    // 1. The inventory without the Origin and headers the backend needs: the fix is written, nginx
    //    reloads onto it, then the probe is refused (403) → rescue: restored, tested, reloaded.
    exportInventory();
    QByteArray out;
    EXPECT_NE(ansible({}, &out), 0) << out.constData();
    EXPECT_TRUE(out.contains("Probe through the proxy")) << out.constData();
    EXPECT_TRUE(out.contains("Roll back - restore the backup")) << out.constData();
    EXPECT_EQ(readAll(a.siteAvailable()), original) << "rolled back byte for byte";
    const QJsonObject failed = onlyResult();
    EXPECT_EQ(failed.value(QStringLiteral("outcome")).toString(), QStringLiteral("rolled_back"))
        << QJsonDocument(failed).toJson().constData();
    EXPECT_TRUE(failed.value(QStringLiteral("written")).toVariant().toBool());
    EXPECT_TRUE(failed.value(QStringLiteral("reloaded")).toVariant().toBool()) << "the probe ran after the reload";
    EXPECT_TRUE(failed.value(QStringLiteral("failure")).toString().startsWith(QStringLiteral("Probe through the proxy")))
        << QJsonDocument(failed).toJson().constData();
    const QString finalProbe = failed.value(QStringLiteral("final_probe")).toString();
    EXPECT_FALSE(finalProbe.isEmpty());
    EXPECT_NE(finalProbe, QStringLiteral("ok"));
    const QJsonObject rollback = failed.value(QStringLiteral("rollback")).toObject();
    EXPECT_EQ(rollback.value(QStringLiteral("sha256")).toString(), NginxFacts::sha256Hex(original));
    EXPECT_EQ(rollback.value(QStringLiteral("reload_exit_status")).toVariant().toInt(), 0);
    EXPECT_EQ(readAll(failed.value(QStringLiteral("backup")).toString()), original);
    QByteArray audit;
    ASSERT_EQ(run(cliPath(), {QStringLiteral("--profiles"), profiles(), QStringLiteral("runbook"), QStringLiteral("audit"),
                              QStringLiteral("--profile"), QStringLiteral("Origin A")},
                  &audit),
              0)
        << audit.constData();
    EXPECT_TRUE(audit.contains(failed.value(QStringLiteral("run")).toString().toUtf8())) << audit.constData();
    EXPECT_TRUE(audit.contains("\"step\":\"rollback\"")) << audit.constData();
    EXPECT_TRUE(audit.contains("\"outcome\":\"rolled_back\"")) << audit.constData();

    // 2. The profile's Origin and plain header go into the inventory; the credential header is
    //    only named there and given in a separate (in real life: ansible-vault) vars file.
    a.profile().origin = QString::fromLatin1(kOrigin);
    a.profile().extraHeaders = {{QStringLiteral("X-Tenant"), QStringLiteral("blue")},
                                {QStringLiteral("Authorization"), QStringLiteral("Bearer ") + QString::fromLatin1(kToken)}};
    exportInventory();
    const QByteArray inv = readAll(inventory());
    EXPECT_TRUE(inv.contains(QByteArray(QByteArray("socketscope_origin: !unsafe \"") + kOrigin + '"'))) << inv.constData();
    EXPECT_TRUE(inv.contains("\"X-Tenant\": !unsafe \"blue\"")) << inv.constData();
    EXPECT_FALSE(inv.contains(kToken)) << inv.constData();
    EXPECT_TRUE(inv.contains("credential headers Authorization")) << inv.constData();
    QFile::remove(profiles()); // the profile (with its header) is not what the playbook run may leak
    ASSERT_TRUE(writeFile(work.filePath(QStringLiteral("vault.yml")),
                          QByteArray(QByteArray("all:\n  vars:\n    socketscope_secret_headers:\n      Authorization: \"Bearer ") + kToken + "\"\n")));
    EXPECT_EQ(ansible({work.filePath(QStringLiteral("vault.yml"))}, &out), 0) << out.constData();
    const QJsonObject ok = onlyResult();
    EXPECT_EQ(ok.value(QStringLiteral("outcome")).toString(), QStringLiteral("ok")) << QJsonDocument(ok).toJson().constData();
    EXPECT_EQ(ok.value(QStringLiteral("final_probe")).toString(), QStringLiteral("ok"));
    EXPECT_TRUE(readAll(a.siteAvailable()).contains("proxy_set_header Upgrade $http_upgrade;"));
    // The token reached the backend (the probe passed) but nothing else: not Ansible's output, not
    // the results, the audit trail or any file the run left (the headers file is gone with the
    // controller's work directory).
    EXPECT_FALSE(out.contains(kToken)) << out.constData();
    EXPECT_FALSE(everythingWritten().contains(kToken));
    EXPECT_TRUE(QDir(work.filePath(QStringLiteral("tmp"))).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).isEmpty())
        << QDir(work.filePath(QStringLiteral("tmp"))).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).join(u' ').toStdString();
}
