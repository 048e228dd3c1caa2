// SPDX-License-Identifier: GPL-3.0-or-later
// Probe engine benchmarks, each next to a reference measured in the same run:
//  1. one probe's echo RTT vs a raw TCP round trip of the same size (goal: ≤ 35 µs added, median);
//  2. 500 concurrent probes at 1 Hz through a real nginx (goal: p99 echo RTT ≤ 0.5 ms on loopback).
// Usage: probe_bench [--echo N] [--probes N] [--seconds S]
#include "probe/FrameParser.h"
#include "probe/ProbeEngine.h"
#include "probe/WsHandshake.h"
#include "server/ReferenceServer.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QNetworkProxy>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace socketscope;

namespace {

double percentile(QVector<double> v, double p)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto rank = qsizetype(std::ceil(p / 100.0 * double(v.size())));
    return v.at(std::clamp<qsizetype>(rank - 1, 0, v.size() - 1));
}

// Echo servers on their own thread: raw TCP bytes, or a minimal RFC 6455 server (unmask, echo),
// so that the probe-vs-raw difference is the client's cost, not a heavier server's.
class EchoServer : public QTcpServer {
public:
    explicit EchoServer(bool websocket) : m_ws(websocket) {}

protected:
    void incomingConnection(qintptr fd) override
    {
        auto* s = new QTcpSocket(this);
        s->setSocketDescriptor(fd);
        s->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        if (!m_ws) {
            connect(s, &QTcpSocket::readyRead, s, [s] { s->write(s->readAll()); });
            return;
        }
        auto buf = std::make_shared<QByteArray>();
        auto upgraded = std::make_shared<bool>(false);
        connect(s, &QTcpSocket::readyRead, s, [s, buf, upgraded] {
            *buf += s->readAll();
            if (!*upgraded) {
                const qsizetype end = buf->indexOf("\r\n\r\n");
                if (end < 0)
                    return;
                QByteArray key;
                for (const QByteArray& line : buf->left(end).split('\n')) {
                    if (line.toLower().startsWith("sec-websocket-key:"))
                        key = line.mid(18).trimmed();
                }
                buf->remove(0, end + 4);
                *upgraded = true;
                s->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: " + wshandshake::acceptFor(key) + "\r\n\r\n");
            }
            while (buf->size() >= 2) {
                const auto* p = reinterpret_cast<const unsigned char*>(buf->constData());
                const quint8 op = p[0] & 0x0F;
                quint64 len = p[1] & 0x7Fu;
                qsizetype off = 2;
                if (len == 126) {
                    if (buf->size() < 4)
                        return;
                    len = (quint64(p[2]) << 8) | p[3];
                    off = 4;
                }
                if (buf->size() < off + 4 + qsizetype(len))
                    return;
                QByteArray payload = buf->mid(off + 4, qsizetype(len));
                const QByteArray mask = buf->mid(off, 4);
                for (qsizetype i = 0; i < payload.size(); ++i)
                    payload[i] = char(payload[i] ^ mask[i % 4]);
                buf->remove(0, off + 4 + qsizetype(len));
                if (op == 0x9) {
                    s->write(FrameWriter::unmaskedFrame(0xA, payload));
                } else if (op == 0x8) {
                    s->write(FrameWriter::unmaskedFrame(0x8, payload));
                    s->disconnectFromHost();
                    return;
                } else {
                    s->write(FrameWriter::unmaskedFrame(op, payload));
                }
            }
        });
    }

private:
    bool m_ws;
};

template <typename Server>
struct ServerThread {
    QThread thread;
    Server* server = nullptr;
    quint16 port = 0;
    template <typename... Args>
    explicit ServerThread(Args... args)
    {
        server = new Server(args...);
        server->moveToThread(&thread);
        thread.start();
        QMetaObject::invokeMethod(server, [this] { server->listen(QHostAddress::LocalHost, 0); port = server->serverPort(); },
                                  Qt::BlockingQueuedConnection);
    }
    ~ServerThread()
    {
        QMetaObject::invokeMethod(server, [this] { delete server; }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
    }
};

struct RefServerThread {
    QThread thread;
    ReferenceServer* server = nullptr;
    QString url;
    quint16 port = 0;
    RefServerThread()
    {
        server = new ReferenceServer;
        server->moveToThread(&thread);
        thread.start();
        QMetaObject::invokeMethod(server, [this] {
            (void)server->listen(QHostAddress::LocalHost, 0);
            url = server->echoUrl();
            port = server->port();
        }, Qt::BlockingQueuedConnection);
    }
    ~RefServerThread()
    {
        QMetaObject::invokeMethod(server, [this] { delete server; }, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
    }
};

QVector<double> rawTcpRtts(quint16 port, int count, int size)
{
    QTcpSocket s;
    s.setProxy(QNetworkProxy::NoProxy);
    s.connectToHost(QHostAddress::LocalHost, port);
    s.waitForConnected(3000);
    s.setSocketOption(QAbstractSocket::LowDelayOption, 1);
    QVector<double> out;
    const QByteArray payload(size, 'x');
    QElapsedTimer t;
    for (int i = 0; i < count; ++i) {
        t.start();
        s.write(payload);
        qsizetype got = 0;
        while (got < size && s.waitForReadyRead(3000))
            got += s.readAll().size();
        out << double(t.nsecsElapsed()) / 1e6;
    }
    return out;
}

ProbeResult runOne(ProbeEngine& engine, const ProbeOptions& o)
{
    ProbeResult result;
    QEventLoop loop;
    QObject::connect(&engine, &ProbeEngine::finished, &loop, [&](quint64, const ProbeResult& r) {
        result = r;
        loop.quit();
    });
    engine.start(o);
    loop.exec();
    return result;
}

void benchRtt(int echoCount)
{
    std::printf("== 1. echo RTT: probe vs raw TCP round trip (32-byte messages, %d each, same run)\n", echoCount);
    ServerThread<EchoServer> raw(false);
    ServerThread<EchoServer> ws(true);
    RefServerThread ref;
    ProbeEngine engine;
    ProbeOptions o;
    o.echoCount = echoCount;
    o.echoSize = 32;
    // Warm up both paths once.
    rawTcpRtts(raw.port, 200, 32);
    o.url = QStringLiteral("ws://127.0.0.1:%1/").arg(ws.port);
    runOne(engine, o);
    QVector<double> rawAll, probeAll, refAll;
    for (int round = 0; round < 5; ++round) { // interleaved so machine noise hits both alike
        rawAll += rawTcpRtts(raw.port, echoCount, 32);
        o.url = QStringLiteral("ws://127.0.0.1:%1/").arg(ws.port);
        probeAll += runOne(engine, o).echoRtt.samples;
        o.url = ref.url;
        refAll += runOne(engine, o).echoRtt.samples;
    }
    const double rawMed = percentile(rawAll, 50) * 1000, probeMed = percentile(probeAll, 50) * 1000;
    std::printf("raw TCP round trip      n=%lld median %.1f us  p95 %.1f us\n", qlonglong(rawAll.size()), rawMed,
                percentile(rawAll, 95) * 1000);
    std::printf("probe echo (min. WS)    n=%lld median %.1f us  p95 %.1f us\n", qlonglong(probeAll.size()), probeMed,
                percentile(probeAll, 95) * 1000);
    std::printf("probe echo (reference server, QWebSocket) n=%lld median %.1f us  p95 %.1f us\n", qlonglong(refAll.size()),
                percentile(refAll, 50) * 1000, percentile(refAll, 95) * 1000);
    std::printf("added by the probe at the median: %.1f us (goal <= 35 us)\n\n", probeMed - rawMed);
}

bool startNginx(QTemporaryDir& dir, quint16 listen, quint16 backend)
{
    QDir(dir.path()).mkpath(QStringLiteral("logs"));
    QFile::setPermissions(dir.path(), QFile::permissions(dir.path()) | QFileDevice::ReadOther | QFileDevice::ExeOther);
    QFile conf(dir.filePath(QStringLiteral("nginx.conf")));
    if (!conf.open(QIODevice::WriteOnly))
        return false;
    conf.write(QStringLiteral(
        "worker_processes 1;\npid %1/logs/nginx.pid;\nerror_log %1/logs/error.log warn;\n"
        "events { worker_connections 8192; }\n"
        "http {\n access_log off;\n client_body_temp_path %1/tmp_cb;\n proxy_temp_path %1/tmp_p;\n"
        " fastcgi_temp_path %1/tmp_f;\n uwsgi_temp_path %1/tmp_u;\n scgi_temp_path %1/tmp_s;\n"
        " server {\n  listen 127.0.0.1:%2 backlog=4096;\n  location / {\n   proxy_pass http://127.0.0.1:%3;\n"
        "   proxy_http_version 1.1;\n   proxy_set_header Upgrade $http_upgrade;\n   proxy_set_header Connection \"upgrade\";\n"
        "  }\n }\n}\n").arg(dir.path()).arg(listen).arg(backend).toUtf8());
    conf.close();
    return QProcess::execute(QStringLiteral("/usr/sbin/nginx"),
                             {QStringLiteral("-p"), dir.path() + QLatin1Char('/'), QStringLiteral("-c"), QStringLiteral("nginx.conf")})
        == 0;
}

void stopNginx(QTemporaryDir& dir)
{
    QProcess::execute(QStringLiteral("/usr/sbin/nginx"), {QStringLiteral("-p"), dir.path() + QLatin1Char('/'), QStringLiteral("-c"),
                                                         QStringLiteral("nginx.conf"), QStringLiteral("-s"), QStringLiteral("stop")});
}

quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

void benchConcurrent(int probes, int seconds)
{
    std::printf("== 2. %d concurrent probes at 1 Hz through nginx for %d s (connect, upgrade, 1 echo, close)\n", probes, seconds);
    if (!QFile::exists(QStringLiteral("/usr/sbin/nginx"))) {
        std::printf("nginx not installed: skipped\n");
        return;
    }
    ServerThread<EchoServer> backend(true);
    QTemporaryDir dir;
    const quint16 port = freePort();
    if (!startNginx(dir, port, backend.port)) {
        std::printf("nginx did not start\n");
        return;
    }
    QThread::msleep(200);
    // Reference in the same run: one probe alone through the same nginx.
    ProbeEngine engine;
    ProbeOptions o;
    o.url = QStringLiteral("ws://127.0.0.1:%1/").arg(port);
    o.timeoutS = 5;
    QVector<double> alone;
    for (int i = 0; i < 50; ++i)
        alone += runOne(engine, o).echoRtt.samples;

    QVector<double> rtts, upgrades;
    int started = 0, finished = 0, failed = 0;
    QHash<QString, int> causes;
    const int total = probes * seconds;
    QEventLoop loop;
    QObject::connect(&engine, &ProbeEngine::finished, &loop, [&](quint64, const ProbeResult& r) {
        ++finished;
        if (r.ok) {
            rtts += r.echoRtt.samples;
            if (r.timings.upgrade)
                upgrades << *r.timings.upgrade;
        } else {
            ++failed;
            ++causes[r.cause];
        }
        if (finished == total)
            loop.quit();
    });
    // Spread each second's probes evenly: 1 Hz per probe, not a thundering herd.
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    const int intervalUs = 1000000 / probes;
    QElapsedTimer clock;
    clock.start();
    QObject::connect(&tick, &QTimer::timeout, &loop, [&] {
        const qint64 due = clock.nsecsElapsed() / 1000 / intervalUs + 1;
        while (started < total && started < due) {
            engine.start(o);
            ++started;
        }
        if (started >= total)
            tick.stop();
    });
    tick.start(1);
    QTimer::singleShot((seconds + 30) * 1000, &loop, &QEventLoop::quit);
    loop.exec();
    stopNginx(dir);
    std::printf("reference: one probe alone through nginx  n=%lld median %.3f ms  p99 %.3f ms\n", qlonglong(alone.size()),
                percentile(alone, 50), percentile(alone, 99));
    std::printf("under load: probes %d finished %d failed %d  echo RTT median %.3f ms  p99 %.3f ms  max %.3f ms\n", total,
                finished, failed, percentile(rtts, 50), percentile(rtts, 99), percentile(rtts, 100));
    std::printf("under load: upgrade median %.3f ms  p99 %.3f ms   (goal: p99 echo RTT <= 0.5 ms)\n", percentile(upgrades, 50),
                percentile(upgrades, 99));
    for (auto it = causes.cbegin(); it != causes.cend(); ++it)
        std::printf("  failures: %s x%d\n", qPrintable(it.key()), it.value());
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto arg = [&](const char* name, int fallback) {
        const qsizetype i = args.indexOf(QString::fromLatin1(name));
        return i >= 0 && i + 1 < args.size() ? args.at(i + 1).toInt() : fallback;
    };
    std::printf("probe_bench: %d cores, Qt %s\n\n", QThread::idealThreadCount(), qVersion());
    benchRtt(arg("--echo", 2000));
    benchConcurrent(arg("--probes", 500), arg("--seconds", 10));
    return 0;
}
