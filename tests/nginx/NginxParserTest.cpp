// SPDX-License-Identifier: GPL-3.0-or-later
// The nginx tokenizer/parser: positions, nginx's lexical rules, malformed input, includes, nginx -T.
#include "lab/Lab.h"
#include "nginx/NginxAnalyzer.h"
#include "nginx/NginxConfig.h"
#include "nginx/NginxConfigSet.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::nginx;

namespace {

ConfFile parseOk(const QByteArray& text)
{
    ConfFile f;
    ConfError e;
    EXPECT_TRUE(NginxParser::parse(text, QStringLiteral("t.conf"), &f, &e)) << e.toString().toStdString();
    return f;
}

ConfError parseFail(const QByteArray& text)
{
    ConfFile f;
    ConfError e;
    EXPECT_FALSE(NginxParser::parse(text, QStringLiteral("t.conf"), &f, &e));
    return e;
}

} // namespace

TEST(NginxParser, KeepsPositionsOfEveryWord)
{
    const ConfFile f = parseOk("# head\nserver {\n  listen 80;\n\tlocation /ws {\n    proxy_pass http://a;\n  }\n}\n");
    ASSERT_EQ(f.nodes.size(), 1u);
    const ConfNode& server = f.nodes.front();
    EXPECT_EQ(server.name(), "server");
    EXPECT_EQ(server.pos().line, 2);
    EXPECT_EQ(server.pos().column, 1);
    EXPECT_EQ(server.pos().offset, 7);
    EXPECT_EQ(server.file, QStringLiteral("t.conf"));
    ASSERT_EQ(server.children.size(), 2u);
    EXPECT_EQ(server.children[0].pos().line, 3);
    EXPECT_EQ(server.children[0].pos().column, 3);
    const ConfNode& loc = server.children[1];
    EXPECT_EQ(loc.arg(0), "/ws");
    EXPECT_EQ(loc.words.at(1).pos.column, 11);
    const ConfNode& pass = loc.children.front();
    EXPECT_EQ(pass.pos().line, 5);
    EXPECT_EQ(pass.words.at(1).pos.column, 16);
    EXPECT_EQ(f.text.mid(pass.startOffset(), pass.endOffset - pass.startOffset()), "proxy_pass http://a;");
}

TEST(NginxParser, FollowsNginxLexicalRules)
{
    // quotes with escapes, '#' inside a word, '}' inside a word, ${var}, semicolons in strings
    const ConfFile f = parseOk("a \"x\\\"y; {z}\" 'it\\'s' b#c ok} ${host}x;\n");
    ASSERT_EQ(f.nodes.size(), 1u);
    const ConfNode& n = f.nodes.front();
    ASSERT_EQ(n.argCount(), 5);
    EXPECT_EQ(n.arg(0), "x\"y; {z}");
    EXPECT_TRUE(n.words.at(1).quoted);
    EXPECT_EQ(n.arg(1), "it's");
    EXPECT_EQ(n.arg(2), "b#c");
    EXPECT_EQ(n.arg(3), "ok}");
    EXPECT_EQ(n.arg(4), "${host}x");
}

TEST(NginxParser, LuaBlocksAreKeptVerbatim)
{
    const QByteArray text = "location / { content_by_lua_block { local s = \"}\" -- }\n local t = {1} } return 200; }\n";
    const ConfFile f = parseOk(text);
    const ConfNode& loc = f.nodes.front();
    ASSERT_EQ(loc.children.size(), 2u);
    EXPECT_TRUE(loc.children[0].isRawBlock);
    EXPECT_EQ(loc.children[0].rawBody, " local s = \"}\" -- }\n local t = {1} ");
    EXPECT_EQ(loc.children[1].name(), "return");
    EXPECT_EQ(NginxParser::print(f), text);
}

TEST(NginxParser, RoundTripsAwkwardLayout)
{
    const QByteArray text = "\n\n  # c1 {\r\nhttp{server{listen 1;}  # x ;\n\t}include   a/*.conf  ;map $a $b{default 1;'' 0;}   \n# tail";
    const ConfFile f = parseOk(text);
    EXPECT_EQ(NginxParser::print(f), text);
}

TEST(NginxParser, MalformedInputGivesFileLineColumn)
{
    ConfError e = parseFail("server {\n  listen 80;\n");
    EXPECT_EQ(e.line, 3);
    EXPECT_TRUE(e.message.contains(QStringLiteral("expecting \"}\""))) << e.toString().toStdString();

    e = parseFail("server {\n}\n}\n");
    EXPECT_EQ(e.line, 3);
    EXPECT_EQ(e.column, 1);

    e = parseFail("a {\n  b \"never closed;\n}\n");
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.column, 5);
    EXPECT_TRUE(e.message.contains(QStringLiteral("unterminated")));
    EXPECT_EQ(e.toString(), QStringLiteral("t.conf:2:5: ") + e.message);

    e = parseFail("location / {\n  proxy_pass x\n}\n");
    EXPECT_EQ(e.line, 3);

    e = parseFail("listen 80");
    EXPECT_TRUE(e.message.contains(QStringLiteral("end of file")));

    e = parseFail(QByteArray("server {\n  listen 8\0 0;\n}", 24));
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.column, 11);
    EXPECT_TRUE(e.message.contains(QStringLiteral("NUL")));

    e = parseFail("a \"b\"c;");
    EXPECT_EQ(e.column, 6);

    e = parseFail("; x;");
    EXPECT_EQ(e.column, 1);
}

TEST(NginxParser, DeepNestingIsAnErrorNotACrash)
{
    QByteArray text;
    for (int i = 0; i < 10000; ++i)
        text += "a {";
    const ConfError e = parseFail(text);
    EXPECT_TRUE(e.message.contains(QStringLiteral("nested")));
}

TEST(NginxParser, TenMegabyteLineParsesInLinearTime)
{
    QByteArray text = "server {\n    set $x \"";
    text += QByteArray(10 * 1024 * 1024, 'a');
    text += "\";\n}\n";
    const ConfFile f = parseOk(text);
    EXPECT_EQ(f.nodes.front().children.front().arg(1).size(), 10 * 1024 * 1024);
    // The same line unterminated fails with the quote's position.
    QByteArray bad = "server {\n    set $x \"";
    bad += QByteArray(10 * 1024 * 1024, 'a');
    const ConfError e = parseFail(bad);
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.column, 12);
}

TEST(NginxConfigSet, FollowsGlobIncludesRelativeToPrefixOrFile)
{
    QTemporaryDir dir;
    const QString d = dir.path();
    QDir(d).mkpath(QStringLiteral("conf.d"));
    QDir(d).mkpath(QStringLiteral("snippets"));
    lab::writeFile(d + QStringLiteral("/nginx.conf"), "http {\n    include conf.d/*.conf;\n}\n");
    lab::writeFile(d + QStringLiteral("/conf.d/b.conf"), "server { listen 2; include ../snippets/x; }\n");
    lab::writeFile(d + QStringLiteral("/conf.d/a.conf"), "server { listen 1; }\n");
    lab::writeFile(d + QStringLiteral("/conf.d/a.conf.bak"), "server { listen 3; }\n");
    lab::writeFile(d + QStringLiteral("/snippets/x"), "proxy_http_version 1.1;\n");
    NginxConfigSet set;
    ConfError e;
    ASSERT_TRUE(set.loadFile(d + QStringLiteral("/nginx.conf"), {}, &e)) << e.toString().toStdString();
    ASSERT_EQ(set.files().size(), 4u);
    EXPECT_TRUE(set.files()[1].path.endsWith(QStringLiteral("conf.d/a.conf")));   // glob order
    EXPECT_TRUE(set.files()[2].path.endsWith(QStringLiteral("conf.d/b.conf")));
    EXPECT_TRUE(set.files()[3].path.endsWith(QStringLiteral("snippets/x")));      // relative to the including file
    ASSERT_EQ(set.globIncludes().size(), 1);
    EXPECT_EQ(set.globIncludes().front().matches.size(), 2); // *.conf does not match a.conf.bak
    // No NG001: the backup is not matched by the glob.
    EXPECT_TRUE(NginxAnalyzer::lint(set, {}).isEmpty());
}

TEST(NginxConfigSet, IncludeCycleIsAnError)
{
    NginxConfigSet set;
    ConfError e;
    EXPECT_FALSE(set.loadFile(lab::fixturePath(QStringLiteral("nginx/tree-cycle/a.conf")), {}, &e));
    EXPECT_TRUE(e.message.contains(QStringLiteral("include cycle"))) << e.toString().toStdString();
    EXPECT_TRUE(e.file.endsWith(QStringLiteral("b.conf")));
    EXPECT_EQ(e.line, 2);
}

TEST(NginxConfigSet, ErrorInAnIncludedFileNamesThatFile)
{
    QTemporaryDir dir;
    lab::writeFile(dir.filePath(QStringLiteral("main.conf")), "http {\n include sub.conf;\n}\n");
    lab::writeFile(dir.filePath(QStringLiteral("sub.conf")), "server {\n\n  listen 80\n");
    NginxConfigSet set;
    ConfError e;
    EXPECT_FALSE(set.loadFile(dir.filePath(QStringLiteral("main.conf")), {}, &e));
    EXPECT_EQ(e.file, dir.filePath(QStringLiteral("sub.conf")));
    EXPECT_EQ(e.line, 4);
}

TEST(NginxConfigSet, ReadsRealNginxTOutputWithTheSameFindingsAsTheFiles)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    QTemporaryDir tmp;
    const QString tree = tmp.path() + QStringLiteral("/tree-glob");
    ASSERT_EQ(lab::runProgram(QStringLiteral("cp"), {QStringLiteral("-a"), lab::fixturePath(QStringLiteral("nginx/tree-glob")), tree}), 0);
    QDir(tree).mkpath(QStringLiteral("logs"));
    // nginx -T refuses the fixture as it is (its $connection_upgrade has no map): add the map.
    QByteArray main = lab::readAll(tree + QStringLiteral("/nginx.conf"));
    main.replace("include conf.d/*.conf;", "map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n    include conf.d/*.conf;");
    ASSERT_TRUE(lab::writeFile(tree + QStringLiteral("/nginx.conf"), main));
    // nginx -T prints the files to stdout; the "syntax is ok" lines go to stderr (merged here, as
    // when a user pastes both): the loader skips what precedes the first section.
    QByteArray dump;
    lab::runProgram(lab::nginxProgram(), {QStringLiteral("-T"), QStringLiteral("-p"), tree + QLatin1Char('/'),
                                                        QStringLiteral("-c"), tree + QStringLiteral("/nginx.conf")}, &dump);
    ASSERT_TRUE(dump.contains("# configuration file ")) << dump.toStdString();
    NginxConfigSet fromDump;
    ConfError e;
    ASSERT_TRUE(fromDump.loadDump(dump, {}, &e)) << e.toString().toStdString();
    NginxConfigSet fromDisk;
    ASSERT_TRUE(fromDisk.loadFile(tree + QStringLiteral("/nginx.conf"), {}, &e)) << e.toString().toStdString();
    ASSERT_EQ(fromDump.files().size(), fromDisk.files().size());
    for (size_t i = 0; i < fromDisk.files().size(); ++i) {
        EXPECT_EQ(fromDump.files()[i].path, fromDisk.files()[i].path);
        EXPECT_EQ(fromDump.files()[i].text, fromDisk.files()[i].text) << fromDisk.files()[i].path.toStdString();
    }
    const ConfigFindings a = NginxAnalyzer::lint(fromDump, {});
    const ConfigFindings b = NginxAnalyzer::lint(fromDisk, {});
    ASSERT_EQ(a.size(), 3); // WS006, WS007, WS009 (WS003 is gone with the map)
    EXPECT_EQ(a, b);
}

TEST(NginxConfigSet, DumpWithoutSectionsIsRejected)
{
    NginxConfigSet set;
    ConfError e;
    EXPECT_FALSE(set.loadDump("server { listen 80; }\n", {}, &e));
    EXPECT_TRUE(e.message.contains(QStringLiteral("nginx -T")));
}

TEST(NginxConfigSet, BackupNames)
{
    for (const char* yes : {"default.bak", "neo4j.backup.20260128_100149", "site~", "a.conf.orig", "x.dpkg-old", "y.bak2"})
        EXPECT_TRUE(NginxConfigSet::isBackupName(QString::fromLatin1(yes))) << yes;
    for (const char* no : {"default", "neo4j", "backup-api.conf", "a.conf"})
        EXPECT_FALSE(NginxConfigSet::isBackupName(QString::fromLatin1(no))) << no;
}
