// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/ProfileStates.h"

#include "core/AppPaths.h"
#include "diagnosis/Diagnosis.h"
#include "monitor/MonitorExport.h"
#include "monitor/MonitorManager.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace socketscope {

namespace {

constexpr int kFormatVersion = 1;

QJsonValue optNum(const std::optional<double>& v) { return v ? QJsonValue(*v) : QJsonValue(); }
std::optional<double> readOptNum(const QJsonValue& v) { return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt; }

// What a restart needs to show a hop again (the table, the verdict, the evidence, the advice);
// not the whole probe (no bodies, no request head).
QJsonObject hopToJson(const ProbeHop& hop)
{
    const ProbeResult& r = hop.result;
    QJsonObject o;
    o[QStringLiteral("name")] = hop.name;
    o[QStringLiteral("url")] = hop.url;
    o[QStringLiteral("cause")] = r.cause;
    o[QStringLiteral("ok")] = r.ok;
    o[QStringLiteral("started_at")] = r.startedAt.toString(Qt::ISODateWithMs);
    o[QStringLiteral("http_status")] = r.httpStatus ? QJsonValue(*r.httpStatus) : QJsonValue();
    o[QStringLiteral("status_line")] = r.statusLine;
    o[QStringLiteral("close_code")] = r.closeCode ? QJsonValue(*r.closeCode) : QJsonValue();
    o[QStringLiteral("closed_by")] = closedById(r.closedBy);
    o[QStringLiteral("held_s")] = r.heldS;
    o[QStringLiteral("idle_cutoff_s")] = optNum(r.idleCutoffS);
    o[QStringLiteral("dns_ms")] = optNum(r.timings.dns);
    o[QStringLiteral("tcp_ms")] = optNum(r.timings.connect);
    o[QStringLiteral("tls_ms")] = optNum(r.timings.tls);
    o[QStringLiteral("upgrade_ms")] = optNum(r.timings.upgrade);
    o[QStringLiteral("first_echo_ms")] = optNum(r.timings.firstEcho);
    o[QStringLiteral("echo_count")] = r.echoRtt.count;
    o[QStringLiteral("echo_ms")] = r.echoRtt.median;
    o[QStringLiteral("tls_used")] = r.tls.used;
    o[QStringLiteral("tls_days")] = r.tls.daysToExpiry ? QJsonValue(*r.tls.daysToExpiry) : QJsonValue();
    o[QStringLiteral("error_phase")] = r.errorPhase;
    o[QStringLiteral("error")] = r.errorString;
    o[QStringLiteral("evidence")] = QJsonArray::fromStringList(r.evidence);
    o[QStringLiteral("advice")] = QJsonArray::fromStringList(r.advice);
    return o;
}

QStringList strings(const QJsonValue& v)
{
    QStringList out;
    for (const QJsonValue& s : v.toArray())
        out << s.toString();
    return out;
}

ProbeHop hopFromJson(const QJsonObject& o)
{
    ProbeHop hop;
    hop.name = o.value(QStringLiteral("name")).toString();
    hop.url = o.value(QStringLiteral("url")).toString();
    hop.done = true;
    ProbeResult& r = hop.result;
    r.url = hop.url;
    r.cause = o.value(QStringLiteral("cause")).toString();
    r.ok = o.value(QStringLiteral("ok")).toBool();
    r.startedAt = QDateTime::fromString(o.value(QStringLiteral("started_at")).toString(), Qt::ISODateWithMs);
    if (o.value(QStringLiteral("http_status")).isDouble())
        r.httpStatus = o.value(QStringLiteral("http_status")).toInt();
    r.statusLine = o.value(QStringLiteral("status_line")).toString();
    if (o.value(QStringLiteral("close_code")).isDouble())
        r.closeCode = o.value(QStringLiteral("close_code")).toInt();
    const QString closedBy = o.value(QStringLiteral("closed_by")).toString();
    for (ClosedBy c : {ClosedBy::ServerFrame, ClosedBy::ServerFin, ClosedBy::ServerReset, ClosedBy::Client})
        if (closedById(c) == closedBy)
            r.closedBy = c;
    r.heldS = o.value(QStringLiteral("held_s")).toDouble();
    r.idleCutoffS = readOptNum(o.value(QStringLiteral("idle_cutoff_s")));
    r.timings.dns = readOptNum(o.value(QStringLiteral("dns_ms")));
    r.timings.connect = readOptNum(o.value(QStringLiteral("tcp_ms")));
    r.timings.tls = readOptNum(o.value(QStringLiteral("tls_ms")));
    r.timings.upgrade = readOptNum(o.value(QStringLiteral("upgrade_ms")));
    r.timings.firstEcho = readOptNum(o.value(QStringLiteral("first_echo_ms")));
    r.echoRtt.count = o.value(QStringLiteral("echo_count")).toInt();
    r.echoRtt.median = o.value(QStringLiteral("echo_ms")).toDouble();
    r.tls.used = o.value(QStringLiteral("tls_used")).toBool();
    if (o.value(QStringLiteral("tls_days")).isDouble())
        r.tls.daysToExpiry = o.value(QStringLiteral("tls_days")).toInt();
    r.errorPhase = o.value(QStringLiteral("error_phase")).toString();
    r.errorString = o.value(QStringLiteral("error")).toString();
    r.evidence = strings(o.value(QStringLiteral("evidence")));
    r.advice = strings(o.value(QStringLiteral("advice")));
    return hop;
}

} // namespace

bool ProbeRun::running() const
{
    for (const ProbeHop& h : hops)
        if (!h.done)
            return true;
    return false;
}

ProfileState::Headline ProfileState::headline() const
{
    const bool live = monitored && monitorState != MonitorState::Paused && monitorState != MonitorState::Stopped;
    if (live && monitorState != MonitorState::Unknown)
        return {monitorStateId(monitorState), QObject::tr("live monitor: %1").arg(monitorReason)};
    if (probe.running())
        return {QStringLiteral("unknown"), QObject::tr("probing…")};
    if (probe.finished())
        return {probe.state, QObject::tr("probed %1: %2").arg(probe.finishedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss")),
                                                              probe.sentence)};
    if (live)
        return {QStringLiteral("unknown"), QObject::tr("monitor started, waiting for its first probe")};
    return {QStringLiteral("unknown"), QObject::tr("not probed yet — press Ctrl+R to probe")};
}

ProfileStateModel::ProfileStateModel(const QString& file, QObject* parent) : QObject(parent), m_file(file) {}

ProfileStateModel::~ProfileStateModel() = default;

QString ProfileStateModel::defaultFile()
{
    return AppPaths::dataDir() + QStringLiteral("/profile-state.json");
}

Status ProfileStateModel::load()
{
    if (m_file.isEmpty())
        return Status::success();
    QFile f(m_file);
    if (!f.exists())
        return Status::success();
    if (!f.open(QIODevice::ReadOnly)) {
        m_readOnly = true;
        return Status::failure(tr("Cannot read %1: %2").arg(m_file, f.errorString()));
    }
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
    if (!doc.isObject() || doc.object().value(QStringLiteral("version")).toInt() != kFormatVersion) {
        m_readOnly = true;
        return Status::failure(tr("%1 is not a SocketScope state file (version %2); it is left as it is.")
                                   .arg(m_file)
                                   .arg(kFormatVersion));
    }
    const QJsonObject profiles = doc.object().value(QStringLiteral("profiles")).toObject();
    for (auto it = profiles.begin(); it != profiles.end(); ++it) {
        const QUuid id(it.key());
        const QJsonObject probe = it.value().toObject().value(QStringLiteral("probe")).toObject();
        if (id.isNull() || probe.isEmpty())
            continue;
        ProfileState st;
        for (const QJsonValue& h : probe.value(QStringLiteral("hops")).toArray())
            st.probe.hops << hopFromJson(h.toObject());
        st.probe.finishedAt = QDateTime::fromString(probe.value(QStringLiteral("finished_at")).toString(), Qt::ISODateWithMs);
        st.probe.state = probe.value(QStringLiteral("state")).toString();
        st.probe.sentence = probe.value(QStringLiteral("sentence")).toString();
        st.lastChange = st.probe.finishedAt;
        if (st.probe.finished() && !st.probe.hops.isEmpty())
            m_states.insert(id, st);
    }
    return Status::success();
}

void ProfileStateModel::save() const
{
    if (m_file.isEmpty() || m_readOnly)
        return;
    QJsonObject profiles;
    for (auto it = m_states.cbegin(); it != m_states.cend(); ++it) {
        const ProbeRun& run = it.value().probe;
        if (!run.finished())
            continue;
        QJsonArray hops;
        for (const ProbeHop& h : run.hops)
            hops.append(hopToJson(h));
        QJsonObject probe;
        probe[QStringLiteral("finished_at")] = run.finishedAt.toString(Qt::ISODateWithMs);
        probe[QStringLiteral("state")] = run.state;
        probe[QStringLiteral("sentence")] = run.sentence;
        probe[QStringLiteral("hops")] = hops;
        profiles[it.key().toString(QUuid::WithoutBraces)] = QJsonObject{{QStringLiteral("probe"), probe}};
    }
    const QJsonObject doc{{QStringLiteral("version"), kFormatVersion}, {QStringLiteral("profiles"), profiles}};
    // Best effort: the state is a convenience, a failed write loses only the last results.
    (void)monitorexport::writeFileAtomic(m_file, QJsonDocument(doc).toJson(QJsonDocument::Indented));
}

ProfileState ProfileStateModel::state(const QUuid& profile) const
{
    return m_states.value(profile);
}

void ProfileStateModel::beginProbe(const QUuid& profile, const QList<ProbeHop>& hops)
{
    ProfileState& st = m_states[profile];
    st.probe = ProbeRun();
    st.probe.hops = hops;
    for (ProbeHop& h : st.probe.hops)
        h.done = false;
    st.lastChange = QDateTime::currentDateTime();
    emit changed(profile);
}

void ProfileStateModel::setHopResult(const QUuid& profile, int hop, const ProbeResult& result)
{
    const auto it = m_states.find(profile);
    if (it == m_states.end() || hop < 0 || hop >= it->probe.hops.size())
        return;
    ProbeRun& run = it->probe;
    run.hops[hop].result = result;
    run.hops[hop].done = true;
    it->lastChange = QDateTime::currentDateTime();
    if (!run.running()) {
        computeVerdict(run);
        run.finishedAt = QDateTime::currentDateTime();
        save();
    }
    emit changed(profile);
}

void ProfileStateModel::computeVerdict(ProbeRun& run)
{
    if (run.hops.isEmpty())
        return;
    const ProbeResult& pub = run.hops.last().result;
    run.state = verdictState(pub.cause);
    if (run.hops.size() == 2) {
        const HopVerdict v = diagnosePair(run.hops.first().result, pub);
        run.sentence = v.verdict;
        if (pub.ok && !run.hops.first().result.ok)
            run.state = QStringLiteral("ok");
        else if (pub.ok && v.faultyHop == QLatin1String("proxy")) // both upgrade, but the proxy changes the application level
            run.state = QStringLiteral("degraded");
    } else {
        run.sentence = tr("%1: %2").arg(run.hops.last().name, causeSentence(pub));
    }
}

void ProfileStateModel::forget(const QUuid& profile)
{
    if (m_states.remove(profile)) {
        save();
        emit changed(profile);
    }
}

void ProfileStateModel::attach(MonitorManager* manager)
{
    m_manager = manager;
    connect(manager, &MonitorManager::monitorAdded, this, &ProfileStateModel::updateFromMonitor);
    connect(manager, &MonitorManager::verdictChanged, this, &ProfileStateModel::updateFromMonitor);
    connect(manager, &MonitorManager::monitorRemoved, this, [this](int id) {
        const QUuid profile = m_monitorProfile.take(id);
        if (profile.isNull() || !m_states.contains(profile))
            return;
        ProfileState& st = m_states[profile];
        st.monitored = false;
        st.monitorState = MonitorState::Unknown;
        st.monitorCause.clear();
        st.monitorReason.clear();
        st.lastChange = QDateTime::currentDateTime();
        emit changed(profile);
    });
}

void ProfileStateModel::updateFromMonitor(int monitorId)
{
    const Monitor* m = m_manager ? m_manager->monitor(monitorId) : nullptr;
    if (!m)
        return;
    const QUuid profile(m->spec.profileId);
    if (profile.isNull())
        return;
    m_monitorProfile.insert(monitorId, profile);
    ProfileState& st = m_states[profile];
    if (st.monitored && st.monitorState == m->state && st.monitorCause == m->cause && st.monitorReason == m->reason)
        return;
    st.monitored = true;
    st.monitorState = m->state;
    st.monitorCause = m->cause;
    st.monitorReason = m->reason.isEmpty() ? monitorVerdict(*m).reason : m->reason;
    st.lastChange = QDateTime::currentDateTime();
    emit changed(profile);
}

} // namespace socketscope
