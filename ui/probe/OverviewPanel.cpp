// SPDX-License-Identifier: GPL-3.0-or-later
#include "probe/OverviewPanel.h"

#include "probe/ProbeProfile.h"

#include "AppContext.h"
#include "common/Banner.h"
#include "core/ActivityLog.h"
#include "diagnosis/Diagnosis.h"
#include "common/AdviceHtml.h"
#include "diagnosis/ProxyStack.h"
#include "monitor/ProfileDashboard.h"
#include "probe/ProbeEngine.h"
#include "probe/ProbeJson.h"
#include "profiles/ProfileStore.h"
#include "runbook/NginxDump.h"
#include "server/ReferenceServer.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QRegularExpression>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTimer>
#include <QTreeWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace socketscope {

namespace {
const QColor kOk(0x2e, 0x9d, 0x44);
const QColor kDegraded(0xd0, 0x8a, 0x00);
const QColor kDown(0xd0, 0x3b, 0x3b);

QColor stateColour(const QString& state)
{
    if (state == QLatin1String("ok"))
        return kOk;
    if (state == QLatin1String("degraded"))
        return kDegraded;
    return kDown;
}

QString ms(const std::optional<double>& v) { return v ? QString::number(*v, 'f', *v < 10 ? 2 : 1) : QStringLiteral("—"); }

// Seconds left until `deadline`, rounded up (a countdown shows 10 … 1, never 0 while running).
qint64 secondsLeft(const QDeadlineTimer& deadline) { return (deadline.remainingTime() + 999) / 1000; }

// The hop table's column for a probe phase: DNS, TCP, TLS, Upgrade, Echo (the application's
// round trips), Hold; -1 for the closing handshake.
int columnOfPhase(const QString& phase)
{
    static const QHash<QString, int> columns = {{QStringLiteral("dns"), 1},     {QStringLiteral("connect"), 2},
                                                {QStringLiteral("tls"), 3},     {QStringLiteral("polling"), 4},
                                                {QStringLiteral("upgrade"), 4}, {QStringLiteral("hold"), 6},
                                                {QStringLiteral("ping"), 6},    {QStringLiteral("close"), -1}};
    return columns.value(phase, 5);
}

// A running hop's cell: ✓ for a phase done, … for the one running, the countdown of a hold.
QString progressCell(const QStringList& done, const QString& phase, const QDeadlineTimer& holdEnds, int column)
{
    if (columnOfPhase(phase) == column)
        return phase == QLatin1String("hold") ? QObject::tr("%1 s left").arg(secondsLeft(holdEnds)) : QStringLiteral("…");
    for (const QString& d : done)
        if (columnOfPhase(d) == column)
            return QStringLiteral("✓");
    return {};
}

QTableWidgetItem* cell(const QString& text, Qt::Alignment align = Qt::AlignRight | Qt::AlignVCenter)
{
    auto* item = new QTableWidgetItem(text);
    item->setTextAlignment(align);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}
} // namespace

OverviewPanel::OverviewPanel(AppContext& context, QWidget* parent)
    : FeaturePanel(context, parent), m_engine(new ProbeEngine(this))
{
    setObjectName(QStringLiteral("overviewPanel"));
    auto* layout = new QVBoxLayout(this);

    auto* bar = new QHBoxLayout;
    m_probeButton = new QPushButton(tr("Probe now"), this);
    m_probeButton->setObjectName(QStringLiteral("probeNowPushButton"));
    m_probeButton->setToolTip(tr("Probe the direct and public URLs (Ctrl+R)"));
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName(QStringLiteral("cancelProbePushButton"));
    m_cancelButton->setEnabled(false);
    m_echoSpin = new QSpinBox(this);
    m_echoSpin->setObjectName(QStringLiteral("echoCountSpinBox"));
    m_echoSpin->setRange(0, 1000);
    m_echoSpin->setValue(5);
    m_echoSpin->setPrefix(tr("echo "));
    m_holdSpin = new QSpinBox(this);
    m_holdSpin->setObjectName(QStringLiteral("holdSecondsSpinBox"));
    m_holdSpin->setRange(0, 3600);
    m_holdSpin->setPrefix(tr("hold "));
    m_holdSpin->setSuffix(tr(" s"));
    m_holdSpin->setToolTip(tr("Stay connected and idle this long to catch proxy idle timeouts"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("probeStatusLabel"));
    bar->addWidget(m_probeButton);
    bar->addWidget(m_cancelButton);
    bar->addWidget(m_echoSpin);
    bar->addWidget(m_holdSpin);
    bar->addWidget(m_status, 1);
    layout->addLayout(bar);

    auto* hopsBox = new QGroupBox(tr("Where does it break?"), this);
    auto* hopsLayout = new QVBoxLayout(hopsBox);
    m_table = new QTableWidget(0, 8, hopsBox);
    m_table->setObjectName(QStringLiteral("hopTableWidget"));
    m_table->setHorizontalHeaderLabels({tr("Hop"), tr("DNS ms"), tr("TCP ms"), tr("TLS ms (expiry)"), tr("Upgrade"),
                                        tr("App (RTT ms)"), tr("Hold"), tr("Verdict")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setMaximumHeight(96);
    hopsLayout->addWidget(m_table);
    layout->addWidget(hopsBox);

    m_verdict = new QLabel(this);
    m_verdict->setObjectName(QStringLiteral("verdictLabel"));
    m_verdict->setWordWrap(true);
    m_verdict->setTextFormat(Qt::RichText);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_verdict);

    auto* split = new QSplitter(Qt::Horizontal, this);
    auto* evidenceBox = new QGroupBox(tr("Evidence"), split);
    auto* evidenceLayout = new QVBoxLayout(evidenceBox);
    m_evidence = new QTreeWidget(evidenceBox);
    m_evidence->setObjectName(QStringLiteral("evidenceTreeWidget"));
    m_evidence->setHeaderHidden(true);
    m_evidence->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_copyButton = new QPushButton(tr("Copy evidence as text"), evidenceBox);
    m_copyButton->setObjectName(QStringLiteral("copyEvidencePushButton"));
    auto* copyAction = new QAction(tr("Copy evidence as text"), m_evidence);
    m_evidence->addAction(copyAction);
    evidenceLayout->addWidget(m_evidence);
    evidenceLayout->addWidget(m_copyButton, 0, Qt::AlignRight);
    auto* adviceBox = new QGroupBox(tr("Advice"), split);
    auto* adviceLayout = new QVBoxLayout(adviceBox);
    // A scrollable rich-text pane: advice runs to several paragraphs and must never be cut.
    m_advice = new QTextBrowser(adviceBox);
    m_advice->setObjectName(QStringLiteral("adviceTextBrowser"));
    m_advice->setOpenExternalLinks(true);
    m_advice->setPlaceholderText(tr("Advice appears here after a probe: what to change, and where."));
    adviceLayout->addWidget(m_advice, 1);
    split->addWidget(evidenceBox);
    split->addWidget(adviceBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);
    // Over the bottom of the evidence and advice: a message never moves the table or the buttons.
    m_banner = new Banner(split, QStringLiteral("overviewBannerLabel"));

    auto* probeAction = new QAction(tr("Probe now"), this);
    probeAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    probeAction->setShortcutContext(Qt::WindowShortcut);
    addAction(probeAction);
    connect(probeAction, &QAction::triggered, this, &OverviewPanel::probeNow);
    connect(m_probeButton, &QPushButton::clicked, this, &OverviewPanel::probeNow);
    for (QSpinBox* spin : {m_echoSpin, m_holdSpin})
        connect(spin, &QSpinBox::valueChanged, this, [this] { emit probeSettingsChanged(probeSettings()); });
    connect(m_cancelButton, &QPushButton::clicked, this, &OverviewPanel::cancelProbes);
    auto copy = [this] { QApplication::clipboard()->setText(evidenceText()); };
    connect(m_copyButton, &QPushButton::clicked, this, copy);
    connect(copyAction, &QAction::triggered, this, copy);
    connect(m_engine, &ProbeEngine::finished, this, &OverviewPanel::onFinished);
    m_tick = new QTimer(this);
    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, &OverviewPanel::renderProgress);
    connect(m_engine, &ProbeEngine::progress, this, [this](quint64 id, const QString& phase) {
        const auto it = m_running.find(id);
        if (it == m_running.end())
            return;
        if (!it->phase.isEmpty() && it->phase != phase && !it->phasesDone.contains(it->phase))
            it->phasesDone << it->phase;
        it->phase = phase;
        if (phase == QLatin1String("hold"))
            it->holdEnds = QDeadlineTimer(qint64(it->holdS) * 1000);
        renderProgress();
        if (it->profile == m_profile.id)
            renderTable();
    });
    connect(&profileStates(m_context), &ProfileStateModel::changed, this, [this](const QUuid& id) {
        if (m_hasProfile && id == m_profile.id)
            render();
    });
    setProfile(nullptr);
}

OverviewPanel::~OverviewPanel()
{
    m_dumpThread.quit();
    m_dumpThread.wait();
}

void OverviewPanel::requestDump(const Profile& profile)
{
    if (m_dumps.contains(profile.id) || m_dumpsPending.contains(profile.id) || !nginxDumpSource(profile))
        return;
    if (!m_dumpReader) {
        m_dumpReader = new NginxDumpReader;
        m_dumpReader->moveToThread(&m_dumpThread);
        connect(&m_dumpThread, &QThread::finished, m_dumpReader, &QObject::deleteLater);
        connect(m_dumpReader, &NginxDumpReader::dumped, this, &OverviewPanel::onDumped, Qt::QueuedConnection);
        m_dumpThread.setObjectName(QStringLiteral("nginx-dump"));
        m_dumpThread.start();
    }
    m_dumpsPending.insert(profile.id);
    NginxDumpReader* reader = m_dumpReader;
    QMetaObject::invokeMethod(reader, [reader, profile] { reader->read(profile); }, Qt::QueuedConnection);
}

void OverviewPanel::onDumped(const QUuid& profile, const QByteArray& dump, const QString& error)
{
    m_dumpsPending.remove(profile);
    m_dumps.insert(profile, dump);
    m_dumpErrors.insert(profile, error);
    if (!error.isEmpty() && m_context.activity)
        m_context.activity->warning(QStringLiteral("probe"), tr("nginx -T for the advice: %1").arg(error));
    if (m_hasProfile && profile == m_profile.id)
        render();
}

void OverviewPanel::setBanner(const QString& text)
{
    m_banner->showMessage(text, Banner::Kind::Info);
}

void OverviewPanel::setProfile(const Profile* profile)
{
    if (profile && m_hasProfile && profile->id == m_profile.id) {
        if (profile->nginx.testCommand != m_profile.nginx.testCommand || profile->nginx.siteFile != m_profile.nginx.siteFile
            || profile->ssh.host != m_profile.ssh.host)
            m_dumps.remove(profile->id); // another nginx: its configuration is read again
        m_profile = *profile; // edited or re-selected: keep the last results, use the new settings next time
        setProperty("profileName", m_profile.name);
        return;
    }
    // Probes of the previous profile keep running: their results land in its state.
    m_hasProfile = profile != nullptr;
    m_profile = profile ? *profile : Profile();
    setProperty("profileName", m_profile.name);
    if (!m_hasProfile)
        setBanner(tr("Select a profile on the left, then press Probe now (Ctrl+R)."));
    else
        setBanner({});
    render();
}

ProbeRun OverviewPanel::run() const
{
    if (!m_hasProfile || !m_context.states)
        return {};
    return m_context.states->state(m_profile.id).probe;
}

bool OverviewPanel::profileProbing(const QUuid& profile) const
{
    for (const Running& r : m_running)
        if (r.profile == profile)
            return true;
    return false;
}

bool OverviewPanel::isProbing() const
{
    return m_hasProfile && profileProbing(m_profile.id);
}

ProbeOptions OverviewPanel::probeSettings() const
{
    ProbeOptions o;
    o.echoCount = m_echoSpin->value();
    o.holdS = m_holdSpin->value();
    o.timeoutS = 5;
    o.connectTimeoutS = 5;
    return o;
}

ProbeOptions OverviewPanel::optionsFor(const QString& url) const
{
    return profileProbeOptions(m_profile, url, probeSettings());
}

void OverviewPanel::probeNow()
{
    // Also not while "Probe all" probes this profile: its result lands here all the same.
    if (!m_hasProfile || isProbing() || run().running())
        return;
    const QString demoUrl = m_context.demoServer && m_context.demoServer->isListening() ? m_context.demoServer->echoUrl() : QString();
    const QList<ProbeHop> hops = probeHopsFor(m_profile, demoUrl);
    if (hops.isEmpty()) {
        setBanner(tr("The profile “%1” has no URL to probe: add its public URL (and optionally the direct upstream URL).")
                      .arg(m_profile.name));
        return;
    }
    setBanner({});
    profileStates(m_context).beginProbe(m_profile.id, hops);
    for (int i = 0; i < hops.size(); ++i) {
        const ProbeOptions options = optionsFor(hops.at(i).url);
        m_running.insert(m_engine->start(options), {m_profile.id, i, int(options.holdS), {}, {}, {}});
    }
    if (m_context.activity)
        m_context.activity->info(QStringLiteral("probe"), tr("Probing %1 (%2 hop(s))").arg(m_profile.name).arg(hops.size()));
    emit verdictChanged(QStringLiteral("unknown"), tr("probing…"));
    render();
    renderProgress();
}

void OverviewPanel::cancelProbes()
{
    for (auto it = m_running.cbegin(); it != m_running.cend(); ++it)
        if (it->profile == m_profile.id)
            m_engine->cancel(it.key());
}

void OverviewPanel::onFinished(quint64 id, const ProbeResult& result)
{
    if (!m_running.contains(id))
        return;
    const Running running = m_running.take(id);
    if (!profileProbing(running.profile))
        m_dumps.remove(running.profile); // a new probe: read the configuration again (it may have been fixed)
    ProfileStateModel& states = profileStates(m_context);
    const ProfileState before = states.state(running.profile);
    const QString hopName = running.hop < before.probe.hops.size() ? before.probe.hops.at(running.hop).name : QString();
    if (m_context.activity) {
        const QString profileName = m_context.profiles && m_context.profiles->findById(running.profile)
                                        ? m_context.profiles->findById(running.profile)->name
                                        : running.profile == m_profile.id ? m_profile.name : QString();
        const QString line = tr("probe %1 %2 → %3").arg(profileName, hopName, result.cause);
        if (result.ok)
            m_context.activity->info(QStringLiteral("probe"), line);
        else
            m_context.activity->warning(QStringLiteral("probe"), line + QStringLiteral(": ") + causeSentence(result));
    }
    states.setHopResult(running.profile, running.hop, result); // renders through changed()
    renderProgress();
    if (profileProbing(running.profile))
        return;
    if (running.profile == m_profile.id) {
        const ProbeRun r = run();
        emit verdictChanged(r.state, r.sentence);
    }
    emit probesFinished();
}

void OverviewPanel::render()
{
    const ProbeRun r = run();
    const bool probing = isProbing() || r.running();
    m_probeButton->setEnabled(m_hasProfile && !probing);
    m_cancelButton->setEnabled(isProbing());
    if (probing)
        m_status->setText(progressText());
    else if (r.finished())
        m_status->setText(tr("Last probe %1").arg(r.finishedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss"))));
    else
        m_status->clear();
    renderTable();
    renderEvidence();
    if (!r.finished()) {
        m_verdict->setText(r.hops.isEmpty() ? (m_hasProfile ? tr("<i>Not probed yet — press Probe now (Ctrl+R).</i>") : QString())
                                            : tr("<i>Probing…</i>"));
        m_advice->clear();
        return;
    }
    QString appLevel;
    if (r.hops.size() == 2)
        appLevel = diagnosePair(r.hops.first().result, r.hops.last().result).appLevel;
    m_verdict->setText(tr("<b>Verdict:</b> <span style='color:%1'>●</span> <b>%2</b> — %3")
                           .arg(stateColour(r.state).name(), r.state, r.sentence.toHtmlEscaped())
                       + (appLevel.isEmpty() || r.sentence.contains(appLevel) ? QString()
                                                                             : QStringLiteral("<br>") + appLevel.toHtmlEscaped()));
    // Only the advice that fits what this profile is (nginx, HAProxy, a cloud LB), with the
    // measured values next to the directives.
    QList<ProbeResult> results;
    for (const ProbeHop& hop : r.hops)
        results << hop.result;
    // The server's own configuration, when the profile says where its nginx is: read off the UI
    // thread, the advice is rendered again when it arrives.
    requestDump(m_profile);
    const ProxyStack stack = detectStack(m_profile, results, m_dumps.value(m_profile.id));
    QString advice;
    for (const ProbeHop& hop : r.hops) {
        const QStringList lines = adviceForStack(hop.result, stack);
        if (lines.isEmpty())
            continue;
        advice += QStringLiteral("<p><b>%1</b> (<code>%2</code>)</p><ul>").arg(hop.name.toHtmlEscaped(), hop.result.cause);
        for (const QString& a : lines)
            advice += QStringLiteral("<li>%1</li>").arg(adviceHtml(a));
        advice += QStringLiteral("</ul>");
    }
    if (!advice.isEmpty()) {
        QStringList names;
        for (const Platform p : {Platform::Nginx, Platform::Haproxy, Platform::Aws, Platform::Azure, Platform::Gcp})
            if (stack.platforms.testFlag(p))
                names << platformName(p);
        advice += stack.known()
            ? tr("<p><small>Advice for %1: %2.</small></p>").arg(names.join(QStringLiteral(", ")), stack.reasons.join(QStringLiteral("; ")).toHtmlEscaped())
            : tr("<p><small>The proxy in front is not known, so every platform's directive is listed: name the nginx site file "
                 "in the profile to narrow it.</small></p>");
        if (const QString error = m_dumpErrors.value(m_profile.id); !error.isEmpty() && m_dumps.value(m_profile.id).isEmpty())
            advice += tr("<p><small>The server's nginx -T could not be read: %1</small></p>").arg(error.toHtmlEscaped());
        else if (m_dumpsPending.contains(m_profile.id))
            advice += tr("<p><small>Reading the server's nginx -T…</small></p>");
    }
    m_advice->setHtml(advice.isEmpty() ? tr("<p>Nothing to change: every hop works.</p>") : advice);
}

void OverviewPanel::renderTable()
{
    const ProbeRun run = this->run();
    m_table->setRowCount(int(run.hops.size()));
    for (int row = 0; row < run.hops.size(); ++row) {
        const ProbeHop& hop = run.hops.at(row);
        const ProbeResult& r = hop.result;
        // Named as the Live matrix names it (hopTitle()).
        m_table->setItem(row, 0, cell(hopTitle(hop.name, hop.url), Qt::AlignLeft | Qt::AlignVCenter));
        if (!hop.done) {
            // The phases finished so far (✓), the one running (…), the hold's countdown.
            const Running* progress = runningHop(row);
            for (int c = 1; c < 7; ++c)
                m_table->setItem(row, c, cell(progress ? progressCell(progress->phasesDone, progress->phase, progress->holdEnds, c) : QString()));
            m_table->setItem(row, 7, cell(tr("probing…"), Qt::AlignLeft | Qt::AlignVCenter));
            continue;
        }
        m_table->setItem(row, 1, cell(ms(r.timings.dns)));
        m_table->setItem(row, 2, cell(ms(r.timings.connect)));
        QString tls = QStringLiteral("—");
        if (r.tls.used)
            tls = r.timings.tls ? QStringLiteral("%1 (%2 d)").arg(ms(r.timings.tls)).arg(r.tls.daysToExpiry.value_or(0))
                                : tr("failed");
        m_table->setItem(row, 3, cell(tls));
        m_table->setItem(row, 4, cell(r.httpStatus ? QString::number(*r.httpStatus) : QStringLiteral("—")));
        // The application protocol the hop spoke, and the median of its application round trips
        // (echo: the echoes; none: RFC 6455 ping/pong); how it was decided in the tooltip.
        QString app = r.app.protocol.isEmpty() ? QStringLiteral("—") : r.app.protocol;
        if (r.app.rtt.count > 0)
            app += QStringLiteral(" %1").arg(r.app.rtt.median, 0, 'f', 2);
        else if (r.echoRtt.count > 0)
            app += QStringLiteral(" %1").arg(r.echoRtt.median, 0, 'f', 2);
        auto* appCell = cell(app);
        if (!r.app.protocol.isEmpty())
            appCell->setToolTip(tr("%1, decided by %2; %3 round trip(s)").arg(r.app.protocol, appDetectedByName(r.app.detectedBy))
                                    .arg(r.app.roundTrips));
        m_table->setItem(row, 5, appCell);
        QString hold = QStringLiteral("—");
        if (r.idleCutoffS)
            hold = tr("✗ %1 s").arg(*r.idleCutoffS, 0, 'f', 1);
        else if (r.heldS > 0)
            hold = tr("ok %1 s").arg(r.heldS, 0, 'f', 0);
        m_table->setItem(row, 6, cell(hold));
        const QString state = verdictState(r.cause);
        auto* verdict = cell(QStringLiteral("● %1").arg(r.cause), Qt::AlignLeft | Qt::AlignVCenter);
        verdict->setForeground(stateColour(state));
        verdict->setToolTip(causeSentence(r));
        m_table->setItem(row, 7, verdict);
    }
}

const OverviewPanel::Running* OverviewPanel::runningHop(int hop) const
{
    for (const Running& r : m_running)
        if (r.profile == m_profile.id && r.hop == hop)
            return &r;
    return nullptr;
}

QString OverviewPanel::progressText() const
{
    const ProbeRun r = run();
    QStringList parts;
    for (int hop = 0; hop < r.hops.size(); ++hop) {
        const Running* p = runningHop(hop);
        if (!p)
            continue;
        QString part = p->phase.isEmpty() ? tr("%1: starting").arg(r.hops.at(hop).name) : tr("%1: %2").arg(r.hops.at(hop).name, p->phase);
        if (p->phase == QLatin1String("hold"))
            part += tr(" — %1 s left").arg(secondsLeft(p->holdEnds));
        if (!p->phasesDone.isEmpty())
            part += tr(" (done: %1)").arg(p->phasesDone.join(QStringLiteral(", ")));
        parts << part;
    }
    return parts.isEmpty() ? QString() : tr("Probing %1").arg(parts.join(QStringLiteral("; ")));
}

void OverviewPanel::renderProgress()
{
    bool holding = false;
    QStringList others;
    for (const Running& r : std::as_const(m_running)) {
        holding = holding || r.phase == QLatin1String("hold");
        if (r.profile != m_profile.id) {
            const std::optional<Profile> p = m_context.profiles ? m_context.profiles->findById(r.profile) : std::nullopt;
            const QString name = p ? p->name : tr("another profile");
            if (!others.contains(name))
                others << name;
        }
    }
    if (holding && !m_tick->isActive())
        m_tick->start();
    else if (!holding)
        m_tick->stop();
    const QString mine = isProbing() ? progressText() : QString();
    if (isProbing()) {
        m_status->setText(mine);
        if (holding)
            renderTable();
    }
    QStringList activity;
    if (!mine.isEmpty())
        activity << tr("%1 — %2").arg(m_profile.name, mine);
    if (!others.isEmpty())
        activity << tr("Probing %1").arg(others.join(QStringLiteral(", ")));
    emit activityChanged(activity.join(QStringLiteral("  ·  ")));
}

void OverviewPanel::renderEvidence()
{
    m_evidence->clear();
    const ProbeRun run = this->run();
    for (const ProbeHop& hop : run.hops) {
        if (!hop.done)
            continue;
        const ProbeResult& r = hop.result;
        auto* top = new QTreeWidgetItem(m_evidence, {QStringLiteral("%1 — %2 — %3").arg(hop.name, hop.url, r.cause)});
        top->setForeground(0, stateColour(verdictState(r.cause)));
        if (!r.statusLine.isEmpty())
            new QTreeWidgetItem(top, {tr("Status line: %1").arg(r.statusLine)});
        if (!r.responseHeaders.isEmpty()) {
            auto* headers = new QTreeWidgetItem(top, {tr("Headers (%1)").arg(r.responseHeaders.size())});
            for (const auto& h : r.responseHeaders)
                new QTreeWidgetItem(headers, {QStringLiteral("%1: %2").arg(h.first, h.second)});
        }
        for (const QString& line : r.evidence) {
            if (line.startsWith(QLatin1String("Close:")) || line.startsWith(QLatin1String("Idle cutoff"))
                || line.startsWith(QLatin1String("Application: ")) || line.startsWith(QLatin1String("The application said:")))
                new QTreeWidgetItem(top, {line});
        }
        new QTreeWidgetItem(top, {tr("Timings ms: DNS %1 · TCP %2 · TLS %3 · upgrade %4 · first echo %5")
                                      .arg(ms(r.timings.dns), ms(r.timings.connect), ms(r.timings.tls),
                                           ms(r.timings.upgrade), ms(r.timings.firstEcho))});
        auto* all = new QTreeWidgetItem(top, {tr("All evidence (%1 lines)").arg(r.evidence.size())});
        for (const QString& line : r.evidence)
            new QTreeWidgetItem(all, {line});
        top->setExpanded(true);
    }
    if (m_evidence->topLevelItemCount() == 0) {
        // An empty pane says what fills it.
        auto* hint = new QTreeWidgetItem(m_evidence, {!m_hasProfile ? tr("Select a profile on the left to see its evidence.")
                                                      : run.hops.isEmpty() ? tr("No evidence yet: press Probe now (Ctrl+R) to see the handshake, headers, close and timings of each hop.")
                                                                          : tr("Probing… the evidence of each hop appears when it reports.")});
        hint->setFlags(Qt::NoItemFlags);
        hint->setData(0, Qt::UserRole, QStringLiteral("hint"));
    }
}

QString OverviewPanel::evidenceText() const
{
    QString text;
    const ProbeRun run = this->run();
    for (const ProbeHop& hop : run.hops) {
        if (!hop.done)
            continue;
        text += hop.name + QStringLiteral(": ") + probeResultToText(hop.result) + QLatin1Char('\n');
    }
    return text;
}

} // namespace socketscope
