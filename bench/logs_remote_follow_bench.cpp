// SPDX-License-Identifier: GPL-3.0-or-later
// logs_remote_follow_bench: remote follow (`tail -n 0 -F` over SSH, RemoteLogSource + LogSession)
// against a real sshd started here on 127.0.0.1 with its own host key and config, next to
// OpenSSH's `ssh HOST cat FILE` moving the same bytes in the same run. Needs root (the sshd logs
// in as root with a throw-away key) and /usr/sbin/sshd; prints why and exits 0 otherwise.
//
//   logs_remote_follow_bench [--lines N]
#include "logs/LogSession.h"
#include "logs/RemoteLogSource.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>

#if defined(Q_OS_UNIX)
#include <unistd.h>
#endif

using namespace socketscope;
using namespace socketscope::logs;

namespace {

bool run(const QString& program, const QStringList& args)
{
    QProcess p;
    p.start(program, args);
    return p.waitForFinished(60000) && p.exitCode() == 0;
}

quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

bool waitFor(const std::function<bool()>& condition, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!condition()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    }
    return true;
}

QByteArray lineText(qint64 i)
{
    return QStringLiteral("2026/01/28 10:03:%1 [error] 1234#1234: *%2 upstream timed out (110: Connection timed out) while proxying upgraded connection, client: 10.0.0.7\n")
        .arg(i % 60, 2, 10, QLatin1Char('0'))
        .arg(i)
        .toUtf8();
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    qint64 total = 1000000;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); ++i)
        if (args[i] == QLatin1String("--lines"))
            total = args[i + 1].toLongLong();
#if defined(Q_OS_UNIX)
    if (::geteuid() != 0 || !QFile::exists(QStringLiteral("/usr/sbin/sshd"))) {
        std::printf("skipped: needs root and /usr/sbin/sshd\n");
        return 0;
    }
#else
    std::printf("skipped: POSIX only\n");
    return 0;
#endif
    QTemporaryDir dir;
    const QString d = dir.path();
    QDir().mkpath(QStringLiteral("/run/sshd"));
    if (!run(QStringLiteral("ssh-keygen"), {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"), QString(),
                                             QStringLiteral("-f"), d + QStringLiteral("/hostkey")})
        || !run(QStringLiteral("ssh-keygen"), {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"), QString(),
                                                QStringLiteral("-f"), d + QStringLiteral("/clientkey")})) {
        std::printf("ssh-keygen failed\n");
        return 2;
    }
    QFile::copy(d + QStringLiteral("/clientkey.pub"), d + QStringLiteral("/authorized_keys"));
    const quint16 port = freePort();
    QFile conf(d + QStringLiteral("/sshd_config"));
    conf.open(QIODevice::WriteOnly);
    conf.write(QStringLiteral("Port %1\nListenAddress 127.0.0.1\nHostKey %2/hostkey\nPidFile %2/sshd.pid\n"
                              "AuthorizedKeysFile %2/authorized_keys\nStrictModes no\nPermitRootLogin prohibit-password\n"
                              "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nAllowUsers root\n")
                   .arg(port)
                   .arg(d)
                   .toUtf8());
    conf.close();
    QProcess sshd;
    sshd.start(QStringLiteral("/usr/sbin/sshd"), {QStringLiteral("-D"), QStringLiteral("-f"), conf.fileName(), QStringLiteral("-E"),
                                                  d + QStringLiteral("/sshd.log")});
    if (!waitFor([&] {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, port);
            return s.waitForConnected(100);
        }, 10000)) {
        std::printf("sshd did not start\n");
        return 2;
    }
    QFile hostPub(d + QStringLiteral("/hostkey.pub"));
    hostPub.open(QIODevice::ReadOnly);
    const QList<QByteArray> parts = hostPub.readAll().split(' ');
    QFile known(d + QStringLiteral("/known_hosts"));
    known.open(QIODevice::WriteOnly);
    known.write(QStringLiteral("[127.0.0.1]:%1 ").arg(port).toUtf8() + parts.value(0) + ' ' + parts.value(1) + '\n');
    known.close();

    SshTarget target;
    target.host = QStringLiteral("127.0.0.1");
    target.port = port;
    target.user = QStringLiteral("root");
    target.auth = SshTarget::Auth::KeyFile;
    target.keyFile = d + QStringLiteral("/clientkey");
    target.appKnownHostsFile = known.fileName();
    target.userKnownHostsFile = d + QStringLiteral("/user_known_hosts");

    const QString path = d + QStringLiteral("/live.log");
    QFile log(path);
    log.open(QIODevice::WriteOnly);
    log.write(lineText(0));
    log.flush();

    LogSession session;
    session.setRules(RuleSet()); // measure the follow, not the problem scan
    session.open(std::make_unique<RemoteLogSource>(target, path, RemoteLogSource::Mode::Follow, 1));
    if (!waitFor([&] { return session.lineCount() >= 1; }, 20000)) {
        std::printf("remote follow did not start\n");
        return 2;
    }

    // 1. Throughput: lines appended as fast as a writer can, until all are indexed here.
    QElapsedTimer clock;
    clock.start();
    std::thread writer([&] {
        QFile w(path);
        w.open(QIODevice::Append);
        QByteArray batch;
        for (qint64 i = 1; i <= total; ++i) {
            batch += lineText(i);
            if (i % 10000 == 0 || i == total) {
                w.write(batch);
                w.flush();
                batch.clear();
            }
        }
    });
    const bool all = waitFor([&] { return session.lineCount() >= total + 1; }, 600000);
    const double seconds = double(clock.nsecsElapsed()) / 1e9;
    writer.join();
    const qint64 bytes = QFile(path).size();
    std::printf("remote follow: %lld lines (%.1f MB) in %.2f s -> %.0f lines/s%s\n", static_cast<long long>(total),
                double(bytes) / 1e6, seconds, double(total) / seconds, all ? "" : " (INCOMPLETE)");

    // 2. Latency: one line at a time, time until it is indexed on this side.
    std::vector<double> latencies;
    for (int i = 0; i < 20; ++i) {
        QThread::msleep(50);
        const qint64 before = session.lineCount();
        QElapsedTimer t;
        t.start();
        QFile w(path);
        w.open(QIODevice::Append);
        w.write(lineText(total + 1 + i));
        w.close();
        waitFor([&] { return session.lineCount() > before; }, 5000);
        latencies.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::sort(latencies.begin(), latencies.end());
    std::printf("single-line latency: median %.1f ms, max %.1f ms (n=20)\n", latencies[latencies.size() / 2], latencies.back());

    // Reference: OpenSSH moving the same bytes (cat of the whole file), same run.
    QProcess ssh;
    ssh.setStandardOutputFile(d + QStringLiteral("/ref.out"));
    QElapsedTimer r;
    r.start();
    ssh.start(QStringLiteral("ssh"), {QStringLiteral("-p"), QString::number(port), QStringLiteral("-i"), target.keyFile,
                                      QStringLiteral("-o"), QStringLiteral("UserKnownHostsFile=") + known.fileName(),
                                      QStringLiteral("-o"), QStringLiteral("StrictHostKeyChecking=yes"), QStringLiteral("-o"),
                                      QStringLiteral("BatchMode=yes"), QStringLiteral("root@127.0.0.1"), QStringLiteral("cat"), path});
    ssh.waitForFinished(600000);
    const double refSeconds = double(r.nsecsElapsed()) / 1e9;
    std::printf("reference: OpenSSH `ssh cat` of the same %.1f MB: %.2f s -> %.0f lines/s (exit %d)\n", double(bytes) / 1e6,
                refSeconds, double(total + 21) / refSeconds, ssh.exitCode());
    session.close();
    sshd.terminate();
    sshd.waitForFinished(5000);
    return all ? 0 : 1;
}
