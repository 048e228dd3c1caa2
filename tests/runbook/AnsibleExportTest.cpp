// SPDX-License-Identifier: GPL-3.0-or-later
// The Ansible export: a playbook ansible-playbook --syntax-check accepts, that plans with socketscope-cli,
// never templates a profile value (its real runs: AnsibleFleetTest.cpp).
#include "lab/Lab.h"
#include "profiles/Profile.h"
#include "runbook/AnsibleExport.h"
#include "runbook/Runbook.h"

#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

QString exportFor(const Profile* profile)
{
    Result<Runbook> rb = Runbooks::find(QStringLiteral("nginx-websocket-fix"));
    EXPECT_TRUE(rb);
    Result<QString> y = AnsibleExport::playbook(rb.value(), profile);
    EXPECT_TRUE(y) << y.error().toStdString();
    return y ? y.value() : QString();
}

// Runs ansible-playbook with its own HOME (its temporary files stay in `home`).
int ansible(const QStringList& args, const QString& home, QByteArray* out)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home);
    env.insert(QStringLiteral("ANSIBLE_LOCAL_TEMP"), home + QStringLiteral("/.ansible-tmp"));
    env.insert(QStringLiteral("ANSIBLE_NOCOLOR"), QStringLiteral("1"));
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral("/usr/bin/ansible-playbook"), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(180000)) {
        p.kill();
        p.waitForFinished();
    }
    *out = p.readAll();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

} // namespace

// The export is the playbook where SocketScope decides: no line editing, no validation of the site
// file wrapped alone, the profile's values only as defaults the inventory can override.
TEST(AnsibleExport, PlaybookPlansWithTheCliTestsTheWholeConfigAndRollsBack)
{
    Profile p;
    p.name = QStringLiteral("neo4j-prod");
    p.publicUrl = QStringLiteral("wss://neo4jprod.example/ws");
    p.nginx.siteFile = QStringLiteral("/etc/nginx/sites-available/neo4j");
    p.app = AppProtocolId::Bolt;
    const QString y = exportFor(&p);
    EXPECT_TRUE(y.contains(QStringLiteral("site_file: !unsafe \"/etc/nginx/sites-available/neo4j\"")));
    EXPECT_TRUE(y.contains(QStringLiteral("backup_dir: !unsafe \"/var/backups/socketscope\""))) << "never next to sites-enabled";
    EXPECT_TRUE(y.contains(QStringLiteral("websocket_check_url: !unsafe \"wss://neo4jprod.example/ws\"")));
    EXPECT_TRUE(y.contains(QStringLiteral("websocket_endpoint: !unsafe \"/ws\"")));
    EXPECT_TRUE(y.contains(QStringLiteral("socketscope_app: !unsafe \"bolt\"")));
    EXPECT_TRUE(y.contains(QStringLiteral("socketscope_cli: !unsafe \"socketscope-cli\"")));
    // Old defects: lineinfile patched the first proxy_pass location; validate wrapped the site alone.
    EXPECT_FALSE(y.contains(QStringLiteral("lineinfile")));
    EXPECT_FALSE(y.contains(QStringLiteral("validate:")));
    EXPECT_FALSE(y.contains(QStringLiteral("include $f")));
    EXPECT_TRUE(y.contains(QStringLiteral("fix nginx dump --nginx-T --site site --endpoint")));
    EXPECT_TRUE(y.contains(QStringLiteral("ansible.builtin.shell: \"{{ _test_command }}\"")));
    EXPECT_TRUE(y.contains(QStringLiteral("rescue:")));
    EXPECT_TRUE(y.contains(QStringLiteral("delegate_to: localhost")));
    EXPECT_TRUE(y.contains(QStringLiteral("[(emerg|alert)")));
    // Old defect: the play's own vars: site_file … overrode the inventory. Every variable the
    // operator sets is read through default(), never defined at play level.
    for (const char* v : { "site_file", "backup_dir", "nginx_test_command", "nginx_reload_command", "nginx_error_log",
             "websocket_check_url", "websocket_endpoint", "socketscope_app", "socketscope_hold", "socketscope_cli" }) {
        EXPECT_FALSE(QRegularExpression(QStringLiteral("\\n    %1:").arg(QLatin1String(v))).match(y).hasMatch())
            << v << " is a play var";
        EXPECT_TRUE(y.contains(QStringLiteral("%1 | default(socketscope_defaults.%1)").arg(QLatin1String(v)))) << v;
    }
}

// Ansible itself is the oracle for the file: ansible-playbook --syntax-check parses the YAML and
// resolves every module and keyword. A misspelt module name must make it fail (the check can fail).
TEST(AnsibleExport, AnsiblePlaybookSyntaxCheckAcceptsTheExport)
{
    const QString ansible = QStringLiteral("/usr/bin/ansible-playbook");
    LAB_REQUIRE(lab::missingProgram(ansible, QStringLiteral("ansible-core")));
    Profile p;
    p.name = QStringLiteral("neo4j-prod");
    p.publicUrl = QStringLiteral("wss://neo4jprod.example/ws");
    p.nginx.siteFile = QStringLiteral("/etc/nginx/sites-available/neo4j");
    const QString y = exportFor(&p);
    ASSERT_TRUE(y.contains(QStringLiteral("ansible.builtin.assert:")));
    QTemporaryDir dir;
    const auto syntaxCheck = [&](const QString& name, const QString& text, QByteArray* out) {
        const QString file = dir.filePath(name);
        lab::writeFile(file, text.toUtf8());
        return lab::runProgram(ansible, {QStringLiteral("-i"), QStringLiteral("localhost,"), QStringLiteral("--syntax-check"), file},
                               out, 120000);
    };
    QByteArray out;
    EXPECT_EQ(syntaxCheck(QStringLiteral("pb.yml"), y, &out), 0) << out.toStdString();
    EXPECT_TRUE(out.contains("playbook: ")) << out.toStdString();
    QString broken = y;
    broken.replace(QStringLiteral("ansible.builtin.assert:"), QStringLiteral("ansible.builtin.asert:"));
    EXPECT_NE(syntaxCheck(QStringLiteral("broken.yml"), broken, &out), 0) << out.toStdString();
}

// A profile value that looks like Jinja is data: Ansible must never evaluate it on the controller.
// The playbook really runs (check mode, against this machine) with a hostile site-file path.
TEST(AnsibleExport, ProfileValuesAreNeverTemplatedByAnsible)
{
    LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/ansible-playbook"), QStringLiteral("ansible-core")));
    QTemporaryDir dir;
    const QString canary = dir.filePath(QStringLiteral("pwned"));
    Profile p;
    p.name = QStringLiteral("hostile");
    p.publicUrl = QStringLiteral("ws://127.0.0.1:9/ws");
    p.nginx.siteFile = QStringLiteral("{{ lookup('pipe','touch %1') }}").arg(canary);
    p.nginx.backupDir = QStringLiteral("{{ lookup('pipe','touch %1') }}").arg(canary);
    p.logs.nginxErrorLog = QStringLiteral("{{ lookup('pipe','touch %1') }}").arg(canary);
    const QString y = exportFor(&p);
    EXPECT_TRUE(y.contains(QStringLiteral("site_file: !unsafe \"{{ lookup(")));
    const QString file = dir.filePath(QStringLiteral("pb.yml"));
    ASSERT_TRUE(lab::writeFile(file, y.toUtf8()));
    QByteArray out;
    // The run fails (the site file does not exist), after templating the values it used.
    ansible({QStringLiteral("-i"), QStringLiteral("localhost,"), QStringLiteral("-c"), QStringLiteral("local"), QStringLiteral("--check"),
             QStringLiteral("-e"), QStringLiteral("target_hosts=all"), file},
            dir.path(), &out);
    EXPECT_TRUE(out.contains("PLAY RECAP")) << "the play ran: " << out.toStdString();
    EXPECT_FALSE(QFileInfo::exists(canary)) << "Ansible evaluated a profile value:\n" << out.toStdString();
}
