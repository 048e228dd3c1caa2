// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 17: log lines written by the real nginx, HAProxy and uvicorn while the faults happen here (502,
// 504, 403, an upgrade cut at once, an idle tunnel cut, a dead backend), read back by
// `logs --problems`: each is named by its rule, the healthy neighbours are not.
// With SOCKETSCOPE_CAPTURE_DIR set, the captured logs are also written there (that is how
// tests/logs/data/captured/ was made; see its README.md).
#include "lab/Lab.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

#include <memory>

using namespace socketscope;

namespace {

// A backend of its own: answers every WebSocket upgrade with 101, then either closes at once
// (`closeAfterUpgrade`) or stays silent; or accepts and never answers (`silent`).
class FakeBackend : public QObject {
public:
    enum class Mode { UpgradeThenClose, UpgradeThenIdle, Silent };
    explicit FakeBackend(Mode mode) : m_mode(mode)
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* s = m_server.nextPendingConnection()) {
                s->setParent(this);
                auto buffer = std::make_shared<QByteArray>();
                QObject::connect(s, &QTcpSocket::readyRead, s, [this, s, buffer] {
                    *buffer += s->readAll();
                    if (m_mode == Mode::Silent || !buffer->contains("\r\n\r\n"))
                        return;
                    QByteArray key;
                    for (const QByteArray& line : buffer->split('\n'))
                        if (line.toLower().startsWith("sec-websocket-key:"))
                            key = line.mid(18).trimmed();
                    const QByteArray accept = QCryptographicHash::hash(QByteArray(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"),
                                                                       QCryptographicHash::Sha1).toBase64();
                    s->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Accept: " + accept + "\r\n\r\n");
                    buffer->clear();
                    if (m_mode == Mode::UpgradeThenClose)
                        s->disconnectFromHost();
                });
            }
        });
    }
    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    quint16 port() const { return m_server.serverPort(); }

private:
    Mode m_mode;
    QTcpServer m_server;
};

// Sends a WebSocket upgrade request and returns the status line; waits for the close when the
// server closes (or up to `holdMs` with the connection idle).
QByteArray upgrade(quint16 port, const QByteArray& path, int holdMs = 0)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!QTest::qWaitFor([&] { return s.state() == QAbstractSocket::ConnectedState; }, 5000))
        return "no connection";
    s.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            "User-Agent: socketscope-test\r\n\r\n");
    QByteArray got;
    (void)QTest::qWaitFor([&] {
        got += s.readAll();
        return got.contains("\r\n\r\n") || s.state() == QAbstractSocket::UnconnectedState;
    }, 10000);
    const QByteArray status = got.left(got.indexOf("\r\n"));
    // An upgraded connection: until the server closes it (or, held open, until holdMs passed).
    // Any other answer is complete as it is (the connection may be kept alive).
    if (status.contains(" 101 "))
        (void)QTest::qWaitFor([&] { return s.state() == QAbstractSocket::UnconnectedState; }, holdMs > 0 ? holdMs : 5000);
    return status;
}

struct CliRun {
    int code = -1;
    QByteArray out;
    QByteArray err;
};

CliRun problems(const QString& path)
{
    QProcess p;
    p.start(lab::cliPath(), {QStringLiteral("logs"), path, QStringLiteral("--problems"), QStringLiteral("-n")});
    CliRun r;
    if (!p.waitForFinished(30000))
        return r;
    r.code = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

// The rule id each numbered problem line carries, in order ("[nginx.connect-failed]" → id).
QStringList ruleIds(const QByteArray& out)
{
    QStringList ids;
    for (const QByteArray& line : out.split('\n')) {
        const qsizetype open = line.indexOf(":[");
        const qsizetype close = line.indexOf("] ");
        if (open > 0 && close > open)
            ids << QString::fromUtf8(line.mid(open + 2, close - open - 2));
    }
    return ids;
}

void capture(const QString& name, const QByteArray& data)
{
    const QString dir = qEnvironmentVariable("SOCKETSCOPE_CAPTURE_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    lab::writeFile(QDir(dir).filePath(name), data);
}

} // namespace

TEST(RealLogLines, NginxAccessAndErrorLogLinesOfWebSocketFaultsAreNamed)
{
    lab::NginxLab nginx;
    LAB_REQUIRE(lab::NginxLab::skipReason());
    FakeBackend cutAtOnce(FakeBackend::Mode::UpgradeThenClose);
    FakeBackend idle(FakeBackend::Mode::UpgradeThenIdle);
    FakeBackend silent(FakeBackend::Mode::Silent);
    ASSERT_TRUE(cutAtOnce.listen() && idle.listen() && silent.listen());
    const quint16 dead = lab::freePort(); // nothing listens there
    const quint16 port = lab::freePort();
    // $request_time last, so a 101 that ended at once can be told from a long-lived one.
    nginx.writeMainConfig(QStringLiteral(
        "    log_format ws '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent "
        "\"$http_referer\" \"$http_user_agent\" $request_time';\n"
        "    map $http_upgrade $connection_upgrade { default upgrade; '' close; }\n"));
    const QString proxy = QStringLiteral(
        "proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; "
        "proxy_connect_timeout 2s; proxy_read_timeout 1s;");
    nginx.writeSite(QStringLiteral("ws"), QStringLiteral(
        "server {\n"
        "    listen 127.0.0.1:%1;\n"
        "    access_log %2/logs/ws_access.log ws;\n"
        "    location /ws/down { proxy_pass http://127.0.0.1:%3; %6 }\n"
        "    location /ws/slow { proxy_pass http://127.0.0.1:%4; %6 }\n"
        "    location /ws/cut { proxy_pass http://127.0.0.1:%5; %6 }\n"
        "    location /ws/ok { proxy_pass http://127.0.0.1:%7; proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; "
        "proxy_set_header Connection $connection_upgrade; proxy_read_timeout 60s; }\n"
        "    location /ws/forbidden { return 403; }\n"
        "    location /health { return 200 ok; }\n"
        "}\n").arg(port).arg(nginx.prefix()).arg(dead).arg(silent.port()).arg(cutAtOnce.port()).arg(proxy).arg(idle.port()));
    QByteArray log;
    ASSERT_TRUE(nginx.start(&log)) << log.constData();
    ASSERT_TRUE(lab::waitForPort(port));

    EXPECT_TRUE(upgrade(port, "/ws/down").contains(" 502")) ;
    EXPECT_TRUE(upgrade(port, "/ws/slow").contains(" 504"));
    EXPECT_TRUE(upgrade(port, "/ws/forbidden").contains(" 403"));
    EXPECT_TRUE(upgrade(port, "/ws/cut").contains(" 101"));
    EXPECT_TRUE(upgrade(port, "/ws/ok", 1300).contains(" 101")); // open for 1.3 s, closed by the client
    EXPECT_TRUE(upgrade(port, "/health").contains(" 200"));
    const QString access = nginx.prefix() + QStringLiteral("/logs/ws_access.log");
    ASSERT_TRUE(QTest::qWaitFor([&] { return lab::readAll(access).count('\n') >= 6; }, 5000)) << lab::readAll(access).constData();
    nginx.stop();

    const CliRun a = problems(access);
    EXPECT_EQ(a.code, 1) << a.err.constData();
    EXPECT_TRUE(a.err.contains("source: nginx-access")) << a.err.constData();
    EXPECT_EQ(ruleIds(a.out), QStringList({QStringLiteral("access.ws-bad-gateway"), QStringLiteral("access.ws-gateway-timeout"),
                                           QStringLiteral("access.ws-forbidden"), QStringLiteral("access.ws-short-lived")}))
        << a.out.constData() << "\n--- the log:\n" << lab::readAll(access).constData();

    const CliRun e = problems(nginx.errorLog());
    EXPECT_TRUE(e.err.contains("source: nginx-error")) << e.err.constData();
    const QStringList errorIds = ruleIds(e.out);
    EXPECT_TRUE(errorIds.contains(QStringLiteral("nginx.connect-failed"))) << e.out.constData();
    EXPECT_TRUE(errorIds.contains(QStringLiteral("nginx.upstream-timed-out"))) << e.out.constData();
    capture(QStringLiteral("nginx-ws_access.log"), lab::readAll(access));
    capture(QStringLiteral("nginx-error.log"), lab::readAll(nginx.errorLog()));
}

TEST(RealLogLines, HaproxyHttpLogLinesOfWebSocketFaultsAreNamed)
{
    lab::HaproxyLab haproxy;
    LAB_REQUIRE(lab::HaproxyLab::skipReason());
    FakeBackend idle(FakeBackend::Mode::UpgradeThenIdle);
    FakeBackend silent(FakeBackend::Mode::Silent);
    ASSERT_TRUE(idle.listen() && silent.listen());
    const quint16 dead = lab::freePort();
    const quint16 port = lab::freePort();
    haproxy.writeConfig(QStringLiteral(
        "global\n"
        "    log stdout format raw local0\n"
        "defaults\n"
        "    mode http\n"
        "    log global\n"
        "    option httplog\n"
        "    retries 0\n"
        "    timeout connect 1s\n"
        "    timeout client 5s\n"
        "    timeout server 1s\n"
        "    timeout tunnel 1s\n"
        "frontend fe\n"
        "    bind 127.0.0.1:%1\n"
        "    use_backend down if { path_beg /ws/down }\n"
        "    use_backend slow if { path_beg /ws/slow }\n"
        "    default_backend be\n"
        "backend be\n"
        "    server s1 127.0.0.1:%2\n"
        "backend slow\n"
        "    server s1 127.0.0.1:%3\n"
        "backend down\n"
        "    server s1 127.0.0.1:%4\n").arg(port).arg(idle.port()).arg(silent.port()).arg(dead));
    QByteArray check;
    ASSERT_TRUE(haproxy.check(&check)) << check.constData();
    ASSERT_TRUE(haproxy.start());
    ASSERT_TRUE(lab::waitForPort(port));

    EXPECT_TRUE(upgrade(port, "/ws/idle", 5000).contains(" 101")); // the 1 s tunnel timeout cuts it
    EXPECT_TRUE(upgrade(port, "/ws/slow").contains(" 504"));
    EXPECT_TRUE(upgrade(port, "/ws/down").contains(" 503"));
    QByteArray output; // output() hands out what arrived since the last call
    ASSERT_TRUE(QTest::qWaitFor([&] { return (output += haproxy.output()).count("\"GET /ws/") >= 3; }, 5000)) << output.constData();
    haproxy.stop();

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("haproxy.log"));
    QByteArray lines;
    for (const QByteArray& line : output.split('\n'))
        if (line.contains("\"GET /ws/"))
            lines += line + '\n';
    ASSERT_TRUE(lab::writeFile(path, lines));
    const CliRun r = problems(path);
    EXPECT_EQ(r.code, 1) << r.err.constData();
    EXPECT_TRUE(r.err.contains("source: haproxy")) << r.err.constData();
    EXPECT_EQ(ruleIds(r.out), QStringList({QStringLiteral("haproxy.client-timeout"), QStringLiteral("haproxy.server-header-timeout"),
                                           QStringLiteral("haproxy.server-connect-failed")}))
        << r.out.constData() << "\n--- the log:\n" << lines.constData();
    capture(QStringLiteral("haproxy.log"), lines);
}

// Debian's uvicorn (python3-uvicorn, no pip) serving a bare ASGI app: its own lines for a refused
// WebSocket (403) and a handler that raised before accepting (500) are named; an accepted one is not.
TEST(RealLogLines, UvicornLinesOfRefusedWebSocketsAreNamed)
{
    const QString python = QStringLiteral("/usr/bin/python3");
    LAB_REQUIRE(lab::runProgram(python, {QStringLiteral("-c"), QStringLiteral("import uvicorn, websockets")}) == 0
                    ? QString()
                    : QStringLiteral("uvicorn is not installed: apt-get install python3-uvicorn"));
    const quint16 port = lab::freePort();
    lab::Daemon uvicorn;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PYTHONDONTWRITEBYTECODE"), QStringLiteral("1")); // no __pycache__ in the source tree
    ASSERT_TRUE(uvicorn.start(python, {QStringLiteral("-m"), QStringLiteral("uvicorn"), QStringLiteral("ws_app:app"), QStringLiteral("--host"),
                                       QStringLiteral("127.0.0.1"), QStringLiteral("--port"), QString::number(port), QStringLiteral("--ws"),
                                       QStringLiteral("websockets")},
                              QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/logs/data/asgi"), env));
    QByteArray output; // output() hands out what arrived since the last call
    ASSERT_TRUE(QTest::qWaitFor([&] { return (output += uvicorn.output()).contains("Uvicorn running"); }, 20000)) << output.constData();
    EXPECT_TRUE(upgrade(port, "/ws/echo", 300).contains(" 101"));
    EXPECT_TRUE(upgrade(port, "/ws/forbidden").contains(" 403"));
    EXPECT_TRUE(upgrade(port, "/ws/boom").contains(" 500"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return (output += uvicorn.output()).contains("RuntimeError"); }, 10000)) << output.constData();
    uvicorn.stop();

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("uvicorn.log"));
    ASSERT_TRUE(lab::writeFile(path, output));
    const CliRun r = problems(path);
    EXPECT_EQ(r.code, 1) << r.err.constData();
    EXPECT_TRUE(r.err.contains("source: python")) << r.err.constData();
    EXPECT_EQ(ruleIds(r.out), QStringList({QStringLiteral("python.ws-rejected"), QStringLiteral("python.asgi-exception")}))
        << r.out.constData() << "\n--- the log:\n" << output.constData();
    capture(QStringLiteral("uvicorn.log"), output);
}
