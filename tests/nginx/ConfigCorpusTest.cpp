// SPDX-License-Identifier: GPL-3.0-or-later
// The fixture corpus (tests/fixtures/nginx, tests/fixtures/haproxy): for every config, the exact
// expected findings, a byte-identical round trip, a fix that re-lints clean for the rules it
// fixed, and real `nginx -t` / `haproxy -c` accepting the fixed config.
#include "ConfigTestUtil.h"

#include "lab/Lab.h"
#include "nginx/HaproxyConfig.h"
#include "nginx/NginxAnalyzer.h"
#include "nginx/NginxFixer.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <iostream>

using namespace socketscope;
using namespace socketscope::nginx;
using namespace socketscope::nginxtest;

namespace {


std::string toStd(const QStringList& l) { return l.join(QLatin1Char(' ')).toStdString(); }

std::vector<std::string> names(const QString& kind)
{
    std::vector<std::string> out;
    for (const Fixture& f : fixtures(kind))
        out.push_back(f.name.toStdString());
    return out;
}

Fixture byName(const QString& kind, const std::string& name)
{
    for (const Fixture& f : fixtures(kind)) {
        if (f.name.toStdString() == name)
            return f;
    }
    return {};
}

std::string paramName(const testing::TestParamInfo<std::string>& info)
{
    std::string s = info.param;
    for (char& c : s) {
        if (!isalnum(static_cast<unsigned char>(c)))
            c = '_';
    }
    return s;
}

bool load(const Fixture& f, NginxConfigSet* set)
{
    ConfError error;
    const bool ok = set->loadFile(f.mainPath, {}, &error);
    EXPECT_TRUE(ok) << error.toString().toStdString();
    return ok;
}

// A copy of the fixture (with its directory tree, symlinks kept) where the fix can be written.
QString copyFixture(const Fixture& f, const QTemporaryDir& tmp)
{
    const QString src = f.isTree ? QFileInfo(f.mainPath).path() : f.mainPath;
    const QString dst = tmp.path() + QLatin1Char('/') + QFileInfo(src).fileName();
    // cp -a keeps the symlinks of sites-enabled/ (the test machine is Linux; the product code is portable).
    EXPECT_EQ(lab::runProgram(QStringLiteral("cp"), {QStringLiteral("-a"), src, dst}), 0);
    return f.isTree ? dst + QStringLiteral("/nginx.conf") : dst;
}

// Writes the fixed files over the copy (paths mapped from the fixture to the copy).
void writeFixed(const Fixture& f, const FixResult& r, const QString& copyMain)
{
    const QString from = QFileInfo(f.mainPath).path();
    const QString to = QFileInfo(copyMain).path();
    for (const FileFix& ff : r.files) {
        QString target = ff.path;
        target.replace(0, from.size(), to);
        ASSERT_TRUE(lab::writeFile(target, ff.newText)) << target.toStdString();
    }
}

} // namespace

class NginxCorpus : public testing::TestWithParam<std::string> {};

TEST(NginxCorpusSize, HasAtLeastTwentyConfigs)
{
    EXPECT_GE(fixtures(QStringLiteral("nginx")).size() + fixtures(QStringLiteral("haproxy")).size(), 20);
}

TEST_P(NginxCorpus, FindingsMatchTheSidecar)
{
    const Fixture f = byName(QStringLiteral("nginx"), GetParam());
    NginxConfigSet set;
    ASSERT_TRUE(load(f, &set));
    const ConfigFindings findings = NginxAnalyzer::lint(set, ruleOptions(f));
    EXPECT_EQ(toStd(findingKeys(findings, f)), toStd(expectedFindings(f)));
    for (const ConfigFinding& x : findings) {
        EXPECT_FALSE(x.message.isEmpty());
        EXPECT_FALSE(x.fix.isEmpty());
        EXPECT_TRUE(x.severity == QLatin1String("error") || x.severity == QLatin1String("warning") || x.severity == QLatin1String("info"));
    }
}

TEST_P(NginxCorpus, EveryFileRoundTripsByteForByte)
{
    const Fixture f = byName(QStringLiteral("nginx"), GetParam());
    NginxConfigSet set;
    ASSERT_TRUE(load(f, &set));
    for (const ConfFile& file : set.files()) {
        EXPECT_EQ(NginxParser::print(file), lab::readAll(file.path)) << file.path.toStdString();
    }
}

TEST_P(NginxCorpus, FixRelintsCleanForTheFixedRules)
{
    const Fixture f = byName(QStringLiteral("nginx"), GetParam());
    NginxConfigSet set;
    ASSERT_TRUE(load(f, &set));
    FixOptions options;
    options.rules = ruleOptions(f);
    const FixResult r = NginxFixer::fixSet(set, options);
    ASSERT_TRUE(r.ok) << r.error.toStdString();
    QTemporaryDir tmp;
    const QString copy = copyFixture(f, tmp);
    writeFixed(f, r, copy);
    NginxConfigSet after;
    ConfError error;
    ASSERT_TRUE(after.loadFile(copy, {}, &error)) << error.toString().toStdString();
    const ConfigFindings remaining = NginxAnalyzer::lint(after, options.rules);
    QStringList left;
    for (const ConfigFinding& x : remaining)
        left.append(x.rule);
    // What the fixer does not touch is still reported (NG001, WS010, the caching/buffering of a
    // location that also serves regular HTTP), nothing new appears.
    QStringList notFixed;
    for (const ConfigFinding& x : r.notFixed)
        notFixed.append(x.rule);
    for (const QString& rule : r.fixedRules)
        EXPECT_EQ(left.count(rule), notFixed.count(rule)) << rule.toStdString() << " still reported after the fix";
    EXPECT_EQ(toStd(left), toStd(notFixed));
    // The fixed files still round-trip, and nothing but additions/replacements happened: every
    // comment of the original survives.
    for (const FileFix& ff : r.files) {
        for (const QByteArray& line : ff.oldText.split('\n')) {
            if (line.trimmed().startsWith('#')) {
                EXPECT_TRUE(ff.newText.contains(line)) << "lost comment: " << line.toStdString();
            }
        }
    }
    if (r.before.isEmpty()) {
        EXPECT_TRUE(r.files.isEmpty());
        EXPECT_TRUE(r.diff.isEmpty());
    }
}

TEST_P(NginxCorpus, FixedConfigPassesRealNginxT)
{
    const Fixture f = byName(QStringLiteral("nginx"), GetParam());
    const QString expectation = nginxTestExpectation(f);
    if (expectation.startsWith(QLatin1String("skip")))
        DECLARED_SKIP(expectation.toStdString());
    LAB_REQUIRE(lab::NginxLab::skipReason());
    NginxConfigSet set;
    ASSERT_TRUE(load(f, &set));
    FixOptions options;
    options.rules = ruleOptions(f);
    const FixResult r = NginxFixer::fixSet(set, options);
    QByteArray log;
    bool passed = false;
    if (f.isTree) {
        QTemporaryDir tmp;
        QFile::setPermissions(tmp.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                              | QFileDevice::ReadOther | QFileDevice::ExeOther);
        const QString copy = copyFixture(f, tmp);
        writeFixed(f, r, copy);
        const QString prefix = QFileInfo(copy).path();
        QDir(prefix).mkpath(QStringLiteral("logs"));
        passed = lab::runProgram(lab::nginxProgram(), {QStringLiteral("-t"), QStringLiteral("-p"), prefix + QLatin1Char('/'),
                                          QStringLiteral("-c"), copy}, &log) == 0;
    } else if (expectation.startsWith(QLatin1String("main"))) {
        // A whole nginx.conf (events, http): checked as the main file of its own prefix.
        QTemporaryDir tmp;
        const QString conf = tmp.filePath(QStringLiteral("nginx.conf"));
        ASSERT_TRUE(lab::writeFile(conf, labSubstitute(f, r.newText)));
        QDir(tmp.path()).mkpath(QStringLiteral("logs"));
        passed = lab::runProgram(lab::nginxProgram(), {QStringLiteral("-t"), QStringLiteral("-p"), tmp.path() + QLatin1Char('/'),
                                                       QStringLiteral("-c"), conf}, &log) == 0;
    } else {
        lab::NginxLab nginxLab;
        const NginxModules modules = nginxModules(f);
        QString loads;
        for (const QString& m : modules.modules) {
            const QString so = QStringLiteral("/usr/lib/nginx/modules/%1.so").arg(m);
            if (!QFileInfo::exists(so))
                LAB_UNAVAILABLE(QStringLiteral("%1 is missing (install the Debian package %2)").arg(so, modules.package));
            loads += QStringLiteral("load_module %1;\n").arg(so);
        }
        nginxLab.writeMainConfig({}, loads);
        QString siteText = QString::fromUtf8(labSubstitute(f, r.newText));
        if (expectation.startsWith(QLatin1String("server")))
            siteText = QStringLiteral("server {\nlisten 127.0.0.1:%1;\n%2\n}\n").arg(lab::freePort()).arg(siteText);
        nginxLab.writeSite(QStringLiteral("site"), siteText);
        passed = nginxLab.test(&log);
    }
    if (expectation.startsWith(QLatin1String("fail"))) {
        EXPECT_FALSE(passed);
        EXPECT_TRUE(log.contains(expectation.mid(6).toUtf8())) << log.toStdString();
    } else {
        EXPECT_TRUE(passed) << log.toStdString() << "\n--- fixed config:\n" << r.newText.toStdString();
    }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, NginxCorpus, testing::ValuesIn(names(QStringLiteral("nginx"))), paramName);

class HaproxyCorpus : public testing::TestWithParam<std::string> {};

TEST_P(HaproxyCorpus, FindingsRoundTripAndFixPassesHaproxyC)
{
    const Fixture f = byName(QStringLiteral("haproxy"), GetParam());
    const QByteArray text = lab::readAll(f.mainPath);
    HaproxyConfig config;
    ConfError error;
    ASSERT_TRUE(HaproxyConfig::parse(text, f.mainPath, &config, &error)) << error.toString().toStdString();
    const RuleOptions options = ruleOptions(f);
    EXPECT_EQ(toStd(findingKeys(HaproxyAnalyzer::lint(config, options), f)), toStd(expectedFindings(f)));

    const HaproxyFixResult r = HaproxyAnalyzer::fix(config, options);
    HaproxyConfig fixed;
    ASSERT_TRUE(HaproxyConfig::parse(r.newText, f.mainPath, &fixed, &error)) << error.toString().toStdString();
    EXPECT_TRUE(HaproxyAnalyzer::lint(fixed, options).isEmpty()) << r.newText.toStdString();
    if (expectedFindings(f).isEmpty()) {
        EXPECT_EQ(r.newText, text);
    }

    LAB_REQUIRE(lab::HaproxyLab::skipReason());
    lab::HaproxyLab haLab;
    haLab.writeConfig(QString::fromUtf8(labSubstitute(f, r.newText)));
    QByteArray log;
    EXPECT_TRUE(haLab.check(&log)) << log.toStdString() << "\n--- fixed config:\n" << r.newText.toStdString();
}

INSTANTIATE_TEST_SUITE_P(Fixtures, HaproxyCorpus, testing::ValuesIn(names(QStringLiteral("haproxy"))), paramName);

TEST(NginxCorpusNg001, FollowingTheAdviceMakesNginxTPass)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    const Fixture f = byName(QStringLiteral("nginx"), "tree-sites");
    QTemporaryDir tmp;
    QFile::setPermissions(tmp.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                          | QFileDevice::ReadOther | QFileDevice::ExeOther);
    const QString copy = copyFixture(f, tmp);
    const QString prefix = QFileInfo(copy).path();
    QDir(prefix).mkpath(QStringLiteral("logs"));
    const QStringList args{QStringLiteral("-t"), QStringLiteral("-p"), prefix + QLatin1Char('/'), QStringLiteral("-c"), copy};
    QByteArray log;
    EXPECT_NE(lab::runProgram(lab::nginxProgram(), args, &log), 0);
    EXPECT_TRUE(log.contains("duplicate default server")) << log.toStdString();

    NginxConfigSet set;
    ASSERT_TRUE(load({f.name, copy, true, {}}, &set));
    const ConfigFindings findings = NginxAnalyzer::lint(set, {});
    ASSERT_EQ(findings.size(), 1);
    EXPECT_EQ(findings.front().rule, QStringLiteral("NG001"));
    // The advice is a shell command: "mv BACKUP sites-available/…". Do what it says.
    const QString backup = prefix + QStringLiteral("/sites-enabled/default.backup.20260128_100149");
    EXPECT_TRUE(findings.front().fix.startsWith(QStringLiteral("mv ") + backup + QLatin1Char(' '))) << findings.front().fix.toStdString();
    const QString target = findings.front().fix.section(QLatin1Char(' '), 2, 2);
    EXPECT_EQ(target, prefix + QStringLiteral("/sites-available/default.backup.20260128_100149"));
    ASSERT_TRUE(QFile::rename(backup, target));
    EXPECT_EQ(lab::runProgram(lab::nginxProgram(), args, &log), 0) << log.toStdString();
    NginxConfigSet after;
    ASSERT_TRUE(load({f.name, copy, true, {}}, &after));
    EXPECT_TRUE(NginxAnalyzer::lint(after, {}).isEmpty());
}

// Issue 11: precision and recall of the error/warning findings over the whole corpus (the
// published configurations under published-*, and the project's own fixtures), run as a user
// would: default options, no --endpoint. The real problems are the sidecar's findings under the
// fixture's own options minus those judged "fp", plus the "missed" ones; info findings are advice
// and not counted. Printed for docs/config-analysis.md.
TEST(ConfigCorpusJudgement, RecallAndPrecisionWithTheDefaultCommandLine)
{
    int truePositives = 0;
    int falsePositives = 0;
    int falseNegatives = 0;
    int errorFalsePositives = 0;
    int configs = 0;
    QStringList notes;
    auto judge = [&](const Fixture& f, const ConfigFindings& asJudged, const ConfigFindings& byDefault) {
        ++configs;
        const Judgement j = judgement(f);
        const QStringList judgedKeys = findingKeys(asJudged, f);
        const QStringList defaultKeys = findingKeys(byDefault, f);
        QStringList real;
        for (int i = 0; i < asJudged.size(); ++i) {
            if (asJudged.at(i).severity != QLatin1String("info") && !j.falsePositives.contains(judgedKeys.at(i)))
                real.append(judgedKeys.at(i));
        }
        for (int i = 0; i < byDefault.size(); ++i) {
            if (byDefault.at(i).severity == QLatin1String("info"))
                continue;
            if (real.contains(defaultKeys.at(i))) {
                ++truePositives;
                continue;
            }
            ++falsePositives;
            notes.append(QStringLiteral("false positive %1: %2 (%3)").arg(f.name, defaultKeys.at(i), byDefault.at(i).severity));
            if (byDefault.at(i).severity == QLatin1String("error"))
                ++errorFalsePositives;
        }
        for (const QString& key : real + j.missed) {
            if (!defaultKeys.contains(key)) {
                ++falseNegatives;
                notes.append(QStringLiteral("missed %1: %2").arg(f.name, key));
            }
        }
    };
    for (const Fixture& f : fixtures(QStringLiteral("nginx"))) {
        NginxConfigSet set;
        ASSERT_TRUE(load(f, &set)) << f.name.toStdString();
        judge(f, NginxAnalyzer::lint(set, ruleOptions(f)), NginxAnalyzer::lint(set, {}));
    }
    for (const Fixture& f : fixtures(QStringLiteral("haproxy"))) {
        HaproxyConfig config;
        ConfError error;
        ASSERT_TRUE(HaproxyConfig::parse(lab::readAll(f.mainPath), f.mainPath, &config, &error)) << f.name.toStdString();
        judge(f, HaproxyAnalyzer::lint(config, ruleOptions(f)), HaproxyAnalyzer::lint(config, {}));
    }
    const double precision = truePositives + falsePositives ? double(truePositives) / (truePositives + falsePositives) : 1;
    const double recall = truePositives + falseNegatives ? double(truePositives) / (truePositives + falseNegatives) : 1;
    std::cout << "corpus: " << configs << " configurations, " << truePositives << " real problems found, " << falsePositives
              << " false positives, " << falseNegatives << " missed; precision " << precision << ", recall " << recall << "\n";
    for (const QString& n : notes)
        std::cout << "  " << n.toStdString() << "\n";
    EXPECT_GE(recall, 0.95);
    EXPECT_GE(precision, 0.95);
    EXPECT_EQ(errorFalsePositives, 0) << "an error-severity finding on a configuration judged correct";
}
