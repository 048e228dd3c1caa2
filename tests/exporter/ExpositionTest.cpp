// SPDX-License-Identifier: GPL-3.0-or-later
// The exposition text, judged by Prometheus' own parser and linter (`promtool check metrics`).
#include "exporter/Exposition.h"

#include "HttpClient.h"
#include "lab/Lab.h"

#include <QProcess>

#include <gtest/gtest.h>

using namespace socketscope;
using socketscope::exportertest::sampleValue;

namespace {

QString promtool()
{
    return QStringLiteral("/usr/bin/promtool");
}

// promtool's verdict on an exposition: "" when it parses and lints clean, else what it said.
QString promtoolComplaint(const QByteArray& exposition)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(promtool(), { QStringLiteral("check"), QStringLiteral("metrics") });
    p.write(exposition);
    p.closeWriteChannel();
    if (!p.waitForFinished(30000))
        return QStringLiteral("promtool did not finish");
    if (p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0)
        return {};
    return QStringLiteral("exit %1: %2").arg(p.exitCode()).arg(QString::fromUtf8(p.readAll()));
}

ProbeResult okResult()
{
    ProbeResult r;
    r.url = QStringLiteral("ws://127.0.0.1:1/ws/echo");
    r.cause = QStringLiteral("ok");
    r.ok = true;
    r.httpStatus = 101;
    r.closeCode = 1000;
    r.timings.dns = 1.5;
    r.timings.connect = 0.25;
    r.timings.upgrade = 2.0;
    r.app.roundTrips = 1;
    r.app.rtt.count = 1;
    r.app.rtt.median = 0.5;
    r.app.rtt.samples = { 0.5 };
    return r;
}

} // namespace

TEST(Exposition, AWorkingProbeIsSuccessOkWithItsPhasesAndNothingUnknown)
{
    LAB_REQUIRE(lab::missingProgram(promtool(), QStringLiteral("prometheus")));
    const QByteArray text = probeExposition(okResult(), 0.125);
    EXPECT_EQ(promtoolComplaint(text), QString()) << text.constData();
    EXPECT_EQ(sampleValue(text, "socketscope_probe_success"), 1.0);
    EXPECT_EQ(sampleValue(text, "socketscope_probe_cause{cause=\"ok\"}"), 1.0);
    EXPECT_EQ(sampleValue(text, "socketscope_probe_phase_seconds{phase=\"dns\"}"), 0.0015);
    EXPECT_EQ(sampleValue(text, "socketscope_probe_phase_seconds{phase=\"tcp\"}"), 0.00025);
    EXPECT_EQ(sampleValue(text, "socketscope_probe_phase_seconds{phase=\"upgrade\"}"), 0.002);
    EXPECT_EQ(sampleValue(text, "socketscope_probe_phase_seconds{phase=\"first_message\"}"), 0.0005);
    EXPECT_EQ(sampleValue(text, "socketscope_probe_rtt_seconds"), 0.0005);
    EXPECT_EQ(sampleValue(text, "socketscope_probe_http_status"), 101.0);
    EXPECT_EQ(sampleValue(text, "socketscope_probe_close_code"), 1000.0);
    EXPECT_EQ(sampleValue(text, "socketscope_probe_duration_seconds"), 0.125);
    // What the probe did not see is not invented: no TLS phase, no cutoff, no expiry.
    EXPECT_FALSE(text.contains("phase=\"tls\""));
    EXPECT_FALSE(text.contains("socketscope_probe_idle_cutoff_seconds"));
    EXPECT_FALSE(text.contains("socketscope_probe_tls_expiry_timestamp_seconds"));
    EXPECT_TRUE(text.contains("# TYPE socketscope_probe_success gauge\n"));
    EXPECT_TRUE(text.contains("# HELP socketscope_probe_cause "));
}

TEST(Exposition, AnIdleCutIsFailureWithItsCauseCutoffAndCloseCode)
{
    LAB_REQUIRE(lab::missingProgram(promtool(), QStringLiteral("prometheus")));
    ProbeResult r = okResult();
    r.ok = false;
    r.cause = QStringLiteral("idle_timeout");
    r.closeCode = 1006;
    r.idleCutoffS = 2.004;
    const QByteArray text = probeExposition(r, 2.1);
    EXPECT_EQ(promtoolComplaint(text), QString()) << text.constData();
    EXPECT_EQ(sampleValue(text, "socketscope_probe_success"), 0.0);
    EXPECT_EQ(sampleValue(text, "socketscope_probe_cause{cause=\"idle_timeout\"}"), 1.0);
    EXPECT_FALSE(text.contains("cause=\"ok\""));
    EXPECT_EQ(sampleValue(text, "socketscope_probe_idle_cutoff_seconds"), 2.004);
    EXPECT_EQ(sampleValue(text, "socketscope_probe_close_code"), 1006.0);
}

TEST(Exposition, TlsExpiryIsAUnixTimestampAndADeadlineHitIsNeverSuccess)
{
    LAB_REQUIRE(lab::missingProgram(promtool(), QStringLiteral("prometheus")));
    ProbeResult r = okResult();
    r.tls.used = true;
    r.timings.tls = 3.0;
    r.tls.notAfter = QDateTime::fromString(QStringLiteral("2027-03-01T12:00:00Z"), Qt::ISODate);
    const QByteArray text = probeExposition(r, 0.5, /*deadlineHit=*/true);
    EXPECT_EQ(promtoolComplaint(text), QString()) << text.constData();
    EXPECT_EQ(sampleValue(text, "socketscope_probe_tls_expiry_timestamp_seconds"), 1803902400.0);
    EXPECT_EQ(sampleValue(text, "socketscope_probe_phase_seconds{phase=\"tls\"}"), 0.003);
    EXPECT_EQ(sampleValue(text, "socketscope_probe_success"), 0.0) << "a probe the exporter cut short is not a success";
}

TEST(Exposition, LabelValuesAreEscapedAndTheExporterCountersParse)
{
    LAB_REQUIRE(lab::missingProgram(promtool(), QStringLiteral("prometheus")));
    ExporterCounters c;
    c.probes[{ QStringLiteral("we\"ird\\mod\nule"), QStringLiteral("success") }] = 3;
    c.probes[{ QStringLiteral("default"), QStringLiteral("failure") }] = 1;
    c.errors[QStringLiteral("forbidden")] = 2;
    c.responses[200] = 4;
    c.inFlight = 1;
    c.concurrency = 8;
    const QByteArray text = c.exposition();
    EXPECT_EQ(promtoolComplaint(text), QString()) << text.constData();
    EXPECT_EQ(
        sampleValue(text, "socketscope_exporter_probes_total{module=\"we\\\"ird\\\\mod\\nule\",result=\"success\"}"),
        3.0);
    EXPECT_EQ(sampleValue(text, "socketscope_exporter_errors_total{reason=\"forbidden\"}"), 2.0);
    EXPECT_EQ(sampleValue(text, "socketscope_exporter_probes_in_flight"), 1.0);
    EXPECT_TRUE(text.contains("# TYPE socketscope_exporter_probes_total counter\n"));
}

TEST(Exposition, NumbersAreWrittenTheWayPrometheusReadsThem)
{
    EXPECT_EQ(ExpositionWriter::formatValue(101), "101");
    EXPECT_EQ(ExpositionWriter::formatValue(0.1), "0.1");
    EXPECT_EQ(ExpositionWriter::formatValue(1803902400.0), "1803902400");
    EXPECT_EQ(ExpositionWriter::formatValue(1e-7), "1e-07");
    EXPECT_EQ(ExpositionWriter::formatValue(std::numeric_limits<double>::infinity()), "+Inf");
    EXPECT_EQ(ExpositionWriter::formatValue(std::nan("")), "NaN");
}
