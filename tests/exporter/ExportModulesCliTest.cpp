// SPDX-License-Identifier: GPL-3.0-or-later
// `profiles export-modules`, run as a user would: the modules file the exporter then loads, with
// a credential header turned into an env: reference and its value written nowhere.
#include "exporter/ExporterModules.h"
#include "lab/Lab.h"

#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {
int run(const QStringList& args, QByteArray* out, QByteArray* err)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SOCKETSCOPE_KEYCHAIN_SERVICE"), QStringLiteral("SocketScopeExporterTests"));
    p.setProcessEnvironment(env);
    p.start(lab::cliPath(), args);
    p.closeWriteChannel();
    if (!p.waitForFinished(30000))
        return -1;
    *out = p.readAllStandardOutput();
    *err = p.readAllStandardError();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}
} // namespace

TEST(ExportModulesCli, ProfilesBecomeModulesTheExporterLoadsWithoutTheirSecrets)
{
    QTemporaryDir dir;
    const QString store = dir.filePath(QStringLiteral("profiles.json"));
    QByteArray out, err;
    ASSERT_EQ(run({ QStringLiteral("--profiles"), store, QStringLiteral("profiles"), QStringLiteral("add"),
                      QStringLiteral("chat prod"), QStringLiteral("--url"),
                      QStringLiteral("wss://chat.example.com/socket.io/"), QStringLiteral("--origin"),
                      QStringLiteral("https://chat.example.com"), QStringLiteral("--app"), QStringLiteral("socketio"),
                      QStringLiteral("--header"), QStringLiteral("X-Tenant: blue"), QStringLiteral("--header"),
                      QStringLiteral("Authorization: Bearer s3cret-value") },
                  &out, &err),
        0)
        << err.constData();
    const QString modules = dir.filePath(QStringLiteral("modules.json"));
    ASSERT_EQ(run({ QStringLiteral("--profiles"), store, QStringLiteral("profiles"), QStringLiteral("export-modules"),
                      modules },
                  &out, &err),
        0)
        << err.constData();
    const QByteArray written = lab::readAll(modules);
    EXPECT_FALSE(written.contains("s3cret-value")) << written.constData();
    EXPECT_FALSE(out.contains("s3cret-value"));
    EXPECT_FALSE(err.contains("s3cret-value"));
    EXPECT_TRUE(err.contains("SOCKETSCOPE_CHAT_PROD_AUTHORIZATION")) << err.constData();
    EXPECT_TRUE(err.contains("module chat_prod: target wss://chat.example.com/socket.io/")) << err.constData();

    const auto set = ModuleSet::load(modules);
    ASSERT_TRUE(set) << set.error().toStdString() << written.constData();
    const ExporterModule* m = set->find(QStringLiteral("chat_prod"));
    ASSERT_NE(m, nullptr) << written.constData();
    EXPECT_EQ(m->options.app, AppProtocolId::SocketIo);
    EXPECT_EQ(m->options.origin, QStringLiteral("https://chat.example.com"));
    qputenv("SOCKETSCOPE_CHAT_PROD_AUTHORIZATION", "Bearer from-the-environment");
    const auto o = m->probeOptions(QStringLiteral("wss://chat.example.com/socket.io/"));
    qunsetenv("SOCKETSCOPE_CHAT_PROD_AUTHORIZATION");
    ASSERT_TRUE(o) << o.error().toStdString();
    EXPECT_TRUE(
        o->headers.contains(qMakePair(QStringLiteral("Authorization"), QStringLiteral("Bearer from-the-environment"))));
    EXPECT_TRUE(o->headers.contains(qMakePair(QStringLiteral("X-Tenant"), QStringLiteral("blue"))));

    // To standard output with "-", and an unknown name is a usage error.
    ASSERT_EQ(run({ QStringLiteral("--profiles"), store, QStringLiteral("profiles"), QStringLiteral("export-modules"),
                      QStringLiteral("-") },
                  &out, &err),
        0);
    EXPECT_TRUE(out.contains("\"modules\""));
    EXPECT_EQ(run({ QStringLiteral("--profiles"), store, QStringLiteral("profiles"), QStringLiteral("export-modules"),
                      QStringLiteral("--name"), QStringLiteral("nope") },
                  &out, &err),
        2);
}

TEST(ExportModulesCli, TheExporterRefusesABadModulesFileAndBadFlagsWithUsageErrors)
{
    QTemporaryDir dir;
    const QString bad = dir.filePath(QStringLiteral("bad.json"));
    ASSERT_TRUE(lab::writeFile(bad, R"({"modules": {"m": {"headers": {"Authorization": "Bearer inline"}}}})"));
    QByteArray out, err;
    EXPECT_EQ(run({ QStringLiteral("exporter"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                      QStringLiteral("--modules"), bad },
                  &out, &err),
        2);
    EXPECT_TRUE(err.contains("never inline")) << err.constData();
    EXPECT_FALSE(err.contains("Bearer inline"));
    EXPECT_EQ(
        run({ QStringLiteral("exporter"), QStringLiteral("--listen"), QStringLiteral("nowhere") }, &out, &err), 2);
    EXPECT_EQ(run({ QStringLiteral("exporter"), QStringLiteral("--concurrency"), QStringLiteral("0") }, &out, &err), 2);
    EXPECT_EQ(
        run({ QStringLiteral("exporter"), QStringLiteral("--allow"), QStringLiteral("http://x") }, &out, &err), 2);
    EXPECT_EQ(
        run({ QStringLiteral("exporter"), QStringLiteral("--modules"), dir.filePath(QStringLiteral("missing.json")) },
            &out, &err),
        2);
}
