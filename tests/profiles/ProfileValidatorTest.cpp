// SPDX-License-Identifier: GPL-3.0-or-later
// Validation messages: each names the problem and says what to do.
#include "profiles/ProfileValidator.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

QString messagesFor(const Profile& p, const QList<Profile>& others = {})
{
    QStringList out;
    for (const ValidationIssue& i : ProfileValidator::validate(p, others))
        out << i.field + QStringLiteral(": ") + i.message;
    return out.join(u'\n');
}

Profile named(const QString& name)
{
    Profile p;
    p.name = name;
    return p;
}

} // namespace

TEST(ProfileValidator, AMinimalProfileIsValid)
{
    Profile p = named(QStringLiteral("ok"));
    p.publicUrl = QStringLiteral("wss://example.com/ws");
    p.directUrl = QStringLiteral("ws://127.0.0.1:7687/");
    p.origin = QStringLiteral("https://app.example.com:8443");
    EXPECT_EQ(messagesFor(p), QString());
}

TEST(ProfileValidator, NameMustBeGivenAndUnique)
{
    EXPECT_TRUE(messagesFor(named(QString())).contains(QStringLiteral("give the profile a name")));
    EXPECT_TRUE(messagesFor(named(QStringLiteral("  "))).contains(QStringLiteral("give the profile a name")));
    const Profile other = named(QStringLiteral("Prod"));
    EXPECT_TRUE(messagesFor(named(QStringLiteral("prod")), {other}).contains(QStringLiteral("a profile named 'Prod' already exists")));
    Profile same = other;
    EXPECT_EQ(messagesFor(same, {other}), QString()) << "a profile does not clash with itself";
}

TEST(ProfileValidator, UrlSchemeAndPort)
{
    Profile p = named(QStringLiteral("p"));
    p.publicUrl = QStringLiteral("https://example.com/ws");
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("use wss:// instead of https://"))) << messagesFor(p).toStdString();
    p.publicUrl = QStringLiteral("http://example.com/ws");
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("use ws:// instead of http://")));
    p.publicUrl = QStringLiteral("ftp://example.com/");
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("use ws:// or wss://")));
    p.publicUrl = QStringLiteral("example.com/ws");
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("is not a URL")));
    p.publicUrl = QStringLiteral("wss://example.com:70000/ws");
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("out of range"))) << messagesFor(p).toStdString();
    p.publicUrl = QStringLiteral("ws://example.com:0/");
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("out of range")));
    p.publicUrl = QStringLiteral("ws://[::1]:9000/ws/echo");
    EXPECT_EQ(messagesFor(p), QString());
    p.directUrl = QStringLiteral("ws:///nohost");
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("direct URL")));
}

TEST(ProfileValidator, OriginAndHeaders)
{
    Profile p = named(QStringLiteral("p"));
    p.origin = QStringLiteral("https://app.example.com/path");
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("remove the rest"))) << messagesFor(p).toStdString();
    p.origin = QStringLiteral("app.example.com");
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("an Origin looks like")));
    p.origin = QStringLiteral("null");
    EXPECT_EQ(messagesFor(p), QString());
    p.extraHeaders = {{QStringLiteral("Bad Name"), QStringLiteral("v")}};
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("may contain only")));
    p.extraHeaders = {{QStringLiteral("X-Ok"), QStringLiteral("a\r\nInjected: yes")}};
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("line break")));
    p.extraHeaders = {{QStringLiteral("Sec-WebSocket-Key"), QStringLiteral("x")}};
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("sets the 'Sec-WebSocket-Key' header itself")));
    p.extraHeaders = {{QStringLiteral("origin"), QStringLiteral("https://x")}};
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("Origin field")));
    p.extraHeaders = {};
    p.subprotocols = {QStringLiteral("has space")};
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("subprotocol")));
}

TEST(ProfileValidator, SshPortKeyFileAndJumpHost)
{
    QTemporaryDir dir;
    Profile p = named(QStringLiteral("p"));
    p.ssh.host = QStringLiteral("server.example.com");
    p.ssh.port = 0;
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("SSH port 0 is out of range"))) << messagesFor(p).toStdString();
    p.ssh.port = 22;
    p.ssh.auth = SshAccess::AuthMethod::KeyFile;
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("choose the private key file")));
    p.ssh.keyFile = dir.filePath(QStringLiteral("missing_key"));
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("does not exist"))) << messagesFor(p).toStdString();
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("missing_key")));
    ValidationOptions noFiles;
    noFiles.checkLocalFiles = false;
    EXPECT_TRUE(ProfileValidator::validate(p, {}, noFiles).isEmpty());
    p.ssh.keyFile.clear();
    p.ssh.auth = SshAccess::AuthMethod::Agent;
    p.ssh.jumpHost = QStringLiteral("ops@bastion:99999");
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("jump host"))) << messagesFor(p).toStdString();
    p.ssh.jumpHost = QStringLiteral("ops@bastion:2200,second.example.com");
    EXPECT_EQ(messagesFor(p), QString());
    p.ssh.host = QStringLiteral("user@server");
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("put the user in the User field")));
}

TEST(ProfileValidator, ServerPathsMustBeAbsolute)
{
    Profile p = named(QStringLiteral("p"));
    p.nginx.siteFile = QStringLiteral("sites-available/neo4j");
    p.logs.appLog = QStringLiteral("logs/neo4j.log");
    const QString m = messagesFor(p);
    EXPECT_TRUE(m.contains(QStringLiteral("nginx.siteFile"))) << m.toStdString();
    EXPECT_TRUE(m.contains(QStringLiteral("logs.appLog")));
    p.nginx.siteFile = QStringLiteral("/etc/nginx/sites-available/neo4j");
    p.logs.appLog.clear();
    p.nginx.reloadCommand.clear();
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("systemctl reload nginx")));
}

TEST(ProfileValidator, PinnedCertificateAcceptsEveryPinSpellingOfTheProbe)
{
    // The same notation as `--pin`: public-key and whole-certificate digests are not file names.
    Profile p = named(QStringLiteral("p"));
    const QString digest = QStringLiteral("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="); // SHA-256 of ""
    for (const QString& prefix : {QStringLiteral("sha256/"), QStringLiteral("sha256//"), QStringLiteral("cert-sha256/")}) {
        p.tls.pinnedCertificate = prefix + digest;
        EXPECT_EQ(messagesFor(p), QString()) << prefix.toStdString();
    }
    p.tls.pinnedCertificate = QStringLiteral("cert-sha256/AAAA");
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("tls.pinnedCertificate"))) << messagesFor(p).toStdString();
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("SHA-256")));
    p.tls.pinnedCertificate = QStringLiteral("/nonexistent/pinned.pem");
    EXPECT_TRUE(messagesFor(p).contains(QStringLiteral("does not exist"))) << messagesFor(p).toStdString();
}
