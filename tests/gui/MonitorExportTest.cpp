// SPDX-License-Identifier: GPL-3.0-or-later
// Exports of the Live tab against the real reference endpoint: parse back what was written.
#include "AppContext.h"
#include "lab/Lab.h"
#include "monitor/LivePanel.h"
#include "monitor/MonitorCharts.h"
#include "monitor/MonitorManager.h"
#include "server/ReferenceServer.h"

#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace socketscope;

TEST(MonitorExport, WritesCsvJsonPngAndAnEvidenceBundle)
{
    ReferenceServer server;
    ASSERT_TRUE(server.listen(QHostAddress::LocalHost, 0).ok());
    AppContext ctx;
    LivePanel panel(ctx);
    panel.resize(1280, 800);
    panel.show();
    Profile profile;
    profile.name = QStringLiteral("lab endpoint");
    profile.publicUrl = server.echoUrl();
    profile.directUrl = server.echoUrl();
    panel.setProfile(&profile);
    MonitorSpec spec = MonitorSpec::fromProfile(profile);
    spec.intervalS = 0.3;
    const int id = panel.startMonitor(spec);
    ASSERT_TRUE(QTest::qWaitFor([&] { return panel.manager()->monitor(id)->buffer.rawCount() >= 3; }, 15000));
    panel.manager()->pause(id);
    const Monitor* m = panel.manager()->monitor(id);
    QTemporaryDir dir;

    const QString csv = dir.filePath(QStringLiteral("samples.csv"));
    ASSERT_TRUE(panel.exportSamplesCsv(csv).ok());
    const QStringList lines = QString::fromUtf8(lab::readAll(csv)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), m->buffer.rawCount() + 1);
    const QStringList header = lines[0].split(QLatin1Char(','));
    const QStringList row = lines[1].split(QLatin1Char(','));
    EXPECT_EQ(row[header.indexOf(QStringLiteral("cause"))], QStringLiteral("ok"));
    EXPECT_EQ(row[header.indexOf(QStringLiteral("http_status"))], QStringLiteral("101"));
    EXPECT_GT(row[header.indexOf(QStringLiteral("echo_ms"))].toDouble(), 0.0);
    EXPECT_TRUE(QDateTime::fromString(row[header.indexOf(QStringLiteral("time"))], Qt::ISODateWithMs).isValid());

    const QString json = dir.filePath(QStringLiteral("samples.json"));
    ASSERT_TRUE(panel.exportSamplesJson(json).ok());
    const QJsonObject o = QJsonDocument::fromJson(lab::readAll(json)).object();
    ASSERT_EQ(o[QStringLiteral("samples")].toArray().size(), m->buffer.rawCount());
    EXPECT_EQ(o[QStringLiteral("url")].toString(), server.echoUrl());

    QStringList images;
    ASSERT_TRUE(panel.exportCharts(dir.filePath(QStringLiteral("charts")), false, &images).ok());
    ASSERT_EQ(images.size(), 3);
    const QImage rtt(images[0]);
    ASSERT_FALSE(rtt.isNull());
    EXPECT_EQ(rtt.size(), QSize(1280, 360));
    QStringList pdfs;
    ASSERT_TRUE(panel.exportCharts(dir.filePath(QStringLiteral("pdf")), true, &pdfs).ok());
    EXPECT_TRUE(lab::readAll(pdfs[0]).startsWith("%PDF"));

    const auto bundle = panel.exportBundle(dir.path());
    ASSERT_TRUE(bundle.ok()) << bundle.error().toStdString();
    const QDir b(*bundle);
    for (const char* f : {"summary.md", "profile.json", "samples.csv", "samples.json", "chart-rtt.png", "chart-timeline.png"})
        EXPECT_TRUE(b.exists(QString::fromLatin1(f))) << f;
    const QString summary = QString::fromUtf8(lab::readAll(b.filePath(QStringLiteral("summary.md"))));
    EXPECT_TRUE(summary.contains(QStringLiteral("lab endpoint")));
    EXPECT_TRUE(summary.contains(QRegularExpression(QStringLiteral("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:\\d\\d"))))
        << "times carry the UTC offset";
    const QJsonObject prof = QJsonDocument::fromJson(lab::readAll(b.filePath(QStringLiteral("profile.json")))).object();
    EXPECT_EQ(prof[QStringLiteral("public_url")].toString(), server.echoUrl());
}
