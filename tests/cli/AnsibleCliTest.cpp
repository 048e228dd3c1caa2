// SPDX-License-Identifier: GPL-3.0-or-later
// The CLI pieces the Ansible playbook drives, run as the real built socketscope-cli:
// `profiles export-inventory` (read back by the real ansible-inventory; a stored secret never
// leaks) and `fix nginx DUMP --nginx-T --site FILE --json` on a real `nginx -T` dump.
#include "lab/KeyringLab.h"
#include "lab/Lab.h"
#include "runbook/NginxFacts.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

struct ProcRun {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

ProcRun runProcess(const QString& program, const QStringList& args,
    const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(), const QByteArray& stdinData = {})
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    ProcRun r;
    if (!p.waitForStarted(10000))
        return r;
    p.write(stdinData);
    p.closeWriteChannel();
    if (!p.waitForFinished(120000))
        return r;
    r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

// A host variable as ansible-inventory --list prints it (!unsafe values as {"__ansible_unsafe": …}).
QString hostVar(const QJsonObject& host, const char* name)
{
    const QJsonValue v = host.value(QLatin1String(name));
    return v.isObject() ? v.toObject().value(QStringLiteral("__ansible_unsafe")).toString() : v.toVariant().toString();
}

} // namespace

// Hosts, users, ports, jump hosts, per-host site file, commands and endpoint, as Ansible itself
// reads them; the sudo password stored in a real keychain (Secret Service lab) appears nowhere.
TEST(AnsibleCli, ExportInventoryIsReadByAnsibleAndNeverCarriesASecret)
{
    LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/ansible-inventory"), QStringLiteral("ansible-core")));
    LAB_REQUIRE(lab::KeyringLab::skipReason());
    lab::KeyringLab keyring;
    QString error;
    if (!keyring.start(&error))
        LAB_UNAVAILABLE(error);
    QTemporaryDir dir;
    QProcessEnvironment env = keyring.environment();
    env.insert(QStringLiteral("SOCKETSCOPE_KEYCHAIN_SERVICE"), QStringLiteral("SocketScopeAnsibleCliTests"));
    env.insert(QStringLiteral("HOME"), dir.path());
    const QString store = dir.filePath(QStringLiteral("profiles.json"));
    const QString key = dir.filePath(QStringLiteral("id_neo"));
    ASSERT_TRUE(lab::writeFile(key, "not a real key: the inventory names its path only\n"));
    const auto profiles = [&](const QStringList& args, const QByteArray& in = {}) {
        return runProcess(lab::cliPath(),
            QStringList { QStringLiteral("--profiles"), store, QStringLiteral("profiles") } + args, env, in);
    };
    ProcRun r = profiles({ QStringLiteral("add"), QStringLiteral("Neo4j prod"), QStringLiteral("--url"),
        QStringLiteral("wss://neo.example/db/ws"), QStringLiteral("--ssh"), QStringLiteral("deploy@10.0.0.7:2222"),
        QStringLiteral("--jump"), QStringLiteral("ops@bastion:2200"), QStringLiteral("--auth"),
        QStringLiteral("key-file"), QStringLiteral("--key"), key, QStringLiteral("--site-file"),
        QStringLiteral("/etc/nginx/sites-available/neo4j"), QStringLiteral("--test-cmd"),
        QStringLiteral("nginx -t -c /etc/nginx/nginx.conf"), QStringLiteral("--reload-cmd"),
        QStringLiteral("systemctl reload nginx"), QStringLiteral("--error-log"),
        QStringLiteral("/var/log/nginx/neo.error.log"), QStringLiteral("--app"), QStringLiteral("bolt") });
    ASSERT_EQ(r.exitCode, 0) << r.err.constData();
    r = profiles({ QStringLiteral("add"), QStringLiteral("Chat"), QStringLiteral("--url"),
        QStringLiteral("ws://127.0.0.1:8080/chat"), QStringLiteral("--site-file"),
        QStringLiteral("/etc/nginx/sites-available/chat") });
    ASSERT_EQ(r.exitCode, 0) << r.err.constData();
    r = profiles(
        { QStringLiteral("add"), QStringLiteral("Edge"), QStringLiteral("--ssh"), QStringLiteral("edge@10.0.0.9"),
            QStringLiteral("--jump"), QStringLiteral("x -oProxyCommand=touch${IFS}/tmp/pwned") });
    const bool hostileJumpStored = r.exitCode == 0; // profiles add may refuse it already
    const QByteArray secret = "inventory-sudo-secret-7731";
    r = profiles({ QStringLiteral("set-secret"), QStringLiteral("Neo4j prod"), QStringLiteral("--kind"),
                     QStringLiteral("sudo-password"), QStringLiteral("--password-stdin") },
        secret + '\n');
    ASSERT_EQ(r.exitCode, 0) << "the keychain lab stores the secret: " << r.err.constData();

    const QString inventory = dir.filePath(QStringLiteral("inventory.yml"));
    r = profiles({ QStringLiteral("export-inventory"), QStringLiteral("-o"), inventory });
    ASSERT_EQ(r.exitCode, 0) << r.err.constData();
    const QByteArray text = lab::readAll(inventory);
    EXPECT_FALSE(text.contains(secret)) << text.constData();
    EXPECT_FALSE(r.out.contains(secret) || r.err.contains(secret));
    EXPECT_TRUE(text.contains("--ask-become-pass")) << "says which prompt replaces the secret:\n" << text.constData();

    ProcRun inv = runProcess(QStringLiteral("/usr/bin/ansible-inventory"),
        { QStringLiteral("-i"), inventory, QStringLiteral("--list") }, env);
    ASSERT_EQ(inv.exitCode, 0) << inv.err.constData();
    EXPECT_FALSE(inv.out.contains(secret));
    const QJsonObject all = QJsonDocument::fromJson(inv.out).object();
    EXPECT_TRUE(all.value(QStringLiteral("nginx_proxies"))
                    .toObject()
                    .value(QStringLiteral("hosts"))
                    .toArray()
                    .contains(QStringLiteral("neo4j-prod")))
        << inv.out.constData();
    const QJsonObject neo = all.value(QStringLiteral("_meta"))
                                .toObject()
                                .value(QStringLiteral("hostvars"))
                                .toObject()
                                .value(QStringLiteral("neo4j-prod"))
                                .toObject();
    EXPECT_EQ(hostVar(neo, "ansible_host"), QStringLiteral("10.0.0.7"));
    EXPECT_EQ(hostVar(neo, "ansible_port"), QStringLiteral("2222"));
    EXPECT_EQ(hostVar(neo, "ansible_user"), QStringLiteral("deploy"));
    EXPECT_EQ(hostVar(neo, "ansible_ssh_private_key_file"), key);
    EXPECT_EQ(hostVar(neo, "ansible_ssh_common_args"), QStringLiteral("-o ProxyJump=ops@bastion:2200"));
    EXPECT_EQ(hostVar(neo, "site_file"), QStringLiteral("/etc/nginx/sites-available/neo4j"));
    EXPECT_EQ(hostVar(neo, "nginx_test_command"), QStringLiteral("nginx -t -c /etc/nginx/nginx.conf"));
    EXPECT_EQ(hostVar(neo, "nginx_reload_command"), QStringLiteral("systemctl reload nginx"));
    EXPECT_EQ(hostVar(neo, "nginx_error_log"), QStringLiteral("/var/log/nginx/neo.error.log"));
    EXPECT_EQ(hostVar(neo, "websocket_check_url"), QStringLiteral("wss://neo.example/db/ws"));
    EXPECT_EQ(hostVar(neo, "websocket_endpoint"), QStringLiteral("/db/ws"));
    EXPECT_EQ(hostVar(neo, "socketscope_app"), QStringLiteral("bolt"));
    EXPECT_EQ(hostVar(neo, "socketscope_profile"), QStringLiteral("Neo4j prod"));
    // A profile without SSH is this machine; a jump host that is not [user@]host[:port] is left
    // out (Ansible splits ansible_ssh_common_args like a shell) and said so.
    const QJsonObject chat = all.value(QStringLiteral("_meta"))
                                 .toObject()
                                 .value(QStringLiteral("hostvars"))
                                 .toObject()
                                 .value(QStringLiteral("chat"))
                                 .toObject();
    EXPECT_EQ(hostVar(chat, "ansible_connection"), QStringLiteral("local"));
    EXPECT_FALSE(text.contains("ProxyCommand")) << text.constData();
    if (hostileJumpStored) {
        EXPECT_TRUE(r.err.contains("left out")) << r.err.constData();
    }
    profiles({ QStringLiteral("forget-secrets"), QStringLiteral("Neo4j prod") });
}

// The planner the playbook calls: a real nginx -T dump (the site loaded through a sites-enabled
// symlink, a map defined in nginx.conf), the site file as read from the server.
TEST(AnsibleCli, FixSiteFromADumpFixesTheEndpointLocationOnly)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    lab::NginxLab nginx;
    nginx.writeMainConfig(QStringLiteral("map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n"));
    const QByteArray site = "server {\n"
                            "    listen 127.0.0.1:9;\n"
                            "    location /api/ {\n"
                            "        proxy_pass http://127.0.0.1:9;\n"
                            "        proxy_set_header X-Seen $connection_upgrade;\n"
                            "    }\n"
                            "    location /ws/ {\n"
                            "        proxy_pass http://127.0.0.1:9;\n"
                            "    }\n"
                            "}\n";
    nginx.writeSite(QStringLiteral("app"), QString::fromUtf8(site));
    QTemporaryDir dir;
    const auto dumpNow = [&]() {
        ProcRun d = runProcess(lab::nginxProgram(), nginx.baseArgs() + QStringList { QStringLiteral("-T") });
        EXPECT_EQ(d.exitCode, 0) << d.err.constData();
        lab::writeFile(dir.filePath(QStringLiteral("dump")), d.out);
    };
    dumpNow();
    const QString siteFile = nginx.prefix() + QStringLiteral("/sites-available/app");
    const QString candidate = dir.filePath(QStringLiteral("candidate"));
    const auto fix = [&](const QString& backupDir) {
        return runProcess(lab::cliPath(),
            { QStringLiteral("fix"), QStringLiteral("nginx"), dir.filePath(QStringLiteral("dump")),
                QStringLiteral("--nginx-T"), QStringLiteral("--site"), siteFile, QStringLiteral("--endpoint"),
                QStringLiteral("/ws/echo"), QStringLiteral("--backup-dir"), backupDir, QStringLiteral("-o"), candidate,
                QStringLiteral("--json") });
    };
    ProcRun r = fix(dir.filePath(QStringLiteral("backups")));
    ASSERT_EQ(r.exitCode, 0) << r.err.constData();
    QJsonObject o = QJsonDocument::fromJson(r.out).object();
    EXPECT_TRUE(o.value(QStringLiteral("changed")).toBool()) << r.out.constData();
    EXPECT_EQ(o.value(QStringLiteral("file")).toString(), nginx.prefix() + QStringLiteral("/sites-enabled/app"))
        << "the path nginx opened";
    EXPECT_EQ(o.value(QStringLiteral("sha256_before")).toString(), NginxFacts::sha256Hex(site));
    EXPECT_EQ(o.value(QStringLiteral("backup_dir_problem")).toString(), QString());
    EXPECT_TRUE(o.value(QStringLiteral("pid_file")).toString().endsWith(QStringLiteral("nginx.pid")))
        << r.out.constData();
    const QByteArray fixed = lab::readAll(candidate);
    EXPECT_EQ(NginxFacts::sha256Hex(fixed), o.value(QStringLiteral("sha256_after")).toString());
    const qsizetype ws = fixed.indexOf("location /ws/");
    EXPECT_EQ(fixed.left(ws), site.left(site.indexOf("location /ws/"))) << "/api/ untouched:\n" << fixed.constData();
    EXPECT_TRUE(fixed.mid(ws).contains("proxy_set_header Upgrade $http_upgrade;")) << fixed.constData();
    EXPECT_TRUE(fixed.endsWith("}\n"));

    // The whole configuration with the candidate passes the real nginx -t (a wrapped site alone would
    // not: $connection_upgrade lives in nginx.conf); planning again on it finds nothing to do.
    lab::writeFile(siteFile, fixed);
    QByteArray log;
    EXPECT_TRUE(nginx.test(&log)) << log.constData();
    dumpNow();
    r = fix(dir.filePath(QStringLiteral("backups")));
    ASSERT_EQ(r.exitCode, 0) << r.err.constData();
    o = QJsonDocument::fromJson(r.out).object();
    EXPECT_FALSE(o.value(QStringLiteral("changed")).toBool()) << r.out.constData();
    EXPECT_EQ(lab::readAll(candidate), fixed);

    // A backup directory nginx loads every file from is refused.
    r = fix(nginx.prefix() + QStringLiteral("/sites-enabled"));
    o = QJsonDocument::fromJson(r.out).object();
    EXPECT_FALSE(o.value(QStringLiteral("backup_dir_problem")).toString().isEmpty()) << r.out.constData();

    // A site file nginx does not load (or that changed since the dump) cannot be planned on.
    lab::writeFile(siteFile, site);
    r = fix(dir.filePath(QStringLiteral("backups")));
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.err.contains("not in the nginx -T dump")) << r.err.constData();
}

// Issue 12: `probe --header-file FILE` (what the playbook uses so that a credential header never
// appears on a command line): an unreadable file or a line that is not "Name: value" is a usage
// error naming the file and the line, never the value.
TEST(AnsibleCli, ProbeHeaderFileErrorsNameTheLineNotTheValue)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("headers"));
    ProcRun r = runProcess(lab::cliPath(), {QStringLiteral("probe"), QStringLiteral("ws://127.0.0.1:9/ws"), QStringLiteral("--header-file"), file});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.err.contains(file.toUtf8())) << r.err.constData();
    QFile f(file);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("# the playbook's headers\nX-Tenant: blue\n\nBearer-without-colon-s3cret\n");
    f.close();
    r = runProcess(lab::cliPath(), {QStringLiteral("probe"), QStringLiteral("ws://127.0.0.1:9/ws"), QStringLiteral("--header-file"), file});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_TRUE(r.err.contains("line 4 is not 'Name: value'")) << r.err.constData();
    EXPECT_FALSE(r.err.contains("s3cret")) << r.err.constData();
}
