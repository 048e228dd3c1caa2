// SPDX-License-Identifier: GPL-3.0-or-later
// End to end, as an operator runs it: the real socketscope-cli exporter (its own process), a real
// Prometheus (Debian's prometheus, its own process, config and TSDB in a temporary directory)
// scraping it with blackbox-style __param_target relabelling, and the real-proxy lab behind:
// nginx with a good WebSocket route and one that cuts idle connections after 1 s. The verdict
// comes from Prometheus' own HTTP API.
#include "HttpClient.h"
#include "lab/Lab.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QUrl>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

QString prometheusProgram()
{
    return QStringLiteral("/usr/bin/prometheus");
}

QString site(quint16 listen, quint16 backend, const QString& extra)
{
    return QStringLiteral("server {\n"
                          "    listen 127.0.0.1:%1;\n"
                          "    location / {\n"
                          "        proxy_pass http://127.0.0.1:%2;\n"
                          "        proxy_http_version 1.1;\n"
                          "        proxy_set_header Upgrade $http_upgrade;\n"
                          "        proxy_set_header Connection \"upgrade\";\n"
                          "        %3\n"
                          "    }\n"
                          "}\n")
        .arg(listen)
        .arg(backend)
        .arg(extra);
}

QString probeJob(const QString& name, const QString& module, const QString& target, quint16 exporterPort, int intervalS)
{
    return QStringLiteral("  - job_name: %1\n"
                          "    scrape_interval: %5s\n"
                          "    scrape_timeout: %5s\n"
                          "    metrics_path: /probe\n"
                          "    params:\n"
                          "      module: [%2]\n"
                          "    static_configs:\n"
                          "      - targets: ['%3']\n"
                          "    relabel_configs:\n"
                          "      - source_labels: [__address__]\n"
                          "        target_label: __param_target\n"
                          "      - source_labels: [__param_target]\n"
                          "        target_label: instance\n"
                          "      - target_label: __address__\n"
                          "        replacement: 127.0.0.1:%4\n")
        .arg(name, module, target)
        .arg(exporterPort)
        .arg(intervalS);
}

// One instant query; the result vector (empty while the series does not exist yet).
QJsonArray query(quint16 prometheusPort, const QString& promql)
{
    const QByteArray target = "/api/v1/query?query=" + QUrl::toPercentEncoding(promql);
    const exportertest::HttpAnswer a = exportertest::get(prometheusPort, target, "Connection: close\r\n", 5000);
    if (a.status != 200)
        return {};
    return QJsonDocument::fromJson(a.body)
        .object()
        .value(QStringLiteral("data"))
        .toObject()
        .value(QStringLiteral("result"))
        .toArray();
}

// Polls until the query returns one sample whose value is `want`; the last answer otherwise.
QString waitForValue(
    quint16 prometheusPort, const QString& promql, const QString& want, int timeoutMs, QJsonArray* last)
{
    QElapsedTimer t;
    t.start();
    QString value;
    while (t.elapsed() < timeoutMs) {
        *last = query(prometheusPort, promql);
        if (last->size() == 1) {
            value = last->at(0).toObject().value(QStringLiteral("value")).toArray().at(1).toString();
            if (value == want)
                return value;
        }
        QElapsedTimer pause;
        pause.start();
        while (pause.elapsed() < 500)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    return value;
}

} // namespace

TEST(PrometheusScrape, PrometheusSeesSuccessOnTheGoodRouteAndIdleTimeoutOnTheCuttingProxy)
{
    LAB_REQUIRE(lab::NginxLab::skipReason());
    LAB_REQUIRE(lab::missingProgram(prometheusProgram(), QStringLiteral("prometheus")));
    QTemporaryDir dir;
    ASSERT_TRUE(dir.isValid());

    // The WebSocket backend (our reference endpoint) and nginx in front of it.
    lab::Daemon backend;
    const quint16 backendPort = lab::freePort();
    ASSERT_TRUE(backend.start(lab::cliPath(),
        { QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(backendPort) }));
    ASSERT_TRUE(lab::waitForPort(backendPort)) << backend.output().constData();
    lab::NginxLab nginx;
    const quint16 good = lab::freePort(), idle = lab::freePort();
    nginx.writeMainConfig();
    nginx.writeSite(QStringLiteral("good"), site(good, backendPort, {}));
    nginx.writeSite(QStringLiteral("idle"), site(idle, backendPort, QStringLiteral("proxy_read_timeout 1s;")));
    QByteArray log;
    ASSERT_TRUE(nginx.start(&log)) << log.constData();

    // The exporter: the built-in default module, and "idle" that holds the connection open 3 s.
    const QString modules = dir.filePath(QStringLiteral("modules.json"));
    ASSERT_TRUE(lab::writeFile(
        modules, R"({"modules": {"idle": {"app": "none", "hold": 3, "echo": 0, "ping_interval": 0, "timeout": 2}}})"));
    lab::Daemon exporter;
    const quint16 exporterPort = lab::freePort();
    ASSERT_TRUE(exporter.start(lab::cliPath(),
        { QStringLiteral("exporter"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(exporterPort),
            QStringLiteral("--modules"), modules, QStringLiteral("--allow"), QStringLiteral("ws://127.0.0.1:*"),
            QStringLiteral("--concurrency"), QStringLiteral("4") }));
    ASSERT_TRUE(lab::waitForPort(exporterPort)) << exporter.output().constData();

    // Prometheus: the good route every second, the idle one every 4 s (its probe holds up to 3 s,
    // within the 4 s scrape timeout minus the exporter's margin), and the exporter's own metrics.
    const QString goodUrl = QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(good);
    const QString idleUrl = QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(idle);
    const QString config
        = QStringLiteral("global:\n"
                         "  scrape_interval: 1s\n"
                         "  scrape_timeout: 1s\n"
                         "  evaluation_interval: 1s\n"
                         "rule_files:\n"
                         "  - %1\n"
                         "scrape_configs:\n")
              .arg(QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/docs/prometheus/socketscope-alerts.yml"))
        + probeJob(QStringLiteral("websocket_good"), QStringLiteral("default"), goodUrl, exporterPort, 1)
        + probeJob(QStringLiteral("websocket_idle"), QStringLiteral("idle"), idleUrl, exporterPort, 4)
        + QStringLiteral("  - job_name: socketscope_exporter\n"
                         "    static_configs:\n"
                         "      - targets: ['127.0.0.1:%1']\n")
              .arg(exporterPort);
    const QString configPath = dir.filePath(QStringLiteral("prometheus.yml"));
    ASSERT_TRUE(lab::writeFile(configPath, config.toUtf8()));
    QByteArray check;
    ASSERT_EQ(lab::runProgram(QStringLiteral("/usr/bin/promtool"),
                  { QStringLiteral("check"), QStringLiteral("config"), configPath }, &check),
        0)
        << check.constData();
    lab::Daemon prometheus;
    const quint16 prometheusPort = lab::freePort();
    ASSERT_TRUE(prometheus.start(prometheusProgram(),
        { QStringLiteral("--config.file=") + configPath,
            QStringLiteral("--storage.tsdb.path=") + dir.filePath(QStringLiteral("tsdb")),
            QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(prometheusPort),
            QStringLiteral("--log.level=warn") },
        dir.path()));
    ASSERT_TRUE(lab::waitForPort(prometheusPort, 20000)) << prometheus.output().constData();

    QJsonArray last;
    EXPECT_EQ(waitForValue(prometheusPort, QStringLiteral("socketscope_probe_success{job=\"websocket_good\"}"),
                  QStringLiteral("1"), 30000, &last),
        QStringLiteral("1"))
        << QJsonDocument(last).toJson().constData() << prometheus.output().constData();
    ASSERT_EQ(last.size(), 1);
    EXPECT_EQ(
        last.at(0).toObject().value(QStringLiteral("metric")).toObject().value(QStringLiteral("instance")).toString(),
        goodUrl)
        << "the blackbox-style relabelling names the instance after the target";
    EXPECT_EQ(
        waitForValue(prometheusPort, QStringLiteral("socketscope_probe_cause{job=\"websocket_good\",cause=\"ok\"}"),
            QStringLiteral("1"), 10000, &last),
        QStringLiteral("1"));

    EXPECT_EQ(waitForValue(prometheusPort, QStringLiteral("socketscope_probe_success{job=\"websocket_idle\"}"),
                  QStringLiteral("0"), 30000, &last),
        QStringLiteral("0"))
        << QJsonDocument(last).toJson().constData();
    EXPECT_EQ(waitForValue(prometheusPort,
                  QStringLiteral("socketscope_probe_cause{job=\"websocket_idle\",cause=\"idle_timeout\"}"),
                  QStringLiteral("1"), 10000, &last),
        QStringLiteral("1"))
        << QJsonDocument(query(prometheusPort, QStringLiteral("socketscope_probe_cause{job=\"websocket_idle\"}")))
               .toJson()
               .constData();
    const QJsonArray cutoff
        = query(prometheusPort, QStringLiteral("socketscope_probe_idle_cutoff_seconds{job=\"websocket_idle\"}"));
    ASSERT_EQ(cutoff.size(), 1) << QJsonDocument(cutoff).toJson().constData();
    EXPECT_NEAR(cutoff.at(0).toObject().value(QStringLiteral("value")).toArray().at(1).toString().toDouble(), 1.0, 0.5);
    EXPECT_TRUE(query(prometheusPort, QStringLiteral("socketscope_probe_idle_cutoff_seconds{job=\"websocket_good\"}"))
                    .isEmpty());

    // The exporter's own metrics are scraped too, and the rules Prometheus loaded are the docs' three.
    EXPECT_EQ(waitForValue(prometheusPort, QStringLiteral("up{job=\"socketscope_exporter\"}"), QStringLiteral("1"),
                  10000, &last),
        QStringLiteral("1"));
    // The exporter is scraped every second: its counter of the idle probe shows up at the next scrape.
    EXPECT_EQ(waitForValue(prometheusPort,
                  QStringLiteral("count(socketscope_exporter_probes_total{module=\"idle\",result=\"failure\"} >= 1)"),
                  QStringLiteral("1"), 10000, &last),
        QStringLiteral("1"))
        << QJsonDocument(query(prometheusPort, QStringLiteral("socketscope_exporter_probes_total")))
               .toJson()
               .constData();
    const exportertest::HttpAnswer rules
        = exportertest::get(prometheusPort, "/api/v1/rules", "Connection: close\r\n", 5000);
    EXPECT_TRUE(rules.body.contains("WebSocketIdleCutoffBelowPingInterval")) << rules.body.constData();
}
