// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/EvidenceBundle.h"

#include "monitor/MonitorExport.h"
#include "monitor/MonitorManager.h"
#include "monitor/ProbeMatrix.h"
#include "profiles/Profile.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace socketscope::evidence {

namespace {

QString safeName(const QString& s)
{
    QString out = s;
    out.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]+")), QStringLiteral("-"));
    return out.isEmpty() ? QStringLiteral("profile") : out.left(60);
}

QJsonArray pairs(const QList<QPair<QString, QString>>& list)
{
    QJsonArray a;
    for (const auto& [k, v] : list)
        a.append(QJsonArray{k, v});
    return a;
}

QJsonValue optMs(const std::optional<double>& v) { return v ? QJsonValue(*v) : QJsonValue(); }

QJsonObject rtt(const RttStats& s)
{
    QJsonObject o;
    o[QStringLiteral("count")] = s.count;
    o[QStringLiteral("min_ms")] = s.min;
    o[QStringLiteral("median_ms")] = s.median;
    o[QStringLiteral("p95_ms")] = s.p95;
    o[QStringLiteral("max_ms")] = s.max;
    return o;
}

} // namespace

Result<QString> createBundleFolder(const QString& parentDir, const QString& profileName)
{
    const QString name = QStringLiteral("socketscope-evidence-%1-%2")
                             .arg(safeName(profileName), QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")));
    QDir parent(parentDir);
    QString path = parent.filePath(name);
    for (int i = 2; QFileInfo::exists(path); ++i)
        path = parent.filePath(name + QStringLiteral("-%1").arg(i));
    if (!QDir().mkpath(path))
        return Result<QString>::failure(QStringLiteral("Cannot create the folder %1").arg(path));
    return path;
}

QJsonObject profileJson(const Profile& p)
{
    QJsonObject o;
    o[QStringLiteral("id")] = p.id.toString(QUuid::WithoutBraces);
    o[QStringLiteral("name")] = p.name;
    o[QStringLiteral("public_url")] = p.publicUrl;
    o[QStringLiteral("direct_url")] = p.directUrl;
    o[QStringLiteral("origin")] = p.origin;
    o[QStringLiteral("headers")] = pairs(p.extraHeaders);
    o[QStringLiteral("subprotocols")] = QJsonArray::fromStringList(p.subprotocols);
    o[QStringLiteral("bolt")] = p.bolt;
    QJsonObject tls;
    tls[QStringLiteral("ca_file")] = p.tls.caFile;
    tls[QStringLiteral("pinned_certificate")] = p.tls.pinnedCertificate;
    tls[QStringLiteral("client_certificate")] = p.tls.clientCertificate;
    tls[QStringLiteral("client_key")] = p.tls.clientKey;
    tls[QStringLiteral("insecure")] = p.tls.insecure;
    o[QStringLiteral("tls")] = tls;
    QJsonObject ssh;
    ssh[QStringLiteral("host")] = p.ssh.host;
    ssh[QStringLiteral("port")] = p.ssh.port;
    ssh[QStringLiteral("user")] = p.ssh.user;
    ssh[QStringLiteral("jump_host")] = p.ssh.jumpHost;
    o[QStringLiteral("ssh")] = ssh;
    QJsonObject nginx;
    nginx[QStringLiteral("site_file")] = p.nginx.siteFile;
    nginx[QStringLiteral("enabled_link")] = p.nginx.enabledLink;
    o[QStringLiteral("nginx")] = nginx;
    o[QStringLiteral("service_name")] = p.serviceName;
    return o;
}

QJsonObject probeJson(const ProbeResult& r)
{
    QJsonObject o;
    o[QStringLiteral("url")] = r.url;
    o[QStringLiteral("started_at")] = r.startedAt.isValid() ? isoWithOffset(r.startedAt.toMSecsSinceEpoch()) : QString();
    o[QStringLiteral("cause")] = r.cause;
    o[QStringLiteral("ok")] = r.ok;
    o[QStringLiteral("http_status")] = r.httpStatus ? QJsonValue(*r.httpStatus) : QJsonValue();
    o[QStringLiteral("status_line")] = r.statusLine;
    o[QStringLiteral("response_headers")] = pairs(r.responseHeaders);
    o[QStringLiteral("close_code")] = r.closeCode ? QJsonValue(*r.closeCode) : QJsonValue();
    o[QStringLiteral("close_reason")] = r.closeReason;
    o[QStringLiteral("closed_by")] = closedById(r.closedBy);
    QJsonObject t;
    t[QStringLiteral("dns_ms")] = optMs(r.timings.dns);
    t[QStringLiteral("tcp_ms")] = optMs(r.timings.connect);
    t[QStringLiteral("tls_ms")] = optMs(r.timings.tls);
    t[QStringLiteral("upgrade_ms")] = optMs(r.timings.upgrade);
    t[QStringLiteral("first_echo_ms")] = optMs(r.timings.firstEcho);
    o[QStringLiteral("timings")] = t;
    o[QStringLiteral("echo_rtt")] = rtt(r.echoRtt);
    o[QStringLiteral("ping_rtt")] = rtt(r.pingRtt);
    o[QStringLiteral("held_s")] = r.heldS;
    o[QStringLiteral("idle_cutoff_s")] = r.idleCutoffS ? QJsonValue(*r.idleCutoffS) : QJsonValue();
    o[QStringLiteral("error_phase")] = r.errorPhase;
    o[QStringLiteral("error")] = r.errorString;
    o[QStringLiteral("evidence")] = QJsonArray::fromStringList(r.evidence);
    o[QStringLiteral("advice")] = QJsonArray::fromStringList(r.advice);
    return o;
}

QString summaryMarkdown(const EvidenceInput& in)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QString md = QStringLiteral("# SocketScope evidence: %1\n\n").arg(in.profile ? in.profile->name : QStringLiteral("(no profile)"));
    md += QStringLiteral("Collected %1 (local time, UTC offset shown).\n\n").arg(isoWithOffset(now));
    if (in.profile) {
        md += QStringLiteral("- Public URL: `%1`\n").arg(in.profile->publicUrl);
        if (!in.profile->directUrl.isEmpty())
            md += QStringLiteral("- Direct URL: `%1`\n").arg(in.profile->directUrl);
        md += QLatin1Char('\n');
    }
    if (in.matrix) {
        const MatrixVerdict v = in.matrix->verdict();
        md += QStringLiteral("## Verdict: %1\n\n%2\n\n").arg(v.state, v.sentence);
        for (const QString& a : v.advice)
            md += QStringLiteral("- Advice: %1\n").arg(a);
        md += QStringLiteral("\n## Where does it break?\n\n") + in.matrix->toMarkdown() + QLatin1Char('\n');
    }
    if (in.monitor) {
        const Monitor& m = *in.monitor;
        md += QStringLiteral("## Monitor %1\n\n").arg(m.spec.name);
        md += QStringLiteral("- State: **%1**, %2 probes every %3 s, URL `%4`\n")
                  .arg(monitorStateId(m.state)).arg(m.probesDone).arg(m.spec.intervalS).arg(m.spec.options.url);
        if (m.buffer.rawCount() > 0) {
            int down = 0;
            for (int i = 0; i < m.buffer.rawCount(); ++i)
                down += m.buffer.raw(i).ok() ? 0 : 1;
            md += QStringLiteral("- Samples kept: %1 from %2 to %3; %4 not ok\n")
                      .arg(m.buffer.rawCount())
                      .arg(isoWithOffset(m.buffer.raw(0).timeMs), isoWithOffset(m.buffer.newestMs()))
                      .arg(down);
        }
        md += QStringLiteral("\n### Events (newest last)\n\n");
        const int first = std::max(0, m.events.size() - 30);
        for (int i = first; i < m.events.size(); ++i) {
            const MonitorEvent& e = m.events.at(i);
            if (e.kind == MonitorEvent::Kind::StateChanged || e.kind == MonitorEvent::Kind::CauseChanged
                || e.kind == MonitorEvent::Kind::ConnectionClosed)
                md += QStringLiteral("- %1 — %2\n").arg(isoWithOffset(e.timeMs), e.text);
        }
        md += QLatin1Char('\n');
    }
    if (!in.chartFiles.isEmpty()) {
        md += QStringLiteral("## Charts\n\n");
        for (const QString& f : in.chartFiles)
            md += QStringLiteral("![%1](%1)\n").arg(f);
    }
    return md;
}

Status writeBundle(const QString& folder, const EvidenceInput& in)
{
    QDir dir(folder);
    const auto write = [&dir](const QString& name, const QByteArray& data) {
        return monitorexport::writeFileAtomic(dir.filePath(name), data);
    };
    const auto json = [](const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Indented); };
    if (in.profile)
        if (Status st = write(QStringLiteral("profile.json"), json(profileJson(*in.profile))); !st)
            return st;
    if (in.monitor) {
        if (Status st = monitorexport::writeCsv(*in.monitor, dir.filePath(QStringLiteral("samples.csv"))); !st)
            return st;
        if (Status st = monitorexport::writeJson(*in.monitor, dir.filePath(QStringLiteral("samples.json"))); !st)
            return st;
    }
    QList<QPair<QString, ProbeResult>> probes;
    for (int i = 0; i < in.probes.size(); ++i)
        probes.append({QStringLiteral("probe"), in.probes[i]});
    if (in.matrix) {
        if (Status st = write(QStringLiteral("matrix.json"), json(in.matrix->toJson())); !st)
            return st;
        if (Status st = write(QStringLiteral("matrix.md"), in.matrix->toMarkdown().toUtf8()); !st)
            return st;
        for (const MatrixRow& r : in.matrix->rows())
            if (r.status == MatrixRow::Status::Done)
                probes.append({r.hop.id, r.result});
    }
    if (!probes.isEmpty()) {
        if (!dir.mkpath(QStringLiteral("probes")))
            return Status::failure(QStringLiteral("Cannot create %1").arg(dir.filePath(QStringLiteral("probes"))));
        for (int i = 0; i < probes.size(); ++i) {
            const QString name = QStringLiteral("probes/%1-%2.json").arg(i + 1, 2, 10, QLatin1Char('0')).arg(probes[i].first);
            if (Status st = write(name, json(probeJson(probes[i].second))); !st)
                return st;
        }
    }
    return write(QStringLiteral("summary.md"), summaryMarkdown(in).toUtf8());
}

} // namespace socketscope::evidence
