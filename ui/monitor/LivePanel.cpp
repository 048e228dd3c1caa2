// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/LivePanel.h"

#include "AppContext.h"
#include "core/ActivityLog.h"
#include "diagnosis/Diagnosis.h"
#include "monitor/EngineProbeLauncher.h"
#include "monitor/EvidenceBundle.h"
#include "monitor/MatrixView.h"
#include "monitor/TimeoutMapView.h"
#include "monitor/MonitorCharts.h"
#include "monitor/MonitorExport.h"
#include "common/Banner.h"
#include "common/ElidingLabel.h"
#include "common/WidgetSizing.h"
#include "monitor/MonitorManager.h"
#include "monitor/ProbeMatrix.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace socketscope {

namespace {

enum Col { NameCol, StateCol, IntervalCol, CauseCol, ProbesCol };
enum ExportKind { ExportCsv, ExportJson, ExportPng, ExportPdf, ExportBundle };
constexpr int kMaxEventRows = 300;
// An event row's data: what makes two events "the same", how many it stands for, the first's time.
constexpr int EventKeyRole = Qt::UserRole;
constexpr int EventCountRole = Qt::UserRole + 1;
constexpr int EventFirstRole = Qt::UserRole + 2;

QColor stateColor(MonitorState s)
{
    switch (s) {
    case MonitorState::Ok: return QColor(40, 160, 80);
    case MonitorState::Degraded: return QColor(230, 145, 20);
    case MonitorState::Down: return QColor(210, 40, 40);
    case MonitorState::Paused: return QColor(90, 120, 200);
    case MonitorState::Stopped: return QColor(110, 110, 110);
    case MonitorState::Unknown: break;
    }
    return QColor(128, 128, 128);
}

QString monitorName(const Monitor& m)
{
    return m.spec.name.isEmpty() ? m.spec.options.url : m.spec.name;
}

} // namespace

LivePanel::LivePanel(AppContext& context, QWidget* parent, ProbeLauncher* launcher)
    : FeaturePanel(context, parent), m_launcher(launcher)
{
    if (!m_launcher)
        m_launcher = new EngineProbeLauncher(nullptr, this);
    m_manager = new MonitorManager(m_launcher, this);
    m_matrix = new ProbeMatrix(m_launcher, this);
    profileStates(m_context).attach(m_manager);
    buildUi();

    connect(m_manager, &MonitorManager::monitorAdded, this, [this](int id) {
        refreshList();
        if (const Monitor* m = m_manager->monitor(id))
            emit announced(tr("Monitor %1 started (every %2 s)").arg(monitorName(*m)).arg(m->spec.intervalS));
        reportActivity();
    });
    connect(m_manager, &MonitorManager::monitorRemoved, this, [this](int id) {
        reportActivity();
        m_lastVerdict.remove(id);
        if (id == m_current) {
            m_current = 0;
            m_charts->setMonitor(nullptr);
            m_events->clear();
        }
        refreshList();
    });
    connect(m_manager, &MonitorManager::sampleAdded, this, [this](int id, const Sample&) {
        refreshItem(id);
        if (id == m_current && !m_export->isEnabled())
            refreshControls();
        if (id == m_current)
            m_charts->scheduleRefresh();
    });
    connect(m_manager, &MonitorManager::verdictChanged, this, [this](int id) {
        refreshItem(id);
        reportVerdict(id);
    });
    connect(m_manager, &MonitorManager::stateChanged, this, [this](int id, MonitorState st) {
        refreshItem(id);
        refreshControls();
        reportActivity();
        if (const Monitor* m = m_manager->monitor(id)) {
            // The window's status bar: a state change of any monitor, whichever profile is shown.
            if (st == MonitorState::Stopped || st == MonitorState::Paused)
                emit announced(tr("Monitor %1 %2").arg(monitorName(*m), monitorStateId(st)));
            else if (st != MonitorState::Unknown)
                emit announced(m->cause.isEmpty() || m->cause == QLatin1String("ok")
                                   ? tr("Monitor %1: %2").arg(monitorName(*m), monitorStateId(st))
                                   : tr("Monitor %1: %2 (%3)").arg(monitorName(*m), monitorStateId(st), m->cause));
        }
        if (m_context.activity && st != MonitorState::Paused) {
            const Monitor* m = m_manager->monitor(id);
            const QString msg = tr("monitor %1 → %2 (%3)").arg(m->spec.name, monitorStateId(st), m->cause);
            if (st == MonitorState::Down)
                m_context.activity->warning(QStringLiteral("monitor"), msg);
            else
                m_context.activity->info(QStringLiteral("monitor"), msg);
        }
    });
    connect(m_manager, &MonitorManager::eventAdded, this, [this](int id, const MonitorEvent& e) {
        if (id == m_current) {
            appendEvent(id, e);
            m_charts->scheduleRefresh();
        }
    });
    connect(m_matrix, &ProbeMatrix::finished, this, &LivePanel::refreshControls);
    setProfile(nullptr);
}

LivePanel::~LivePanel()
{
    // Monitors and the matrix cancel their probes before the launcher (created first) goes.
    // The views go first: they borrow the monitors and the matrix.
    delete m_tabs;
    delete m_manager;
    delete m_matrix;
}

void LivePanel::buildUi()
{
    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("monitorsTreeWidget"));
    m_list->setHeaderLabels({tr("Monitor"), tr("State"), tr("Every"), tr("Last cause"), tr("Probes")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    // The list shares its width at 1024×700 (issue 16): a long name or cause is cut, whole in its tooltip.
    keepColumnsInView(m_list, m_list->header(), NameCol, 80);

    m_start = new QPushButton(tr("&Monitor profile"), this);
    m_start->setObjectName(QStringLiteral("startPushButton"));
    m_start->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    m_start->setToolTip(tr("Probe the selected profile every interval (Ctrl+M)"));
    m_pause = new QPushButton(tr("&Pause"), this);
    m_pause->setObjectName(QStringLiteral("pausePushButton"));
    m_pause->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_stop = new QPushButton(tr("Stop"), this);
    m_stop->setObjectName(QStringLiteral("stopPushButton"));
    m_stop->setToolTip(tr("Stop probing; the charts, events and export stay until you clear them"));
    m_remove = new QPushButton(tr("Clear"), this);
    m_remove->setObjectName(QStringLiteral("removePushButton"));
    m_remove->setToolTip(tr("Forget this monitor's session: its charts, events and samples"));
    m_interval = new QDoubleSpinBox(this);
    m_interval->setObjectName(QStringLiteral("intervalSpinBox"));
    m_interval->setRange(0.2, 3600);
    m_interval->setDecimals(1);
    m_interval->setValue(5);
    m_interval->setSuffix(tr(" s"));
    m_interval->setToolTip(tr("Seconds between probes"));
    m_longLived = new QCheckBox(tr("&Long-lived connection"), this);
    m_longLived->setObjectName(QStringLiteral("longLivedCheckBox"));
    m_longLived->setChecked(true);
    m_longLived->setToolTip(tr("Also keep one idle connection open and record exactly when and how it dies"));
    // The buttons may narrow to their text, so the left column and the charts fit a 1024 px screen.
    letButtonNarrowToText(m_start, {tr("&Monitor profile"), tr("&Monitor again")});
    letButtonNarrowToText(m_pause, {tr("&Pause"), tr("&Resume")});
    letButtonNarrowToText(m_stop);
    letButtonNarrowToText(m_remove);
    m_export = new QToolButton(this);
    m_export->setObjectName(QStringLiteral("exportToolButton"));
    m_export->setText(tr("&Export"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    auto* menu = new QMenu(m_export);
    menu->addAction(tr("Samples as CSV…"), this, [this] { exportWithDialog(ExportCsv); });
    menu->addAction(tr("Samples as JSON…"), this, [this] { exportWithDialog(ExportJson); });
    menu->addAction(tr("Charts as PNG…"), this, [this] { exportWithDialog(ExportPng); });
    menu->addAction(tr("Charts as PDF…"), this, [this] { exportWithDialog(ExportPdf); });
    menu->addSeparator();
    menu->addAction(tr("Evidence bundle…"), this, [this] { exportWithDialog(ExportBundle); });
    m_export->setMenu(menu);

    // One line (the whole state and reason in its tooltip when cut): it never pushes the events down.
    m_stateLabel = new ElidingLabel(this);
    m_stateLabel->setObjectName(QStringLiteral("stateLabel"));
    m_events = new QListWidget(this);
    m_events->setObjectName(QStringLiteral("eventsListWidget"));
    m_events->setWordWrap(true);

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    auto* row1 = new QHBoxLayout;
    row1->addWidget(m_start);
    row1->addWidget(m_pause);
    row1->addWidget(m_stop);
    row1->addWidget(m_remove);
    auto* row2 = new QHBoxLayout;
    row2->addWidget(m_interval);
    row2->addWidget(m_longLived);
    row2->addStretch(1);
    row2->addWidget(m_export);
    leftLayout->addLayout(row1);
    leftLayout->addLayout(row2);
    leftLayout->addWidget(m_list, 2);
    leftLayout->addWidget(m_stateLabel);
    leftLayout->addWidget(new QLabel(tr("Events"), left));
    leftLayout->addWidget(m_events, 3);

    m_charts = new MonitorCharts(this);
    m_matrixView = new MatrixView(m_matrix, this);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(QStringLiteral("liveTabWidget"));
    m_tabs->addTab(m_charts, tr("Charts"));
    m_tabs->addTab(m_matrixView, tr("Where does it break?"));
    m_timeoutView = new TimeoutMapView(this);
    m_timeoutView->setObjectName(QStringLiteral("timeoutMapView"));
    m_tabs->addTab(m_timeoutView, tr("Timeouts"));

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
    // Over the bottom of the splitter: a message never moves the controls.
    m_banner = new Banner(splitter, QStringLiteral("bannerLabel"));

    connect(m_start, &QPushButton::clicked, this, [this] { startMonitor(); });
    connect(m_pause, &QPushButton::clicked, this, [this] {
        const Monitor* m = m_manager->monitor(m_current);
        if (!m)
            return;
        if (m->paused)
            m_manager->resume(m_current);
        else
            m_manager->pause(m_current);
        refreshItem(m_current);
        refreshControls();
    });
    connect(m_stop, &QPushButton::clicked, this, [this] { m_manager->stop(m_current); });
    connect(m_remove, &QPushButton::clicked, this, [this] { m_manager->remove(m_current); });
    connect(m_interval, &QDoubleSpinBox::editingFinished, this, [this] {
        if (const Monitor* m = m_manager->monitor(m_current); m && m->spec.intervalS != m_interval->value()) {
            m_manager->setInterval(m_current, m_interval->value());
            refreshItem(m_current);
        }
    });
    connect(m_list, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item) {
        if (!item)
            return;
        const int id = item->data(NameCol, Qt::UserRole).toInt();
        const Monitor* m = m_manager->monitor(id);
        const QUuid profile = m ? QUuid(m->spec.profileId) : QUuid();
        // A monitor of another profile: the window selects that profile, so every view agrees.
        if (!profile.isNull() && (!m_profile || m_profile->id != profile))
            emit profileActivated(profile);
        selectMonitor(id);
    });
}

void LivePanel::setProfile(const Profile* profile)
{
    if (profile)
        m_profile = *profile;
    else
        m_profile.reset();
    m_matrixView->setProfile(m_profile ? &*m_profile : nullptr);
    m_timeoutView->setProfile(m_profile ? &*m_profile : nullptr);
    // The Live tab shows the selected profile's monitor, or none: never another profile's.
    int id = m_profile ? m_manager->findByProfile(m_profile->id.toString(QUuid::WithoutBraces)) : 0;
    if (!id && m_current)
        if (const Monitor* m = m_manager->monitor(m_current); m && m->spec.profileId.isEmpty())
            id = m_current; // a monitor started from a bare spec belongs to no profile
    selectMonitor(id);
    refreshControls();
}

int LivePanel::startMonitor()
{
    if (!m_profile)
        return 0;
    if (m_profile->publicUrl.isEmpty() && m_profile->directUrl.isEmpty()) {
        showBanner(tr("The profile %1 has no URL to monitor: add its public URL on the Overview tab.").arg(m_profile->name), true);
        return 0;
    }
    if (const int existing = m_manager->findByProfile(m_profile->id.toString(QUuid::WithoutBraces))) {
        if (const Monitor* m = m_manager->monitor(existing); m && m->stopped)
            m_manager->resume(existing);
        selectMonitor(existing);
        return existing;
    }
    MonitorSpec spec = MonitorSpec::fromProfile(*m_profile);
    spec.intervalS = m_interval->value();
    spec.longLived = m_longLived->isChecked();
    return startMonitor(spec);
}

int LivePanel::startMonitor(const MonitorSpec& spec)
{
    showBanner({}, false);
    const int id = m_manager->add(spec);
    if (m_context.activity)
        m_context.activity->info(QStringLiteral("monitor"), tr("monitoring %1 every %2 s").arg(spec.options.url).arg(spec.intervalS));
    selectMonitor(id);
    return id;
}

void LivePanel::selectMonitor(int id)
{
    if (id == m_current && m_charts->monitor() == m_manager->monitor(id))
        return;
    m_current = id;
    const Monitor* m = m_manager->monitor(id);
    m_charts->setMonitor(m);
    m_events->clear();
    if (m) {
        const int first = std::max(0, m->events.size() - kMaxEventRows);
        for (int i = first; i < m->events.size(); ++i)
            appendEvent(id, m->events.at(i));
        m_interval->setValue(m->spec.intervalS);
    }
    if (QTreeWidgetItem* item = itemFor(id); item && m_list->currentItem() != item) {
        const QSignalBlocker block(m_list);
        m_list->setCurrentItem(item);
    } else if (!item) {
        const QSignalBlocker block(m_list);
        m_list->setCurrentItem(nullptr);
        m_list->clearSelection();
    }
    refreshControls();
}

QString LivePanel::stateWord(int id) const
{
    const Monitor* m = m_manager->monitor(id);
    return m ? monitorStateId(m->state) : QString();
}

QTreeWidgetItem* LivePanel::itemFor(int id) const
{
    for (int i = 0; i < m_list->topLevelItemCount(); ++i)
        if (m_list->topLevelItem(i)->data(NameCol, Qt::UserRole).toInt() == id)
            return m_list->topLevelItem(i);
    return nullptr;
}

void LivePanel::refreshList()
{
    const QList<int> ids = m_manager->ids();
    for (int i = m_list->topLevelItemCount() - 1; i >= 0; --i)
        if (!ids.contains(m_list->topLevelItem(i)->data(NameCol, Qt::UserRole).toInt()))
            delete m_list->takeTopLevelItem(i);
    for (int id : ids) {
        if (!itemFor(id)) {
            auto* item = new QTreeWidgetItem(m_list);
            item->setData(NameCol, Qt::UserRole, id);
        }
        refreshItem(id);
    }
    refreshControls();
}

void LivePanel::refreshItem(int id)
{
    QTreeWidgetItem* item = itemFor(id);
    const Monitor* m = m_manager->monitor(id);
    if (!item || !m)
        return;
    item->setText(NameCol, m->spec.name.isEmpty() ? m->spec.options.url : m->spec.name);
    item->setToolTip(NameCol, m->spec.options.url);
    item->setText(StateCol, QStringLiteral("● ") + monitorStateId(m->state));
    item->setForeground(StateCol, stateColor(m->state));
    item->setText(IntervalCol, tr("%1 s").arg(m->spec.intervalS));
    item->setText(CauseCol, m->cause);
    item->setToolTip(CauseCol, m->cause);
    item->setToolTip(StateCol, m->reason);
    item->setText(ProbesCol, QString::number(m->probesDone));
    if (id == m_current) {
        // The state, then why (monitorVerdict()): "● degraded — Long-lived connection closed after
        // 9.0 s … (abnormal_closure)", never a state next to a contradicting cause.
        const QString cause = m->cause.isEmpty() || m->cause == QLatin1String("ok") ? QString()
                                                                                  : QStringLiteral(" (%1)").arg(m->cause.toHtmlEscaped());
        m_stateLabel->setText(QStringLiteral("<span style=\"color:%1\">●</span> <b>%2</b> — %3%4")
                                  .arg(stateColor(m->state).name(), monitorStateId(m->state),
                                       (m->reason.isEmpty() ? tr("waiting for the first probe") : m->reason).toHtmlEscaped(), cause));
    }
}

void LivePanel::refreshControls()
{
    const Monitor* m = m_manager->monitor(m_current);
    m_start->setEnabled(m_profile.has_value());
    m_pause->setEnabled(m != nullptr && !m->stopped);
    m_stop->setEnabled(m != nullptr && !m->stopped);
    m_remove->setEnabled(m != nullptr);
    m_export->setEnabled(hasSomethingToExport());
    m_export->setToolTip(m_export->isEnabled() ? tr("Export samples, charts or an evidence bundle")
                                               : tr("Nothing to export yet: monitor the profile or run the matrix first"));
    m_pause->setText(m && m->paused && !m->stopped ? tr("&Resume") : tr("&Pause"));
    m_start->setText(m && m->stopped ? tr("&Monitor again") : tr("&Monitor profile"));
    if (!m)
        m_stateLabel->setText(m_profile ? tr("Not monitored: press “Monitor profile” (Ctrl+M).") : tr("Select a profile."));
    else
        refreshItem(m_current);
}

void LivePanel::appendEvent(int, const MonitorEvent& e)
{
    const QString time = QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(QStringLiteral("HH:mm:ss"));
    QStringList tip = {isoWithOffset(e.timeMs)};
    tip << e.evidence;
    for (const QString& a : e.advice)
        tip << tr("advice: %1").arg(a);
    const bool red = e.kind == MonitorEvent::Kind::ConnectionClosed
                     || (e.kind == MonitorEvent::Kind::StateChanged && e.text.endsWith(QLatin1String("down")));
    // The same red event again right after itself (a connection cut every few seconds, a proxy
    // answering 502 to every reconnect) is one row "first–last  text ×N", not a wall of copies.
    const QString key = red ? QStringLiteral("%1|%2|%3|%4|%5")
                                  .arg(eventKindId(e.kind), e.cause)
                                  .arg(e.closeCode)
                                  .arg(closedById(e.closedBy))
                                  .arg(e.httpStatus)
                            : QString();
    if (QListWidgetItem* last = m_events->count() > 0 ? m_events->item(m_events->count() - 1) : nullptr;
        !key.isEmpty() && last && last->data(EventKeyRole).toString() == key) {
        const int count = last->data(EventCountRole).toInt() + 1;
        last->setData(EventCountRole, count);
        const QString first = last->data(EventFirstRole).toString();
        last->setText(QStringLiteral("%1–%2  %3  ×%4").arg(first, time, e.text).arg(count));
        tip.prepend(tr("%n times since %1; the latest:", nullptr, count).arg(first));
        last->setToolTip(tip.join(QLatin1Char('\n')));
        return;
    }
    auto* item = new QListWidgetItem(QStringLiteral("%1  %2").arg(time, e.text), m_events);
    item->setData(EventKeyRole, key);
    item->setData(EventCountRole, 1);
    item->setData(EventFirstRole, time);
    item->setToolTip(tip.join(QLatin1Char('\n')));
    if (red)
        item->setForeground(QColor(210, 40, 40));
    while (m_events->count() > kMaxEventRows)
        delete m_events->takeItem(0);
    m_events->scrollToBottom();
}

void LivePanel::reportVerdict(int id)
{
    // A running monitor's state is its profile's verdict, like the Overview's probe: the window
    // shows it in the header and as the profile's dot and word. Only changes are reported.
    const Monitor* m = m_manager->monitor(id);
    if (!m || m->state == MonitorState::Paused || m->state == MonitorState::Stopped || m->state == MonitorState::Unknown)
        return;
    const QString sentence = m->reason;
    if (sentence.isEmpty())
        return;
    const QString state = monitorStateId(m->state);
    const QString key = state + QLatin1Char('\n') + sentence;
    if (m_lastVerdict.value(id) == key)
        return;
    m_lastVerdict.insert(id, key);
    setProperty("profileName", m->spec.name);
    emit verdictChanged(state, tr("live monitor: %1").arg(sentence));
}

void LivePanel::reportActivity()
{
    // What runs, for the window's status bar: every monitor still probing, with its state.
    QStringList running;
    for (int id : m_manager->ids())
        if (const Monitor* m = m_manager->monitor(id); m && !m->stopped)
            running << QStringLiteral("%1 %2").arg(monitorName(*m), monitorStateId(m->state));
    if (running.isEmpty())
        emit activityChanged(QString());
    else
        emit activityChanged(tr("Monitoring %1").arg(running.join(QStringLiteral(", "))));
}

bool LivePanel::hasSomethingToExport() const
{
    if (const Monitor* m = m_manager->monitor(m_current); m && (m->buffer.rawCount() > 0 || m->events.size() > 1))
        return true;
    for (const MatrixRow& r : m_matrix->rows())
        if (r.status == MatrixRow::Status::Done)
            return true;
    return false;
}

void LivePanel::showBanner(const QString& text, bool error)
{
    m_banner->showMessage(text, error ? Banner::Kind::Error : Banner::Kind::Success);
}

Status LivePanel::exportSamplesCsv(const QString& path) const
{
    const Monitor* m = m_manager->monitor(m_current);
    return m ? monitorexport::writeCsv(*m, path) : Status::failure(tr("No monitor selected."));
}

Status LivePanel::exportSamplesJson(const QString& path) const
{
    const Monitor* m = m_manager->monitor(m_current);
    return m ? monitorexport::writeJson(*m, path) : Status::failure(tr("No monitor selected."));
}

Status LivePanel::exportCharts(const QString& dir, bool pdf, QStringList* written) const
{
    const Monitor* m = m_manager->monitor(m_current);
    if (!m)
        return Status::failure(tr("No monitor selected."));
    return m_charts->saveImages(dir, QStringLiteral("chart"), pdf, 1280, 360, written);
}

Result<QString> LivePanel::exportBundle(const QString& parentDir) const
{
    const Monitor* m = m_manager->monitor(m_current);
    const QString name = m_profile ? m_profile->name : m ? m->spec.name : QString();
    auto folder = evidence::createBundleFolder(parentDir, name);
    if (!folder)
        return folder;
    EvidenceInput in;
    in.profile = m_profile ? &*m_profile : nullptr;
    in.monitor = m;
    bool matrixRan = false;
    for (const MatrixRow& r : m_matrix->rows())
        matrixRan = matrixRan || r.status == MatrixRow::Status::Done;
    in.matrix = matrixRan ? m_matrix : nullptr;
    if (m) {
        QStringList written;
        if (Status st = m_charts->saveImages(*folder, QStringLiteral("chart"), false, 1280, 360, &written); !st)
            return Result<QString>::failure(st.error());
        for (const QString& f : written)
            in.chartFiles << QFileInfo(f).fileName();
    }
    if (Status st = evidence::writeBundle(*folder, in); !st)
        return Result<QString>::failure(st.error());
    return folder;
}

void LivePanel::exportWithDialog(int kind)
{
    const QString docs = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    Status st;
    QString where;
    switch (kind) {
    case ExportCsv:
        where = QFileDialog::getSaveFileName(this, tr("Export samples"), docs + QStringLiteral("/samples.csv"), tr("CSV (*.csv)"));
        if (!where.isEmpty())
            st = exportSamplesCsv(where);
        break;
    case ExportJson:
        where = QFileDialog::getSaveFileName(this, tr("Export samples"), docs + QStringLiteral("/samples.json"), tr("JSON (*.json)"));
        if (!where.isEmpty())
            st = exportSamplesJson(where);
        break;
    case ExportPng:
    case ExportPdf:
        where = QFileDialog::getExistingDirectory(this, tr("Folder for the chart images"), docs);
        if (!where.isEmpty())
            st = exportCharts(where, kind == ExportPdf);
        break;
    case ExportBundle: {
        where = QFileDialog::getExistingDirectory(this, tr("Folder for the evidence bundle"), docs);
        if (where.isEmpty())
            break;
        const auto r = exportBundle(where);
        st = r ? Status::success() : Status::failure(r.error());
        if (r)
            where = *r;
        break;
    }
    default: break;
    }
    if (where.isEmpty())
        return;
    if (!st)
        showBanner(st.error(), true);
    else
        showBanner(tr("Exported to %1").arg(QDir::toNativeSeparators(where)), false);
}

} // namespace socketscope
