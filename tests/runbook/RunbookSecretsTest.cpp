// SPDX-License-Identifier: GPL-3.0-or-later
// What a user runbook's `command` step may not do: turn a profile value into shell syntax, or show
// a secret that a command printed in two pieces (in the live output or in the audit trail).
#include "lab/Lab.h"

#include "profiles/Profile.h"
#include "remote/LocalHost.h"
#include "runbook/AuditTrail.h"
#include "runbook/Runbook.h"
#include "runbook/RunbookEngine.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

TEST(Redactor, ASecretSplitAcrossTwoChunksIsStillRedacted)
{
    Redactor r;
    r.addSecret("Lab-secret-99");
    const QList<QByteArray> chunks{"$ doing things\nthe password is Lab-s", "ecret-99 and more\nlast line without newline"};
    QString perChunk, streamed;
    Redactor::Stream stream(r);
    for (const QByteArray& c : chunks) {
        perChunk += r.redact(QString::fromUtf8(c));
        streamed += stream.push(c);
    }
    streamed += stream.finish();
    ASSERT_TRUE(perChunk.contains(QStringLiteral("Lab-secret-99"))) << "redacting chunk by chunk lets it through";
    EXPECT_FALSE(streamed.contains(QStringLiteral("Lab-s"))) << streamed.toStdString();
    EXPECT_EQ(streamed, QStringLiteral("$ doing things\nthe password is [redacted] and more\nlast line without newline"));

    // A pattern split across chunks too.
    Redactor::Stream p(r);
    QString out = p.push("token=abc");
    out += p.push("def\n");
    EXPECT_EQ(out, QStringLiteral("token=[redacted]\n"));
}

TEST(RunbookModel, CommandStepPlaceholdersAreQuotedShellWords)
{
    Profile p;
    p.serviceName = QStringLiteral("nginx; touch /tmp/x");
    p.nginx.testCommand = QStringLiteral("nginx -t && echo ok");
    Result<QVariantMap> params = Runbooks::expandParams(
        QJsonObject{{QStringLiteral("command"), QStringLiteral("systemctl status -- ${profile.serviceName}; ${profile.nginx.testCommand}")},
                    {QStringLiteral("note"), QStringLiteral("${profile.serviceName}")}},
        p, {}, {QStringLiteral("command")});
    ASSERT_TRUE(params) << params.error().toStdString();
    EXPECT_EQ(params->value(QStringLiteral("command")).toString(),
              QStringLiteral("systemctl status -- 'nginx; touch /tmp/x'; nginx -t && echo ok"));
    EXPECT_EQ(params->value(QStringLiteral("note")).toString(), QStringLiteral("nginx; touch /tmp/x")) << "other params stay text";
}

// The real engine and a real shell on this machine, with a user runbook's command step.
TEST(RunbookCommandStep, HostileProfileValueStaysDataAndASplitSecretNeverShows)
{
    QTemporaryDir dir;
    const QString canary = dir.filePath(QStringLiteral("pwned"));
    Result<Runbook> rb = Runbooks::parse(QStringLiteral(R"({"name":"say-things","title":"Say things","steps":[
        {"id":"say","kind":"command","title":"Say",
         "params":{"command":"echo service=${profile.serviceName}; printf 'secret: \\114\\141\\142\\055\\163'; sleep 0.4; printf '\\145\\143\\162\\145\\164\\055\\071\\071 end\\n'"}}]})")
                                             .toUtf8(),
                                         QStringLiteral("test.json"));
    ASSERT_TRUE(rb) << rb.error().toStdString();
    Profile p;
    p.name = QStringLiteral("hostile");
    p.serviceName = QStringLiteral("x; touch %1").arg(canary);
    RunbookEngine engine(rb.value(), p);
    engine.setHostFactory([]() -> Result<std::unique_ptr<RemoteHost>> { return std::unique_ptr<RemoteHost>(new LocalHost()); });
    EngineOptions o;
    o.runsDir = dir.filePath(QStringLiteral("runs"));
    o.sudoPassword = SecretBytes(QByteArrayView("Lab-secret-99"));
    engine.setOptions(o);
    QStringList shown;
    QObject::connect(&engine, &RunbookEngine::output, &engine, [&](int, const QString& text) { shown << text; });
    QSignalSpy finished(&engine, &RunbookEngine::finished);
    ASSERT_TRUE(engine.begin());
    engine.runAll();
    ASSERT_TRUE(lab::waitForCount(finished, 1, 30000));
    EXPECT_TRUE(finished.first().at(0).toBool()) << finished.first().at(1).toString().toStdString();
    const QString all = shown.join(QString());
    EXPECT_FALSE(QFileInfo::exists(canary)) << "a profile value ran as a command";
    EXPECT_TRUE(all.contains(QStringLiteral("service=x; touch ") + canary)) << all.toStdString();
    // (The command line spells the secret in octal: only its output holds it, in two pieces.)
    EXPECT_FALSE(all.contains(QStringLiteral("Lab-s"))) << "a piece of the secret was shown: " << all.toStdString();
    EXPECT_TRUE(all.contains(QStringLiteral("secret: [redacted] end"))) << all.toStdString();
    const QByteArray audit = lab::readAll(engine.state().auditPath);
    EXPECT_FALSE(audit.isEmpty());
    EXPECT_FALSE(audit.contains("Lab-s")) << audit.constData();
    EXPECT_TRUE(audit.contains("secret: [redacted] end")) << audit.constData();
}
