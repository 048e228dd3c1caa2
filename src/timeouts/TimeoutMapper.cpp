// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeouts/TimeoutMapper.h"

#include "probe/ProbeEngine.h"
#include "timeouts/KnownTimeouts.h"

#include <QFile>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <cmath>

namespace socketscope {

namespace {

constexpr int kMaxBisectProbes = 32;   // overlapping probes per bisection round and hop
constexpr double kMinResolution = 0.1; // seconds

// What one probe says about the connection at the end of its hold.
enum class Outcome { Alive, Visible, Silent, Error, Cancelled };

Outcome outcomeOf(const ProbeResult& r)
{
    if (r.cancelled)
        return Outcome::Cancelled;
    if (r.httpStatus.value_or(0) != 101)
        return Outcome::Error;
    if (r.errorPhase.isEmpty())
        return Outcome::Alive;
    if (r.closedBy == ClosedBy::ServerFrame || r.closedBy == ClosedBy::ServerFin || r.closedBy == ClosedBy::ServerReset)
        return Outcome::Visible;
    if (r.errorPhase == QLatin1String("ping") && r.errorKind == QLatin1String("timeout"))
        return Outcome::Silent;
    return Outcome::Error;
}

DeathKind visibleDeath(const ProbeResult& r)
{
    switch (r.closedBy) {
    case ClosedBy::ServerFrame: return DeathKind::CloseFrame;
    case ClosedBy::ServerReset: return DeathKind::Reset;
    case ClosedBy::ServerFin: return DeathKind::Fin;
    default: return DeathKind::None;
    }
}

// A gateway that gave up before the upgrade (Cloudflare 524, a 504) is a cut too.
bool isGatewayTimeout(int status) { return status == 504 || status == 524 || status == 408; }

QString secondsText(double s) { return QString::number(s, 'f', s < 10 ? 2 : 1); }

} // namespace

struct TimeoutMapper::HopRun {
    HopTimeout out;
    // The idle cutoff: alive at lo, dead at hi (a silent drop); or a direct measurement.
    double lo = 0;
    double hi = 0;
    bool silentSeen = false;
    std::optional<double> direct;
    DeathKind directDeath = DeathKind::None;
    int pendingIdle = 0;
    bool idleSettled = false;
    QList<QPair<QString, QString>> headers; // of the first 101, for the signature
    // The probe with traffic flowing.
    quint64 activeId = 0;
    double activeStartS = 0;
    bool activeDone = false;
    QString activeFailure;
    std::optional<double> activeDeathAgeS;
    QTimer* activeStop = nullptr;
    bool done = false;
};

QString deathKindId(DeathKind k)
{
    switch (k) {
    case DeathKind::CloseFrame: return QStringLiteral("close_frame");
    case DeathKind::Fin: return QStringLiteral("fin");
    case DeathKind::Reset: return QStringLiteral("reset");
    case DeathKind::HttpError: return QStringLiteral("http_error");
    case DeathKind::SilentDrop: return QStringLiteral("silent_drop");
    case DeathKind::None: break;
    }
    return QStringLiteral("none");
}

QString cutKindId(CutKind k) { return k == CutKind::Lifetime ? QStringLiteral("lifetime") : QStringLiteral("idle"); }

QString keepaliveTrafficId(KeepaliveTraffic t)
{
    switch (t) {
    case KeepaliveTraffic::ClientPing: return QStringLiteral("client_ping");
    case KeepaliveTraffic::ClientData: return QStringLiteral("client_data");
    case KeepaliveTraffic::ServerData: return QStringLiteral("server_data");
    case KeepaliveTraffic::None: break;
    }
    return QStringLiteral("none");
}

QString keepaliveTrafficLabel(KeepaliveTraffic t)
{
    switch (t) {
    case KeepaliveTraffic::ClientPing: return QStringLiteral("client WebSocket pings");
    case KeepaliveTraffic::ClientData: return QStringLiteral("client data messages");
    case KeepaliveTraffic::ServerData: return QStringLiteral("server data/pings (the app's heartbeat)");
    case KeepaliveTraffic::None: break;
    }
    return QStringLiteral("no traffic");
}

QList<KeepaliveTraffic> allKeepaliveTraffic()
{
    return {KeepaliveTraffic::None, KeepaliveTraffic::ClientPing, KeepaliveTraffic::ClientData, KeepaliveTraffic::ServerData};
}

TimeoutMapper::TimeoutMapper(ProbeEngine* engine, QObject* parent) : QObject(parent), m_engine(engine)
{
    qRegisterMetaType<socketscope::TimeoutMapResult>("socketscope::TimeoutMapResult");
    connect(engine, &ProbeEngine::finished, this, &TimeoutMapper::onProbeFinished);
}

TimeoutMapper::~TimeoutMapper()
{
    if (m_engine) {
        for (auto it = m_probes.cbegin(); it != m_probes.cend(); ++it)
            m_engine->cancel(it.key());
    }
    qDeleteAll(m_hops);
}

double TimeoutMapper::nowS() const { return double(m_clock.nsecsElapsed()) / 1.0e9; }

// How much longer than the idle cutoff the probe with traffic must live to call the cap idle.
double TimeoutMapper::margin(double cutS) const { return std::max({2.0 * m_options.resolution, 0.1 * cutS, 1.0}); }

void TimeoutMapper::start(const TimeoutMapOptions& options)
{
    m_options = options;
    m_options.resolution = std::max(m_options.resolution, kMinResolution);
    m_options.maxS = std::max(m_options.maxS, m_options.resolution);
    m_result = TimeoutMapResult();
    m_result.maxS = m_options.maxS;
    m_result.resolution = m_options.resolution;
    qDeleteAll(m_hops);
    m_hops.clear();
    m_probes.clear();
    m_keepaliveStarted = false;
    m_keepalivePending = 0;
    m_running = true;
    m_clock.start();
    m_errorLogStart = -1;
    if (!m_options.nginxErrorLog.isEmpty()) {
        QFile log(m_options.nginxErrorLog);
        if (log.exists())
            m_errorLogStart = log.size();
    }
    for (const TimeoutHop& h : m_options.hops) {
        auto* run = new HopRun;
        run->out.name = h.name;
        run->out.url = h.url;
        run->hi = m_options.maxS;
        m_hops << run;
    }
    if (m_hops.isEmpty()) {
        QTimer::singleShot(0, this, &TimeoutMapper::complete);
        return;
    }
    for (int i = 0; i < m_hops.size(); ++i) {
        HopRun* run = m_hops.at(i);
        // The ladder of idle holds, all at once: resolution × 2^k below --max, and --max itself.
        for (double h = m_options.resolution; h < m_options.maxS; h *= 2)
            launch(Role::Idle, i, h);
        launch(Role::Idle, i, m_options.maxS);
        run->activeStartS = nowS();
        run->activeId = launch(Role::Active, i, m_options.maxS);
        emit progress(QStringLiteral("%1: holding idle sockets up to %2 s").arg(run->out.name, secondsText(m_options.maxS)));
    }
}

quint64 TimeoutMapper::launch(Role role, int hop, double holdS, KeepaliveTraffic traffic)
{
    ProbeOptions o = m_options.probe;
    o.url = m_hops.at(hop)->out.url;
    o.holdS = holdS;
    o.pingIntervalS = 0;
    o.holdDataIntervalS = 0;
    o.holdQuiet = true;
    o.verifyAfterHold = true;
    if (role == Role::Active) {
        // Traffic both ways (client pings, answered; data messages) more often than any cut we resolve.
        const double every = std::clamp(m_options.resolution, 0.25, 5.0);
        o.pingIntervalS = every;
        o.holdDataIntervalS = every;
    } else if (role == Role::Keepalive) {
        const double every = std::max(0.2, holdS / 4.0);
        switch (traffic) {
        case KeepaliveTraffic::ClientPing: o.pingIntervalS = every; break;
        case KeepaliveTraffic::ClientData: o.holdDataIntervalS = every; break;
        case KeepaliveTraffic::ServerData:
            if (!m_options.serverDataPath.isEmpty()) {
                QUrl u(o.url);
                u.setPath(m_options.serverDataPath);
                o.url = u.toString();
            }
            o.holdQuiet = false; // the application's own heartbeat is server-side traffic here
            break;
        case KeepaliveTraffic::None: break;
        }
    }
    const quint64 id = m_engine->start(o);
    m_probes.insert(id, Running{role, hop, holdS, traffic});
    if (role == Role::Idle)
        ++m_hops.at(hop)->pendingIdle;
    return id;
}

void TimeoutMapper::cancel()
{
    if (!m_running)
        return;
    m_result.cancelled = true;
    for (auto it = m_probes.cbegin(); it != m_probes.cend(); ++it)
        m_engine->cancel(it.key());
    m_probes.clear();
    complete();
}

void TimeoutMapper::cancelHopProbes(int hop, Role role, double aboveHoldS)
{
    for (auto it = m_probes.cbegin(); it != m_probes.cend(); ++it) {
        if (it->hop == hop && it->role == role && it->holdS > aboveHoldS)
            m_engine->cancel(it.key()); // its result comes back with cancelled = true
    }
}

void TimeoutMapper::onProbeFinished(quint64 id, const ProbeResult& r)
{
    if (!m_running || !m_probes.contains(id))
        return;
    const Running run = m_probes.take(id);
    switch (run.role) {
    case Role::Idle:
        --m_hops.at(run.hop)->pendingIdle;
        onIdle(run.hop, run.holdS, r);
        break;
    case Role::Active: onActive(run.hop, r); break;
    case Role::Keepalive: onKeepalive(run.traffic, r); break;
    }
}

void TimeoutMapper::onIdle(int hop, double holdS, const ProbeResult& r)
{
    HopRun* run = m_hops.at(hop);
    if (run->done || run->idleSettled)
        return;
    if (run->headers.isEmpty() && r.httpStatus.value_or(0) == 101)
        run->headers = r.responseHeaders;
    switch (outcomeOf(r)) {
    case Outcome::Cancelled: break;
    case Outcome::Alive:
        run->lo = std::max(run->lo, holdS);
        emit progress(QStringLiteral("%1: alive after %2 s idle").arg(run->out.name, secondsText(holdS)));
        settle();
        break;
    case Outcome::Visible: {
        const double cut = r.idleCutoffS.value_or(holdS);
        if (!run->direct)
            emit progress(QStringLiteral("%1: cut after %2 s idle (%3)").arg(run->out.name, secondsText(cut), deathKindId(visibleDeath(r))));
        if (!run->direct || cut < *run->direct) {
            run->direct = cut;
            run->directDeath = visibleDeath(r);
            run->out.details.clear();
            run->out.details << QStringLiteral("the server side %1 after %2 s idle (timed on the probe it cut)")
                                    .arg(deathKindId(run->directDeath), secondsText(cut));
            if (r.closedBy == ClosedBy::ServerFrame)
                run->out.details << QStringLiteral("close frame %1%2").arg(r.closeCode.value_or(1005))
                                        .arg(r.closeReason.isEmpty() ? QString() : QStringLiteral(" \"%1\"").arg(r.closeReason));
        }
        cancelHopProbes(hop, Role::Idle); // the cut is timed: the other idle probes have nothing to add
        break;
    }
    case Outcome::Silent:
        run->silentSeen = true;
        run->hi = std::min(run->hi, holdS);
        emit progress(QStringLiteral("%1: no pong after %2 s idle (silent drop)").arg(run->out.name, secondsText(holdS)));
        cancelHopProbes(hop, Role::Idle, holdS);
        break;
    case Outcome::Error: {
        const int status = r.httpStatus.value_or(0);
        if (status && isGatewayTimeout(status) && r.timings.upgrade) {
            run->direct = *r.timings.upgrade / 1000.0;
            run->directDeath = DeathKind::HttpError;
            run->out.details << QStringLiteral("HTTP %1 before the upgrade, after %2 s").arg(status).arg(secondsText(*run->direct));
        } else if (!run->direct && !run->silentSeen && run->lo <= 0) {
            run->out.error = status ? QStringLiteral("HTTP %1 instead of 101 (%2)").arg(status).arg(r.statusLine)
                                    : QStringLiteral("%1: %2").arg(r.errorPhase, r.errorString);
            if (status)
                run->out.death = DeathKind::HttpError;
        }
        cancelHopProbes(hop, Role::Idle);
        break;
    }
    }
    if (run->pendingIdle == 0)
        nextIdleRound(hop);
}

void TimeoutMapper::nextIdleRound(int hop)
{
    HopRun* run = m_hops.at(hop);
    if (m_result.cancelled)
        return;
    if (!run->out.error.isEmpty() || run->direct || !run->silentSeen || run->hi - run->lo <= m_options.resolution) {
        idleSettled(hop);
        return;
    }
    // Bisect the silent drop: overlapping probes spread over (lo, hi), narrow enough in one round
    // when the resolution allows it.
    const double width = run->hi - run->lo;
    const int n = std::clamp(int(std::ceil(width / m_options.resolution)) - 1, 1, kMaxBisectProbes);
    emit progress(QStringLiteral("%1: bisecting between %2 s and %3 s with %4 probes")
                      .arg(run->out.name, secondsText(run->lo), secondsText(run->hi)).arg(n));
    for (int j = 1; j <= n; ++j)
        launch(Role::Idle, hop, run->lo + width * j / (n + 1));
}

void TimeoutMapper::idleSettled(int hop)
{
    HopRun* run = m_hops.at(hop);
    run->idleSettled = true;
    if (run->direct) {
        run->out.idleCutoffS = *run->direct;
        run->out.death = run->directDeath;
    } else if (run->silentSeen) {
        run->out.idleCutoffS = (run->lo + run->hi) / 2.0;
        run->out.death = DeathKind::SilentDrop;
        run->out.details << QStringLiteral("alive after %1 s idle, no pong after %2 s: the hop stops forwarding without closing")
                                .arg(secondsText(run->lo), secondsText(run->hi));
    } else if (run->out.error.isEmpty()) {
        run->out.details << QStringLiteral("alive after %1 s idle").arg(secondsText(m_options.maxS));
    }
    decideKind(hop);
}

void TimeoutMapper::decideKind(int hop)
{
    HopRun* run = m_hops.at(hop);
    if (run->done || !run->idleSettled)
        return;
    if (!run->out.idleCutoffS) { // nothing to classify
        if (!run->activeDone && run->activeId)
            m_engine->cancel(run->activeId);
        hopDone(hop);
        return;
    }
    const double cut = *run->out.idleCutoffS;
    if (run->activeDone) {
        if (run->activeDeathAgeS && *run->activeDeathAgeS <= cut + margin(cut)) {
            run->out.lifetimeCapS = *run->activeDeathAgeS;
            run->out.idleCutoffS.reset();
            run->out.details << QStringLiteral("with pings and data flowing it still died at %1 s: a lifetime cap")
                                    .arg(secondsText(*run->activeDeathAgeS));
        } else if (!run->activeFailure.isEmpty()) {
            run->out.details << QStringLiteral("the probe with traffic failed (%1): taken as an idle timeout").arg(run->activeFailure);
        } else {
            run->out.details << QStringLiteral("with pings and data flowing it lived past %1 s: an idle timeout")
                                    .arg(secondsText(cut + margin(cut)));
        }
        hopDone(hop);
        return;
    }
    // The probe with traffic is still alive: let it reach the cutoff plus the margin, then stop it.
    const double left = run->activeStartS + cut + margin(cut) - nowS();
    if (left <= 0) {
        m_engine->cancel(run->activeId);
        return;
    }
    if (!run->activeStop) {
        run->activeStop = new QTimer(this);
        run->activeStop->setSingleShot(true);
        const quint64 id = run->activeId;
        connect(run->activeStop, &QTimer::timeout, this, [this, id] {
            if (m_engine && m_probes.contains(id))
                m_engine->cancel(id);
        });
        run->activeStop->start(int(left * 1000.0) + 1);
        emit progress(QStringLiteral("%1: cut after %2 s idle; checking whether traffic keeps it alive")
                          .arg(run->out.name, secondsText(cut)));
    }
}

void TimeoutMapper::onActive(int hop, const ProbeResult& r)
{
    HopRun* run = m_hops.at(hop);
    run->activeDone = true;
    if (run->activeStop)
        run->activeStop->stop();
    const double beforeHold = (r.timings.connect.value_or(0) + r.timings.tls.value_or(0) + r.timings.upgrade.value_or(0)) / 1000.0;
    switch (outcomeOf(r)) {
    case Outcome::Visible:
        run->activeDeathAgeS = beforeHold + r.heldS;
        break;
    case Outcome::Silent: // the unanswered ping went out one pong deadline before the probe gave up
        run->activeDeathAgeS = beforeHold + std::max(0.0, r.heldS - m_options.probe.timeoutS);
        break;
    case Outcome::Error:
        run->activeFailure = r.errorString.isEmpty() ? QStringLiteral("HTTP %1").arg(r.httpStatus.value_or(0)) : r.errorString;
        break;
    case Outcome::Alive:
    case Outcome::Cancelled: break;
    }
    decideKind(hop);
}

void TimeoutMapper::hopDone(int hop)
{
    HopRun* run = m_hops.at(hop);
    if (run->done)
        return;
    run->done = true;
    cancelHopProbes(hop, Role::Idle);
    if (const auto cut = run->out.cutS()) {
        const CutKind kind = run->out.lifetimeCapS ? CutKind::Lifetime : CutKind::Idle;
        run->out.signature = timeoutSignature(KnownTimeouts::builtin(), *cut, kind, run->out.death, std::max(m_options.resolution, 0.5), run->headers);
    }
    emit progress(QStringLiteral("%1: done").arg(run->out.name));
    settle();
}

void TimeoutMapper::computeFirstCut(bool doneOnly)
{
    QList<HopTimeout> hops;
    for (const HopRun* h : std::as_const(m_hops)) {
        if (h->done || !doneOnly)
            hops << h->out;
    }
    m_result.firstCut.reset();
    m_result.advisedPingIntervalS.reset();
    std::optional<double> smallest;
    for (const HopTimeout& h : std::as_const(hops)) {
        if (const auto c = h.cutS(); c && (!smallest || *c < *smallest))
            smallest = c;
    }
    if (!smallest)
        return;
    // The outer hops see an inner hop's cut too: of the hops cutting at the smallest value, the
    // innermost (hops run from the client to the backend) is the one that cuts.
    for (const HopTimeout& h : std::as_const(hops)) {
        if (const auto c = h.cutS(); c && *c <= *smallest + tolerance(*smallest))
            m_result.firstCut = FirstCut{h.name, *c, h.lifetimeCapS ? CutKind::Lifetime : CutKind::Idle};
    }
    std::optional<double> smallestIdle;
    for (const HopTimeout& h : std::as_const(hops)) {
        if (h.idleCutoffS && (!smallestIdle || *h.idleCutoffS < *smallestIdle))
            smallestIdle = h.idleCutoffS;
    }
    if (smallestIdle) // well below 0.8 × the smallest idle cutoff, to 0.1 s
        m_result.advisedPingIntervalS = std::max(0.1, std::floor(*smallestIdle * 0.75 * 10.0) / 10.0);
}

double TimeoutMapper::tolerance(double cutS) const { return std::max(m_options.resolution, 0.02 * cutS); }

void TimeoutMapper::settle()
{
    if (!m_running)
        return;
    bool allDone = true;
    for (const HopRun* h : std::as_const(m_hops))
        allDone = allDone && h->done;
    if (!allDone && m_options.keepalive && !m_keepaliveStarted) {
        // The keepalive matrix may start before the slowest hop ends: once every hop still running
        // has been alive for longer than the smallest cut so far, none of them can cut first.
        computeFirstCut(true);
        bool known = m_result.firstCut.has_value();
        for (const HopRun* h : std::as_const(m_hops)) {
            if (!known || h->done)
                continue;
            known = !h->idleSettled && !h->direct && !h->silentSeen && h->lo > m_result.firstCut->afterS + tolerance(m_result.firstCut->afterS);
        }
        if (known)
            startKeepalive();
    }
    if (!allDone)
        return;
    m_result.hops.clear();
    for (const HopRun* h : std::as_const(m_hops))
        m_result.hops << h->out;
    computeFirstCut(false);
    if (m_options.keepalive && m_result.firstCut && !m_keepaliveStarted)
        startKeepalive();
    else if (m_keepalivePending == 0)
        complete();
}

void TimeoutMapper::startKeepalive()
{
    m_keepaliveStarted = true;
    int hop = -1;
    for (int i = 0; i < m_hops.size(); ++i) {
        if (m_hops.at(i)->out.name == m_result.firstCut->hop)
            hop = i;
    }
    const double cut = m_result.firstCut->afterS;
    const double hold = cut + margin(cut);
    emit progress(QStringLiteral("%1: keepalive matrix, %2 s holds").arg(m_result.firstCut->hop, secondsText(hold)));
    for (KeepaliveTraffic t : allKeepaliveTraffic()) {
        m_result.keepalive << KeepaliveRow{m_result.firstCut->hop, t, std::nullopt, QString()};
        launch(Role::Keepalive, hop, hold, t);
        ++m_keepalivePending;
    }
}

void TimeoutMapper::onKeepalive(KeepaliveTraffic traffic, const ProbeResult& r)
{
    for (KeepaliveRow& row : m_result.keepalive) {
        if (row.traffic != traffic)
            continue;
        const Outcome o = outcomeOf(r);
        if (o == Outcome::Alive) {
            row.survived = true;
        } else if (traffic == KeepaliveTraffic::ServerData && r.httpStatus.value_or(0) != 101) {
            row.note = QStringLiteral("no WebSocket at %1 (%2): give the path where the server sends on its own with --server-data-path")
                           .arg(m_options.serverDataPath, r.httpStatus ? QStringLiteral("HTTP %1").arg(*r.httpStatus) : r.errorString);
        } else if (traffic == KeepaliveTraffic::ServerData && r.serverFramesInHold == 0) {
            row.note = QStringLiteral("the server sent nothing on its own at %1").arg(m_options.serverDataPath);
        } else if (o == Outcome::Visible || o == Outcome::Silent) {
            row.survived = false;
        } else {
            row.note = r.errorString;
        }
    }
    if (--m_keepalivePending > 0)
        return;
    bool allDone = true;
    for (const HopRun* h : std::as_const(m_hops))
        allDone = allDone && h->done;
    if (allDone)
        complete();
}

void TimeoutMapper::complete()
{
    if (!m_running)
        return;
    m_running = false;
    if (m_result.hops.isEmpty()) {
        for (const HopRun* h : std::as_const(m_hops))
            m_result.hops << h->out;
    }
    // The nginx error log's own words for the cut, when we can read it here.
    if (m_errorLogStart >= 0 && m_result.firstCut) {
        QFile log(m_options.nginxErrorLog);
        if (log.open(QIODevice::ReadOnly) && log.seek(std::min(m_errorLogStart, log.size()))) {
            QString line;
            const QList<QByteArray> lines = log.readAll().split('\n');
            for (const QByteArray& l : lines) {
                if (l.contains("upstream timed out") && l.contains("while proxying upgraded connection"))
                    line = QString::fromUtf8(l.trimmed());
            }
            // nginx closes with a FIN: the innermost such hop whose Server header names nginx.
            HopTimeout* nginxHop = nullptr;
            for (int i = 0; i < m_result.hops.size(); ++i) {
                HopTimeout& h = m_result.hops[i];
                const bool namedNginx = std::any_of(m_hops.at(i)->headers.cbegin(), m_hops.at(i)->headers.cend(), [](const auto& hd) {
                    return hd.first.compare(QLatin1String("server"), Qt::CaseInsensitive) == 0 && hd.second.startsWith(QLatin1String("nginx"));
                });
                if (h.death == DeathKind::Fin && namedNginx)
                    nginxHop = &h;
            }
            if (nginxHop && !line.isEmpty()) {
                if (!nginxHop->signature.isEmpty())
                    nginxHop->signature += QStringLiteral("; ");
                nginxHop->signature += QStringLiteral("nginx error log: ") + line;
            }
        }
    }
    // The advice: which hop, which setting, which keepalive.
    QStringList& advice = m_result.advice;
    if (m_result.firstCut) {
        const FirstCut& fc = *m_result.firstCut;
        const HopTimeout* hop = nullptr;
        for (const HopTimeout& h : std::as_const(m_result.hops)) {
            if (h.name == fc.hop)
                hop = &h;
        }
        const KnownTimeout* known = nullptr;
        QList<QPair<QString, QString>> headers;
        for (const HopRun* h : std::as_const(m_hops)) {
            if (h->out.name == fc.hop)
                headers = h->headers;
        }
        timeoutSignature(KnownTimeouts::builtin(), fc.afterS, fc.kind, hop ? hop->death : DeathKind::None,
                         std::max(m_options.resolution, 0.5), headers, &known);
        if (known)
            advice << QStringLiteral("%1 cuts first after %2 s: %3 (%4)").arg(fc.hop, secondsText(fc.afterS), known->advice, known->reference);
        else
            advice << QStringLiteral("%1 cuts first after %2 s (%3): raise that hop's timeout for WebSocket connections")
                          .arg(fc.hop, secondsText(fc.afterS), cutKindId(fc.kind));
        if (fc.kind == CutKind::Lifetime) {
            advice << QStringLiteral("a lifetime cap: no keepalive helps; raise it, or have the client reconnect before %1 s")
                          .arg(secondsText(fc.afterS));
        } else {
            std::optional<KeepaliveTraffic> cheapest;
            bool measured = false;
            for (const KeepaliveRow& row : std::as_const(m_result.keepalive)) {
                measured = measured || row.survived.has_value();
                if (row.traffic != KeepaliveTraffic::None && row.survived.value_or(false) && !cheapest)
                    cheapest = row.traffic;
            }
            const QString every = m_result.advisedPingIntervalS ? secondsText(*m_result.advisedPingIntervalS) : QStringLiteral("?");
            if (cheapest)
                advice << QStringLiteral("the cheapest keepalive that works: %1 every %2 s (below 0.8 × %3 s)")
                              .arg(keepaliveTrafficLabel(*cheapest), every, secondsText(fc.afterS));
            else if (measured)
                advice << QStringLiteral("no keepalive traffic kept %1 alive: raise its timeout").arg(fc.hop);
            else
                advice << QStringLiteral("set the client and server heartbeat to every %1 s (below 0.8 × %2 s)").arg(every, secondsText(fc.afterS));
        }
        if (hop && hop->death == DeathKind::SilentDrop)
            advice << QStringLiteral("%1 drops silently: the client only notices by a ping that never returns; treat a missing pong as a dead connection")
                          .arg(fc.hop);
    } else if (!m_result.cancelled
               && std::none_of(m_result.hops.cbegin(), m_result.hops.cend(), [](const HopTimeout& h) { return !h.error.isEmpty(); })) {
        advice << QStringLiteral("nothing cut an idle WebSocket within %1 s").arg(secondsText(m_result.maxS));
    }
    for (const HopTimeout& h : std::as_const(m_result.hops)) {
        if (!h.error.isEmpty())
            advice << QStringLiteral("%1 could not be measured (%2): check its URL and that it answers a WebSocket upgrade").arg(h.name, h.error);
    }
    m_result.elapsedS = nowS();
    emit finished(m_result);
}

} // namespace socketscope
