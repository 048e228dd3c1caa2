// SPDX-License-Identifier: GPL-3.0-or-later
// The modules file (issue 12's JSON form) and the --allow patterns.
#include "exporter/ExporterModules.h"
#include "exporter/TargetAllowList.h"
#include "profiles/Profile.h"

#include <QFile>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <cstdlib>

#include <gtest/gtest.h>

using namespace socketscope;

TEST(ExporterModules, TheIssuesExactJsonFormMapsOntoTheProbeOptions)
{
    QTemporaryDir dir;
    const QByteArray json = R"({"modules": {"neo4j": {"app": "auto", "hold": 7, "echo": 0, "ping_interval": 0,
        "origin": "https://app.example", "ca": "ca.pem", "headers": {"X-Tenant": "blue"}, "timeout": 10}}})";
    const auto set = ModuleSet::fromJson(json, dir.path());
    ASSERT_TRUE(set) << set.error().toStdString();
    EXPECT_EQ(set->names(), (QStringList { QStringLiteral("default"), QStringLiteral("neo4j") }));
    const ExporterModule* m = set->find(QStringLiteral("neo4j"));
    ASSERT_NE(m, nullptr);
    const auto o = m->probeOptions(QStringLiteral("wss://db.example/ws"));
    ASSERT_TRUE(o) << o.error().toStdString();
    EXPECT_EQ(o->url, QStringLiteral("wss://db.example/ws"));
    EXPECT_EQ(o->app, AppProtocolId::Auto);
    EXPECT_EQ(o->holdS, 7);
    EXPECT_EQ(o->echoCount, 0);
    EXPECT_EQ(o->pingIntervalS, 0);
    EXPECT_EQ(o->origin, QStringLiteral("https://app.example"));
    EXPECT_EQ(o->caFile, dir.filePath(QStringLiteral("ca.pem"))) << "relative to the modules file";
    EXPECT_EQ(o->timeoutS, 10);
    EXPECT_EQ(o->connectTimeoutS, 10);
    ASSERT_EQ(o->headers.size(), 1);
    EXPECT_EQ(o->headers.first(), qMakePair(QStringLiteral("X-Tenant"), QStringLiteral("blue")));
}

TEST(ExporterModules, EchoWithoutAppPicksTheProtocolLikeTheCli)
{
    const auto set
        = ModuleSet::fromJson(R"({"modules": {"e": {"echo": 3}, "p": {"echo": 0, "hold": 2, "ping_interval": 0.5}}})");
    ASSERT_TRUE(set) << set.error().toStdString();
    EXPECT_EQ(set->find(QStringLiteral("e"))->options.app, AppProtocolId::Echo);
    EXPECT_EQ(set->find(QStringLiteral("e"))->options.echoCount, 3);
    EXPECT_EQ(set->find(QStringLiteral("p"))->options.app, AppProtocolId::None);
    EXPECT_EQ(set->find(QStringLiteral("p"))->options.pingIntervalS, 0.5);
    const ExporterModule* def = set->find(QStringLiteral("default"));
    ASSERT_NE(def, nullptr) << "the built-in default stays";
    EXPECT_EQ(def->options.app, AppProtocolId::None) << "default: upgrade plus one ping round trip";
    EXPECT_EQ(def->options.holdS, 0);
}

TEST(ExporterModules, MistakesAreRefusedWithTheirNameAndKey)
{
    struct Case {
        const char* json;
        const char* says;
    };
    const QList<Case> cases = {
        { "[]", "expected {\"modules\"" },
        { "{\"modules\": {}, \"extra\": 1}", "unknown top-level key" },
        { "{\"modules\": {\"a\": {\"hlod\": 3}}}", "unknown key \"hlod\"" },
        { "{\"modules\": {\"a\": {\"app\": \"smtp\"}}}", "\"app\" must be one of" },
        { "{\"modules\": {\"a\": {\"hold\": -1}}}", "\"hold\" needs a number" },
        { "{\"modules\": {\"a\": {\"timeout\": 0}}}", "\"timeout\" needs a number" },
        { "{\"modules\": {\"a\": {\"headers\": {\"Bad Name\": \"v\"}}}}", "not a valid header name" },
        { "{\"modules\": {\"a\": {\"headers\": {\"X-A\": \"v\\r\\nX-Injected: 1\"}}}}", "control characters" },
        { "{\"modules\": {\"a b\": {}}}", "module name" },
        { "{\"modules\": {\"a\": 3}}", "expected an object" },
        { "not json", "not JSON" },
    };
    for (const Case& c : cases) {
        const auto set = ModuleSet::fromJson(QByteArray(c.json));
        ASSERT_FALSE(set) << c.json;
        EXPECT_TRUE(set.error().contains(QString::fromUtf8(c.says))) << set.error().toStdString();
    }
}

TEST(ExporterModules, SecretHeadersAreOnlyReferencesReadAtProbeTime)
{
    // An inline credential is refused at load time, and the refusal does not repeat the value.
    auto inlineSecret = ModuleSet::fromJson(R"({"modules": {"a": {"headers": {"Authorization": "Bearer hunter2"}}}})");
    ASSERT_FALSE(inlineSecret);
    EXPECT_TRUE(inlineSecret.error().contains(QStringLiteral("env:")));
    EXPECT_FALSE(inlineSecret.error().contains(QStringLiteral("hunter2")));
    EXPECT_FALSE(ModuleSet::fromJson(R"({"modules": {"a": {"headers": {"X-Api-Key": "k"}}}})"));
    EXPECT_FALSE(ModuleSet::fromJson(R"({"modules": {"a": {"headers": {"Cookie": "sid=1"}}}})"));

    QTemporaryDir dir;
    QFile token(dir.filePath(QStringLiteral("token")));
    ASSERT_TRUE(token.open(QIODevice::WriteOnly));
    token.write("Bearer from-file\n");
    token.close();
    const auto set = ModuleSet::fromJson(R"({"modules": {"a": {"headers": {"Authorization": "file:token",
                                              "X-Api-Key": "env:SOCKETSCOPE_TEST_EXPORTER_KEY"}}}})",
        dir.path());
    ASSERT_TRUE(set) << set.error().toStdString();
    const ExporterModule* m = set->find(QStringLiteral("a"));
    qunsetenv("SOCKETSCOPE_TEST_EXPORTER_KEY");
    auto o = m->probeOptions(QStringLiteral("ws://h/"));
    ASSERT_FALSE(o);
    EXPECT_TRUE(o.error().contains(QStringLiteral("SOCKETSCOPE_TEST_EXPORTER_KEY is not set")));
    qputenv("SOCKETSCOPE_TEST_EXPORTER_KEY", "k-1");
    o = m->probeOptions(QStringLiteral("ws://h/"));
    ASSERT_TRUE(o) << o.error().toStdString();
    EXPECT_EQ(o->headers,
        (QList<QPair<QString, QString>> { { QStringLiteral("Authorization"), QStringLiteral("Bearer from-file") },
            { QStringLiteral("X-Api-Key"), QStringLiteral("k-1") } }));
    // Rotated: the next probe reads the new value.
    qputenv("SOCKETSCOPE_TEST_EXPORTER_KEY", "k-2");
    ASSERT_TRUE(token.open(QIODevice::WriteOnly | QIODevice::Truncate));
    token.write("Bearer rotated");
    token.close();
    o = m->probeOptions(QStringLiteral("ws://h/"));
    ASSERT_TRUE(o);
    EXPECT_EQ(o->headers.at(0).second, QStringLiteral("Bearer rotated"));
    EXPECT_EQ(o->headers.at(1).second, QStringLiteral("k-2"));
    // A referenced value with a line break would inject a header: refused.
    qputenv("SOCKETSCOPE_TEST_EXPORTER_KEY", "k\r\nX-Evil: 1");
    EXPECT_FALSE(m->probeOptions(QStringLiteral("ws://h/")));
    qunsetenv("SOCKETSCOPE_TEST_EXPORTER_KEY");
}

TEST(ExporterModules, AModuleFromAProfileCarriesItsOptionsButNoSecretValue)
{
    Profile p;
    p.name = QStringLiteral("neo4j prod");
    p.origin = QStringLiteral("https://app.example");
    p.app = AppProtocolId::Bolt;
    p.subprotocols = { QStringLiteral("v1") };
    p.tls.caFile = QStringLiteral("/etc/ssl/ca.pem");
    p.extraHeaders = { { QStringLiteral("X-Tenant"), QStringLiteral("blue") },
        { QStringLiteral("Authorization"), QStringLiteral("Bearer s3cret") } };
    QStringList env;
    const QJsonObject m = moduleFromProfile(p, &env);
    const QByteArray json = QJsonDocument(m).toJson();
    EXPECT_FALSE(json.contains("s3cret"));
    EXPECT_EQ(env, QStringList { QStringLiteral("SOCKETSCOPE_NEO4J_PROD_AUTHORIZATION") });
    // And the file it makes loads back with the same options.
    const auto set = ModuleSet::fromJson(
        QJsonDocument(QJsonObject { { QStringLiteral("modules"), QJsonObject { { QStringLiteral("neo4j"), m } } } })
            .toJson());
    ASSERT_TRUE(set) << set.error().toStdString();
    const ExporterModule* back = set->find(QStringLiteral("neo4j"));
    EXPECT_EQ(back->options.app, AppProtocolId::Bolt);
    EXPECT_EQ(back->options.origin, p.origin);
    EXPECT_EQ(back->options.caFile, p.tls.caFile);
    EXPECT_EQ(back->options.subprotocols, p.subprotocols);
    ASSERT_EQ(back->headers.size(), 2);
}

TEST(TargetAllowList, GlobsMatchPartByPartSoAHostGlobCannotReachIntoThePath)
{
    TargetAllowList allow;
    QString error;
    ASSERT_TRUE(allow.add(QStringLiteral("wss://*.example.com"), &error)) << error.toStdString();
    ASSERT_TRUE(allow.add(QStringLiteral("127.0.0.1:9?0?/ws/*"), &error)) << error.toStdString();
    EXPECT_TRUE(allow.allows(QUrl(QStringLiteral("wss://db.example.com/ws"))));
    EXPECT_TRUE(allow.allows(QUrl(QStringLiteral("wss://DB.Example.com:8443/"))));
    EXPECT_FALSE(allow.allows(QUrl(QStringLiteral("ws://db.example.com/ws")))) << "scheme given: wss only";
    EXPECT_FALSE(allow.allows(QUrl(QStringLiteral("wss://evil.test/x.example.com"))));
    EXPECT_FALSE(allow.allows(QUrl(QStringLiteral("wss://example.com.evil.test/"))));
    EXPECT_TRUE(allow.allows(QUrl(QStringLiteral("ws://127.0.0.1:9001/ws/echo"))));
    EXPECT_FALSE(allow.allows(QUrl(QStringLiteral("ws://127.0.0.1:8001/ws/echo"))));
    EXPECT_FALSE(allow.allows(QUrl(QStringLiteral("ws://127.0.0.1:9001/admin"))));
    EXPECT_FALSE(allow.allows(QUrl(QStringLiteral("ws://127.0.0.2:9001/ws/echo"))));
    EXPECT_FALSE(allow.add(QStringLiteral("http://x"), &error));
    EXPECT_FALSE(allow.add(QStringLiteral("host:"), &error));
    EXPECT_TRUE(TargetAllowList().allows(QUrl(QStringLiteral("ws://anything/")))) << "no pattern: everything";
}
