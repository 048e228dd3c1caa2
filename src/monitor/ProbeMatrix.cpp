// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/ProbeMatrix.h"

#include "probe/ProbeProfile.h"

#include "diagnosis/Diagnosis.h"
#include "diagnosis/ProxyStack.h"
#include "monitor/MonitorTypes.h"
#include "monitor/ProbeLauncher.h"
#include "monitor/ProfileDashboard.h"
#include "profiles/Profile.h"

#include <QJsonArray>
#include <QUrl>

namespace socketscope {

namespace {

QString ms(double v) { return QString::number(v, 'f', v < 100 ? 1 : 0); }

bool upgraded(const ProbeResult& r) { return r.httpStatus && *r.httpStatus == 101; }

} // namespace

ProbeMatrix::ProbeMatrix(ProbeLauncher* launcher, QObject* parent) : QObject(parent), m_launcher(launcher)
{
    connect(m_launcher, &ProbeLauncher::finished, this, &ProbeMatrix::onFinished);
}

ProbeMatrix::~ProbeMatrix()
{
    cancel();
}

QList<MatrixHop> ProbeMatrix::hopsFor(const Profile& profile, const QString& secondProxyUrl)
{
    // Only the URLs the profile names, titled as the Overview titles them ("public  host:443"):
    // the matrix never invents a hop (a "proxy wss:443" nobody configured).
    QList<MatrixHop> hops;
    const QList<ProbeHop> named = probeHopsFor(profile);
    for (qsizetype i = 0; i < named.size(); ++i) {
        const ProbeHop& h = named.at(i);
        const QUrl u(h.url);
        if (!u.isValid())
            continue;
        const bool direct = i == 0 && !profile.directUrl.isEmpty();
        const QString id = direct ? QStringLiteral("direct")
                           : u.scheme() == QLatin1String("wss") ? QStringLiteral("proxy_tls")
                                                                : QStringLiteral("proxy_http");
        hops.append({id, hopTitle(h.name, h.url), h.url});
    }
    if (!secondProxyUrl.isEmpty())
        hops.append({QStringLiteral("proxy2"), hopTitle(tr("second proxy"), secondProxyUrl), secondProxyUrl});
    return hops;
}

void ProbeMatrix::setProfile(const Profile& profile, const QString& secondProxyUrl)
{
    m_profile = profile;
    ProbeOptions base;
    applyProfile(base, profile);
    base.echoCount = 3;
    base.timeoutS = 5;
    base.connectTimeoutS = 5;
    setHops(hopsFor(profile, secondProxyUrl), base);
}

void ProbeMatrix::setHops(const QList<MatrixHop>& hops, const ProbeOptions& base)
{
    cancel();
    m_base = base;
    m_rows.clear();
    for (const MatrixHop& h : hops) {
        MatrixRow r;
        r.hop = h;
        m_rows.append(r);
    }
    m_probeIds = QList<quint64>(m_rows.size(), 0);
}

void ProbeMatrix::run()
{
    cancel();
    if (!m_launcher)
        return;
    for (int i = 0; i < m_rows.size(); ++i) {
        ProbeOptions o = m_base;
        o.url = m_rows[i].hop.url;
        o.holdS = m_holdS;
        o.pingIntervalS = 0; // idle on purpose: the hold column asks whether the hop drops idle connections
        m_rows[i].status = MatrixRow::Status::Running;
        m_rows[i].result = ProbeResult{};
        m_probeIds[i] = m_launcher->start(o);
        emit rowChanged(i);
    }
    if (m_rows.isEmpty())
        emit finished();
}

void ProbeMatrix::cancel()
{
    for (int i = 0; i < m_probeIds.size(); ++i) {
        if (m_probeIds[i] == 0)
            continue;
        const quint64 id = m_probeIds[i];
        m_probeIds[i] = 0; // the late finished() is ignored
        m_rows[i].status = MatrixRow::Status::Pending;
        if (m_launcher)
            m_launcher->cancel(id);
    }
}

bool ProbeMatrix::isRunning() const
{
    return std::any_of(m_probeIds.begin(), m_probeIds.end(), [](quint64 id) { return id != 0; });
}

void ProbeMatrix::onFinished(quint64 id, const ProbeResult& result)
{
    const qsizetype row = m_probeIds.indexOf(id);
    if (row < 0 || id == 0)
        return;
    m_probeIds[row] = 0;
    m_rows[row].status = MatrixRow::Status::Done;
    m_rows[row].result = result;
    emit rowChanged(int(row));
    if (!isRunning())
        emit finished();
}

QString ProbeMatrix::columnTitle(int column)
{
    switch (column) {
    case Hop: return tr("hop");
    case Dns: return tr("DNS ms");
    case Tcp: return tr("TCP ms");
    case Tls: return tr("TLS ms (expiry)");
    case Upgrade: return tr("upgrade");
    case Echo: return tr("echo ms");
    case Hold: return tr("idle hold");
    case Verdict: return tr("verdict");
    default: break;
    }
    return {};
}

bool ProbeMatrix::cellFailed(int row, int column) const
{
    if (row < 0 || row >= m_rows.size() || m_rows[row].status != MatrixRow::Status::Done)
        return false;
    const ProbeResult& r = m_rows[row].result;
    switch (column) {
    case Dns: return r.errorPhase == QLatin1String("dns");
    case Tcp: return r.errorPhase == QLatin1String("connect");
    case Tls: return r.errorPhase == QLatin1String("tls");
    case Upgrade: return r.errorPhase == QLatin1String("upgrade") || (r.httpStatus && *r.httpStatus != 101);
    case Echo: return r.errorPhase == QLatin1String("echo") || r.errorPhase == QLatin1String("app") || r.app.failure != AppFailure::None
                   || (upgraded(r) && r.echoSent > r.echoReceived);
    case Hold: return upgraded(r) && r.heldS + 0.05 < m_holdS;
    case Verdict: return !r.ok;
    default: break;
    }
    return false;
}

QString ProbeMatrix::cellText(int row, int column) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    const MatrixRow& mr = m_rows[row];
    if (column == Hop)
        return mr.hop.label;
    if (mr.status == MatrixRow::Status::Running)
        return column == Verdict ? tr("running…") : QString();
    if (mr.status == MatrixRow::Status::Pending)
        return {};
    const ProbeResult& r = mr.result;
    const QString dash = QStringLiteral("—");
    const QString cross = QStringLiteral("✗");
    switch (column) {
    case Dns:
        return r.timings.dns ? ms(*r.timings.dns) : cellFailed(row, column) ? cross : dash;
    case Tcp:
        return r.timings.connect ? ms(*r.timings.connect) : cellFailed(row, column) ? cross : dash;
    case Tls: {
        if (cellFailed(row, column))
            return cross + QLatin1Char(' ') + (r.tls.errors.isEmpty() ? r.cause : r.tls.errors.first());
        if (!r.tls.used)
            return dash;
        const QString days = r.tls.daysToExpiry ? tr(" (%1 d)").arg(*r.tls.daysToExpiry) : QString();
        return (r.timings.tls ? ms(*r.timings.tls) : dash) + days;
    }
    case Upgrade:
        if (r.httpStatus)
            return (*r.httpStatus == 101 ? QString() : cross + QLatin1Char(' ')) + QString::number(*r.httpStatus);
        return cellFailed(row, column) ? cross : dash;
    case Echo:
        if (r.echoRtt.count > 0)
            return ms(r.echoRtt.median) + (cellFailed(row, column) ? QStringLiteral(" ✗") : QString());
        if (r.app.rtt.count > 0) // the application's round trip stands in for the echo
            return ms(r.app.rtt.median) + (cellFailed(row, column) ? QStringLiteral(" ✗") : QString());
        return cellFailed(row, column) ? cross : dash;
    case Hold:
        if (!upgraded(r))
            return dash;
        if (cellFailed(row, column)) {
            const QString code = r.closeCode ? QStringLiteral(" (%1)").arg(*r.closeCode) : QString();
            return QStringLiteral("%1 %2 s%3").arg(cross).arg(r.idleCutoffS.value_or(r.heldS), 0, 'f', 1).arg(code);
        }
        return tr("ok %1 s").arg(r.heldS, 0, 'f', 0);
    case Verdict:
        return r.cause.isEmpty() ? (r.ok ? QStringLiteral("ok") : tr("failed")) : r.cause;
    default: break;
    }
    return {};
}

MatrixVerdict ProbeMatrix::verdict() const
{
    MatrixVerdict v;
    v.state = QStringLiteral("unknown");
    if (m_rows.isEmpty()) {
        v.sentence = tr("The profile names no URL to probe.");
        return v;
    }
    for (const MatrixRow& r : m_rows)
        if (r.status != MatrixRow::Status::Done) {
            v.sentence = isRunning() ? tr("Probing every hop…") : tr("Not run yet.");
            return v;
        }
    int direct = -1;
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].hop.id == QLatin1String("direct"))
            direct = i;
    const auto fault = [&](int i, const QString& sentence) {
        v.faultyRow = i;
        v.sentence = sentence;
        // Filtered to what fronts the service, as the Overview does (issue 16): the profile's fields
        // and the answers' headers name nginx, HAProxy or a cloud LB; unknown keeps every bullet.
        QList<ProbeResult> results;
        for (const MatrixRow& r : m_rows)
            results.append(r.result);
        v.advice = adviceForStack(m_rows[i].result, detectStack(m_profile, results));
        v.state = upgraded(m_rows[i].result) ? QStringLiteral("degraded") : QStringLiteral("down");
    };
    if (direct >= 0 && !m_rows[direct].result.ok) {
        fault(direct, tr("The backend itself fails (%1): fix the service before the proxy.").arg(m_rows[direct].result.cause));
        return v;
    }
    for (int i = 0; i < m_rows.size(); ++i) {
        const MatrixRow& r = m_rows[i];
        if (i == direct || r.result.ok)
            continue;
        // The diagnosis's pair verdict names the hop and says why, in one sentence.
        const QString why = direct >= 0 ? diagnosePair(m_rows[direct].result, r.result).verdict
                                        : tr("%1 (%2).").arg(r.result.cause, causeSentence(r.result));
        fault(i, tr("%1: %2").arg(r.hop.label, why));
        const QString state = verdictState(r.result.cause);
        if (!state.isEmpty())
            v.state = state;
        return v;
    }
    v.state = QStringLiteral("ok");
    v.sentence = tr("Every hop upgrades, echoes and holds %1 s.").arg(m_holdS, 0, 'f', 0);
    return v;
}

QJsonObject ProbeMatrix::toJson() const
{
    static const char* const keys[] = {"hop", "dns_ms", "tcp_ms", "tls", "upgrade", "echo_ms", "idle_hold", "verdict"};
    QJsonArray hops;
    for (int i = 0; i < m_rows.size(); ++i) {
        const MatrixRow& mr = m_rows[i];
        QJsonObject o;
        o[QStringLiteral("id")] = mr.hop.id;
        o[QStringLiteral("label")] = mr.hop.label;
        o[QStringLiteral("url")] = mr.hop.url;
        o[QStringLiteral("derived")] = false; // every hop is a URL the profile names; kept for readers of matrix.json
        o[QStringLiteral("cause")] = mr.result.cause;
        o[QStringLiteral("ok")] = mr.result.ok;
        if (mr.result.startedAt.isValid())
            o[QStringLiteral("time")] = isoWithOffset(mr.result.startedAt.toMSecsSinceEpoch());
        QJsonObject cells;
        for (int c = Dns; c < ColumnCount; ++c)
            cells[QString::fromLatin1(keys[c])] = cellText(i, c);
        o[QStringLiteral("cells")] = cells;
        o[QStringLiteral("evidence")] = QJsonArray::fromStringList(mr.result.evidence);
        o[QStringLiteral("advice")] = QJsonArray::fromStringList(mr.result.advice);
        hops.append(o);
    }
    const MatrixVerdict v = verdict();
    QJsonObject verdictObj;
    verdictObj[QStringLiteral("state")] = v.state;
    verdictObj[QStringLiteral("sentence")] = v.sentence;
    verdictObj[QStringLiteral("faulty_hop")] = v.faultyRow >= 0 ? QJsonValue(m_rows[v.faultyRow].hop.id) : QJsonValue();
    verdictObj[QStringLiteral("advice")] = QJsonArray::fromStringList(v.advice);
    QJsonObject root;
    root[QStringLiteral("hold_s")] = m_holdS;
    root[QStringLiteral("hops")] = hops;
    root[QStringLiteral("verdict")] = verdictObj;
    return root;
}

QString ProbeMatrix::toMarkdown() const
{
    QString md;
    QStringList head, rule;
    for (int c = 0; c < ColumnCount; ++c) {
        head << columnTitle(c);
        rule << QStringLiteral("---");
    }
    md += QStringLiteral("| ") + head.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
    md += QStringLiteral("| ") + rule.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
    for (int r = 0; r < m_rows.size(); ++r) {
        QStringList cells;
        for (int c = 0; c < ColumnCount; ++c)
            cells << cellText(r, c).replace(QLatin1Char('|'), QStringLiteral("\\|"));
        md += QStringLiteral("| ") + cells.join(QStringLiteral(" | ")) + QStringLiteral(" |\n");
    }
    const MatrixVerdict v = verdict();
    md += QStringLiteral("\n**Verdict (%1):** %2\n").arg(v.state, v.sentence);
    for (const QString& a : v.advice)
        md += QStringLiteral("- %1\n").arg(a);
    return md;
}

} // namespace socketscope
