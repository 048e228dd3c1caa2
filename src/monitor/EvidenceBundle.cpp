// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/EvidenceBundle.h"

#include "monitor/MonitorExport.h"
#include "monitor/MonitorManager.h"
#include "monitor/ProbeMatrix.h"
#include "probe/ProbeJson.h"
#include "profiles/Profile.h"
#include "profiles/ProfileJson.h"
#include "timeouts/TimeoutJson.h"

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

// One line of the summary's Application section: what a probe spoke on top of WebSocket, how
// that was decided, and its application round trip (issue 10).
QString appLine(const QString& hop, const ProbeResult& r)
{
    QString line = QStringLiteral("- %1: **%2** (decided by %3)").arg(hop, r.app.protocol, appDetectedByName(r.app.detectedBy));
    if (!r.app.version.isEmpty())
        line += QStringLiteral(", %1").arg(r.app.version);
    if (!r.subprotocol.isEmpty())
        line += QStringLiteral(", subprotocol `%1`").arg(r.subprotocol);
    if (r.app.rtt.count > 0)
        line += QStringLiteral(", %1 round trip(s), median %2 ms").arg(r.app.roundTrips).arg(r.app.rtt.median, 0, 'f', 3);
    if (r.app.heartbeatIntervalMs)
        line += QStringLiteral(", heartbeat every %1 ms, %2 answered").arg(*r.app.heartbeatIntervalMs).arg(r.app.heartbeatsAnswered);
    line += QStringLiteral(" → `%1`").arg(r.cause);
    if (!r.app.refusal.isEmpty())
        line += QStringLiteral("; the application said: %1").arg(r.app.refusal);
    return line + QLatin1Char('\n');
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
    return ProfileJson::toJson(p); // the profile store's own format; profiles never hold secrets
}

QJsonObject probeJson(const ProbeResult& r)
{
    return probeResultToJson(r); // the probe JSON contract (same document as `socketscope-cli probe --json`)
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
    QString apps;
    for (const ProbeResult& r : in.probes)
        if (!r.app.protocol.isEmpty())
            apps += appLine(QStringLiteral("probe `%1`").arg(r.url), r);
    if (in.matrix)
        for (const MatrixRow& row : in.matrix->rows())
            if (row.status == MatrixRow::Status::Done && !row.result.app.protocol.isEmpty())
                apps += appLine(QStringLiteral("hop %1").arg(row.hop.id), row.result);
    if (!apps.isEmpty())
        md += QStringLiteral("## Application protocol\n\n") + apps + QLatin1Char('\n');
    if (in.timeouts) {
        const TimeoutMapResult& t = *in.timeouts;
        md += QStringLiteral("## Which hop cuts first?\n\n");
        md += t.firstCut ? QStringLiteral("%1 after %2 s (%3).\n\n").arg(t.firstCut->hop).arg(t.firstCut->afterS, 0, 'f', 2).arg(cutKindId(t.firstCut->kind))
                         : QStringLiteral("No hop cut an idle WebSocket within %1 s.\n\n").arg(t.maxS);
        for (const QString& a : t.advice)
            md += QStringLiteral("- Advice: %1\n").arg(a);
        md += QStringLiteral("\nThe whole map: timeouts.txt, timeouts.json.\n\n");
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
    if (in.timeouts) {
        if (Status st = write(QStringLiteral("timeouts.json"), json(timeoutMapToJson(*in.timeouts))); !st)
            return st;
        if (Status st = write(QStringLiteral("timeouts.txt"), timeoutMapToText(*in.timeouts).toUtf8()); !st)
            return st;
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
