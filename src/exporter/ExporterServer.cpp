// SPDX-License-Identifier: GPL-3.0-or-later
#include "exporter/ExporterServer.h"

#include "exporter/HttpRequest.h"
#include "probe/ProbeEngine.h"
#include "probe/WsHandshake.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <deque>

namespace socketscope {

namespace {

constexpr qint64 kReadBufferBytes = 16 * 1024;

// One client connection: reads one request head, then waits for its answer.
class Connection : public QObject {
public:
    explicit Connection(QTcpSocket* s, QObject* parent)
        : QObject(parent)
        , socket(s)
        , timer(new QTimer(this))
    {
        socket->setParent(this);
        socket->setReadBufferSize(kReadBufferBytes); // Qt buffers no more than the parser may accept
        timer->setSingleShot(true);
    }
    QTcpSocket* socket;
    QTimer* timer;
    HttpRequestParser parser;
    quint64 probeId = 0;
    bool answered = false;
};

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 414:
        return "URI Too Long";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

} // namespace

struct ExporterServer::Private {
    ExporterServer* q = nullptr;
    ProbeEngine* engine = nullptr;
    ModuleSet modules;
    TargetAllowList allow;
    ExporterSettings settings;
    QTcpServer server;
    ExporterCounters counters;
    int connections = 0;

    struct Job {
        QPointer<Connection> conn;
        QString module;
        ProbeOptions options;
        double budgetS = 0;
        QElapsedTimer since; // from the request's arrival: queueing counts against the budget
        QTimer* deadline = nullptr;
        bool deadlineHit = false;
    };
    std::deque<Job> queue;
    QHash<quint64, Job> running;

    void accept();
    void onRequest(Connection* c);
    void handleProbe(Connection* c);
    void startNext();
    void finished(quint64 id, const ProbeResult& result);
    void respond(Connection* c, int status, const QByteArray& body,
        const QByteArray& contentType = "text/plain; charset=utf-8", const QByteArray& extraHeaders = {});
    void fail(Connection* c, int status, const char* reason, const QString& message)
    {
        counters.errors[QString::fromLatin1(reason)] += 1;
        respond(c, status, message.toUtf8() + '\n');
    }
};

ExporterServer::ExporterServer(
    ProbeEngine* engine, ModuleSet modules, TargetAllowList allow, ExporterSettings settings, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
    d->q = this;
    d->engine = engine;
    d->modules = std::move(modules);
    d->allow = std::move(allow);
    d->settings = settings;
    d->settings.concurrency = qMax(1, d->settings.concurrency);
    if (d->settings.queueLimit <= 0)
        d->settings.queueLimit = 4 * d->settings.concurrency;
    d->counters.concurrency = d->settings.concurrency;
    connect(&d->server, &QTcpServer::newConnection, this, [this] { d->accept(); });
    connect(engine, &ProbeEngine::finished, this, [this](quint64 id, const ProbeResult& r) { d->finished(id, r); });
}

ExporterServer::~ExporterServer()
{
    for (auto it = d->running.begin(); it != d->running.end(); ++it)
        d->engine->cancel(it.key());
}

Status ExporterServer::listen(const QHostAddress& address, quint16 port)
{
    if (!d->server.listen(address, port))
        return Status::failure(QStringLiteral("cannot listen on %1:%2: %3")
                                   .arg(address.toString())
                                   .arg(port)
                                   .arg(d->server.errorString()));
    return Status::success();
}

QHostAddress ExporterServer::address() const
{
    return d->server.serverAddress();
}
quint16 ExporterServer::port() const
{
    return d->server.serverPort();
}
const ExporterCounters& ExporterServer::counters() const
{
    return d->counters;
}

void ExporterServer::Private::accept()
{
    while (QTcpSocket* s = server.nextPendingConnection()) {
        if (connections >= settings.maxConnections) {
            counters.errors[QStringLiteral("too_many_connections")] += 1;
            s->abort();
            s->deleteLater();
            continue;
        }
        ++connections;
        auto* c = new Connection(s, q);
        QObject::connect(s, &QTcpSocket::disconnected, c, [this, c] {
            if (c->probeId != 0 && running.contains(c->probeId))
                engine->cancel(c->probeId); // nobody waits for this answer any more
            c->deleteLater();
        });
        QObject::connect(c, &QObject::destroyed, q, [this] { --connections; });
        QObject::connect(c->timer, &QTimer::timeout, c, [this, c] {
            if (!c->answered && c->probeId == 0 && c->parser.state() == HttpRequestParser::State::Incomplete) {
                fail(c, 408, "request_timeout",
                    QStringLiteral("the request head did not arrive within %1 s")
                        .arg(settings.requestTimeoutMs / 1000.0));
                return;
            }
            if (c->answered)
                c->socket->abort(); // the client does not read its answer
        });
        QObject::connect(s, &QTcpSocket::readyRead, c, [this, c] {
            if (c->parser.state() != HttpRequestParser::State::Incomplete) {
                c->socket->readAll(); // one request per connection: anything after it is dropped
                return;
            }
            const HttpRequestParser::State st = c->parser.feed(c->socket->readAll());
            if (st == HttpRequestParser::State::Error) {
                const int status = c->parser.errorStatus();
                fail(c, status, status == 431 || status == 414 ? "too_large" : "bad_request", c->parser.errorMessage());
            } else if (st == HttpRequestParser::State::Complete) {
                onRequest(c);
            }
        });
        c->timer->start(settings.requestTimeoutMs);
    }
}

void ExporterServer::Private::respond(
    Connection* c, int status, const QByteArray& body, const QByteArray& contentType, const QByteArray& extraHeaders)
{
    if (!c || c->answered)
        return;
    c->answered = true;
    counters.responses[status] += 1;
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status)
        + "\r\n"
          "Content-Type: "
        + contentType
        + "\r\n"
          "Content-Length: "
        + QByteArray::number(body.size())
        + "\r\n"
          "Cache-Control: no-store\r\n"
          "Connection: close\r\n"
        + extraHeaders + "\r\n";
    c->socket->write(head);
    if (c->parser.state() != HttpRequestParser::State::Complete || c->parser.method() != "HEAD")
        c->socket->write(body);
    c->socket->disconnectFromHost(); // after the bytes are written
    c->timer->start(settings.writeTimeoutMs);
    emit q->responded(status);
}

void ExporterServer::Private::onRequest(Connection* c)
{
    const HttpRequestParser& req = c->parser;
    if (req.method() != "GET" && req.method() != "HEAD") {
        fail(c, 405, "bad_request", QStringLiteral("only GET is supported"));
        return;
    }
    const QByteArray path = req.path();
    if (path == "/probe") {
        handleProbe(c);
    } else if (path == "/metrics") {
        respond(c, 200, counters.exposition(), kExpositionContentType);
    } else if (path == "/" || path == "/health") {
        respond(c, 200,
            QByteArray("SocketScope exporter\n"
                       "  /probe?target=ws://HOST:PORT/PATH&module=NAME   probe one endpoint (modules: ")
                + modules.names().join(QStringLiteral(", ")).toUtf8()
                + ")\n"
                  "  /metrics                                        the exporter's own metrics\n");
    } else {
        fail(c, 404, "not_found", QStringLiteral("no such path: use /probe?target=URL&module=NAME or /metrics"));
    }
}

void ExporterServer::Private::handleProbe(Connection* c)
{
    const auto items = parseQuery(c->parser.query());
    if (!items) {
        fail(c, 400, "bad_request", items.error());
        return;
    }
    QString target, module = QStringLiteral("default");
    bool haveTarget = false, haveModule = false;
    for (const auto& item : *items) {
        if (item.first == QLatin1String("target")) {
            if (haveTarget) {
                fail(c, 400, "bad_request", QStringLiteral("the target parameter is given more than once"));
                return;
            }
            haveTarget = true;
            target = item.second;
        } else if (item.first == QLatin1String("module")) {
            if (haveModule) {
                fail(c, 400, "bad_request", QStringLiteral("the module parameter is given more than once"));
                return;
            }
            haveModule = true;
            module = item.second;
        } else {
            fail(c, 400, "bad_request",
                QStringLiteral("unknown query parameter '%1' (use target and module)").arg(item.first.left(64)));
            return;
        }
    }
    if (!haveTarget || target.trimmed().isEmpty()) {
        fail(c, 400, "bad_request",
            QStringLiteral("the target parameter is missing: /probe?target=ws://HOST:PORT/PATH"));
        return;
    }
    const QUrl url(target.trimmed(), QUrl::StrictMode);
    if (const QString why = wshandshake::checkUrl(url); !why.isEmpty()) {
        fail(c, 400, "bad_request", QStringLiteral("target %1: %2").arg(target.left(256), why));
        return;
    }
    if (!url.userInfo().isEmpty()) {
        fail(c, 400, "bad_request",
            QStringLiteral("the target must not carry credentials: put them in a module header "
                           "by reference (env:/file:)"));
        return;
    }
    if (!allow.allows(url)) {
        fail(c, 403, "forbidden",
            QStringLiteral("target %1 is not allowed by the exporter's --allow patterns").arg(target.left(256)));
        return;
    }
    const ExporterModule* m = modules.find(module);
    if (!m) {
        fail(c, 400, "unknown_module",
            QStringLiteral("unknown module '%1' (known: %2)")
                .arg(module.left(64), modules.names().join(QStringLiteral(", "))));
        return;
    }
    double budget = m->options.holdS + 3 * m->options.timeoutS; // no scrape timeout: the module's natural bound
    if (c->parser.hasHeader("x-prometheus-scrape-timeout-seconds")) {
        bool ok = false;
        const double scrape = c->parser.header("x-prometheus-scrape-timeout-seconds").trimmed().toDouble(&ok);
        if (!ok || !(scrape > 0) || scrape > 86400) {
            fail(
                c, 400, "bad_request", QStringLiteral("X-Prometheus-Scrape-Timeout-Seconds must be a positive number"));
            return;
        }
        budget = scrape - settings.timeoutMarginS > 0 ? scrape - settings.timeoutMarginS : scrape / 2;
    }
    auto options = m->probeOptions(url.toString());
    if (!options) {
        // The operator's configuration, not the scraper's request: said in the exporter's answer
        // (never the secret itself, only where it should have come from).
        fail(c, 500, "module_secret", options.error());
        return;
    }
    if (int(queue.size()) >= settings.queueLimit) {
        fail(c, 503, "overloaded",
            QStringLiteral("too many probes: %1 running (--concurrency) and %2 waiting")
                .arg(running.size())
                .arg(queue.size()));
        return;
    }
    Job job;
    job.conn = c;
    job.module = m->name;
    job.options = *options;
    job.budgetS = budget;
    job.since.start();
    queue.push_back(std::move(job));
    c->probeId = ~quint64(0); // waiting: not an idle connection any more
    c->timer->stop();
    startNext();
}

void ExporterServer::Private::startNext()
{
    while (int(running.size()) < settings.concurrency && !queue.empty()) {
        Job job = std::move(queue.front());
        queue.pop_front();
        if (!job.conn || job.conn->socket->state() != QAbstractSocket::ConnectedState)
            continue; // the scraper gave up while waiting
        const double remaining = job.budgetS - double(job.since.elapsed()) / 1000.0;
        if (remaining < 0.1) {
            fail(job.conn, 503, "queue_timeout",
                QStringLiteral("the probe waited for a free slot until its scrape timeout (--concurrency %1)")
                    .arg(settings.concurrency));
            continue;
        }
        // Every phase, and the hold, end within the budget; the deadline below is the backstop.
        ProbeOptions& o = job.options;
        o.timeoutS = qMin(o.timeoutS, remaining);
        o.connectTimeoutS = qMin(o.connectTimeoutS, remaining);
        if (o.holdS > remaining - 0.25)
            o.holdS = qMax(0.0, remaining - 0.25);
        const quint64 id = engine->start(o);
        job.conn->probeId = id;
        job.deadline = new QTimer(q);
        job.deadline->setSingleShot(true);
        QObject::connect(job.deadline, &QTimer::timeout, q, [this, id] {
            if (auto it = running.find(id); it != running.end()) {
                it->deadlineHit = true;
                engine->cancel(id);
            }
        });
        job.deadline->start(int(remaining * 1000));
        running.insert(id, std::move(job));
    }
    counters.inFlight = int(running.size());
    counters.queued = int(queue.size());
}

void ExporterServer::Private::finished(quint64 id, const ProbeResult& result)
{
    auto it = running.find(id);
    if (it == running.end())
        return;
    Job job = std::move(*it);
    running.erase(it);
    job.deadline->deleteLater();
    const double duration = double(job.since.elapsed()) / 1000.0;
    const bool success = result.ok && !job.deadlineHit;
    counters.probes[{ job.module, success ? QStringLiteral("success") : QStringLiteral("failure") }] += 1;
    if (job.deadlineHit)
        counters.errors[QStringLiteral("deadline")] += 1;
    if (job.conn)
        respond(job.conn, 200, probeExposition(result, duration, job.deadlineHit), kExpositionContentType);
    startNext();
}

} // namespace socketscope
