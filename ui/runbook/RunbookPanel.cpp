// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/RunbookPanel.h"

#include "common/Banner.h"
#include "common/WidgetSizing.h"

#include "AppContext.h"
#include "core/ActivityLog.h"
#include "remote/LocalHost.h"
#include "runbook/AuditTrail.h"
#include "runbook/ConfigFixer.h"
#include "runbook/Runbook.h"
#include "profiles/ProfileFields.h"
#include "runbook/RunbookConfirmDialog.h"
#include "runbook/RunbookConnect.h"
#include "runbook/RunbookEngine.h"
#include "ssh/KeychainSecrets.h"
#include "ssh/SshPromptRelay.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QStandardItemModel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace socketscope {

namespace {

enum Column { ColState, ColStep, ColRisk, ColMessage };
// The audit table's columns.
enum AuditColumn { AuditTime, AuditStep, AuditEvent, AuditCommand, AuditExit, AuditSums };

// The audit table's columns share its width, none off the right edge: time, event and exit fit
// their contents; the command takes the rest but at least kCommandMin; step and the checksums
// give way first (cut, whole in their tooltips), down to kNarrowest.
void fitAuditColumns(QTableWidget* table)
{
    constexpr int kCommandMin = 120;
    constexpr int kNarrowest = 40;
    QHeaderView* header = table->horizontalHeader();
    const QAbstractItemView* view = table; // sizeHintForColumn is public there
    const auto wanted = [&](int c) { return std::max(view->sizeHintForColumn(c), header->sectionSizeHint(c)); };
    const int available = table->viewport()->width();
    int fixed = 0;
    for (int c : {AuditTime, AuditEvent, AuditExit}) {
        header->resizeSection(c, wanted(c));
        fixed += header->sectionSize(c);
    }
    int step = wanted(AuditStep);
    int sums = wanted(AuditSums);
    const int flexible = available - fixed - kCommandMin;
    if (step + sums > flexible) {
        const double scale = flexible > 0 ? double(flexible) / double(step + sums) : 0.0;
        step = std::max(kNarrowest, int(step * scale));
        sums = std::max(kNarrowest, int(sums * scale));
    }
    header->resizeSection(AuditStep, step);
    header->resizeSection(AuditSums, sums);
    header->resizeSection(AuditCommand, std::max(kNarrowest, available - fixed - step - sums));
}

QColor stateColor(StepState s)
{
    switch (s) {
    case StepState::Pending: return QColor(0x8c, 0x95, 0x9f);
    case StepState::Running: return QColor(0x09, 0x69, 0xda);
    case StepState::Ok: return QColor(0x1a, 0x7f, 0x37);
    case StepState::Failed: return QColor(0xcf, 0x22, 0x2e);
    case StepState::Skipped: return QColor(0xaf, 0xb8, 0xc1);
    case StepState::RolledBack: return QColor(0xbc, 0x4c, 0x00);
    }
    return Qt::gray;
}

QString stateWord(StepState s)
{
    switch (s) {
    case StepState::Pending: return QObject::tr("pending");
    case StepState::Running: return QObject::tr("running");
    case StepState::Ok: return QObject::tr("ok");
    case StepState::Failed: return QObject::tr("failed");
    case StepState::Skipped: return QObject::tr("skipped");
    case StepState::RolledBack: return QObject::tr("rolled back");
    }
    return {};
}

// A state icon: a filled dot with a glyph, so the state never depends on colour alone.
QIcon stateIcon(StepState s)
{
    QPixmap pm(32, 32);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setBrush(stateColor(s));
    p.setPen(Qt::NoPen);
    p.drawEllipse(QRectF(2, 2, 28, 28));
    p.setPen(QPen(Qt::white, 3.5, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    switch (s) {
    case StepState::Ok: p.drawPolyline(QPolygonF({QPointF(9, 16.5), QPointF(14, 21.5), QPointF(23, 11)})); break;
    case StepState::Failed: p.drawLine(QPointF(11, 11), QPointF(21, 21)); p.drawLine(QPointF(21, 11), QPointF(11, 21)); break;
    case StepState::Running: p.setBrush(Qt::white); p.setPen(Qt::NoPen); p.drawPie(QRectF(8, 8, 16, 16), 90 * 16, -270 * 16); break;
    case StepState::Skipped: p.drawLine(QPointF(10, 16), QPointF(22, 16)); break;
    case StepState::RolledBack: p.drawArc(QRectF(9, 9, 14, 14), 90 * 16, 270 * 16); p.drawLine(QPointF(16, 9), QPointF(20, 6)); p.drawLine(QPointF(16, 9), QPointF(20, 12)); break;
    case StepState::Pending: p.setBrush(Qt::white); p.setPen(Qt::NoPen); p.drawEllipse(QRectF(12, 12, 8, 8)); break;
    }
    return QIcon(pm);
}

} // namespace

RunbookPanel::RunbookPanel(AppContext& context, QWidget* parent)
    : FeaturePanel(context, parent), m_runbooks(new QList<Runbook>)
{
    buildUi();
    reloadRunbooks();
    setProfile(nullptr);
}

RunbookPanel::~RunbookPanel()
{
    dropEngine();
    delete m_runbooks;
}

void RunbookPanel::buildUi()
{
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_runbookCombo = new QComboBox(this);
    m_runbookCombo->setObjectName(QStringLiteral("runbookComboBox"));
    m_targetCombo = new QComboBox(this);
    m_targetCombo->setObjectName(QStringLiteral("targetComboBox"));
    m_targetCombo->addItem(tr("Over SSH (profile)"));
    m_targetCombo->addItem(tr("On this machine"));
    m_sudoEdit = new QLineEdit(this);
    m_sudoEdit->setObjectName(QStringLiteral("sudoPasswordLineEdit"));
    m_sudoEdit->setEchoMode(QLineEdit::Password);
    m_sudoEdit->setPlaceholderText(tr("sudo password"));
    m_sudoEdit->setToolTip(tr("The sudo password on the server: kept in memory only, never saved"));
    m_sudoEdit->setMinimumWidth(m_sudoEdit->fontMetrics().horizontalAdvance(m_sudoEdit->placeholderText()) + 24);
    m_monitorSpin = new QSpinBox(this);
    m_monitorSpin->setObjectName(QStringLiteral("monitorSecondsSpinBox"));
    m_monitorSpin->setRange(0, 3600);
    m_monitorSpin->setValue(60);
    m_monitorSpin->setSuffix(tr(" s monitor"));
    top->addWidget(new QLabel(tr("Runbook:"), this));
    top->addWidget(m_runbookCombo, 1);
    top->addWidget(m_targetCombo);
    top->addWidget(m_sudoEdit);
    top->addWidget(m_monitorSpin);
    layout->addLayout(top);

    auto* buttons = new QHBoxLayout;
    m_runStepButton = new QPushButton(tr("Run step"), this);
    m_runStepButton->setObjectName(QStringLiteral("runStepPushButton"));
    m_runStepButton->setShortcut(QKeySequence(Qt::Key_F10));
    m_runStepButton->setToolTip(tr("Run the next step (F10)"));
    m_runAllButton = new QPushButton(tr("Run all"), this);
    m_runAllButton->setObjectName(QStringLiteral("runAllPushButton"));
    m_runAllButton->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_runAllButton->setToolTip(tr("Run every step, asking before each change to the server (Ctrl+Shift+R)"));
    m_dryRunButton = new QPushButton(tr("Dry run"), this);
    m_dryRunButton->setObjectName(QStringLiteral("dryRunPushButton"));
    m_dryRunButton->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
    m_dryRunButton->setToolTip(tr("Show exactly what every step would run and change; change nothing (Ctrl+Shift+D)"));
    m_rollbackButton = new QPushButton(tr("⟲ Rollback"), this);
    m_rollbackButton->setObjectName(QStringLiteral("rollbackPushButton"));
    m_rollbackButton->setStyleSheet(QStringLiteral("QPushButton { color: #bc4c00; font-weight: bold; }"));
    m_rollbackButton->setToolTip(tr("Restore the backup, test, reload and verify"));
    // A style sheet drops the style's minimum size: keep room for the bold text.
    {
        QFont bold = m_rollbackButton->font();
        bold.setBold(true);
        m_rollbackButton->setMinimumWidth(QFontMetrics(bold).horizontalAdvance(m_rollbackButton->text()) + 24);
    }
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName(QStringLiteral("cancelPushButton"));
    m_cancelButton->setShortcut(QKeySequence(Qt::Key_Escape));
    for (QPushButton* b : {m_runStepButton, m_runAllButton, m_dryRunButton, m_rollbackButton, m_cancelButton})
        buttons->addWidget(b);
    buttons->addStretch(1);
    m_runLabel = new QLabel(this);
    m_runLabel->setObjectName(QStringLiteral("runLabel"));
    m_runLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    buttons->addWidget(m_runLabel);
    layout->addLayout(buttons);

    m_checklist = new QLabel(this);
    m_checklist->setObjectName(QStringLiteral("missingChecklistLabel"));
    m_checklist->setWordWrap(true);
    m_checklist->setTextFormat(Qt::RichText);
    m_checklist->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_checklist->hide();
    layout->addWidget(m_checklist);

    // "edit:KEY" links (in the checklist and in a failure banner) open the profile editor on that field.
    connect(m_checklist, &QLabel::linkActivated, this, &RunbookPanel::openEditLink);

    auto* split = new QSplitter(Qt::Horizontal, this);
    m_steps = new QTreeWidget(split);
    m_steps->setObjectName(QStringLiteral("stepsTreeWidget"));
    m_steps->setRootIsDecorated(false);
    m_steps->setColumnCount(4);
    m_steps->setHeaderLabels({tr("State"), tr("Step"), tr(""), tr("Result")});
    m_steps->setUniformRowHeights(false);
    m_steps->setIconSize(QSize(18, 18));
    // Every column in view (issue 16): State, Step and the risk as wide as their contents, the
    // result takes the rest (at least 100 px); each row is one line, a cut cell has its whole text
    // in its tooltip.
    keepColumnsInView(m_steps, m_steps->header(), ColMessage, 100);
    m_tabs = new QTabWidget(split);
    m_tabs->setObjectName(QStringLiteral("runbookTabWidget"));
    m_output = new QPlainTextEdit(m_tabs);
    m_output->setObjectName(QStringLiteral("outputPlainTextEdit"));
    m_output->setReadOnly(true);
    m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_output->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_output->setMaximumBlockCount(20000);
    m_audit = new QTableWidget(m_tabs);
    m_audit->setObjectName(QStringLiteral("auditTableWidget"));
    m_audit->setColumnCount(6);
    m_audit->setHorizontalHeaderLabels({tr("Time"), tr("Step"), tr("Event"), tr("Command / message"), tr("Exit"), tr("SHA-256 before → after")});
    // Every column stays in view (fitAuditColumns): cut cells carry their whole text in the tooltip.
    m_audit->horizontalHeader()->setStretchLastSection(false);
    m_audit->setTextElideMode(Qt::ElideRight);
    onResize(m_audit->viewport(), [this] { fitAuditColumns(m_audit); });
    m_audit->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_audit->verticalHeader()->hide();
    m_audit->setWordWrap(false);
    m_audit->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tabs->addTab(m_output, tr("Output"));
    m_tabs->addTab(m_audit, tr("Audit trail"));
    split->addWidget(m_steps);
    split->addWidget(m_tabs);
    // The output and audit trail get the larger share: commands are long.
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setSizes({430, 850});
    layout->addWidget(split, 1);
    // Over the bottom of the steps and output: a message never moves the Run buttons.
    m_banner = new Banner(split, QStringLiteral("bannerLabel"));
    m_banner->label()->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    connect(m_banner->label(), &QLabel::linkActivated, this, &RunbookPanel::openEditLink);

    m_confirm = new RunbookConfirmDialog(this);
    connect(m_confirm, &QDialog::finished, this, [this](int result) {
        if (m_engine)
            m_engine->answerConfirmation(result == QDialog::Accepted);
    });
    connect(m_runAllButton, &QPushButton::clicked, this, &RunbookPanel::onRunAll);
    connect(m_runStepButton, &QPushButton::clicked, this, &RunbookPanel::onRunStep);
    connect(m_dryRunButton, &QPushButton::clicked, this, &RunbookPanel::onDryRun);
    connect(m_rollbackButton, &QPushButton::clicked, this, &RunbookPanel::onRollback);
    connect(m_cancelButton, &QPushButton::clicked, this, [this] {
        if (m_engine)
            m_engine->cancel();
    });
    connect(m_runbookCombo, &QComboBox::currentIndexChanged, this, [this] {
        dropEngine();
        resetChecklist();
    });
    connect(m_targetCombo, &QComboBox::currentIndexChanged, this, [this] {
        forgetSudoPassword(); // typed for the other target
        updateSudoField();
        updateButtons();
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int i) {
        if (m_tabs->widget(i) == m_audit)
            refreshAudit();
    });
}

void RunbookPanel::reloadRunbooks()
{
    QStringList errors;
    *m_runbooks = Runbooks::all(&errors);
    m_runbookCombo->clear();
    for (const Runbook& rb : std::as_const(*m_runbooks))
        m_runbookCombo->addItem(rb.title, rb.name);
    if (!errors.isEmpty())
        showBanner(errors.join(QLatin1Char('\n')), true);
}

const Runbook* RunbookPanel::currentRunbook() const
{
    const int i = m_runbookCombo->currentIndex();
    return i >= 0 && i < m_runbooks->size() ? &m_runbooks->at(i) : nullptr;
}

void RunbookPanel::updateSudoField()
{
    // Whose sudo: on this machine, ours (not needed when already root); over SSH, the profile's
    // user (not needed when the profile says it may act directly or has NOPASSWD sudo).
    const bool local = m_targetCombo->currentIndex() == 1;
    m_sudoEdit->setVisible(m_profile && (local ? !LocalHost::isPrivileged() : !m_profile->ssh.sudoWithoutPassword));
}

void RunbookPanel::forgetSudoPassword()
{
    m_sudoEdit->clear();
}

void RunbookPanel::setActOnThisMachine(bool local) { m_targetCombo->setCurrentIndex(local ? 1 : 0); }
void RunbookPanel::setMonitorSeconds(int seconds) { m_monitorSpin->setValue(seconds); }

void RunbookPanel::setProfile(const Profile* profile)
{
    if (m_engine && m_engine->isBusy())
        m_engine->cancel();
    dropEngine();
    emit activityChanged(QString()); // a run of the previous profile ends with its engine
    m_profile = profile ? std::optional<Profile>(*profile) : std::nullopt;
    m_handedScope.reset(); // the handed site file is gone with the profile copy: so is its scope
    // A password typed for the previous profile must never reach this profile's server.
    forgetSudoPassword();
    // "Over SSH" only for a profile with SSH: without it the choice cannot work.
    const bool ssh = profile && profile->ssh.isConfigured();
    if (auto* model = qobject_cast<QStandardItemModel*>(m_targetCombo->model()))
        if (QStandardItem* item = model->item(0)) {
            item->setEnabled(ssh || !profile);
            item->setToolTip(ssh || !profile ? QString() : tr("This profile has no SSH access: add it in the profile editor (SSH tab)."));
        }
    if (profile && !ssh)
        m_targetCombo->setCurrentIndex(1);
    updateSudoField();
    m_banner->hide();
    m_output->clear();
    resetChecklist();
    if (!profile)
        showBanner(tr("Select a profile to run a runbook against its server."), false);
}

void RunbookPanel::takeHandedFix(const HandedFix& fix)
{
    const QString& path = fix.path;
    if (!m_profile)
        return showBanner(tr("Select a profile before handing a fix to the runbook."), true);
    if (m_engine && m_engine->isBusy())
        return showBanner(tr("A run is in progress: the fix for %1 was not taken over.").arg(path), true);
    dropEngine();
    if (const int i = m_runbookCombo->findData(QStringLiteral("nginx-websocket-fix")); i >= 0)
        m_runbookCombo->setCurrentIndex(i);
    m_profile->nginx.siteFile = path;
    m_handedScope = fix.scope;
    resetChecklist();
    const QString endpoint = fix.scope.endpointPaths.isEmpty() ? tr("(none)") : fix.scope.endpointPaths.join(QStringLiteral(", "));
    QString text = tr("Fix handed over from the Config tab for %1, endpoint %2. The run re-reads the file on the server, "
                      "plans the same fix again (endpoint %2%3) and shows that diff before Patch.\n")
                       .arg(path, endpoint,
                            fix.scope.onlyRules.isEmpty() ? QString() : tr(", rules %1").arg(fix.scope.onlyRules.join(QStringLiteral(", "))));
    text += tr("\n%n finding(s) reviewed:\n", nullptr, int(fix.findings.size()));
    for (const QString& f : fix.findings)
        text += QStringLiteral("  • ") + f + QLatin1Char('\n');
    m_output->setPlainText(text + QLatin1Char('\n') + QString::fromUtf8(fix.diff));
    showBanner(tr("Fix for %1 handed over from the Config tab (%n finding(s), endpoint %2): Dry run, or Run all to apply it.",
                  nullptr, int(fix.findings.size())).arg(path, endpoint), false);
}

void RunbookPanel::resetChecklist()
{
    m_steps->clear();
    const Runbook* rb = currentRunbook();
    if (rb) {
        for (const RunbookStep& s : rb->steps) {
            auto* item = new QTreeWidgetItem(m_steps);
            item->setIcon(ColState, stateIcon(StepState::Pending));
            item->setText(ColState, stateWord(StepState::Pending));
            item->setText(ColStep, s.title);
            item->setToolTip(ColState, stateWord(StepState::Pending));
            item->setToolTip(ColStep, s.description.isEmpty() ? s.title : s.title + QLatin1Char('\n') + s.description);
            if (s.changesServer) {
                // The sign alone keeps the narrow list's room for the step and its result.
                item->setText(ColRisk, QStringLiteral("⚠"));
                item->setToolTip(ColRisk, tr("⚠ changes server: this step changes files or services on the server"));
                item->setForeground(ColRisk, QColor(0xbc, 0x4c, 0x00));
            }
        }
    }
    m_runLabel->clear();
    m_audit->setRowCount(0);
    updateButtons();
}

void RunbookPanel::wireEngine(RunbookEngine* engine)
{
    connect(engine, &RunbookEngine::stepStateChanged, this, &RunbookPanel::onStepState);
    connect(engine, &RunbookEngine::output, this, &RunbookPanel::onOutput);
    connect(engine, &RunbookEngine::confirmationRequested, this, &RunbookPanel::onConfirmation);
    connect(engine, &RunbookEngine::finished, this, &RunbookPanel::onFinished);
    connect(engine, &RunbookEngine::busyChanged, this, &RunbookPanel::onBusy);
    connect(engine, &RunbookEngine::backupCreated, this, [this](const QString& path) {
        if (m_context.activity)
            m_context.activity->info(QStringLiteral("runbook"), tr("backup written: %1").arg(path));
        updateButtons();
    });
}

Result<HostFactory> RunbookPanel::makeHostFactory(const SecretBytes& sudoPassword)
{
    if (m_targetCombo->currentIndex() == 1)
        return RunbookConnect::localFactory(*m_profile, sudoPassword);
    auto relay = std::make_shared<SshPromptRelay>();
    answerPromptsInDialogs(relay.get(), m_context.secrets, m_profile->id, this);
    Result<HostFactory> factory = RunbookConnect::sshFactory(*m_profile, sudoPassword, promptsFor(relay));
    if (factory)
        m_prompts = relay;
    return factory;
}

std::unique_ptr<RunbookEngine> RunbookPanel::createEngine(const Runbook& runbook, EngineOptions options)
{
    // The sudo password goes from the field to the factory and the engine, and is wiped here on
    // every path.
    QByteArray typed = m_sudoEdit->isVisible() ? m_sudoEdit->text().toUtf8() : QByteArray();
    const SecretBytes sudo = SecretBytes::take(typed);
    Result<HostFactory> factory = makeHostFactory(sudo);
    if (!factory) {
        showBanner(factory.error(), true);
        return nullptr;
    }
    auto engine = std::make_unique<RunbookEngine>(runbook, *m_profile);
    engine->setHostFactory(factory.value());
    options.runsDir = m_runsDir;
    options.sudoPassword = sudo;
    engine->setOptions(options);
    options.sudoPassword.clear();
    wireEngine(engine.get());
    return engine;
}

void RunbookPanel::dropEngine()
{
    if (m_prompts)
        m_prompts->shutdown();
    m_engine.reset();
    m_prompts.reset();
}

bool RunbookPanel::ensureEngine(bool dryRun, bool fresh)
{
    const Runbook* rb = currentRunbook();
    if (!m_profile || !rb)
        return false;
    if (m_engine && !fresh && m_engineDry == dryRun)
        return true;
    dropEngine();
    resetChecklist();
    m_output->clear();
    m_banner->hide();
    EngineOptions o;
    o.dryRun = dryRun;
    o.monitorSeconds = m_monitorSpin->value();
    std::unique_ptr<RunbookEngine> engine = createEngine(*rb, o);
    if (!engine)
        return false;
    if (m_fixerFactory)
        engine->setConfigFixer(m_fixerFactory());
    else if (m_handedScope)
        engine->setConfigFixer(makeDefaultConfigFixer(*m_handedScope)); // plan what the user reviewed
    if (const Status st = engine->begin(); !st) {
        showBanner(st.error(), true);
        return false;
    }
    m_engine = std::move(engine);
    m_engineDry = dryRun;
    m_runLabel->setText(tr("run %1%2").arg(m_engine->state().id, dryRun ? tr(" (dry run)") : QString()));
    return true;
}

void RunbookPanel::onRunAll()
{
    const bool fresh = !m_engine || m_engineDry || m_engine->state().isFinished();
    if (!ensureEngine(false, fresh))
        return;
    if (m_context.activity && m_profile)
        m_context.activity->info(QStringLiteral("runbook"), tr("%1 on %2: run all").arg(currentRunbook()->title, m_profile->name));
    m_engine->runAll();
}

int RunbookPanel::nextStep() const
{
    if (!m_engine)
        return 0;
    const RunState s = m_engine->state();
    const Runbook& rb = m_engine->runbook();
    for (int i = 0; i < rb.steps.size() && i < s.steps.size(); ++i)
        if (!rb.steps.at(i).manual && s.steps.at(i).state != StepState::Ok && s.steps.at(i).state != StepState::Skipped)
            return i;
    return -1;
}

void RunbookPanel::onRunStep()
{
    if (!ensureEngine(false, !m_engine || m_engineDry))
        return;
    const int selected = m_steps->currentItem() ? m_steps->indexOfTopLevelItem(m_steps->currentItem()) : -1;
    const int next = nextStep();
    const int index = selected >= 0 && m_engine->state().steps.value(selected).state != StepState::Ok ? selected : next;
    if (index < 0) {
        showResult(tr("Every step is done."));
        return;
    }
    m_engine->runStep(index);
}

void RunbookPanel::onDryRun()
{
    if (!ensureEngine(true, true))
        return;
    m_engine->runAll();
}

void RunbookPanel::onRollback()
{
    if (!m_engine || m_engineDry || !m_engine->state().hasBackup()) {
        // After a restart: roll back the profile's newest run that made a backup.
        const Runbook* rb = currentRunbook();
        if (!m_profile || !rb)
            return;
        const auto last = RunStore(m_runsDir).latestWithBackup(m_profile->name);
        if (!last) {
            showBanner(tr("No backup exists for %1 yet: nothing to roll back.").arg(m_profile->name), true);
            return;
        }
        dropEngine();
        resetChecklist();
        std::unique_ptr<RunbookEngine> engine = createEngine(*rb, EngineOptions());
        if (!engine)
            return;
        if (const Status st = engine->resumeRun(last->id); !st)
            return showBanner(st.error(), true);
        m_engine = std::move(engine);
        m_engineDry = false;
        const RunState s = m_engine->state();
        for (int i = 0; i < s.steps.size(); ++i)
            onStepState(i, s.steps.at(i).state, s.steps.at(i).message);
    }
    m_engine->rollback();
}

void RunbookPanel::onStepState(int index, StepState state, const QString& message)
{
    QTreeWidgetItem* item = m_steps->topLevelItem(index);
    if (!item)
        return;
    // A dry run changes nothing: its steps are "simulated", never a green "ok".
    const bool simulated = m_engineDry && state == StepState::Ok;
    item->setIcon(ColState, stateIcon(simulated ? StepState::Skipped : state));
    item->setText(ColState, simulated ? tr("simulated") : stateWord(state));
    item->setToolTip(ColState, item->text(ColState));
    item->setForeground(ColState, simulated ? QColor(0x57, 0x60, 0x6a) : stateColor(state));
    // The editor's words for the profile's fields, never JSON keys.
    const QString shown = withEditorLabels(message);
    item->setText(ColMessage, shown);
    item->setToolTip(ColMessage, shown);
    if (state == StepState::Running) {
        m_steps->setCurrentItem(item);
        // The window's status bar: which step of how many runs, whichever tab is shown.
        if (m_engine) {
            const Runbook& rb = m_engine->runbook();
            const QString what = m_engineDry ? tr("Dry run of %1").arg(rb.title) : rb.title;
            emit activityChanged(tr("%1 on %2: step %3 of %4 — %5")
                                     .arg(what, m_profile ? m_profile->name : tr("(no profile)"))
                                     .arg(index + 1)
                                     .arg(rb.steps.size())
                                     .arg(item->text(ColStep)));
        }
    }
    updateButtons();
}

void RunbookPanel::onOutput(int, const QString& text)
{
    if (!text.isEmpty())
        m_output->appendPlainText(text);
}

void RunbookPanel::onConfirmation(int, const QString& title, const QString& details)
{
    m_confirm->ask(title, details);
}

void RunbookPanel::onFinished(bool ok, const QString& summary)
{
    const RunState s = m_engine ? m_engine->state() : RunState{};
    const bool fixed = ok && (s.dryRun || s.finalProbeCause.isEmpty() || s.finalProbeCause == QLatin1String("ok"));
    if (fixed && s.dryRun) {
        // A dry run changed nothing: its end is news, not a success (its steps read "simulated"),
        // and what to do next is an instruction, which belongs in a neutral banner.
        const QString result = summary.left(1).toUpper() + summary.mid(1);
        showBanner(
            tr("%1. To apply these steps, press Run all: every change to the server asks first.").arg(result), false);
    } else if (fixed) {
        showResult(tr("✔ %1").arg(summary)); // a result only: no instruction in a green banner
    } else {
        m_banner->label()->setTextFormat(Qt::RichText);
        m_banner->showMessage(QStringLiteral("✖ ") + failureHtml(summary), Banner::Kind::Error);
    }
    forgetSudoPassword(); // typed for this run only
    emit activityChanged(QString());
    if (m_engine) {
        const QString what = s.dryRun ? tr("Dry run of %1").arg(m_engine->runbook().title) : m_engine->runbook().title;
        emit announced(tr("%1 on %2 %3: %4")
                           .arg(what, m_profile ? m_profile->name : tr("(no profile)"),
                                fixed ? tr("finished ✔") : tr("failed ✖"), summary));
    }
    if (m_context.activity && m_profile) {
        if (fixed)
            m_context.activity->info(QStringLiteral("runbook"), tr("%1: %2").arg(m_profile->name, summary));
        else
            m_context.activity->error(QStringLiteral("runbook"), tr("%1: %2").arg(m_profile->name, summary));
    }
    refreshAudit();
    updateButtons();
}

void RunbookPanel::onBusy(bool) { updateButtons(); }

void RunbookPanel::refreshAudit()
{
    if (!m_engine)
        return;
    const QList<QJsonObject> lines = AuditTrail::read(m_engine->state().auditPath);
    m_audit->setRowCount(int(lines.size()));
    int row = 0;
    for (const QJsonObject& o : lines) {
        const QDateTime t = QDateTime::fromString(o.value(QLatin1String("time")).toString(), Qt::ISODateWithMs);
        QString what = o.value(QLatin1String("command")).toString();
        if (what.isEmpty())
            what = o.value(QLatin1String("message")).toString();
        if (o.contains(QLatin1String("path")))
            what += QStringLiteral("  [%1]").arg(o.value(QLatin1String("path")).toString());
        QString sums;
        if (o.contains(QLatin1String("sha256_before")) || o.contains(QLatin1String("sha256_after")))
            sums = QStringLiteral("%1→%2").arg(o.value(QLatin1String("sha256_before")).toString().left(8),
                                               o.value(QLatin1String("sha256_after")).toString().left(8));
        const QStringList cells{t.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz")), o.value(QLatin1String("step")).toString(),
                                o.value(QLatin1String("event")).toString(), what.section(QLatin1Char('\n'), 0, 0).left(200),
                                o.contains(QLatin1String("exit_status")) ? QString::number(o.value(QLatin1String("exit_status")).toInt()) : QString(),
                                sums};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells.at(c));
            item->setToolTip(c == AuditCommand ? QString(what + QLatin1Char('\n') + o.value(QLatin1String("output")).toString()).trimmed()
                             : c == AuditSums      ? QStringLiteral("%1\n→ %2").arg(o.value(QLatin1String("sha256_before")).toString(),
                                                                                   o.value(QLatin1String("sha256_after")).toString())
                                                   : cells.at(c));
            m_audit->setItem(row, c, item);
        }
        ++row;
    }
    fitAuditColumns(m_audit);
}

QString RunbookPanel::failureHtml(const QString& message)
{
    QString html = withEditorLabels(message).toHtmlEscaped();
    QStringList links;
    for (const QString& key : profileFieldsIn(message))
        links << QStringLiteral("<a href=\"edit:%1\">%2</a>").arg(key, tr("Edit %1").arg(profileField(key)->label).toHtmlEscaped());
    if (!links.isEmpty())
        html += QStringLiteral(" — ") + links.join(QStringLiteral(" · "));
    return html;
}

QString RunbookPanel::bannerText() const { return m_banner->text(); }

void RunbookPanel::openEditLink(const QString& link)
{
    if (link.startsWith(QLatin1String("edit:")))
        emit editProfileField(link.mid(5));
}

void RunbookPanel::showBanner(const QString& text, bool error)
{
    m_banner->label()->setTextFormat(Qt::PlainText);
    m_banner->showMessage(text, error ? Banner::Kind::Error : Banner::Kind::Info);
}

void RunbookPanel::showResult(const QString& text)
{
    m_banner->label()->setTextFormat(Qt::PlainText);
    m_banner->showMessage(text, Banner::Kind::Success);
}

void RunbookPanel::updateButtons()
{
    const bool busy = m_engine && m_engine->isBusy();
    // What the run needs and the profile lacks: a checklist instead of Run buttons that fail.
    QStringList missing;
    if (const Runbook* rb = currentRunbook(); rb && m_profile) {
        bool needsSite = false;
        for (const RunbookStep& step : rb->steps)
            needsSite = needsSite || QJsonDocument(step.params).toJson(QJsonDocument::Compact).contains("${profile.nginx.siteFile}");
        if (needsSite && m_profile->nginx.siteFile.trimmed().isEmpty())
            missing << tr("✗ the nginx site file: set “Site file” on the nginx &amp; logs tab of the profile — "
                          "<a href=\"edit:nginx.siteFile\">Edit Site file</a>");
        if (m_targetCombo->currentIndex() == 0 && !m_profile->ssh.isConfigured())
            missing << tr("✗ SSH access: add its “Host” on the SSH tab of the profile (<a href=\"edit:ssh.host\">Edit Host</a>), "
                          "or choose “On this machine”");
    }
    m_checklist->setText(missing.isEmpty() ? QString() : tr("<b>Before this runbook can run:</b><br>") + missing.join(QStringLiteral("<br>")));
    m_checklist->setVisible(!missing.isEmpty());
    const bool ready = m_profile.has_value() && currentRunbook() && missing.isEmpty();
    m_runAllButton->setEnabled(ready && !busy);
    m_runStepButton->setEnabled(ready && !busy);
    m_dryRunButton->setEnabled(ready && !busy);
    m_cancelButton->setEnabled(busy);
    bool hasBackup = m_engine && !m_engineDry && m_engine->state().hasBackup();
    if (!hasBackup && m_profile)
        hasBackup = RunStore(m_runsDir).latestWithBackup(m_profile->name).has_value();
    m_rollbackButton->setVisible(hasBackup);
    m_rollbackButton->setEnabled(hasBackup && !busy);
}

} // namespace socketscope
