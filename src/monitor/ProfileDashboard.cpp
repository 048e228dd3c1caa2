// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/ProfileDashboard.h"

#include "diagnosis/Diagnosis.h"
#include "probe/ProbeEngine.h"
#include "probe/ProbeProfile.h"

#include <QSet>
#include <QUrl>

#include <algorithm>

namespace socketscope {

int stateSeverity(const QString& state)
{
    static const QStringList order = {QStringLiteral("down"), QStringLiteral("degraded"), QStringLiteral("unknown"), QStringLiteral("ok")};
    const qsizetype i = order.indexOf(state);
    return i < 0 ? 2 : int(i);
}

namespace {

// The cause behind a profile's headline: a live monitor's cause, else the most severe hop's.
QString tileCause(const ProfileState& st, const QString& headlineState)
{
    const bool live = st.monitored && st.monitorState != MonitorState::Paused && st.monitorState != MonitorState::Stopped
        && st.monitorState != MonitorState::Unknown;
    if (live)
        return st.monitorCause;
    if (!st.probe.finished() || headlineState == QLatin1String("unknown"))
        return {};
    QString cause;
    int worst = 4;
    for (const ProbeHop& hop : st.probe.hops) {
        const int s = stateSeverity(verdictState(hop.result.cause));
        if (s < worst) {
            worst = s;
            cause = hop.result.cause;
        }
    }
    return cause;
}

} // namespace

QList<ProfileTile> dashboardTiles(const QList<Profile>& profiles, const ProfileStateModel& states)
{
    QList<ProfileTile> tiles;
    for (const Profile& p : profiles) {
        const ProfileState st = states.state(p.id);
        const ProfileState::Headline h = st.headline();
        ProfileTile t;
        t.id = p.id;
        t.name = p.name;
        t.state = h.state;
        t.sentence = h.sentence;
        if (!p.builtinDemo && probeHopsFor(p).isEmpty() && !st.probe.finished() && !st.monitored)
            t.sentence = QObject::tr("no URL to probe: add its public URL in the profile editor");
        t.cause = tileCause(st, h.state);
        t.lastProbe = st.probe.finishedAt;
        t.probing = st.probe.running();
        tiles << t;
    }
    std::stable_sort(tiles.begin(), tiles.end(), [](const ProfileTile& a, const ProfileTile& b) {
        const int sa = stateSeverity(a.state);
        const int sb = stateSeverity(b.state);
        if (sa != sb)
            return sa < sb;
        return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    });
    return tiles;
}

QList<ProbeHop> probeHopsFor(const Profile& profile, const QString& demoUrl)
{
    const QString publicUrl = profile.builtinDemo && !demoUrl.isEmpty() ? demoUrl : profile.publicUrl;
    QList<ProbeHop> hops;
    if (!profile.directUrl.isEmpty())
        hops.append({QObject::tr("direct"), profile.directUrl, {}, false});
    if (!publicUrl.isEmpty())
        hops.append({QObject::tr("public"), publicUrl, {}, false});
    return hops;
}

QString hopTitle(const QString& name, const QString& url)
{
    const QUrl u(url);
    return QStringLiteral("%1  %2:%3").arg(name, u.host()).arg(u.port(u.scheme() == QLatin1String("wss") ? 443 : 80));
}

ProbeAllRunner::ProbeAllRunner(ProbeEngine* engine, ProfileStateModel* states, QObject* parent)
    : QObject(parent), m_engine(engine), m_states(states)
{
    m_base.echoCount = 5;
    m_base.timeoutS = 5;
    m_base.connectTimeoutS = 5;
    connect(engine, &ProbeEngine::finished, this, &ProbeAllRunner::onFinished);
}

ProbeAllRunner::~ProbeAllRunner()
{
    if (m_engine)
        for (auto it = m_running.cbegin(); it != m_running.cend(); ++it)
            m_engine->cancel(it.key());
}

void ProbeAllRunner::setConcurrency(int n) { m_concurrency = std::max(1, n); }

int ProbeAllRunner::start(const QList<Profile>& profiles, const QString& demoUrl)
{
    if (isRunning() || !m_engine || !m_states)
        return 0;
    m_total = m_done = m_peak = 0;
    for (const Profile& p : profiles) {
        Queued q{p.id, probeHopsFor(p, demoUrl), {}};
        if (q.hops.isEmpty() || m_states->state(p.id).probe.running())
            continue;
        for (const ProbeHop& hop : std::as_const(q.hops))
            q.options << profileProbeOptions(p, hop.url, m_base);
        m_queue << q;
    }
    m_total = int(m_queue.size());
    pump();
    if (m_total == 0)
        emit finished();
    return m_total;
}

int ProbeAllRunner::profilesInFlight() const
{
    QSet<QUuid> profiles;
    for (const Running& r : m_running)
        profiles.insert(r.profile);
    return int(profiles.size());
}

void ProbeAllRunner::pump()
{
    while (!m_queue.isEmpty() && profilesInFlight() < m_concurrency && m_engine && m_states) {
        const Queued q = m_queue.takeFirst();
        m_states->beginProbe(q.profile, q.hops);
        for (int i = 0; i < q.hops.size(); ++i)
            m_running.insert(m_engine->start(q.options.at(i)), {q.profile, i});
        m_peak = std::max(m_peak, profilesInFlight());
    }
}

void ProbeAllRunner::cancel()
{
    m_queue.clear(); // never started: their last results stay as they were
    if (m_engine)
        for (auto it = m_running.cbegin(); it != m_running.cend(); ++it)
            m_engine->cancel(it.key());
    if (m_running.isEmpty())
        emit finished();
}

void ProbeAllRunner::onFinished(quint64 id, const ProbeResult& result)
{
    const auto it = m_running.find(id);
    if (it == m_running.end())
        return; // another user's probe on a shared engine
    const Running r = *it;
    m_running.erase(it);
    if (m_states)
        m_states->setHopResult(r.profile, r.hop, result);
    bool profileDone = true;
    for (const Running& other : std::as_const(m_running))
        profileDone = profileDone && other.profile != r.profile;
    if (profileDone) {
        ++m_done;
        emit progress(m_done, m_total);
    }
    pump();
    if (!isRunning())
        emit finished();
}

} // namespace socketscope
