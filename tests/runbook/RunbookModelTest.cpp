// SPDX-License-Identifier: GPL-3.0-or-later
// Runbook documents, placeholders, the facts read from nginx/ps output, and redaction.
#include "profiles/Profile.h"
#include "runbook/AuditTrail.h"
#include "runbook/NginxFacts.h"
#include "runbook/Runbook.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

TEST(RunbookModel, BuiltInNginxFixHasTheNineStepsInOrder)
{
    Result<Runbook> rb = Runbooks::find(QStringLiteral("nginx-websocket-fix"));
    ASSERT_TRUE(rb) << rb.error().toStdString();
    EXPECT_EQ(rb->title, QStringLiteral("nginx WebSocket proxy fix"));
    QStringList ids;
    for (const RunbookStep& s : rb->steps)
        ids << s.id;
    EXPECT_EQ(ids, (QStringList{QStringLiteral("preflight"), QStringLiteral("plan"), QStringLiteral("backup"),
                                QStringLiteral("patch"), QStringLiteral("test"), QStringLiteral("reload"),
                                QStringLiteral("verify"), QStringLiteral("monitor"), QStringLiteral("rollback")}));
    EXPECT_TRUE(rb->steps.at(rb->indexOf(QStringLiteral("patch"))).changesServer);
    EXPECT_FALSE(rb->steps.at(rb->indexOf(QStringLiteral("plan"))).changesServer);
    EXPECT_EQ(rb->steps.at(rb->indexOf(QStringLiteral("verify"))).onFailure, OnFailure::Rollback);
    EXPECT_TRUE(rb->steps.at(rb->indexOf(QStringLiteral("rollback"))).manual);
}

TEST(RunbookModel, BadDocumentsAreRefusedWithTheReason)
{
    auto err = [](const char* json) { return Runbooks::parse(QByteArray(json), QStringLiteral("x.json")).error(); };
    EXPECT_TRUE(err("{").contains(QStringLiteral("not valid JSON")));
    EXPECT_TRUE(err(R"({"name":"Bad Name","steps":[{"id":"a","kind":"command"}]})").contains(QStringLiteral("\"name\"")));
    EXPECT_TRUE(err(R"({"name":"x","steps":[]})").contains(QStringLiteral("non-empty")));
    EXPECT_TRUE(err(R"({"name":"x","steps":[{"id":"a","kind":"format-disk"}]})").contains(QStringLiteral("unknown kind")));
    EXPECT_TRUE(err(R"({"name":"x","steps":[{"id":"a","kind":"command"},{"id":"a","kind":"command"}]})").contains(QStringLiteral("unique")));
    EXPECT_TRUE(err(R"({"name":"x","steps":[{"id":"a","kind":"command","preconditions":["b"]}]})").contains(QStringLiteral("earlier step")));
    EXPECT_TRUE(err(R"({"name":"x","steps":[{"id":"a","kind":"command","on_failure":"pray"}]})").contains(QStringLiteral("on_failure")));
    EXPECT_TRUE(Runbooks::parse(R"({"name":"ok-1","steps":[{"id":"a","kind":"command","params":{"command":"true"}}]})", QStringLiteral("x")));
}

TEST(RunbookModel, PlaceholdersComeFromTheProfileAndTyposAreErrors)
{
    Profile p;
    p.name = QStringLiteral("neo4j-prod");
    p.nginx.siteFile = QStringLiteral("/etc/nginx/sites-available/neo4j");
    Result<QString> s = Runbooks::expand(QStringLiteral("cp ${profile.nginx.siteFile} /tmp/${profile.name}-${run.id}"), p,
                                         {{QStringLiteral("id"), 7}});
    ASSERT_TRUE(s);
    EXPECT_EQ(*s, QStringLiteral("cp /etc/nginx/sites-available/neo4j /tmp/neo4j-prod-7"));
    EXPECT_FALSE(Runbooks::expand(QStringLiteral("${profile.nginx.siteFiel}"), p, {}));
    EXPECT_FALSE(Runbooks::expand(QStringLiteral("${env.HOME}"), p, {}));
}

TEST(NginxFacts, IncludesFromTheDumpDecideWhereABackupMayGo)
{
    const QByteArray dump =
        "# configuration file /etc/nginx/nginx.conf:\n"
        "http {\n"
        "    include /etc/nginx/mime.types;\n"
        "    include conf.d/*.conf;  # relative to the conf prefix\n"
        "    include \"/etc/nginx/sites-enabled/*\";\n"
        "    # include /etc/nginx/disabled/*;\n"
        "}\n"
        "# configuration file /etc/nginx/sites-enabled/neo4j:\n"
        "server { listen 443; }\n";
    const QStringList inc = NginxFacts::includePatterns(dump);
    EXPECT_TRUE(inc.contains(QStringLiteral("/etc/nginx/conf.d/*.conf")));
    EXPECT_TRUE(inc.contains(QStringLiteral("/etc/nginx/sites-enabled/*")));
    EXPECT_FALSE(inc.contains(QStringLiteral("/etc/nginx/disabled/*")));
    EXPECT_TRUE(NginxFacts::isIncluded(QStringLiteral("/etc/nginx/sites-enabled/neo4j.backup.1"), inc));
    EXPECT_TRUE(NginxFacts::isIncluded(QStringLiteral("/etc/nginx/conf.d/app.conf.backup.1"), inc))
        << "a directory nginx globs from is off limits even when the name does not match the glob";
    EXPECT_FALSE(NginxFacts::isIncluded(QStringLiteral("/etc/nginx/sites-available/neo4j.backup.1"), inc));
    EXPECT_EQ(NginxFacts::mainConfigPath(dump), QStringLiteral("/etc/nginx/nginx.conf"));
    EXPECT_EQ(NginxFacts::directivePath("pid /run/nginx.pid;\nerror_log  /var/log/nginx/error.log warn;\n", QStringLiteral("error_log")),
              QStringLiteral("/var/log/nginx/error.log"));
}

TEST(NginxFacts, TimesWorkersAndEmergencies)
{
    EXPECT_EQ(NginxFacts::parseNginxTime(QStringLiteral("3s")), 3.0);
    EXPECT_EQ(NginxFacts::parseNginxTime(QStringLiteral("86400")), 86400.0);
    EXPECT_EQ(NginxFacts::parseNginxTime(QStringLiteral("1h30m")), 5400.0);
    EXPECT_EQ(NginxFacts::parseNginxTime(QStringLiteral("500ms")), 0.5);
    EXPECT_FALSE(NginxFacts::parseNginxTime(QStringLiteral("soon")));
    EXPECT_EQ(NginxFacts::maxProxyReadTimeout("location / {\n  proxy_read_timeout 60s;\n}\nlocation /ws {\n  proxy_read_timeout 3600s; # long\n}\n"), 3600.0);
    EXPECT_FALSE(NginxFacts::maxProxyReadTimeout("# proxy_read_timeout 5s;\n"));
    const QByteArray ps = "    1     0 init\n  100     1 nginx: master process\n  101   100 nginx: worker process\n  102   100 nginx: worker process is shutting down\n  200     1 other\n";
    EXPECT_EQ(NginxFacts::childPids(ps, 100), (QSet<qint64>{101, 102}));
    EXPECT_TRUE(NginxFacts::processArgs(ps).value(102).contains(QStringLiteral("shutting down")));
    EXPECT_EQ(NginxFacts::emergencyLines("a [notice] x\nb [emerg] bind() failed\nc [alert] y\n").size(), 2);
}

TEST(AuditTrail, SecretsAreRedactedByValueAndByPattern)
{
    QTemporaryDir dir;
    AuditTrail audit;
    ASSERT_TRUE(audit.open(dir.filePath(QStringLiteral("a.jsonl")), QStringLiteral("run1"), QStringLiteral("p"), QStringLiteral("rb")));
    audit.redactor().addSecret("hunter2-Sudo!");
    AuditEvent e;
    e.step = QStringLiteral("patch");
    e.event = QStringLiteral("command");
    e.command = QStringLiteral("echo 'hunter2-Sudo!' | sudo -S cp a b");
    e.output = QStringLiteral("[sudo] password for ops: hunter2-Sudo!\nAuthorization: Bearer abc.def\npassword=letmein");
    e.exitStatus = 0;
    audit.append(e);
    const QByteArray text = [&] { QFile f(audit.path()); f.open(QIODevice::ReadOnly); return f.readAll(); }();
    EXPECT_FALSE(text.contains("hunter2")) << text.toStdString();
    EXPECT_FALSE(text.contains("abc.def"));
    EXPECT_FALSE(text.contains("letmein"));
    const QList<QJsonObject> lines = AuditTrail::read(audit.path());
    ASSERT_EQ(lines.size(), 1);
    EXPECT_EQ(lines.first().value(QLatin1String("exit_status")).toInt(), 0);
    EXPECT_EQ(lines.first().value(QLatin1String("step")).toString(), QStringLiteral("patch"));
}
