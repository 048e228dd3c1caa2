// SPDX-License-Identifier: GPL-3.0-or-later
#include "probe/DashboardPanel.h"

#include "AppContext.h"
#include "core/ActivityLog.h"
#include "monitor/ProfileDashboard.h"
#include "probe/ProbeEngine.h"
#include "profiles/ProfileStore.h"
#include "server/ReferenceServer.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMap>
#include <QMouseEvent>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace socketscope {

namespace {

constexpr int kTileWidth = 250;

QString stateColour(const QString& state)
{
    if (state == QLatin1String("ok"))
        return QStringLiteral("#2e9d44");
    if (state == QLatin1String("degraded"))
        return QStringLiteral("#d08a00");
    if (state == QLatin1String("down"))
        return QStringLiteral("#d03b3b");
    return QStringLiteral("#8a8a8a");
}

} // namespace

ProfileTileWidget::ProfileTileWidget(const ProfileTile& tile, QWidget* parent) : QFrame(parent), m_id(tile.id)
{
    setObjectName(QStringLiteral("profileTile"));
    setProperty("profileName", tile.name);
    setProperty("state", tile.state);
    setProperty("cause", tile.cause);
    setFocusPolicy(Qt::StrongFocus);
    setCursor(Qt::PointingHandCursor);
    setFixedWidth(kTileWidth);
    setFrameShape(QFrame::StyledPanel);
    // The state's colour on the left edge, and the state as a word: never colour alone.
    setStyleSheet(QStringLiteral("#profileTile { border: 1px solid palette(mid); border-left: 6px solid %1; "
                                 "border-radius: 4px; background: palette(base); }"
                                 "#profileTile:focus { border-color: palette(highlight); }")
                      .arg(stateColour(tile.state)));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(10, 6, 8, 6);
    layout->setSpacing(2);
    auto* name = new QLabel(this);
    name->setObjectName(QStringLiteral("tileNameLabel"));
    name->setTextFormat(Qt::PlainText);
    QFont bold = name->font();
    bold.setBold(true);
    name->setFont(bold);
    name->setText(name->fontMetrics().elidedText(tile.name, Qt::ElideRight, kTileWidth - 24));
    name->setToolTip(tile.name);
    auto* state = new QLabel(this);
    state->setObjectName(QStringLiteral("tileStateLabel"));
    state->setTextFormat(Qt::RichText);
    const QString word = tile.probing ? tr("probing…") : tile.state;
    state->setText(QStringLiteral("<span style='color:%1'>●</span> <b>%2</b>%3")
                       .arg(stateColour(tile.state), word.toHtmlEscaped(),
                            // "ok — ok" says nothing twice: the cause only when something is wrong.
                            tile.cause.isEmpty() || tile.state == QLatin1String("ok")
                                ? QString()
                                : QStringLiteral(" — <code>%1</code>").arg(tile.cause.toHtmlEscaped())));
    auto* sentence = new QLabel(this);
    sentence->setObjectName(QStringLiteral("tileSentenceLabel"));
    sentence->setTextFormat(Qt::PlainText);
    sentence->setWordWrap(true);
    // At most two lines, cut with an ellipsis (the whole sentence is the tooltip): every tile
    // keeps its height and no line is clipped half-way.
    const int lineWidth = kTileWidth - 30;
    sentence->setText(sentence->fontMetrics().elidedText(tile.sentence, Qt::ElideRight, 2 * lineWidth - 60));
    sentence->setToolTip(tile.sentence);
    sentence->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    sentence->setFixedHeight(sentence->fontMetrics().lineSpacing() * 2 + 2);
    auto* when = new QLabel(this);
    when->setObjectName(QStringLiteral("tileLastProbeLabel"));
    when->setText(tile.lastProbe.isValid()
                      ? tr("Last probe %1").arg(tile.lastProbe.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))
                      : tr("Never probed"));
    when->setEnabled(false);
    layout->addWidget(name);
    layout->addWidget(state);
    layout->addWidget(sentence);
    layout->addWidget(when);
    setToolTip(tr("Open %1").arg(tile.name));
    setAccessibleName(tr("%1: %2").arg(tile.name, tile.state));
}

void ProfileTileWidget::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && rect().contains(event->position().toPoint()))
        emit activated(m_id);
    QFrame::mouseReleaseEvent(event);
}

void ProfileTileWidget::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter || event->key() == Qt::Key_Space) {
        emit activated(m_id);
        return;
    }
    QFrame::keyPressEvent(event);
}

DashboardPanel::DashboardPanel(AppContext& context, QWidget* parent)
    : FeaturePanel(context, parent), m_engine(new ProbeEngine(this))
{
    setObjectName(QStringLiteral("dashboardPanel"));
    m_runner = new ProbeAllRunner(m_engine, &profileStates(m_context), this);
    m_runner->setConcurrency(kConcurrency);

    auto* layout = new QVBoxLayout(this);
    auto* bar = new QHBoxLayout;
    m_probeAllButton = new QPushButton(tr("Probe all"), this);
    m_probeAllButton->setObjectName(QStringLiteral("probeAllPushButton"));
    m_probeAllButton->setToolTip(tr("Probe every profile's URLs as its Probe now would (the Overview's echo and hold, the profile's own "
                                         "protocol and TLS), %1 profiles at a time (Ctrl+Alt+R)").arg(kConcurrency));
    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName(QStringLiteral("cancelProbeAllPushButton"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("probeAllStatusLabel"));
    bar->addWidget(m_probeAllButton);
    bar->addWidget(m_cancelButton);
    bar->addWidget(m_status, 1);
    layout->addLayout(bar);

    m_empty = new QLabel(tr("No profiles yet: add one with File ▸ New profile… (Ctrl+N), or import them from File ▸ Import profiles…"), this);
    m_empty->setObjectName(QStringLiteral("dashboardEmptyLabel"));
    m_empty->setWordWrap(true);
    layout->addWidget(m_empty);

    m_scroll = new QScrollArea(this);
    m_scroll->setObjectName(QStringLiteral("dashboardScrollArea"));
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_tileHost = new QWidget(m_scroll);
    m_grid = new QGridLayout(m_tileHost);
    m_grid->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_grid->setSpacing(8);
    m_scroll->setWidget(m_tileHost);
    layout->addWidget(m_scroll, 1);

    auto* probeAllAction = new QAction(tr("Probe all"), this);
    probeAllAction->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_R));
    probeAllAction->setShortcutContext(Qt::WindowShortcut);
    addAction(probeAllAction);
    connect(probeAllAction, &QAction::triggered, this, &DashboardPanel::probeAll);
    connect(m_probeAllButton, &QPushButton::clicked, this, &DashboardPanel::probeAll);
    connect(m_cancelButton, &QPushButton::clicked, this, &DashboardPanel::cancelProbeAll);
    connect(m_runner, &ProbeAllRunner::progress, this, [this](int done, int total) {
        m_status->setText(tr("Probed %1 of %2 profiles…").arg(done).arg(total));
        emit activityChanged(tr("Probe all: %1 of %2 profiles probed").arg(done).arg(total));
    });
    connect(m_runner, &ProbeAllRunner::finished, this, [this] {
        const QString counts = stateCounts();
        m_status->setText(tr("Probe all finished %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")))
                          + (counts.isEmpty() ? QString() : QStringLiteral(": ") + counts));
        updateControls();
        emit activityChanged(QString());
        emit announced(tr("Probe all finished") + (counts.isEmpty() ? QString() : QStringLiteral(": ") + counts));
        emit probeAllFinished();
    });
    connect(&profileStates(m_context), &ProfileStateModel::changed, this, &DashboardPanel::render);
    if (m_context.profiles)
        connect(m_context.profiles, &ProfileStore::changed, this, &DashboardPanel::render);
    render();
}

DashboardPanel::~DashboardPanel() = default;

void DashboardPanel::setProfile(const Profile*)
{
    // Every profile is shown; the selection changes nothing here.
}

bool DashboardPanel::isProbingAll() const { return m_runner->isRunning(); }

void DashboardPanel::probeAll()
{
    if (!m_context.profiles || m_runner->isRunning())
        return;
    const QString demoUrl = m_context.demoServer && m_context.demoServer->isListening() ? m_context.demoServer->echoUrl() : QString();
    const int n = m_runner->start(m_context.profiles->profiles(), demoUrl);
    if (m_context.activity)
        m_context.activity->info(QStringLiteral("probe"), tr("Probe all: %n profile(s), %1 at a time", nullptr, n).arg(m_runner->concurrency()));
    if (n > 0)
        m_status->setText(tr("Probed 0 of %1 profiles…").arg(n));
    updateControls();
}

void DashboardPanel::cancelProbeAll() { m_runner->cancel(); }

QString DashboardPanel::stateCounts() const
{
    const QList<Profile> profiles = m_context.profiles ? m_context.profiles->profiles() : QList<Profile>();
    QMap<int, QPair<QString, int>> bySeverity; // most severe first, as the tiles
    for (const ProfileTile& tile : dashboardTiles(profiles, profileStates(m_context))) {
        auto& entry = bySeverity[stateSeverity(tile.state)];
        entry.first = tile.state;
        ++entry.second;
    }
    QStringList parts;
    for (const auto& [state, count] : std::as_const(bySeverity))
        parts << QStringLiteral("%1 %2").arg(count).arg(state);
    return parts.join(QStringLiteral(", "));
}

void DashboardPanel::updateControls()
{
    const bool running = m_runner->isRunning();
    m_probeAllButton->setEnabled(!running && m_context.profiles && !m_context.profiles->profiles().isEmpty());
    m_cancelButton->setEnabled(running);
}

QList<ProfileTileWidget*> DashboardPanel::tiles() const { return m_tiles; }

void DashboardPanel::render()
{
    const QList<Profile> profiles = m_context.profiles ? m_context.profiles->profiles() : QList<Profile>();
    const QList<ProfileTile> tiles = dashboardTiles(profiles, profileStates(m_context));
    const QWidget* focused = focusWidget();
    QUuid focusedId;
    for (ProfileTileWidget* t : std::as_const(m_tiles))
        if (t == focused)
            focusedId = t->profileId();
    // Later, not now: render() may run while a tile's own click is being handled.
    for (ProfileTileWidget* t : std::as_const(m_tiles)) {
        m_grid->removeWidget(t);
        t->hide();
        t->deleteLater();
    }
    m_tiles.clear();
    for (const ProfileTile& tile : tiles) {
        auto* w = new ProfileTileWidget(tile, m_tileHost);
        connect(w, &ProfileTileWidget::activated, this, &DashboardPanel::profileActivated);
        m_tiles << w;
        if (tile.id == focusedId)
            w->setFocus();
    }
    m_empty->setVisible(tiles.isEmpty());
    m_columns = 0;
    layoutTiles();
    updateControls();
}

void DashboardPanel::layoutTiles()
{
    const int spacing = m_grid->spacing();
    const int width = m_scroll->viewport()->width();
    const int columns = std::max(1, (width - 2 * spacing) / (kTileWidth + spacing));
    if (columns == m_columns && m_grid->count() == m_tiles.size())
        return;
    m_columns = columns;
    while (m_grid->count() > 0)
        delete m_grid->takeAt(0);
    for (int i = 0; i < m_tiles.size(); ++i) {
        m_grid->addWidget(m_tiles.at(i), i / columns, i % columns);
        m_tiles.at(i)->show(); // now, not at the layout's next turn of the event loop
    }
}

void DashboardPanel::resizeEvent(QResizeEvent* event)
{
    FeaturePanel::resizeEvent(event);
    layoutTiles();
}

} // namespace socketscope
