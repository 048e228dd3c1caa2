// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: "Hand to runbook" keeps what the user reviewed. The runbook's fixer, given the scope of
// the Config tab (its endpoint and the findings the user kept), plans the same findings the Config
// tab showed — not those of the profile's URL path.
#include "nginx/ConfigAnalysis.h"
#include "runbook/ConfigFixer.h"

#include <QSet>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

// A site whose WebSocket location (/live/) lacks every WebSocket setting; the profile's URL names
// another path (/app/), so only the endpoint typed in the Config tab marks /live/ as WebSocket
// (a /ws/ location would be recognised by its name alone, with or without the endpoint).
const QByteArray kSite = "server {\n"
                         "    listen 127.0.0.1:8080;\n"
                         "    location /app/ {\n"
                         "        root /srv/www;\n"
                         "    }\n"
                         "    location /live/ {\n"
                         "        proxy_pass http://127.0.0.1:9000;\n"
                         "        proxy_read_timeout 4s;\n"
                         "    }\n"
                         "}\n";

// The Config tab's findings, in the plan's words.
QStringList configTabFindings(const QStringList& endpoint, const QStringList& onlyRules = {})
{
    nginx::ConfigAnalysisRequest r;
    r.text = kSite;
    r.path = QStringLiteral("/etc/nginx/sites-available/chat");
    r.rules.endpointPaths = endpoint;
    r.onlyRules = onlyRules;
    r.load.followIncludes = false;
    const nginx::ConfigReport report = nginx::runConfigAnalysis(r);
    EXPECT_TRUE(report.ok);
    QStringList out;
    for (const nginx::ConfigFinding& f : report.findings)
        if (onlyRules.isEmpty() || onlyRules.contains(f.rule))
            out << QStringLiteral("%1 (%2) line %3: %4").arg(f.rule, f.severity).arg(f.line).arg(f.message);
    return out;
}

QStringList planned(ConfigFixer& fixer, QByteArray* newText = nullptr)
{
    const Result<FixPlan> plan = fixer.plan(kSite, QStringLiteral("/etc/nginx/sites-available/chat"));
    EXPECT_TRUE(plan.ok());
    if (!plan.ok())
        return {};
    if (newText)
        *newText = plan->newText;
    return plan->findings;
}

} // namespace

TEST(HandedFixScope, TheRunbookPlansTheFindingsReviewedWithTheConfigTabsEndpoint)
{
    const QStringList reviewed = configTabFindings({QStringLiteral("/live/")});
    ASSERT_GE(reviewed.size(), 3) << reviewed.join(QLatin1Char('\n')).toStdString();

    // The old handover: the runbook planned with the profile's path and saw fewer findings.
    const auto byProfile = makeDefaultConfigFixer(QStringList{QStringLiteral("/app/")});
    const QStringList old = planned(*byProfile);
    EXPECT_LT(old.size(), reviewed.size()) << old.join(QLatin1Char('\n')).toStdString();

    FixScope scope;
    scope.endpointPaths = {QStringLiteral("/live/")};
    const auto handed = makeDefaultConfigFixer(scope);
    QByteArray fixed;
    EXPECT_EQ(planned(*handed, &fixed), reviewed);
    EXPECT_TRUE(fixed.contains("proxy_set_header Upgrade $http_upgrade;"));
}

TEST(HandedFixScope, FindingsTheUserLeftOutAreNeitherPlannedNorFixed)
{
    const QStringList all = configTabFindings({QStringLiteral("/live/")});
    QSet<QString> rules;
    for (const QString& f : all)
        rules.insert(f.section(QLatin1Char(' '), 0, 0));
    ASSERT_TRUE(rules.contains(QStringLiteral("WS004")) || rules.contains(QStringLiteral("WS005")))
        << all.join(QLatin1Char('\n')).toStdString();
    // Keep only the upgrade-header findings; leave the timeouts out.
    QStringList kept;
    for (const QString& r : rules)
        if (r != QLatin1String("WS004") && r != QLatin1String("WS005"))
            kept << r;
    FixScope scope;
    scope.endpointPaths = {QStringLiteral("/live/")};
    scope.onlyRules = kept;
    const auto handed = makeDefaultConfigFixer(scope);
    QByteArray fixed;
    const QStringList plan = planned(*handed, &fixed);
    EXPECT_EQ(plan, configTabFindings({QStringLiteral("/live/")}, kept));
    const Result<FixPlan> full = handed->plan(kSite, QStringLiteral("/etc/nginx/sites-available/chat"));
    ASSERT_TRUE(full.ok());
    EXPECT_EQ(full->findings.size() + full->leftOut.size(), all.size()) << "the left-out findings are still reported";
    EXPECT_TRUE(fixed.contains("proxy_read_timeout 4s;")) << "the timeout the user left out is not changed";
    EXPECT_TRUE(fixed.contains("$http_upgrade"));
}
