// SPDX-License-Identifier: GPL-3.0-or-later
// The exporter's HTTP side in process, with the real probe engine against the reference endpoint:
// answers and refusals, slow and oversized clients, the concurrency queue, the scrape-timeout budget.
#include "exporter/ExporterServer.h"

#include "HttpClient.h"
#include "probe/ProbeEngine.h"
#include "server/ReferenceServer.h"

#include <QElapsedTimer>

#include <memory>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::exportertest;

namespace {

struct Fixture {
    ReferenceServer backend;
    ProbeEngine engine;
    std::unique_ptr<ExporterServer> exporter;

    explicit Fixture(
        const ExporterSettings& settings = {}, const QByteArray& modulesJson = {}, const QStringList& allow = {})
    {
        EXPECT_TRUE(backend.listen(QHostAddress::LocalHost, 0));
        ModuleSet modules = ModuleSet::builtin();
        if (!modulesJson.isEmpty()) {
            auto loaded = ModuleSet::fromJson(modulesJson);
            EXPECT_TRUE(loaded) << loaded.error().toStdString();
            modules = *loaded;
        }
        TargetAllowList list;
        for (const QString& p : allow) {
            QString error;
            EXPECT_TRUE(list.add(p, &error)) << error.toStdString();
        }
        exporter = std::make_unique<ExporterServer>(&engine, modules, list, settings);
        EXPECT_TRUE(exporter->listen(QHostAddress::LocalHost, 0));
    }
    ~Fixture() { exporter.reset(); }
    quint16 port() const { return exporter->port(); }
    QByteArray echoUrl() const
    {
        return "ws%3A%2F%2F127.0.0.1%3A" + QByteArray::number(backend.port()) + "%2Fws%2Fecho";
    }
};

// Sends several requests at once; returns their answers in order once every connection closed.
QList<HttpAnswer> concurrentGets(quint16 port, const QList<QByteArray>& targets, int timeoutMs = 20000)
{
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    QList<QByteArray> data;
    for (const QByteArray& t : targets) {
        sockets.push_back(std::make_unique<QTcpSocket>());
        sockets.back()->connectToHost(QStringLiteral("127.0.0.1"), port);
        EXPECT_TRUE(sockets.back()->waitForConnected(5000));
        sockets.back()->write("GET " + t + " HTTP/1.1\r\nHost: x\r\n\r\n");
        sockets.back()->flush();
        data.append(QByteArray());
        // One at a time into the server's queue, in order.
        QElapsedTimer settle;
        settle.start();
        while (settle.elapsed() < 100)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    }
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        bool open = false;
        for (std::size_t i = 0; i < sockets.size(); ++i) {
            data[qsizetype(i)] += sockets[i]->readAll();
            open = open || sockets[i]->state() != QAbstractSocket::UnconnectedState;
        }
        if (!open)
            break;
    }
    QList<HttpAnswer> answers;
    for (const QByteArray& d : data) {
        HttpAnswer a;
        const qsizetype end = d.indexOf("\r\n\r\n");
        if (d.startsWith("HTTP/1.1 ") && end > 0) {
            a.status = d.mid(9, 3).toInt();
            a.head = d.left(end);
            a.body = d.mid(end + 4);
        }
        answers.append(a);
    }
    return answers;
}

} // namespace

TEST(ExporterServer, ProbesAnAllowedTargetAndRefusesBadRequestsClearly)
{
    Fixture f({}, {}, { QStringLiteral("ws://127.0.0.1:*/ws/*") });
    HttpAnswer a = get(f.port(), "/probe?target=" + f.echoUrl() + "&module=default");
    ASSERT_EQ(a.status, 200) << a.head.constData() << a.body.constData();
    EXPECT_EQ(a.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
    EXPECT_EQ(sampleValue(a.body, "socketscope_probe_success"), 1.0) << a.body.constData();
    EXPECT_EQ(sampleValue(a.body, "socketscope_probe_cause{cause=\"ok\"}"), 1.0);
    EXPECT_EQ(sampleValue(a.body, "socketscope_probe_http_status"), 101.0);
    EXPECT_TRUE(sampleValue(a.body, "socketscope_probe_rtt_seconds")) << "the default module's ping round trip";

    struct Refusal {
        QByteArray target;
        int status;
        const char* says;
    };
    const QList<Refusal> refusals = {
        { "/probe", 400, "target parameter is missing" },
        { "/probe?target=ftp%3A%2F%2Fx%2F", 400, "ws://" },
        { "/probe?target=" + f.echoUrl() + "&module=nope", 400, "unknown module 'nope'" },
        { "/probe?target=" + f.echoUrl() + "&target=ws%3A%2F%2Fx%2F", 400, "more than once" },
        { "/probe?target=" + f.echoUrl() + "&debug=1", 400, "unknown query parameter 'debug'" },
        { "/probe?target=%zz", 400, "percent-encoding" },
        { "/probe?target=ws%3A%2F%2Fu%3Ap%40127.0.0.1%3A1%2Fws%2Fx", 400, "credentials" },
        { "/probe?target=ws%3A%2F%2F127.0.0.2%3A1%2Fws%2Fecho", 403, "not allowed" },
        { "/probe?target=ws%3A%2F%2F127.0.0.1%3A1%2Fadmin", 403, "not allowed" },
        { "/nothing", 404, "/probe?target=" },
    };
    for (const Refusal& r : refusals) {
        a = get(f.port(), r.target);
        EXPECT_EQ(a.status, r.status) << r.target.constData() << ": " << a.body.constData();
        EXPECT_TRUE(a.body.contains(r.says)) << r.target.constData() << ": " << a.body.constData();
        EXPECT_TRUE(a.header("content-type").startsWith("text/plain"));
    }
    a = get(f.port(), "/probe?target=" + f.echoUrl(), "X-Prometheus-Scrape-Timeout-Seconds: soon\r\n");
    EXPECT_EQ(a.status, 400);
    EXPECT_TRUE(a.body.contains("X-Prometheus-Scrape-Timeout-Seconds"));
    a = rawRequest(f.port(), "POST /probe HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    EXPECT_EQ(a.status, 405);

    a = get(f.port(), "/metrics");
    ASSERT_EQ(a.status, 200);
    EXPECT_EQ(sampleValue(a.body, "socketscope_exporter_probes_total{module=\"default\",result=\"success\"}"), 1.0)
        << a.body.constData();
    EXPECT_EQ(sampleValue(a.body, "socketscope_exporter_errors_total{reason=\"forbidden\"}"), 2.0);
    EXPECT_EQ(sampleValue(a.body, "socketscope_exporter_errors_total{reason=\"unknown_module\"}"), 1.0);
    EXPECT_EQ(sampleValue(a.body, "socketscope_exporter_probes_in_flight"), 0.0);
}

TEST(ExporterServer, ASlowClientIsCutAndAnOversizedHeadRefused)
{
    ExporterSettings s;
    s.requestTimeoutMs = 300;
    Fixture f(s);
    // Slowloris: a request head that never completes gets 408 and the connection closes.
    HttpAnswer a = rawRequest(f.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ", 10000);
    EXPECT_EQ(a.status, 408) << a.head.constData();
    EXPECT_TRUE(a.body.contains("did not arrive"));
    a = rawRequest(
        f.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(20000, 'a') + "\r\n\r\n", 10000);
    EXPECT_EQ(a.status, 431);
    a = get(f.port(), "/metrics");
    EXPECT_EQ(sampleValue(a.body, "socketscope_exporter_errors_total{reason=\"request_timeout\"}"), 1.0)
        << a.body.constData();
    EXPECT_EQ(sampleValue(a.body, "socketscope_exporter_errors_total{reason=\"too_large\"}"), 1.0);
}

TEST(ExporterServer, ConcurrencyLimitQueuesThenAnswers503WhenTheQueueIsFull)
{
    ExporterSettings s;
    s.concurrency = 1;
    s.queueLimit = 1;
    Fixture f(s, R"({"modules": {"held": {"app": "none", "hold": 1, "timeout": 5}}})");
    const QByteArray probe = "/probe?module=held&target=" + f.echoUrl();
    const QList<HttpAnswer> answers = concurrentGets(f.port(), { probe, probe, probe });
    ASSERT_EQ(answers.size(), 3);
    EXPECT_EQ(answers[0].status, 200) << answers[0].body.constData();
    EXPECT_EQ(answers[1].status, 200) << "queued, then run: " << answers[1].body.constData();
    EXPECT_EQ(answers[2].status, 503) << answers[2].body.constData();
    EXPECT_TRUE(answers[2].body.contains("too many probes"));
    EXPECT_EQ(sampleValue(answers[0].body, "socketscope_probe_success"), 1.0) << answers[0].body.constData();
    EXPECT_EQ(sampleValue(answers[1].body, "socketscope_probe_success"), 1.0) << answers[1].body.constData();
    const HttpAnswer m = get(f.port(), "/metrics");
    EXPECT_EQ(sampleValue(m.body, "socketscope_exporter_errors_total{reason=\"overloaded\"}"), 1.0);
    EXPECT_EQ(sampleValue(m.body, "socketscope_exporter_probes_total{module=\"held\",result=\"success\"}"), 2.0);
}

TEST(ExporterServer, TheScrapeTimeoutBoundsAProbeWhoseHoldIsLonger)
{
    Fixture f({}, R"({"modules": {"long": {"app": "none", "hold": 60, "timeout": 10}}})");
    // Prometheus says it waits 2 s: the answer comes within that, the hold cut to fit.
    const HttpAnswer a = get(
        f.port(), "/probe?module=long&target=" + f.echoUrl(), "X-Prometheus-Scrape-Timeout-Seconds: 2\r\n", 15000);
    ASSERT_EQ(a.status, 200) << a.head.constData();
    const auto duration = sampleValue(a.body, "socketscope_probe_duration_seconds");
    ASSERT_TRUE(duration) << a.body.constData();
    EXPECT_LT(*duration, 2.0) << a.body.constData();
    EXPECT_EQ(sampleValue(a.body, "socketscope_probe_success"), 1.0) << a.body.constData();
}

TEST(ExporterServer, AMissingSecretReferenceIsA500NamingTheVariableNeverAValue)
{
    Fixture f(
        {}, R"({"modules": {"authed": {"headers": {"Authorization": "env:SOCKETSCOPE_TEST_EXPORTER_MISSING"}}}})");
    qunsetenv("SOCKETSCOPE_TEST_EXPORTER_MISSING");
    HttpAnswer a = get(f.port(), "/probe?module=authed&target=" + f.echoUrl());
    EXPECT_EQ(a.status, 500) << a.body.constData();
    EXPECT_TRUE(a.body.contains("SOCKETSCOPE_TEST_EXPORTER_MISSING is not set")) << a.body.constData();
    qputenv("SOCKETSCOPE_TEST_EXPORTER_MISSING", "Bearer must-not-leak");
    a = get(f.port(), "/probe?module=authed&target=" + f.echoUrl());
    qunsetenv("SOCKETSCOPE_TEST_EXPORTER_MISSING");
    EXPECT_EQ(a.status, 200) << a.body.constData();
    EXPECT_EQ(sampleValue(a.body, "socketscope_probe_success"), 1.0) << a.body.constData();
    EXPECT_FALSE(a.body.contains("must-not-leak"));
    const HttpAnswer m = get(f.port(), "/metrics");
    EXPECT_EQ(sampleValue(m.body, "socketscope_exporter_errors_total{reason=\"module_secret\"}"), 1.0)
        << m.body.constData();
    EXPECT_FALSE(m.body.contains("must-not-leak"));
}
