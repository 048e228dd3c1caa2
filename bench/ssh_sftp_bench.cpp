// SPDX-License-Identifier: GPL-3.0-or-later
// SSH transfer benchmark: 10 MB upload/download over loopback with SshSession (SFTP, 32 KiB
// requests; exec-channel `cat`) next to OpenSSH's scp and `ssh cat` measured in the same run
// against the same sshd, plus remote-follow throughput (tail -F through SshSession::follow).
//
//   ssh_sftp_bench --port P --user U --key KEYFILE [--known-hosts FILE] [--host 127.0.0.1] [--rounds 3] [--mb 10]
//
// The server's key must be in FILE (default ~/.ssh/known_hosts; the bench never accepts keys);
// `scp`/`ssh` get the same key file and known_hosts. Prints medians; copy them into bench/RESULTS.md.
#include "ssh/SshSession.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

using namespace socketscope;

namespace {

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

bool runTool(const QString& program, const QStringList& args)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    p.setStandardOutputFile(QProcess::nullDevice());
    p.start(program, args);
    return p.waitForFinished(600000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

void row(const char* what, double seconds, qint64 bytes)
{
    std::printf("| %-44s | %8.1f ms | %8.1f MB/s |\n", what, seconds * 1000, double(bytes) / 1e6 / seconds);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cl;
    cl.addOptions({{QStringLiteral("host"), QStringLiteral("server"), QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                   {QStringLiteral("port"), QStringLiteral("port"), QStringLiteral("port")},
                   {QStringLiteral("user"), QStringLiteral("user"), QStringLiteral("user")},
                   {QStringLiteral("key"), QStringLiteral("private key"), QStringLiteral("file")},
                   {QStringLiteral("known-hosts"), QStringLiteral("known_hosts file with the server's key"), QStringLiteral("file")},
                   {QStringLiteral("rounds"), QStringLiteral("rounds"), QStringLiteral("n"), QStringLiteral("3")},
                   {QStringLiteral("mb"), QStringLiteral("MB per transfer"), QStringLiteral("n"), QStringLiteral("10")}});
    cl.addHelpOption();
    cl.process(app);
    if (!cl.isSet(QStringLiteral("port")) || !cl.isSet(QStringLiteral("user")) || !cl.isSet(QStringLiteral("key"))) {
        std::fprintf(stderr, "usage: ssh_sftp_bench --port P --user U --key KEYFILE [--host H] [--rounds N] [--mb N]\n");
        return 2;
    }
    SshTarget t;
    t.host = cl.value(QStringLiteral("host"));
    t.port = cl.value(QStringLiteral("port")).toInt();
    t.user = cl.value(QStringLiteral("user"));
    t.keyFile = cl.value(QStringLiteral("key"));
    t.auth = SshTarget::Auth::KeyFile;
    const QString knownHosts = cl.value(QStringLiteral("known-hosts"));
    if (!knownHosts.isEmpty())
        t.userKnownHostsFile = knownHosts;
    QTemporaryDir tmp;
    t.appKnownHostsFile = tmp.filePath(QStringLiteral("app_known_hosts"));
    const int rounds = qMax(1, cl.value(QStringLiteral("rounds")).toInt());
    const qsizetype size = qsizetype(cl.value(QStringLiteral("mb")).toInt()) * 1000 * 1000;

    SshSession s(t);
    if (Status st = s.connect(); !st) {
        std::fprintf(stderr, "connect: %s\n", qPrintable(st.error()));
        return 1;
    }
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(data.data()), size / 4);
    const QByteArray digest = QCryptographicHash::hash(data, QCryptographicHash::Sha256);
    const QString local = tmp.filePath(QStringLiteral("local.bin"));
    {
        QFile f(local);
        f.open(QIODevice::WriteOnly);
        f.write(data);
    }
    const QString remoteOurs = QStringLiteral("/tmp/socketscope-bench-%1.bin").arg(QCoreApplication::applicationPid());
    const QString remoteScp = remoteOurs + QStringLiteral(".scp");
    const QString dest = QStringLiteral("%1@%2").arg(t.user, t.host);
    const QStringList sshOpts = QStringList{QStringLiteral("-i"), t.keyFile, QStringLiteral("-o"), QStringLiteral("BatchMode=yes"),
                                            QStringLiteral("-o"), QStringLiteral("StrictHostKeyChecking=yes")}
        + (knownHosts.isEmpty() ? QStringList() : QStringList{QStringLiteral("-o"), QStringLiteral("UserKnownHostsFile=") + knownHosts});

    QList<double> up, upScp, down, downExec, downScp, downSshCat, coldUp, setupOurs, setupSsh;
    bool ok = true;
    for (int r = 0; r < rounds && ok; ++r) {
        QElapsedTimer timer;
        timer.start();
        ok &= s.sftpWrite(remoteOurs, data, 0600).ok();
        up << double(timer.nsecsElapsed()) / 1e9;

        // Cold: a new session (key exchange + auth) then the upload, as scp does every time.
        timer.restart();
        {
            SshSession cold(t);
            ok &= cold.connect().ok();
            setupOurs << double(timer.nsecsElapsed()) / 1e9;
            ok &= cold.sftpWrite(remoteOurs, data, 0600).ok();
        }
        coldUp << double(timer.nsecsElapsed()) / 1e9;

        timer.restart();
        ok &= runTool(QStringLiteral("ssh"), QStringList{QStringLiteral("-p"), QString::number(t.port)} + sshOpts
                                                 + QStringList{dest, QStringLiteral("true")});
        setupSsh << double(timer.nsecsElapsed()) / 1e9;

        timer.restart();
        ok &= runTool(QStringLiteral("scp"), QStringList{QStringLiteral("-q"), QStringLiteral("-P"), QString::number(t.port)} + sshOpts
                                                 + QStringList{local, dest + QLatin1Char(':') + remoteScp});
        upScp << double(timer.nsecsElapsed()) / 1e9;

        timer.restart();
        Result<QByteArray> back = s.sftpRead(remoteOurs);
        down << double(timer.nsecsElapsed()) / 1e9;
        ok &= back.ok() && QCryptographicHash::hash(*back, QCryptographicHash::Sha256) == digest;

        timer.restart();
        Result<QByteArray> viaCat = s.execRead(remoteOurs, false);
        downExec << double(timer.nsecsElapsed()) / 1e9;
        ok &= viaCat.ok() && viaCat->size() == size;

        timer.restart();
        ok &= runTool(QStringLiteral("scp"), QStringList{QStringLiteral("-q"), QStringLiteral("-P"), QString::number(t.port)} + sshOpts
                                                 + QStringList{dest + QLatin1Char(':') + remoteScp, tmp.filePath(QStringLiteral("scp.bin"))});
        downScp << double(timer.nsecsElapsed()) / 1e9;

        timer.restart();
        ok &= runTool(QStringLiteral("ssh"), QStringList{QStringLiteral("-p"), QString::number(t.port)} + sshOpts
                                                 + QStringList{dest, QStringLiteral("cat ") + remoteOurs});
        downSshCat << double(timer.nsecsElapsed()) / 1e9;
    }
    if (!ok) {
        std::fprintf(stderr, "a transfer failed or returned different bytes\n");
        return 1;
    }
    std::printf("%d rounds of %lld bytes, medians\n\n", rounds, static_cast<long long>(size));
    std::printf("| transfer | time | throughput |\n|---|---|---|\n");
    row("upload: SshSession::sftpWrite (32 KiB reqs)", median(up), size);
    row("upload incl. connect+auth: SshSession", median(coldUp), size);
    row("upload: scp (OpenSSH 9.2, SFTP) — reference", median(upScp), size);
    row("download: SshSession::sftpRead (16 in flight)", median(down), size);
    row("download: SshSession::execRead (cat)", median(downExec), size);
    row("download: scp — reference", median(downScp), size);
    row("download: ssh cat — reference", median(downSshCat), size);

    std::printf("\nconnection setup only (key exchange + auth): SshSession %.1f ms, `ssh true` %.1f ms (reference)\n",
                median(setupOurs) * 1000, median(setupSsh) * 1000);

    // Remote follow: lines appended by the server itself while tail -F streams them to us.
    const int lines = 500000;
    const QString logFile = remoteOurs + QStringLiteral(".log");
    s.run(QStringLiteral(": > %1").arg(logFile));
    std::atomic_bool stop{false};
    std::atomic<qint64> received{0};
    QElapsedTimer followTimer;
    std::thread follower([&] {
        StreamOptions o;
        o.stop = &stop;
        o.onChunk = [&](const QByteArray& c, bool isStderr) {
            if (!isStderr)
                received += c.count('\n');
        };
        s.follow(logFile, 0, o);
    });
    // A second session appends, like the server's own writer.
    SshSession writer(t);
    writer.connect();
    QThread::msleep(500); // let tail open the file first (bench only: tests never sleep)
    followTimer.start();
    writer.run(QStringLiteral("seq -f '2026-11-23 08:00:00 [error] 1234#0: *%g upstream timed out (110) while reading' 1 %1 >> %2")
                   .arg(lines).arg(logFile));
    while (received.load() < lines && followTimer.elapsed() < 60000)
        QThread::msleep(1);
    const double followSeconds = double(followTimer.nsecsElapsed()) / 1e9;
    stop = true;
    follower.join();
    std::printf("\nremote follow (tail -F via SshSession::follow): %lld of %d lines in %.3f s = %.0f lines/s\n",
                static_cast<long long>(received.load()), lines, followSeconds, double(received.load()) / followSeconds);
    writer.run(QStringLiteral("rm -f %1 %2 %3").arg(remoteOurs, remoteScp, logFile));
    return 0;
}
