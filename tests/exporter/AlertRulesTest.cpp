// SPDX-License-Identifier: GPL-3.0-or-later
// The example alerting rules of docs/prometheus/ are valid (promtool check rules) and fire on the
// series they are written for, and only those (promtool test rules, tests/exporter/alerts_test.yml).
#include "lab/Lab.h"

#include <gtest/gtest.h>

using namespace socketscope;

namespace {
QString promtool()
{
    return QStringLiteral("/usr/bin/promtool");
}
QString source(const char* relative)
{
    return QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/") + QString::fromLatin1(relative);
}
} // namespace

TEST(AlertRules, TheExampleRulesPassPromtoolCheckRules)
{
    LAB_REQUIRE(lab::missingProgram(promtool(), QStringLiteral("prometheus")));
    QByteArray out;
    EXPECT_EQ(
        lab::runProgram(promtool(),
            { QStringLiteral("check"), QStringLiteral("rules"), source("docs/prometheus/socketscope-alerts.yml") },
            &out),
        0)
        << out.constData();
    EXPECT_TRUE(out.contains("SUCCESS: 3 rules found")) << out.constData();
}

TEST(AlertRules, EachAlertFiresOnItsSeriesAndStaysSilentOnTheOthers)
{
    LAB_REQUIRE(lab::missingProgram(promtool(), QStringLiteral("prometheus")));
    QByteArray out;
    EXPECT_EQ(lab::runProgram(promtool(),
                  { QStringLiteral("test"), QStringLiteral("rules"), source("tests/exporter/alerts_test.yml") }, &out),
        0)
        << out.constData();
    EXPECT_TRUE(out.contains("SUCCESS")) << out.constData();
}
