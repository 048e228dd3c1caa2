// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeouts/TimeoutMapper.h"

#include "probe/ProbeEngine.h"
#include "remote/LocalHost.h"
#include "timeouts/KnownTimeouts.h"
#include "timeouts/TimeoutAdvice.h"

#include <QFile>
#include <QTimer>
#include <QUrl>

#include <algorithm>
#include <cmath>

namespace socketscope {

namespace {

constexpr int kMaxBisectProbes = 32;   // overlapping probes per bisection round and hop
constexpr int kStaggerProbes = 48;     // idle probes opened 0.75 resolution steps apart from the start, per hop
constexpr double kStaggerStep = 0.75;  // × the resolution: with launch and upgrade jitter, the bracket they leave is ≤ it
constexpr double kLadderRatio = 1.4142135623730951; // √2: the bracket a silent drop leaves is ≤ 30 % of it
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

QString secondsText(double s) { return timeoutSecondsText(s); }

} // namespace

struct TimeoutMapper::HopRun {
    HopTimeout out;
    // The idle cutoff: alive at lo, dead at hi (a silent drop); or a direct measurement.
    double lo = 0;
    double hi = 0;
    bool silentSeen = false;
    int staggerPinged = 0;   // probes of the staggered pool pinged together
    int bisectRounds = 0;
    std::optional<double> direct;
    DeathKind directDeath = DeathKind::None;
    int pendingIdle = 0;
    bool idleSettled = false;
    // The staggered pool (see the class comment).
    QTimer* staggerLaunch = nullptr;
    int staggerLaunched = 0;
    int pendingStagger = 0;
    bool staggerEnded = false;
    // The keepalive matrix, one probe per traffic, started with the hop.
    QList<KeepaliveRow> keepalive;
    int pendingKeepalive = 0;
    QTimer* keepaliveStop = nullptr;
    QList<QPair<QString, QString>> headers; // of the first 101, for the signature
    // The probe with traffic flowing.
    quint64 activeId = 0;
    double activeStartS = 0;
    bool activeDone = false;
    QString activeFailure;
    std::optional<double> activeDeathAgeS;
    QTimer* activeStop = nullptr;
    bool kindDecided = false;
    bool done = false;
    ~HopRun()
    {
        delete staggerLaunch;
        delete activeStop;
        delete keepaliveStop;
    }
};

TimeoutMapper::TimeoutMapper(ProbeEngine* engine, QObject* parent) : QObject(parent), m_engine(engine)
{
    qRegisterMetaType<socketscope::TimeoutMapResult>("socketscope::TimeoutMapResult");
    connect(engine, &ProbeEngine::finished, this, &TimeoutMapper::onProbeFinished);
}

TimeoutMapper::~TimeoutMapper()
{
    if (m_logThread)
        m_logThread->wait();
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
    m_running = true;
    m_clock.start();
    ++m_generation;
    m_awaitingLogs = false;
    m_logSizesKnown = false;
    m_logSizes.clear();
    m_logError.clear();
    m_logs.clear();
    if (!m_options.nginxErrorLog.isEmpty())
        m_logs << CutLog{CutLogKind::NginxError, m_options.nginxErrorLog};
    if (!m_options.haproxyLog.isEmpty())
        m_logs << CutLog{CutLogKind::Haproxy, m_options.haproxyLog};
    if (!m_logs.isEmpty())
        startLogJob(false);
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
        // The ladder of idle holds, all at once: resolution × √2^k below --max, and --max itself.
        for (double h = m_options.resolution; h < m_options.maxS * 0.999; h *= kLadderRatio)
            launch(Role::Idle, i, h);
        launch(Role::Idle, i, m_options.maxS);
        run->activeStartS = nowS();
        run->activeId = launch(Role::Active, i, m_options.maxS);
        if (m_options.keepalive) {
            for (KeepaliveTraffic t : allKeepaliveTraffic()) {
                run->keepalive << KeepaliveRow{run->out.name, t, std::nullopt, QString()};
                launch(Role::Keepalive, i, m_options.maxS, t);
                ++run->pendingKeepalive;
            }
        }
        // The staggered pool: one idle probe every resolution step, each held until endStagger().
        run->staggerLaunch = new QTimer(this);
        run->staggerLaunch->setTimerType(Qt::PreciseTimer);
        connect(run->staggerLaunch, &QTimer::timeout, this, [this, i] { launchStagger(i); });
        run->staggerLaunch->start(int(m_options.resolution * kStaggerStep * 1000.0));
        emit progress(QStringLiteral("%1: holding idle sockets up to %2 s").arg(run->out.name, secondsText(m_options.maxS)));
    }
}

void TimeoutMapper::launchStagger(int hop)
{
    HopRun* run = m_hops.at(hop);
    if (!m_running || run->staggerEnded || run->idleSettled || run->direct || !run->out.error.isEmpty()
        || run->staggerLaunched >= kStaggerProbes) {
        run->staggerLaunch->stop();
        return;
    }
    ++run->staggerLaunched;
    launch(Role::Stagger, hop, m_options.maxS);
}

void TimeoutMapper::endStagger(int hop)
{
    HopRun* run = m_hops.at(hop);
    if (run->staggerEnded)
        return;
    run->staggerEnded = true;
    run->staggerLaunch->stop();
    int ended = 0;
    for (auto it = m_probes.cbegin(); it != m_probes.cend(); ++it) {
        if (it->hop == hop && it->role == Role::Stagger) {
            m_engine->endHold(it.key()); // its liveness ping tells whether its idle age outlived the hop
            ++ended;
            ++run->staggerPinged;
        }
    }
    if (ended > 0)
        emit progress(QStringLiteral("%1: pinging %2 staggered idle sockets (ages %3 s apart)")
                          .arg(run->out.name).arg(ended).arg(secondsText(m_options.resolution * kStaggerStep)));
}

// Every idle probe of the hop (ladder, bisection, staggered pool) has nothing more to add.
void TimeoutMapper::stopIdle(int hop)
{
    HopRun* run = m_hops.at(hop);
    run->staggerEnded = true;
    run->staggerLaunch->stop();
    cancelHopProbes(hop, Role::Idle);
    cancelHopProbes(hop, Role::Stagger);
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
        // The cutoff is not known yet: traffic as often as the probe with traffic flowing sends it.
        const double every = std::clamp(m_options.resolution, 0.25, 5.0);
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
    else if (role == Role::Stagger)
        ++m_hops.at(hop)->pendingStagger;
    return id;
}

void TimeoutMapper::cancel()
{
    if (m_awaitingLogs) { // the probes are done; only the logs were being read
        m_result.cancelled = true;
        finish();
        return;
    }
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
        onIdle(run.hop, run.holdS, false, r);
        break;
    case Role::Stagger:
        --m_hops.at(run.hop)->pendingStagger;
        onIdle(run.hop, r.heldS, true, r); // the idle age its ping tested
        break;
    case Role::Active: onActive(run.hop, r); break;
    case Role::Keepalive: onKeepalive(run.hop, run.traffic, r); break;
    }
}

void TimeoutMapper::onIdle(int hop, double holdS, bool stagger, const ProbeResult& r)
{
    HopRun* run = m_hops.at(hop);
    if (run->done || run->idleSettled)
        return;
    if (run->headers.isEmpty() && r.httpStatus.value_or(0) == 101)
        run->headers = r.responseHeaders;
    switch (outcomeOf(r)) {
    case Outcome::Cancelled: break;
    case Outcome::Alive:
        if (holdS > run->lo && !stagger)
            emit progress(QStringLiteral("%1: alive after %2 s idle").arg(run->out.name, secondsText(holdS)));
        run->lo = std::max(run->lo, holdS);
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
        stopIdle(hop); // the cut is timed: the other idle probes have nothing to add
        break;
    }
    case Outcome::Silent:
        if (!run->silentSeen || holdS < run->hi)
            emit progress(QStringLiteral("%1: no pong after %2 s idle (silent drop)").arg(run->out.name, secondsText(holdS)));
        run->silentSeen = true;
        run->hi = std::min(run->hi, holdS);
        cancelHopProbes(hop, Role::Idle, holdS);
        endStagger(hop); // their ages now span the bracket the ladder left
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
        stopIdle(hop);
        break;
    }
    }
    idleProgress(hop);
}

void TimeoutMapper::idleProgress(int hop)
{
    HopRun* run = m_hops.at(hop);
    if (run->pendingIdle > 0 || run->idleSettled)
        return;
    if (!run->silentSeen && !run->direct && run->out.error.isEmpty()) {
        // The whole ladder, --max included, came back alive: nothing to narrow.
        stopIdle(hop);
        idleSettled(hop);
        return;
    }
    if (run->pendingStagger > 0 && run->staggerEnded && !run->direct && run->out.error.isEmpty())
        return; // their pongs (or deadlines) narrow the bracket first
    nextIdleRound(hop);
}

void TimeoutMapper::nextIdleRound(int hop)
{
    HopRun* run = m_hops.at(hop);
    if (m_result.cancelled)
        return;
    if (!run->out.error.isEmpty() || run->direct || !run->silentSeen || run->hi - run->lo <= m_options.resolution) {
        stopIdle(hop);
        idleSettled(hop);
        return;
    }
    // Bisect the silent drop: overlapping probes spread over (lo, hi), narrow enough in one round
    // when the resolution allows it.
    const double width = run->hi - run->lo;
    const int n = std::clamp(int(std::ceil(width / m_options.resolution)) - 1, 1, kMaxBisectProbes);
    ++run->bisectRounds;
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
        run->out.details << QStringLiteral("narrowed by %1 staggered idle probes pinged together and %2 bisection round(s)")
                                .arg(run->staggerPinged).arg(run->bisectRounds);
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
    if (run->kindDecided) {
        hopDone(hop);
        return;
    }
    if (!run->out.idleCutoffS) { // nothing to classify, no keepalive to measure
        if (!run->activeDone && run->activeId)
            m_engine->cancel(run->activeId);
        cancelHopProbes(hop, Role::Keepalive);
        run->pendingKeepalive = 0; // their cancelled results are not rows
        run->kindDecided = true;
        hopDone(hop);
        return;
    }
    const double cut = *run->out.idleCutoffS;
    endKeepalive(hop);
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
        run->kindDecided = true;
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

// The keepalive probes started with the hop: their holds end at the cutoff plus the margin, then
// their liveness ping says whether that traffic kept the hop alive.
void TimeoutMapper::endKeepalive(int hop)
{
    HopRun* run = m_hops.at(hop);
    if (run->keepaliveStop || run->pendingKeepalive == 0 || !run->out.idleCutoffS)
        return;
    const double cut = *run->out.idleCutoffS;
    const double left = std::max(0.0, run->activeStartS + cut + margin(cut) - nowS());
    run->keepaliveStop = new QTimer(this);
    run->keepaliveStop->setSingleShot(true);
    run->keepaliveStop->setTimerType(Qt::PreciseTimer);
    connect(run->keepaliveStop, &QTimer::timeout, this, [this, hop] {
        for (auto it = m_probes.cbegin(); it != m_probes.cend(); ++it) {
            if (it->hop == hop && it->role == Role::Keepalive)
                m_engine->endHold(it.key());
        }
    });
    run->keepaliveStop->start(int(left * 1000.0) + 1);
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
    if (run->done || !run->kindDecided || run->pendingKeepalive > 0)
        return;
    run->done = true;
    stopIdle(hop);
    if (const auto cut = run->out.cutS()) {
        const CutKind kind = run->out.lifetimeCapS ? CutKind::Lifetime : CutKind::Idle;
        run->out.signature = timeoutSignature(KnownTimeouts::builtin(), *cut, kind, run->out.death, std::max(m_options.resolution, 0.5), run->headers);
    }
    emit progress(QStringLiteral("%1: done").arg(run->out.name));
    emit hopsDone(int(std::count_if(m_hops.cbegin(), m_hops.cend(), [](const HopRun* h) { return h->done; })), int(m_hops.size()));
    settle();
}

void TimeoutMapper::computeFirstCut()
{
    m_result.firstCut.reset();
    m_result.advisedPingIntervalS.reset();
    std::optional<double> smallest;
    for (const HopTimeout& h : std::as_const(m_result.hops)) {
        if (const auto c = h.cutS(); c && (!smallest || *c < *smallest))
            smallest = c;
    }
    if (!smallest)
        return;
    // The outer hops see an inner hop's cut too: of the hops cutting at the smallest value, the
    // innermost (hops run from the client to the backend) is the one that cuts.
    for (const HopTimeout& h : std::as_const(m_result.hops)) {
        if (const auto c = h.cutS(); c && *c <= *smallest + tolerance(*smallest))
            m_result.firstCut = FirstCut{h.name, *c, h.lifetimeCapS ? CutKind::Lifetime : CutKind::Idle};
    }
    std::optional<double> smallestIdle;
    for (const HopTimeout& h : std::as_const(m_result.hops)) {
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
    for (const HopRun* h : std::as_const(m_hops)) {
        if (!h->done)
            return;
    }
    m_result.hops.clear();
    for (const HopRun* h : std::as_const(m_hops))
        m_result.hops << h->out;
    computeFirstCut();
    if (m_result.firstCut) {
        for (const HopRun* h : std::as_const(m_hops)) {
            if (h->out.name == m_result.firstCut->hop)
                m_result.keepalive = h->keepalive;
        }
    }
    complete();
}

void TimeoutMapper::onKeepalive(int hop, KeepaliveTraffic traffic, const ProbeResult& r)
{
    HopRun* run = m_hops.at(hop);
    if (run->done || run->pendingKeepalive == 0)
        return;
    for (KeepaliveRow& row : run->keepalive) {
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
    if (--run->pendingKeepalive == 0)
        hopDone(hop);
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
    if (!m_logs.isEmpty() && !m_result.cancelled && m_result.firstCut) {
        // The logs' own words for the cut: what they gained during the run, once their sizes at the start are known.
        m_awaitingLogs = true;
        emit progress(QStringLiteral("reading what the proxies logged during the run"));
        if (m_logSizesKnown)
            startLogJob(true);
        return;
    }
    finish();
}

void TimeoutMapper::startLogJob(bool tails)
{
    LogHostFactory factory = m_options.logHost;
    if (!factory)
        factory = [] { return Result<std::unique_ptr<RemoteHost>>(std::make_unique<LocalHost>()); };
    const QList<CutLog> logs = m_logs;
    const QList<qint64> sizes = m_logSizes;
    const quint64 generation = m_generation;
    if (m_logThread)
        m_logThread->wait(); // the start job, long done by the end of a run
    m_logThread = QThread::create([this, factory, logs, sizes, tails, generation] {
        QList<qint64> newSizes;
        QList<QByteArray> texts;
        QString error;
        Result<std::unique_ptr<RemoteHost>> host = factory();
        if (!host)
            error = host.error();
        else if (tails)
            texts = cutLogTails(**host, logs, sizes);
        else
            newSizes = cutLogSizes(**host, logs);
        // The mapper waits for this thread before it goes: `this` is alive when the call is queued.
        QMetaObject::invokeMethod(this, [this, tails, newSizes, texts, error, generation] {
            if (generation == m_generation)
                onLogJob(tails, newSizes, texts, error);
        }, Qt::QueuedConnection);
    });
    connect(m_logThread, &QThread::finished, m_logThread, &QObject::deleteLater);
    m_logThread->start();
}

void TimeoutMapper::onLogJob(bool tails, const QList<qint64>& sizes, const QList<QByteArray>& texts, const QString& error)
{
    if (!error.isEmpty())
        m_logError = error;
    if (!tails) {
        m_logSizes = sizes;
        m_logSizesKnown = true;
        if (m_awaitingLogs)
            startLogJob(true);
        return;
    }
    if (!m_awaitingLogs)
        return;
    QList<CutLogLine> lines;
    for (int i = 0; i < m_logs.size() && i < texts.size(); ++i)
        lines << parseCutLog(m_logs.at(i).kind, texts.at(i));
    QList<QList<QPair<QString, QString>>> headers;
    for (const HopRun* h : std::as_const(m_hops))
        headers << h->headers;
    // HAProxy's Ta/Tt also counts the upgrade and the first round trip: a little slack on top.
    attachCutLogLines(m_result.hops, headers, lines, std::max(m_options.resolution, 0.5) + 0.5);
    for (int i = 0; i < m_logs.size(); ++i) {
        if (m_logSizes.value(i, -1) < 0)
            m_result.advice << QStringLiteral("%1 could not be read%2: no log line names the cut")
                                   .arg(m_logs.at(i).path, m_logError.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(m_logError));
    }
    finish();
}

void TimeoutMapper::finish()
{
    m_awaitingLogs = false;
    QList<QPair<QString, QString>> headers;
    for (const HopRun* h : std::as_const(m_hops)) {
        if (m_result.firstCut && h->out.name == m_result.firstCut->hop)
            headers = h->headers;
    }
    adviseTimeoutMap(m_result, headers, std::max(m_options.resolution, 0.5));
    m_result.elapsedS = nowS();
    emit finished(m_result);
}

} // namespace socketscope
