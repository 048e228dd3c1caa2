// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: the advice reads a profile's own `nginx -T`. Which profiles have an nginx to read
// (and with which command: rebuilt from the test command, never the reload), and a real nginx's
// dump read through LocalHost feeding ProxyStack the idle timeout it sets.
#include "diagnosis/ProxyStack.h"
#include "core/AppPaths.h"
#include "lab/Lab.h"
#include "lab/SshdLab.h"
#include "remote/LocalHost.h"
#include "runbook/NginxDump.h"

#include <QCoreApplication>
#include <QDir>
#include <QSignalSpy>
#include <QUuid>

#include <gtest/gtest.h>

using namespace socketscope;

TEST(NginxDump, OnlyAProfileThatNamesItsNginxIsRead)
{
    Profile remote; // a URL only: the proxy is somewhere else, this machine's nginx is not it
    remote.publicUrl = QStringLiteral("wss://chat.example.com/ws");
    EXPECT_FALSE(nginxDumpSource(remote).has_value());

    Profile local = remote;
    local.nginx.siteFile = QStringLiteral("/etc/nginx/sites-available/chat");
    local.nginx.testCommand = QStringLiteral("nginx -t && systemctl reload nginx");
    const std::optional<NginxDumpSource> s = nginxDumpSource(local);
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->command, QStringLiteral("nginx -T"));
    EXPECT_FALSE(s->overSsh);
    EXPECT_FALSE(s->sudo);

    Profile ownCommand = remote; // no site file, but a test command of its own
    ownCommand.nginx.testCommand = QStringLiteral("sudo /usr/sbin/nginx -p /srv/nginx/ -c conf/nginx.conf -t");
    const std::optional<NginxDumpSource> o = nginxDumpSource(ownCommand);
    ASSERT_TRUE(o.has_value());
    EXPECT_EQ(o->command, QStringLiteral("/usr/sbin/nginx -T -p /srv/nginx/ -c conf/nginx.conf"));
    EXPECT_TRUE(o->sudo);

    Profile ssh = remote;
    ssh.ssh.host = QStringLiteral("proxy.example.com");
    ssh.ssh.sudoWithoutPassword = true;
    const std::optional<NginxDumpSource> r = nginxDumpSource(ssh);
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE(r->overSsh);
    EXPECT_TRUE(r->sudo);

    Profile haproxy = local;
    haproxy.nginx.siteFile = QStringLiteral("/etc/haproxy/haproxy.cfg");
    haproxy.nginx.testCommand = QStringLiteral("haproxy -c -f /etc/haproxy/haproxy.cfg");
    EXPECT_FALSE(nginxDumpSource(haproxy).has_value());
}

TEST(NginxDump, ARealNginxDumpGivesTheStackItsIdleTimeout)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    lab::NginxLab nginx;
    const quint16 port = lab::freePort();
    nginx.writeMainConfig();
    nginx.writeSite(QStringLiteral("chat"), QStringLiteral("server {\n    listen 127.0.0.1:%1;\n    location /ws/ {\n"
                                                           "        proxy_pass http://127.0.0.1:9;\n        proxy_http_version 1.1;\n"
                                                           "        proxy_read_timeout 7s;\n    }\n}\n")
                                                .arg(port));
    QByteArray log;
    ASSERT_TRUE(nginx.test(&log)) << log.toStdString();
    Profile p;
    p.publicUrl = QStringLiteral("ws://127.0.0.1:%1/ws/").arg(port);
    p.nginx.testCommand = QStringList(QStringList{lab::nginxProgram()} + nginx.baseArgs() + QStringList{QStringLiteral("-t")}).join(QLatin1Char(' '));
    const std::optional<NginxDumpSource> source = nginxDumpSource(p);
    ASSERT_TRUE(source.has_value());
    LocalHost host;
    const Result<QByteArray> dump = readNginxDump(host, *source);
    ASSERT_TRUE(dump.ok()) << dump.error().toStdString();
    const ProxyStack stack = detectStack(p, {}, dump.value());
    EXPECT_EQ(stack.platforms, Platforms(Platform::Nginx));
    ASSERT_EQ(stack.idleDirectives.size(), 1);
    EXPECT_EQ(stack.idleDirectives.front(), (QPair<QString, QString>{QStringLiteral("proxy_read_timeout"), QStringLiteral("7s")}));

    // A configuration nginx refuses: the reason, not an empty dump.
    nginx.writeSite(QStringLiteral("chat"), QStringLiteral("server { listen 127.0.0.1:%1; bogus_directive on; }\n").arg(port));
    const Result<QByteArray> broken = readNginxDump(host, *source);
    ASSERT_FALSE(broken.ok());
    EXPECT_TRUE(broken.error().contains(QStringLiteral("bogus_directive"))) << broken.error().toStdString();
}

// Over SSH: the profile's login (a key file, the host key known to the app, no prompt), sudo -n for
// a user with password-less sudo (the lab nginx's prefix is root's 0700 directory), the command
// rebuilt from the profile's test command. NginxDumpReader::read is the worker's blocking call.
TEST(NginxDump, OverSshTheServersDumpIsReadWithPasswordlessSudo)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    LAB_REQUIRE(lab::SshdLab::skipReason());
    QString why;
    lab::SshdLab* sshd = lab::SshdLab::shared(&why);
    if (!sshd)
        LAB_UNAVAILABLE(why);
    lab::NginxLab nginx;
    nginx.writeMainConfig();
    nginx.writeSite(QStringLiteral("chat"), QStringLiteral("server {\n    listen 127.0.0.1:%1;\n    location /ws/ {\n"
                                                           "        proxy_pass http://127.0.0.1:9;\n        proxy_read_timeout 11s;\n    }\n}\n")
                                                .arg(lab::freePort()));
    // The app's known_hosts in a configuration directory of this test's own (no other test sees it).
    const QString appName = QCoreApplication::applicationName();
    QCoreApplication::setApplicationName(QStringLiteral("NginxDumpTest-") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    const QString configDir = AppPaths::configDir();
    ASSERT_TRUE(sshd->writeKnownHosts(configDir + QStringLiteral("/known_hosts")));
    Profile p;
    p.name = QStringLiteral("chat over ssh");
    p.ssh.host = sshd->host();
    p.ssh.port = sshd->port();
    p.ssh.user = lab::SshdLab::noPasswordSudoUser();
    p.ssh.auth = SshAccess::AuthMethod::KeyFile;
    p.ssh.keyFile = sshd->keyFile();
    p.ssh.sudoWithoutPassword = true;
    p.nginx.testCommand = QStringList(QStringList{lab::nginxProgram()} + nginx.baseArgs() + QStringList{QStringLiteral("-t")}).join(QLatin1Char(' '));
    NginxDumpReader reader;
    QSignalSpy dumped(&reader, &NginxDumpReader::dumped);
    reader.read(p);
    QCoreApplication::setApplicationName(appName);
    QDir(configDir).removeRecursively();
    ASSERT_EQ(dumped.size(), 1);
    EXPECT_EQ(dumped.front().at(0).toUuid(), p.id);
    const QByteArray dump = dumped.front().at(1).toByteArray();
    EXPECT_TRUE(dumped.front().at(2).toString().isEmpty()) << dumped.front().at(2).toString().toStdString();
    EXPECT_TRUE(dump.contains("proxy_read_timeout 11s;")) << dump.left(400).toStdString();
    const ProxyStack stack = detectStack(p, {}, dump);
    ASSERT_EQ(stack.idleDirectives.size(), 1);
    EXPECT_EQ(stack.idleDirectives.front().second, QStringLiteral("11s"));
}
