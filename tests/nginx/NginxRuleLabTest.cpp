// SPDX-License-Identifier: GPL-3.0-or-later
// The rules that claim nginx behaviour, judged by nginx itself rather than by the analyzer: for
// WS001 (HTTP/1.0 upstream), WS002 (no Upgrade), WS003 (no Connection) and WS009 (a location's own
// proxy_set_header hides the inherited upgrade headers), a real nginx in front of a real WebSocket
// backend refuses the upgrade with the broken site, and answers 101 with an echo round trip after
// the real fixer's edit, nginx -t and a reload. Two backends: Debian's python3-websockets
// (independent of this code base: it answers 400/426) and our ReferenceServer (Qt; it drops a
// request it cannot upgrade, so nginx answers 502). A status the rule's message names must be the
// one nginx really gives. The fixer's diff is checked with the
// real `patch` (applied to the original it gives the fixed file), and the analyzer reads the real
// `nginx -T` dump of the broken site the way an operator feeds it (socketscope-cli --nginx-T).
#include "lab/Lab.h"
#include "nginx/NginxAnalyzer.h"
#include "nginx/NginxFixer.h"
#include "server/ReferenceServer.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QWebSocket>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::nginx;

namespace {

struct RuleCase {
    const char* rule;
    const char* serverLines;   // server-level directives
    const char* locationLines; // the /ws/ location's directives after proxy_pass
    int line;                  // where the rule belongs: the location (3), or the hiding proxy_set_header (8)
};

// Everything else in the location is right (timeouts, buffering), so each case breaks one thing.
const char* const kRest = "        proxy_read_timeout 3600s;\n"
                          "        proxy_send_timeout 3600s;\n"
                          "        proxy_buffering off;\n"
                          "        proxy_request_buffering off;\n";

const RuleCase kCases[] = {
    {"WS001", "",
     "        proxy_set_header Upgrade $http_upgrade;\n"
     "        proxy_set_header Connection \"upgrade\";\n", 3},
    {"WS002", "",
     "        proxy_http_version 1.1;\n"
     "        proxy_set_header Connection \"upgrade\";\n", 3},
    {"WS003", "",
     "        proxy_http_version 1.1;\n"
     "        proxy_set_header Upgrade $http_upgrade;\n", 3},
    {"WS009",
     "    proxy_set_header Upgrade $http_upgrade;\n"
     "    proxy_set_header Connection \"upgrade\";\n",
     "        proxy_http_version 1.1;\n"
     "        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n", 8},
};

QString site(const RuleCase& c, quint16 port, quint16 backend)
{
    return QStringLiteral("server {\n"
                          "    listen 127.0.0.1:%1;\n"
                          "%3"
                          "    location /ws/ {\n"
                          "        proxy_pass http://127.0.0.1:%2;\n"
                          "%4%5"
                          "    }\n"
                          "}\n")
        .arg(port)
        .arg(backend)
        .arg(QString::fromLatin1(c.serverLines), QString::fromLatin1(c.locationLines), QString::fromLatin1(kRest));
}

enum class Backend { PythonWebsockets, ReferenceServer };

using Param = std::tuple<RuleCase, Backend>;

std::string caseName(const testing::TestParamInfo<Param>& info)
{
    return std::string(std::get<0>(info.param).rule)
           + (std::get<1>(info.param) == Backend::PythonWebsockets ? "_python_websockets" : "_ReferenceServer");
}

// The backend of one test: a ws_peer.py echo process or an in-process ReferenceServer.
class EchoBackend {
public:
    bool start(Backend kind)
    {
        if (kind == Backend::ReferenceServer) {
            if (!m_reference.listen(QHostAddress::LocalHost, 0).ok())
                return false;
            m_port = m_reference.port();
            return true;
        }
        m_port = lab::freePort();
        return m_peer.start(QStringLiteral("/usr/bin/python3"), {QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/proxylab/ws_peer.py"),
                                                                 QStringLiteral("echo"), QString::number(m_port)})
               && lab::waitForPort(m_port);
    }
    quint16 port() const { return m_port; }

private:
    ReferenceServer m_reference;
    lab::Daemon m_peer;
    quint16 m_port = 0;
};

class NginxRuleLab : public testing::TestWithParam<Param> {};

} // namespace

TEST_P(NginxRuleLab, BrokenSiteRefusesTheUpgradeThroughNginxAndTheFixedOneAnswers101)
{
    const RuleCase& c = std::get<0>(GetParam());
    const Backend kind = std::get<1>(GetParam());
    const QString rule = QString::fromLatin1(c.rule);
    LAB_REQUIRE(lab::NginxLab::skipReason());
    LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/patch"), QStringLiteral("patch")));
    if (kind == Backend::PythonWebsockets)
        LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/python3"), QStringLiteral("python3-websockets")));
    lab::NginxLab nginxLab;
    EchoBackend backend;
    ASSERT_TRUE(backend.start(kind));
    const quint16 port = lab::freePort();
    const QString broken = site(c, port, backend.port());
    const QString sitePath = nginxLab.prefix() + QStringLiteral("/sites-available/app");
    nginxLab.writeMainConfig();
    nginxLab.writeSite(QStringLiteral("app"), broken);
    QByteArray log;
    ASSERT_TRUE(nginxLab.start(&log)) << log.toStdString();
    ASSERT_TRUE(lab::waitForPort(port));

    // nginx's verdict on the broken site: the backend never sees a valid upgrade. Python's
    // websockets refuses it itself (400/426); the ReferenceServer drops it and nginx says 502.
    const int refused = lab::handshakeStatus(port);
    if (kind == Backend::PythonWebsockets) {
        EXPECT_TRUE(refused == 400 || refused == 426) << c.rule << ": status " << refused << "\n" << broken.toStdString();
    } else {
        EXPECT_TRUE(refused == 400 || refused == 426 || refused == 502) << c.rule << ": status " << refused << "\n" << broken.toStdString();
    }

    // The analyzer, fed the real `nginx -T` dump (as `nginx -T | socketscope-cli lint nginx - --nginx-T`),
    // told the endpoint path as a profile tells it (WS002's location has no Upgrade header to show intent).
    QByteArray dump;
    ASSERT_EQ(lab::runProgram(lab::nginxProgram(), QStringList{QStringLiteral("-T")} + nginxLab.baseArgs(), &dump), 0)
        << dump.toStdString();
    QProcess cli;
    cli.start(lab::cliPath(), {QStringLiteral("lint"), QStringLiteral("nginx"), QStringLiteral("-"), QStringLiteral("--nginx-T"),
                               QStringLiteral("--endpoint"), QStringLiteral("/ws/echo"), QStringLiteral("--json")});
    ASSERT_TRUE(cli.waitForStarted(10000));
    cli.write(dump);
    cli.closeWriteChannel();
    ASSERT_TRUE(cli.waitForFinished(60000));
    QStringList reported;
    QString message;
    const QJsonArray findings = QJsonDocument::fromJson(cli.readAllStandardOutput()).array();
    for (const auto& v : findings) {
        const QJsonObject o = v.toObject();
        reported << QStringLiteral("%1@%2").arg(o.value(QStringLiteral("rule")).toString()).arg(o.value(QStringLiteral("line")).toInt());
        if (o.value(QStringLiteral("rule")).toString() == rule)
            message = o.value(QStringLiteral("message")).toString();
    }
    EXPECT_TRUE(reported.contains(QStringLiteral("%1@%2").arg(rule).arg(c.line))) << reported.join(QLatin1Char(' ')).toStdString();
    // When the message tells the user which status to expect, nginx must really give one of them.
    QStringList named;
    for (const QRegularExpressionMatch& m : QRegularExpression(QStringLiteral("\\b[45]\\d\\d\\b")).globalMatch(message))
        named << m.captured(0);
    if (!named.isEmpty()) {
        EXPECT_TRUE(named.contains(QString::number(refused))) << "nginx gave " << refused << "; the message says: " << message.toStdString();
    }

    // The real fixer, only for this rule.
    FixOptions options;
    options.onlyRules = {rule};
    options.rules.endpointPaths = {QStringLiteral("/ws/echo")};
    options.load.followIncludes = false;
    const FixResult r = NginxFixer::fix(broken.toUtf8(), sitePath, options);
    ASSERT_TRUE(r.ok) << r.error.toStdString();
    EXPECT_TRUE(r.fixedRules.contains(rule)) << r.fixedRules.join(QLatin1Char(' ')).toStdString();

    // Its diff, applied by the real patch to the original, gives exactly the fixed file.
    QTemporaryDir tmp;
    const QString original = tmp.filePath(QStringLiteral("app"));
    const QString patchFile = tmp.filePath(QStringLiteral("fix.diff"));
    ASSERT_TRUE(lab::writeFile(original, broken.toUtf8()));
    ASSERT_TRUE(lab::writeFile(patchFile, r.diff));
    QByteArray patchOut;
    EXPECT_EQ(lab::runProgram(QStringLiteral("/usr/bin/patch"), {QStringLiteral("--batch"), QStringLiteral("--no-backup-if-mismatch"),
                                                                  original, patchFile}, &patchOut), 0)
        << patchOut.toStdString() << "\n" << r.diff.toStdString();
    EXPECT_EQ(lab::readAll(original), r.newText) << r.diff.toStdString();

    // nginx's verdict on the fixed site: nginx -t, reload, then a real upgrade and echo.
    nginxLab.writeSite(QStringLiteral("app"), QString::fromUtf8(r.newText));
    ASSERT_TRUE(nginxLab.test(&log)) << log.toStdString() << r.newText.toStdString();
    ASSERT_TRUE(nginxLab.reloadAndWaitForNewWorkers(&log)) << log.toStdString();
    EXPECT_EQ(lab::handshakeStatus(port), 101) << r.newText.toStdString();
    QWebSocket client;
    QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
    QSignalSpy connected(&client, &QWebSocket::connected);
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(port)));
    ASSERT_TRUE(lab::waitForCount(connected, 1, 10000)) << client.errorString().toStdString();
    const QString hello = QStringLiteral("fixed %1").arg(rule);
    client.sendTextMessage(hello);
    // The ReferenceServer greets first; either backend echoes.
    const auto echoed = [&] {
        for (const QList<QVariant>& t : texts) {
            if (t.at(0).toString() == hello)
                return true;
        }
        return false;
    };
    QDeadlineTimer deadline(10000);
    while (!echoed() && !deadline.hasExpired())
        texts.wait(100);
    EXPECT_TRUE(echoed());
    client.close();
}

INSTANTIATE_TEST_SUITE_P(Rules, NginxRuleLab,
                         testing::Combine(testing::ValuesIn(kCases), testing::Values(Backend::PythonWebsockets, Backend::ReferenceServer)),
                         caseName);

// WS005's message (issue 11): proxy_send_timeout is about writing to the backend, and nginx arms
// it only while such a write is blocked; an idle tunnel is closed by proxy_read_timeout. Checked
// on the real nginx: with proxy_send_timeout 1s an idle WebSocket is still open and echoing after
// 3 s, while with proxy_read_timeout 1s the same idle WebSocket is closed.
TEST(NginxTimeoutLab, IdleTunnelOutlivesProxySendTimeoutNotProxyReadTimeout)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/python3"), QStringLiteral("python3-websockets")));
    EchoBackend backend;
    ASSERT_TRUE(backend.start(Backend::PythonWebsockets));
    for (const bool shortSend : {true, false}) {
        lab::NginxLab nginxLab;
        const quint16 port = lab::freePort();
        const QString site = QStringLiteral("server {\n"
                                            "    listen 127.0.0.1:%1;\n"
                                            "    location /ws/ {\n"
                                            "        proxy_pass http://127.0.0.1:%2;\n"
                                            "        proxy_http_version 1.1;\n"
                                            "        proxy_set_header Upgrade $http_upgrade;\n"
                                            "        proxy_set_header Connection \"upgrade\";\n"
                                            "        proxy_send_timeout %3;\n"
                                            "        proxy_read_timeout %4;\n"
                                            "    }\n"
                                            "}\n")
                                 .arg(port)
                                 .arg(backend.port())
                                 .arg(shortSend ? QStringLiteral("1s") : QStringLiteral("30s"),
                                      shortSend ? QStringLiteral("30s") : QStringLiteral("1s"));
        nginxLab.writeMainConfig();
        nginxLab.writeSite(QStringLiteral("app"), site);
        QByteArray log;
        ASSERT_TRUE(nginxLab.start(&log)) << log.toStdString();
        ASSERT_TRUE(lab::waitForPort(port));
        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy disconnected(&client, &QWebSocket::disconnected);
        QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
        client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(port)));
        ASSERT_TRUE(lab::waitForCount(connected, 1, 10000)) << client.errorString().toStdString();
        // Idle: nothing is sent either way for 3 s.
        const bool closedWhileIdle = disconnected.wait(3000);
        if (shortSend) {
            EXPECT_FALSE(closedWhileIdle) << "proxy_send_timeout 1s closed an idle tunnel";
            client.sendTextMessage(QStringLiteral("still open"));
            EXPECT_TRUE(lab::waitForCount(texts, 1, 10000));
            if (!texts.isEmpty()) {
                EXPECT_EQ(texts.back().at(0).toString(), QStringLiteral("still open"));
            }
        } else {
            EXPECT_TRUE(closedWhileIdle || lab::waitForCount(disconnected, 1, 10000)) << "proxy_read_timeout 1s kept an idle tunnel";
        }
        client.abort();
    }
}
