// SPDX-License-Identifier: GPL-3.0-or-later
// `probe` and `diagnose`: the CLI contract (flags, JSON fields, exit 0/1/2).
#include "cli/ArgParser.h"
#include "cli/Commands.h"
#include "cli/ProbeCliOptions.h"
#include "core/SecretBytes.h"
#include "diagnosis/Diagnosis.h"
#include "probe/CertificatePin.h"
#include "probe/ProbeEngine.h"
#include "probe/ProbeJson.h"
#include "probe/WsHandshake.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <memory>

namespace socketscope::cli {

void declareProbeOptions(ArgParser& p)
{
    for (const char* v : {"--origin", "--subprotocol", "--ca", "--proxy", "--echo", "--size", "--ping-interval", "--hold",
                          "--timeout", "--connect-timeout", "--pin", "--cert", "--key", "--basic-user", "--page-origin",
                          "--slow", "--max-frame", "--app", "--app-namespace", "--app-path", "--app-event", "--app-query",
                          "--app-payload", "--app-version", "--header-file"})
        p.addValue(QString::fromLatin1(v));
    p.addValue(QStringLiteral("--header"), QStringLiteral("-H"));
    for (const char* f : {"--insecure", "--bolt", "--json", "--binary", "--password-stdin", "--bearer-stdin", "--app-payload-stdin",
                          "--no-deflate"})
        p.addFlag(QString::fromLatin1(f));
}

// Fills options from the parsed flags; false with *error on a usage error.
bool readProbeOptions(ArgParser& p, CliContext& ctx, ProbeOptions* o, QString* error)
{
    o->origin = p.value(QStringLiteral("--origin"));
    for (const QString& h : p.values(QStringLiteral("--header"))) {
        const qsizetype colon = h.indexOf(QLatin1Char(':'));
        if (colon <= 0) {
            *error = QStringLiteral("-H needs 'Name: value', got '%1'").arg(h);
            return false;
        }
        o->headers.append({h.left(colon).trimmed(), h.mid(colon + 1).trimmed()});
    }
    // --header-file FILE: "Name: value" lines (blank lines and # comments skipped), so that a
    // header carrying a credential never appears on a command line (the Ansible playbook writes
    // one, mode 0600, on the controller). An error names the line, never its value.
    if (p.isSet(QStringLiteral("--header-file"))) {
        const QString path = p.value(QStringLiteral("--header-file"));
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly) || f.size() > 1024 * 1024) {
            *error = QStringLiteral("--header-file %1: cannot read it%2").arg(path, f.isOpen() ? QStringLiteral(" (over 1 MiB)")
                                                                                              : QStringLiteral(": ") + f.errorString());
            return false;
        }
        QByteArray data = f.readAll();
        QList<QByteArray> lines = data.split('\n');
        const auto wipeAll = [&] {
            wipeSecret(data);
            for (QByteArray& l : lines)
                wipeSecret(l);
        };
        for (qsizetype i = 0; i < lines.size(); ++i) {
            const QString line = QString::fromUtf8(lines[i]).trimmed();
            if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
                continue;
            const qsizetype colon = line.indexOf(QLatin1Char(':'));
            if (colon <= 0) {
                wipeAll();
                *error = QStringLiteral("--header-file %1: line %2 is not 'Name: value'").arg(path).arg(i + 1);
                return false;
            }
            o->headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
        }
        wipeAll();
    }
    for (const QString& s : p.values(QStringLiteral("--subprotocol")))
        o->subprotocols << s.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (QString& s : o->subprotocols)
        s = s.trimmed();
    o->caFile = p.value(QStringLiteral("--ca"));
    o->insecure = p.isSet(QStringLiteral("--insecure"));
    o->proxyUrl = p.value(QStringLiteral("--proxy"));
    if (!o->proxyUrl.isEmpty()) {
        const QUrl proxy(o->proxyUrl);
        const QString scheme = proxy.scheme().toLower();
        if (proxy.host().isEmpty()
            || !(scheme == QLatin1String("http") || scheme == QLatin1String("socks5") || scheme == QLatin1String("socks5h"))) {
            *error = QStringLiteral("--proxy needs http://HOST:PORT (CONNECT) or socks5://HOST:PORT");
            return false;
        }
        if (!proxy.password().isEmpty()) {
            *error = QStringLiteral("--proxy must not carry a password on the command line");
            return false;
        }
    }
    o->pinnedCertificate = p.value(QStringLiteral("--pin"));
    if (const QString pinError = CertificatePin::parse(o->pinnedCertificate).error(); !pinError.isEmpty()) {
        *error = QStringLiteral("--pin: ") + pinError;
        return false;
    }
    o->clientCertificate = p.value(QStringLiteral("--cert"));
    o->clientKey = p.value(QStringLiteral("--key"));
    o->bolt = p.isSet(QStringLiteral("--bolt"));
    // The application protocol: --app NAME; --bolt is an alias of --app bolt, and --echo N (N > 0)
    // selects echo (without either, auto-detection decides and no echo is sent to an app).
    if (p.isSet(QStringLiteral("--app"))) {
        const auto app = appProtocolFromName(p.value(QStringLiteral("--app")));
        if (!app) {
            *error = QStringLiteral("--app must be one of %1").arg(appProtocolNames().join(QStringLiteral(", ")));
            return false;
        }
        o->app = *app;
    } else if (o->bolt) {
        o->app = AppProtocolId::Bolt;
    } else if (p.isSet(QStringLiteral("--echo"))) {
        o->app = p.value(QStringLiteral("--echo")).trimmed() == QLatin1String("0") ? AppProtocolId::None : AppProtocolId::Echo;
    }
    o->appSource = AppDetectedBy::Flag;
    o->appNamespace = p.value(QStringLiteral("--app-namespace"));
    o->appPath = p.value(QStringLiteral("--app-path"));
    o->appEvent = p.value(QStringLiteral("--app-event"));
    o->appQuery = p.value(QStringLiteral("--app-query"));
    o->appPayload = p.value(QStringLiteral("--app-payload")).toUtf8();
    if (!o->appPayload.isEmpty() && !QJsonDocument::fromJson(o->appPayload).isObject()) {
        *error = QStringLiteral("--app-payload needs a JSON object, e.g. '{\"token\":\"…\"}'");
        return false;
    }
    if (p.isSet(QStringLiteral("--app-version"))) {
        const QString v = p.value(QStringLiteral("--app-version")).trimmed();
        if (v != QLatin1String("4") && v != QLatin1String("5") && v != QLatin1String("3.1.1")) {
            *error = QStringLiteral("--app-version: MQTT 3.1.1 (or 4) or 5");
            return false;
        }
        o->appVersion = v == QLatin1String("5") ? 5 : 4;
    }
    o->deflate = !p.isSet(QStringLiteral("--no-deflate"));
    o->echoBinary = p.isSet(QStringLiteral("--binary"));
    o->pageOrigin = p.value(QStringLiteral("--page-origin"));
    const auto echo = p.number(QStringLiteral("--echo"), 1);
    const auto size = p.number(QStringLiteral("--size"), 32);
    const auto ping = p.number(QStringLiteral("--ping-interval"), 0);
    const auto hold = p.number(QStringLiteral("--hold"), 0);
    const auto timeout = p.number(QStringLiteral("--timeout"), 0);
    const auto connectTimeout = p.number(QStringLiteral("--connect-timeout"), 0);
    const auto slow = p.number(QStringLiteral("--slow"), 1.0);
    const auto maxFrame = p.number(QStringLiteral("--max-frame"), 16.0 * 1024 * 1024);
    if (!echo || !size || !ping || !hold || !timeout || !connectTimeout || !slow || !maxFrame) {
        *error = p.error();
        return false;
    }
    if (*echo > 100000 || *size > 64.0 * 1024 * 1024 || *maxFrame < 125) {
        *error = QStringLiteral("--echo at most 100000, --size at most 64 MiB, --max-frame at least 125");
        return false;
    }
    o->echoCount = int(*echo);
    o->echoSize = int(*size);
    o->pingIntervalS = *ping;
    o->holdS = *hold;
    o->slowThresholdS = *slow;
    o->maxFrameBytes = qint64(*maxFrame);
    if (p.isSet(QStringLiteral("--timeout"))) { // bounds every phase, never the hold
        if (*timeout <= 0) {
            *error = QStringLiteral("--timeout needs a positive number of seconds");
            return false;
        }
        o->timeoutS = *timeout;
        o->connectTimeoutS = *timeout;
    }
    if (p.isSet(QStringLiteral("--connect-timeout")) && *connectTimeout > 0)
        o->connectTimeoutS = *connectTimeout;
    const bool passwordStdin = p.isSet(QStringLiteral("--password-stdin"));
    const bool bearerStdin = p.isSet(QStringLiteral("--bearer-stdin"));
    o->basicAuthUser = p.value(QStringLiteral("--basic-user"));
    const bool payloadStdin = p.isSet(QStringLiteral("--app-payload-stdin"));
    if (int(passwordStdin) + int(bearerStdin) + int(payloadStdin) > 1) {
        *error = QStringLiteral("--password-stdin, --bearer-stdin and --app-payload-stdin all read standard input: use one");
        return false;
    }
    if (payloadStdin) { // the payload may carry a token: never on the command line
        QByteArray secret = ctx.readStdin ? ctx.readStdin() : QByteArray();
        o->appPayload = secret.trimmed();
        secret.fill('\0');
        if (!QJsonDocument::fromJson(o->appPayload).isObject()) {
            o->appPayload.fill('\0');
            *error = QStringLiteral("--app-payload-stdin needs a JSON object on standard input");
            return false;
        }
    }
    if (!o->basicAuthUser.isEmpty() && !passwordStdin) {
        *error = QStringLiteral("--basic-user needs --password-stdin (passwords are never taken from the command line)");
        return false;
    }
    if (passwordStdin && o->basicAuthUser.isEmpty()) {
        *error = QStringLiteral("--password-stdin needs --basic-user USER");
        return false;
    }
    if (passwordStdin || bearerStdin) {
        QByteArray secret = ctx.readStdin ? ctx.readStdin() : QByteArray();
        if (passwordStdin)
            o->basicAuthPassword = QString::fromUtf8(secret);
        else
            o->bearerToken = QString::fromUtf8(secret).trimmed();
        wipeSecret(secret);
    }
    return true;
}

bool checkUrlArg(const QString& url, QString* error)
{
    const QString why = wshandshake::checkUrl(QUrl(url.trimmed()));
    if (!why.isEmpty())
        *error = QStringLiteral("%1: %2").arg(url, why);
    return why.isEmpty();
}

// The engine's worker threads must end while the application is still whole: delete it when the
// event loop is about to return, not during QCoreApplication's own destruction.
ProbeEngine* makeEngine()
{
    auto* engine = new ProbeEngine;
    QObject::connect(QCoreApplication::instance(), &QCoreApplication::aboutToQuit, QCoreApplication::instance(),
                     [engine] { delete engine; });
    return engine;
}
namespace {

void printJson(CliContext& ctx, const QJsonObject& o)
{
    *ctx.out << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Indented));
    ctx.out->flush();
}

} // namespace

int cmdProbe(CliContext& ctx)
{
    ArgParser p;
    declareProbeOptions(p);
    QString error;
    ProbeOptions options;
    if (!p.parse(ctx.args) || p.positionals().size() != 1) {
        *ctx.err << "probe: " << (p.error().isEmpty() ? QStringLiteral("needs exactly one URL") : p.error()) << '\n'
                 << "usage: socketscope-cli probe URL [options] [--json]\n";
        return ExitUsage;
    }
    options.url = p.positionals().first();
    if (!checkUrlArg(options.url, &error) || !readProbeOptions(p, ctx, &options, &error)) {
        *ctx.err << "probe: " << error << '\n';
        return ExitUsage;
    }
    const bool json = p.isSet(QStringLiteral("--json"));
    ProbeEngine* engine = makeEngine();
    QObject::connect(engine, &ProbeEngine::finished, engine, [&ctx, json](quint64, const ProbeResult& r) {
        if (json)
            printJson(ctx, probeResultToJson(r));
        else {
            *ctx.out << probeResultToText(r);
            ctx.out->flush();
        }
        ctx.finish(r.ok ? ExitOk : ExitFinding);
    });
    engine->start(options);
    return ExitAsync;
}

int cmdDiagnose(CliContext& ctx)
{
    ArgParser p;
    declareProbeOptions(p);
    p.addValue(QStringLiteral("--direct"));
    p.addValue(QStringLiteral("--via"));
    QString error;
    ProbeOptions options;
    if (!p.parse(ctx.args) || !p.positionals().isEmpty() || !p.isSet(QStringLiteral("--direct"))
        || !p.isSet(QStringLiteral("--via"))) {
        *ctx.err << "diagnose: " << (p.error().isEmpty() ? QStringLiteral("needs --direct URL and --via URL") : p.error()) << '\n'
                 << "usage: socketscope-cli diagnose --direct URL --via URL [probe options] [--json]\n";
        return ExitUsage;
    }
    const QString direct = p.value(QStringLiteral("--direct"));
    const QString via = p.value(QStringLiteral("--via"));
    if (!checkUrlArg(direct, &error) || !checkUrlArg(via, &error) || !readProbeOptions(p, ctx, &options, &error)) {
        *ctx.err << "diagnose: " << error << '\n';
        return ExitUsage;
    }
    const bool json = p.isSet(QStringLiteral("--json"));
    ProbeEngine* engine = makeEngine();
    ProbeOptions directOptions = options;
    directOptions.url = direct;
    directOptions.proxyUrl.clear(); // the direct hop never goes through the client proxy
    ProbeOptions viaOptions = options;
    viaOptions.url = via;
    auto results = std::make_shared<QHash<quint64, ProbeResult>>();
    const quint64 directId = engine->start(directOptions);
    const quint64 viaId = engine->start(viaOptions);
    QObject::connect(engine, &ProbeEngine::finished, engine,
                     [&ctx, json, results, directId, viaId](quint64 id, const ProbeResult& r) {
        results->insert(id, r);
        if (!results->contains(directId) || !results->contains(viaId))
            return;
        const ProbeResult& d = (*results)[directId];
        const ProbeResult& v = (*results)[viaId];
        const HopVerdict verdict = diagnosePair(d, v);
        if (json) {
            printJson(ctx, QJsonObject{{QStringLiteral("direct"), probeResultToJson(d)},
                                       {QStringLiteral("via"), probeResultToJson(v)},
                                       {QStringLiteral("verdict"), verdict.verdict},
                                       {QStringLiteral("faulty_hop"), verdict.faultyHop},
                                       {QStringLiteral("app_comparison"), verdict.appLevel}});
        } else {
            *ctx.out << "verdict: " << verdict.verdict << "\nfaulty hop: " << verdict.faultyHop;
            if (!verdict.appLevel.isEmpty())
                *ctx.out << "\napplication: " << verdict.appLevel;
            *ctx.out << "\n\ndirect: "
                     << probeResultToText(d) << "\nvia: " << probeResultToText(v);
            ctx.out->flush();
        }
        ctx.finish(v.ok && verdict.faultyHop == QLatin1String("none") ? ExitOk : ExitFinding);
    });
    return ExitAsync;
}

} // namespace socketscope::cli
