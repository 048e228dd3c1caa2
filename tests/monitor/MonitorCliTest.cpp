// SPDX-License-Identifier: GPL-3.0-or-later
// `socketscope-cli monitor` against a real `socketscope-cli serve` process.
#include "lab/Lab.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

struct ServeProcess {
    lab::Daemon daemon;
    quint16 port = lab::freePort();
    bool start()
    {
        return daemon.start(lab::cliPath(), {QStringLiteral("serve"), QStringLiteral("--listen"),
                                             QStringLiteral("127.0.0.1:%1").arg(port)})
               && lab::waitForPort(port);
    }
    QString url() const { return QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(port); }
};

} // namespace

TEST(MonitorCli, WritesAHeaderAndOneRowPerProbe)
{
    ServeProcess serve;
    ASSERT_TRUE(serve.start());
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("m.csv"));
    QByteArray out;
    const int rc = lab::runProgram(lab::cliPath(), {QStringLiteral("monitor"), serve.url(), QStringLiteral("--interval"),
                                                    QStringLiteral("0.3"), QStringLiteral("--count"), QStringLiteral("3"),
                                                    QStringLiteral("--csv"), csv},
                                   &out, 30000);
    EXPECT_EQ(rc, 0) << out.toStdString();
    const QStringList lines = QString::fromUtf8(lab::readAll(csv)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), 4) << "a header line, then one row per probe";
    const QStringList header = lines[0].split(QLatin1Char(','));
    for (const char* col : {"time", "cause", "http_status", "close_code", "dns_ms", "tcp_ms", "tls_ms", "upgrade_ms", "echo_ms"})
        EXPECT_TRUE(header.contains(QString::fromLatin1(col))) << col;
    for (int i = 1; i < 4; ++i) {
        const QStringList row = lines[i].split(QLatin1Char(','));
        ASSERT_EQ(row.size(), header.size());
        EXPECT_EQ(row[header.indexOf(QStringLiteral("cause"))], QStringLiteral("ok"));
        EXPECT_EQ(row[header.indexOf(QStringLiteral("http_status"))], QStringLiteral("101"));
        EXPECT_GT(row[header.indexOf(QStringLiteral("echo_ms"))].toDouble(), 0.0);
        const QString time = row[header.indexOf(QStringLiteral("time"))];
        EXPECT_TRUE(QDateTime::fromString(time, Qt::ISODateWithMs).isValid()) << time.toStdString();
        EXPECT_TRUE(time.contains(QRegularExpression(QStringLiteral("[+-]\\d\\d:\\d\\d$")))) << time.toStdString();
    }
    EXPECT_TRUE(out.contains(lines[1].toUtf8())) << "stdout carries the same rows";
}

TEST(MonitorCli, JsonLinesAndExitCodeOnAnOutage)
{
    const quint16 closed = lab::freePort(); // nothing listens: every probe is refused
    QByteArray out;
    const int rc = lab::runProgram(lab::cliPath(), {QStringLiteral("monitor"), QStringLiteral("ws://127.0.0.1:%1/ws").arg(closed),
                                                    QStringLiteral("--interval"), QStringLiteral("0.2"), QStringLiteral("--count"),
                                                    QStringLiteral("2"), QStringLiteral("--json")},
                                   &out, 30000);
    EXPECT_EQ(rc, 1) << "a probe that is not ok makes the exit code 1";
    int objects = 0;
    for (const QByteArray& line : out.split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.isEmpty())
            continue;
        ++objects;
        EXPECT_EQ(o[QStringLiteral("cause")].toString(), QStringLiteral("connection_refused"));
        EXPECT_TRUE(o[QStringLiteral("http_status")].isNull());
    }
    EXPECT_EQ(objects, 2) << out.toStdString();
}

TEST(MonitorCli, UsageErrorsExitTwo)
{
    QByteArray out;
    EXPECT_EQ(lab::runProgram(lab::cliPath(), {QStringLiteral("monitor")}, &out), 2);
    EXPECT_EQ(lab::runProgram(lab::cliPath(), {QStringLiteral("monitor"), QStringLiteral("ws://127.0.0.1:1/"),
                                               QStringLiteral("--interval"), QStringLiteral("0")}, &out), 2);
    EXPECT_TRUE(out.contains("--interval")) << out.toStdString();
    EXPECT_EQ(lab::runProgram(lab::cliPath(), {QStringLiteral("monitor"), QStringLiteral("ws://127.0.0.1:1/"),
                                               QStringLiteral("--count"), QStringLiteral("1.5")}, &out), 2);
    EXPECT_EQ(lab::runProgram(lab::cliPath(), {QStringLiteral("monitor"), QStringLiteral("ws://127.0.0.1:1/"),
                                               QStringLiteral("--no-such-flag")}, &out), 2);
}
