// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/MonitorExport.h"

#include "monitor/MonitorManager.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>

namespace socketscope::monitorexport {

namespace {

QString num(float v) { return hasValue(v) ? QString::number(double(v), 'f', 3) : QString(); }
QJsonValue jnum(float v) { return hasValue(v) ? QJsonValue(std::round(double(v) * 1000.0) / 1000.0) : QJsonValue(); }

QString appName(const Sample& s)
{
    const auto id = AppProtocolId(s.app);
    return id == AppProtocolId::Auto ? QString() : appProtocolName(id);
}

// The application's own round trip: carried by the echo fields when the protocol is not echo.
float appRtt(const Sample& s)
{
    const auto id = AppProtocolId(s.app);
    return id == AppProtocolId::Auto || id == AppProtocolId::Echo ? Sample::kNone : s.echoMedian;
}

QString csvField(const QString& s)
{
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n')))
        return s;
    QString q = s;
    q.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

} // namespace

QString csvHeader()
{
    return QStringLiteral("time,monitor,cause,ok,http_status,close_code,closed_by,dns_ms,tcp_ms,tls_ms,upgrade_ms,"
                          "echo_min_ms,echo_ms,echo_max_ms,ping_ms,app,app_rtt_ms");
}

QString csvRow(const Sample& s, const QString& cause, const QString& monitorName)
{
    const QStringList f = {
        isoWithOffset(s.timeMs),
        csvField(monitorName),
        csvField(cause),
        s.ok() ? QStringLiteral("1") : QStringLiteral("0"),
        s.httpStatus ? QString::number(s.httpStatus) : QString(),
        s.closeCode ? QString::number(s.closeCode) : QString(),
        closedById(s.closedBy()),
        num(s.dns), num(s.connect), num(s.tls), num(s.upgrade),
        num(s.echoMin), num(s.echoMedian), num(s.echoMax), num(s.ping),
        appName(s), num(appRtt(s)),
    };
    return f.join(QLatin1Char(','));
}

QJsonObject sampleJson(const Sample& s, const QString& cause, const QString& monitorName)
{
    QJsonObject o;
    o[QStringLiteral("time")] = isoWithOffset(s.timeMs);
    if (!monitorName.isEmpty())
        o[QStringLiteral("monitor")] = monitorName;
    o[QStringLiteral("cause")] = cause;
    o[QStringLiteral("ok")] = s.ok();
    o[QStringLiteral("http_status")] = s.httpStatus ? QJsonValue(int(s.httpStatus)) : QJsonValue();
    o[QStringLiteral("close_code")] = s.closeCode ? QJsonValue(int(s.closeCode)) : QJsonValue();
    o[QStringLiteral("closed_by")] = closedById(s.closedBy());
    o[QStringLiteral("dns_ms")] = jnum(s.dns);
    o[QStringLiteral("tcp_ms")] = jnum(s.connect);
    o[QStringLiteral("tls_ms")] = jnum(s.tls);
    o[QStringLiteral("upgrade_ms")] = jnum(s.upgrade);
    o[QStringLiteral("echo_min_ms")] = jnum(s.echoMin);
    o[QStringLiteral("echo_ms")] = jnum(s.echoMedian);
    o[QStringLiteral("echo_max_ms")] = jnum(s.echoMax);
    o[QStringLiteral("ping_ms")] = jnum(s.ping);
    o[QStringLiteral("app")] = appName(s).isEmpty() ? QJsonValue() : QJsonValue(appName(s));
    o[QStringLiteral("app_rtt_ms")] = jnum(appRtt(s));
    return o;
}

QJsonObject eventJson(const MonitorEvent& e)
{
    QJsonObject o;
    o[QStringLiteral("time")] = isoWithOffset(e.timeMs);
    o[QStringLiteral("kind")] = eventKindId(e.kind);
    o[QStringLiteral("text")] = e.text;
    if (!e.cause.isEmpty())
        o[QStringLiteral("cause")] = e.cause;
    if (!e.previousCause.isEmpty())
        o[QStringLiteral("previous_cause")] = e.previousCause;
    if (e.kind == MonitorEvent::Kind::ConnectionClosed) {
        o[QStringLiteral("close_code")] = e.closeCode ? QJsonValue(e.closeCode) : QJsonValue();
        o[QStringLiteral("closed_by")] = closedById(e.closedBy);
        o[QStringLiteral("held_s")] = std::round(e.heldS * 1000.0) / 1000.0;
    }
    if (e.httpStatus)
        o[QStringLiteral("http_status")] = e.httpStatus;
    if (!e.evidence.isEmpty())
        o[QStringLiteral("evidence")] = QJsonArray::fromStringList(e.evidence);
    if (!e.advice.isEmpty())
        o[QStringLiteral("advice")] = QJsonArray::fromStringList(e.advice);
    return o;
}

QJsonObject monitorJson(const Monitor& m)
{
    QJsonObject o;
    o[QStringLiteral("monitor")] = m.spec.name;
    o[QStringLiteral("url")] = m.spec.options.url;
    o[QStringLiteral("interval_s")] = m.spec.intervalS;
    o[QStringLiteral("long_lived")] = m.spec.longLived;
    o[QStringLiteral("state")] = monitorStateId(m.state);
    QJsonArray samples;
    for (int i = 0; i < m.buffer.rawCount(); ++i) {
        const Sample& s = m.buffer.raw(i);
        samples.append(sampleJson(s, m.buffer.causeName(s.causeIndex), QString()));
    }
    o[QStringLiteral("samples")] = samples;
    QJsonArray events;
    for (int i = 0; i < m.events.size(); ++i)
        events.append(eventJson(m.events.at(i)));
    o[QStringLiteral("events")] = events;
    QJsonArray minute;
    for (const Bucket& b : m.buffer.buckets(Tier::Minute)) {
        QJsonObject bo;
        bo[QStringLiteral("start")] = isoWithOffset(b.startMs);
        bo[QStringLiteral("count")] = b.count;
        bo[QStringLiteral("ok_count")] = b.okCount;
        for (int i = 0; i < kMetricCount; ++i) {
            const Stat& st = b.stats[size_t(i)];
            if (!hasValue(st.median))
                continue;
            QJsonObject so;
            so[QStringLiteral("min")] = jnum(st.min);
            so[QStringLiteral("median")] = jnum(st.median);
            so[QStringLiteral("p95")] = jnum(st.p95);
            so[QStringLiteral("max")] = jnum(st.max);
            bo[QString::fromLatin1(metricId(Metric(i)))] = so;
        }
        minute.append(bo);
    }
    o[QStringLiteral("minute")] = minute;
    return o;
}

Status writeFileAtomic(const QString& path, const QByteArray& data)
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return Status::failure(QStringLiteral("Cannot write %1: %2").arg(path, f.errorString()));
    if (f.write(data) != data.size() || !f.commit())
        return Status::failure(QStringLiteral("Cannot write %1: %2").arg(path, f.errorString()));
    return Status::success();
}

QString csvCloseRow(const MonitorEvent& e, const QString& monitorName)
{
    Sample s;
    s.timeMs = e.timeMs;
    s.httpStatus = quint16(std::clamp(e.httpStatus, 0, 65535));
    s.closeCode = quint16(std::clamp(e.closeCode, 0, 65535));
    s.setClosedBy(e.closedBy);
    QString cause = e.cause;
    if (cause.isEmpty() || cause == QLatin1String("ok"))
        cause = e.closeCode == 0 || e.closeCode == 1006 ? QStringLiteral("abnormal_closure") : QStringLiteral("server_closed");
    return csvRow(s, cause, monitorName);
}

Status writeCsv(const Monitor& m, const QString& path)
{
    // Samples and the long-lived connection's closes, in time order: a cut is in the file even
    // while every periodic probe was ok.
    QList<const MonitorEvent*> closes;
    for (int i = 0; i < m.events.size(); ++i) {
        const MonitorEvent& e = m.events.at(i);
        const bool fullHold = e.heldS >= m.spec.longLivedMaxS - 1.0 && e.httpStatus == 101;
        if (e.kind == MonitorEvent::Kind::ConnectionClosed && !fullHold)
            closes.append(&e);
    }
    std::stable_sort(closes.begin(), closes.end(), [](const MonitorEvent* a, const MonitorEvent* b) { return a->timeMs < b->timeMs; });
    QString text = csvHeader() + QLatin1Char('\n');
    qsizetype next = 0;
    for (int i = 0; i < m.buffer.rawCount(); ++i) {
        const Sample& s = m.buffer.raw(i);
        for (; next < closes.size() && closes.at(next)->timeMs < s.timeMs; ++next)
            text += csvCloseRow(*closes.at(next), m.spec.name) + QLatin1Char('\n');
        text += csvRow(s, m.buffer.causeName(s.causeIndex), m.spec.name) + QLatin1Char('\n');
    }
    for (; next < closes.size(); ++next)
        text += csvCloseRow(*closes.at(next), m.spec.name) + QLatin1Char('\n');
    return writeFileAtomic(path, text.toUtf8());
}

Status writeJson(const Monitor& m, const QString& path)
{
    return writeFileAtomic(path, QJsonDocument(monitorJson(m)).toJson(QJsonDocument::Indented));
}

} // namespace socketscope::monitorexport
