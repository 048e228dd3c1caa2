// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: advice that fits the profile. The stack in front of an endpoint is read from the
// profile, the probes' answers and an nginx -T dump; the advice leaves out other platforms'
// directives and quotes the measured cutoff next to the directive to change.
#include "diagnosis/Diagnosis.h"
#include "diagnosis/ProxyStack.h"
#include "profiles/Profile.h"

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

ProbeResult idleCut(double cutoff)
{
    ProbeResult r;
    r.url = QStringLiteral("ws://127.0.0.1:8080/ws/echo");
    r.httpStatus = 101;
    r.statusLine = QStringLiteral("HTTP/1.1 101 Switching Protocols");
    r.responseHeaders = {{QStringLiteral("Server"), QStringLiteral("nginx/1.22.1")}};
    r.errorPhase = QStringLiteral("hold");
    r.closedBy = ClosedBy::ServerFin;
    r.closeCode = 1006;
    r.idleCutoffS = cutoff;
    r.heldS = cutoff;
    applyDiagnosis(r, {});
    return r;
}

bool anyContains(const QStringList& lines, const QString& needle)
{
    for (const QString& l : lines)
        if (l.contains(needle))
            return true;
    return false;
}

Profile nginxProfile()
{
    Profile p;
    p.name = QStringLiteral("chat");
    p.publicUrl = QStringLiteral("ws://127.0.0.1:8080/ws/echo");
    p.nginx.siteFile = QStringLiteral("/etc/nginx/sites-available/chat");
    return p;
}

} // namespace

TEST(ProxyStack, PlainNginxProfileGetsNoHaproxyOrCloudBulletsAndTheMeasuredCutoff)
{
    const ProbeResult r = idleCut(4.0);
    ASSERT_EQ(r.cause, QStringLiteral("idle_timeout"));
    // The CLI's advice (stack unknown) still names every platform.
    EXPECT_TRUE(anyContains(r.advice, QStringLiteral("timeout tunnel")));
    EXPECT_TRUE(anyContains(r.advice, QStringLiteral("AWS")));

    const ProxyStack stack = detectStack(nginxProfile(), {r});
    EXPECT_EQ(stack.platforms, Platforms(Platform::Nginx));
    EXPECT_FALSE(stack.reasons.isEmpty());
    const QStringList advice = adviceForStack(r, stack);
    EXPECT_FALSE(anyContains(advice, QStringLiteral("HAProxy")));
    EXPECT_FALSE(anyContains(advice, QStringLiteral("AWS")));
    EXPECT_FALSE(anyContains(advice, QStringLiteral("Azure")));
    EXPECT_FALSE(anyContains(advice, QStringLiteral("GCP")));
    // The measured 4.0 s is on the line that names the directive.
    bool quoted = false;
    for (const QString& line : advice)
        quoted = quoted || (line.contains(QStringLiteral("proxy_read_timeout")) && line.contains(QStringLiteral("4.0 s")));
    EXPECT_TRUE(quoted) << advice.join(QLatin1Char('\n')).toStdString();
}

TEST(ProxyStack, ServerHeaderAloneMakesItNginx)
{
    Profile p;
    p.publicUrl = QStringLiteral("ws://127.0.0.1:8080/ws/");
    const ProbeResult r = idleCut(3.0);
    EXPECT_EQ(detectStack(p, {r}).platforms, Platforms(Platform::Nginx));
    // Nothing known at all: every bullet stays (the console cannot tell what applies).
    const ProxyStack unknown = detectStack(p, {});
    EXPECT_FALSE(unknown.known());
    EXPECT_EQ(adviceForStack(r, unknown), r.advice);
}

TEST(ProxyStack, HaproxyAndCloudProfilesGetTheirOwnDirectives)
{
    Profile h;
    h.publicUrl = QStringLiteral("ws://10.0.0.5/ws");
    h.nginx.siteFile = QStringLiteral("/etc/haproxy/haproxy.cfg");
    h.nginx.testCommand = QStringLiteral("haproxy -c -f /etc/haproxy/haproxy.cfg");
    ProbeResult r = idleCut(3.0);
    r.responseHeaders.clear();
    const ProxyStack hs = detectStack(h, {r});
    EXPECT_EQ(hs.platforms, Platforms(Platform::Haproxy));
    const QStringList ha = adviceForStack(r, hs);
    EXPECT_TRUE(anyContains(ha, QStringLiteral("timeout tunnel")));
    EXPECT_FALSE(anyContains(ha, QStringLiteral("proxy_read_timeout")));
    EXPECT_FALSE(anyContains(ha, QStringLiteral("AWS")));

    Profile aws;
    aws.publicUrl = QStringLiteral("wss://chat-123.eu-west-1.elb.amazonaws.com/ws");
    const ProxyStack as = detectStack(aws, {r});
    EXPECT_EQ(as.platforms, Platforms(Platform::Aws));
    const QStringList a = adviceForStack(r, as);
    EXPECT_TRUE(anyContains(a, QStringLiteral("AWS ALB")));
    EXPECT_FALSE(anyContains(a, QStringLiteral("Azure")));
    EXPECT_FALSE(anyContains(a, QStringLiteral("proxy_read_timeout")));

    // HAProxy's own 503 page names it even without a profile field.
    ProbeResult down;
    down.url = QStringLiteral("ws://127.0.0.1:9/ws");
    down.httpStatus = 503;
    down.statusLine = QStringLiteral("HTTP/1.1 503 Service Unavailable");
    down.errorPhase = QStringLiteral("upgrade");
    down.bodyExcerpt = "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n";
    applyDiagnosis(down, {});
    ASSERT_EQ(down.cause, QStringLiteral("service_unavailable"));
    const ProxyStack fromPage = detectStack(Profile(), {down});
    EXPECT_EQ(fromPage.platforms, Platforms(Platform::Haproxy));
    EXPECT_FALSE(anyContains(adviceForStack(down, fromPage), QStringLiteral("Cloud LB")));
}

TEST(ProxyStack, NginxDumpQuotesTheConfiguredTimeoutNextToTheMeasuredOne)
{
    const QByteArray dump = "# configuration file /etc/nginx/nginx.conf:\n"
                            "http { include /etc/nginx/sites-enabled/*; }\n\n"
                            "# configuration file /etc/nginx/sites-enabled/chat:\n"
                            "server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:9000;\n"
                            "        proxy_read_timeout 4s;\n    }\n}\n";
    Profile p;
    p.publicUrl = QStringLiteral("ws://10.0.0.5/ws/");
    const ProbeResult r = idleCut(4.0);
    const ProxyStack s = detectStack(p, {}, dump);
    EXPECT_EQ(s.platforms, Platforms(Platform::Nginx));
    ASSERT_EQ(s.idleDirectives.size(), 1);
    EXPECT_EQ(s.idleDirectives.front().second, QStringLiteral("4s"));
    const QStringList advice = adviceForStack(r, s);
    bool both = false;
    for (const QString& line : advice)
        both = both || (line.contains(QStringLiteral("4.0 s")) && line.contains(QStringLiteral("`proxy_read_timeout 4s;`")));
    EXPECT_TRUE(both) << advice.join(QLatin1Char('\n')).toStdString();
}
