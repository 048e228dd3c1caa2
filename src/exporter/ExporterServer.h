// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The blackbox-style Prometheus exporter (issue 12): a small HTTP/1.1 server on QTcpServer.
//   GET /probe?target=URL&module=NAME  runs one probe with the ProbeEngine, answers its metrics
//   GET /metrics                       the exporter's own counters
// One request per connection (answers carry "Connection: close"). At most `concurrency` probes run
// at once; later requests wait in a bounded queue (full: 503). Each probe is bounded by the
// scrape's X-Prometheus-Scrape-Timeout-Seconds minus a margin, so its answer beats the scrape's
// deadline. A request head must arrive whole within requestTimeoutMs and within 8 KiB.

#include "core/Result.h"
#include "exporter/ExporterModules.h"
#include "exporter/Exposition.h"
#include "exporter/TargetAllowList.h"

#include <QHostAddress>
#include <QObject>

#include <memory>

namespace socketscope {

class ProbeEngine;

struct ExporterSettings {
    int concurrency = 8; // probes at once (--concurrency)
    int queueLimit = 0; // waiting requests; 0: 4 × concurrency
    double timeoutMarginS = 0.5; // subtracted from the scrape timeout (like blackbox's --timeout-offset)
    int requestTimeoutMs = 5000; // the request head must arrive within this (slow clients are cut)
    int writeTimeoutMs = 10000; // a client that does not read its answer is cut after this
    int maxConnections = 256; // open connections; more are closed at once
};

class ExporterServer : public QObject {
    Q_OBJECT
public:
    // The engine is not owned and must outlive the server.
    ExporterServer(ProbeEngine* engine, ModuleSet modules, TargetAllowList allow, ExporterSettings settings,
        QObject* parent = nullptr);
    ~ExporterServer() override;

    Status listen(const QHostAddress& address, quint16 port);
    QHostAddress address() const;
    quint16 port() const;
    const ExporterCounters& counters() const;

signals:
    // One response written (status code), e.g. for logging and tests.
    void responded(int status);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace socketscope
