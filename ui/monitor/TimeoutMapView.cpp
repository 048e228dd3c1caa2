// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/TimeoutMapView.h"

#include "common/WidgetSizing.h"

#include "probe/ProbeEngine.h"
#include "probe/ProbeProfile.h"
#include "runbook/RunbookConnect.h"
#include "timeouts/TimeoutMapper.h"

#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableWidget>
#include <QTextBrowser>
#include <QTextDocument>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>

namespace socketscope {

namespace {

enum HopColumn { HopName, HopUrl, HopIdle, HopLifetime, HopDeath, HopSignature, HopColumns };
enum KeepColumn { KeepTraffic, KeepSurvived, KeepNote, KeepColumns };

QString seconds(const std::optional<double>& s)
{
    return s ? QStringLiteral("%1 s").arg(*s, 0, 'f', *s < 10 ? 1 : 0) : QStringLiteral("—");
}

// A column of a result table: its short title, the title's tooltip (what the title means), and
// whether it is a key column (what the user reads the table for: kept whole) or free text (URLs,
// signatures, notes: cut in the cell, whole in the cell's tooltip).
struct Column {
    QString title;
    QString tip;
    bool key;
};

constexpr const char* kKeyColumnsProperty = "socketscopeKeyColumns";

QTableWidget* makeTable(const QList<Column>& columns, const QString& objectName, QWidget* parent)
{
    auto* t = new QTableWidget(0, int(columns.size()), parent);
    t->setObjectName(objectName);
    QList<QVariant> keys;
    for (int c = 0; c < columns.size(); ++c) {
        auto* header = new QTableWidgetItem(columns[c].title);
        header->setToolTip(columns[c].tip);
        t->setHorizontalHeaderItem(c, header);
        keys << columns[c].key;
    }
    t->setProperty(kKeyColumnsProperty, keys);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(false);
    t->setWordWrap(false);
    t->setTextElideMode(Qt::ElideMiddle);
    return t;
}

// The columns share the table's width so that every title stays whole and in view (issue 16, at
// 1024×700 this tab is ~400 px wide): each column gets its title's width first; the key columns
// then grow to their contents (none beyond two fifths of the width, so a long hop name cannot
// crowd out the rest), and the free-text columns share what is left. Only when the titles alone
// do not fit does the table scroll sideways.
void fitColumns(QTableWidget* table)
{
    QHeaderView* header = table->horizontalHeader();
    const QAbstractItemView* view = table; // sizeHintForColumn is public there
    const QList<QVariant> keys = table->property(kKeyColumnsProperty).toList();
    const int count = header->count();
    const int available = table->viewport()->width();
    QList<int> width(count), want(count);
    int rest = available;
    for (int c = 0; c < count; ++c) {
        width[c] = header->sectionSizeHint(c);
        want[c] = std::max(width[c], std::min(view->sizeHintForColumn(c), available * 2 / 5));
        rest -= width[c];
    }
    const auto grow = [&](bool keyColumns) {
        int wanted = 0;
        for (int c = 0; c < count; ++c)
            if (keys.value(c).toBool() == keyColumns)
                wanted += want[c] - width[c];
        if (rest <= 0 || wanted <= 0)
            return;
        const double share = std::min(1.0, double(rest) / double(wanted));
        for (int c = 0; c < count; ++c) {
            if (keys.value(c).toBool() != keyColumns)
                continue;
            const int more = int(double(want[c] - width[c]) * share);
            width[c] += more;
            rest -= more;
        }
    };
    grow(true);
    grow(false);
    // What is still left goes to the free-text columns (or the last column if all are key ones).
    int lastFree = count - 1;
    for (int c = 0; c < count; ++c)
        if (!keys.value(c).toBool())
            lastFree = c;
    if (rest > 0 && count > 0)
        width[lastFree] += rest;
    for (int c = 0; c < count; ++c)
        header->resizeSection(c, width[c]);
}

// The height `table` needs to show its header and `rows` rows without scrolling.
int tableHeightFor(const QTableWidget* table, int rows)
{
    return table->horizontalHeader()->sizeHint().height() + rows * table->verticalHeader()->defaultSectionSize()
        + 2 * table->frameWidth();
}

void setCell(QTableWidget* t, int row, int col, const QString& text, const QString& tip = {})
{
    auto* item = new QTableWidgetItem(text);
    item->setToolTip(tip.isEmpty() ? text : tip);
    t->setItem(row, col, item);
}

} // namespace

TimeoutMapView::TimeoutMapView(QWidget* parent) : QWidget(parent), m_engine(new ProbeEngine(this))
{
    m_extraHops = new QPlainTextEdit(this);
    m_extraHops->setObjectName(QStringLiteral("timeoutExtraHops"));
    m_extraHops->setPlaceholderText(tr("Optional hops between, one per line: NAME=URL (e.g. lb=wss://10.0.0.5/ws)"));
    m_extraHops->setMaximumHeight(m_extraHops->fontMetrics().lineSpacing() * 4);
    m_max = new QDoubleSpinBox(this);
    m_max->setObjectName(QStringLiteral("timeoutMax"));
    m_max->setRange(2, 3600);
    m_max->setDecimals(0);
    m_max->setSuffix(tr(" s"));
    m_max->setValue(900);
    m_max->setToolTip(tr("Hold idle connections at most this long (nothing cut before it = no cutoff)"));
    m_resolution = new QDoubleSpinBox(this);
    m_resolution->setObjectName(QStringLiteral("timeoutResolution"));
    m_resolution->setRange(0.1, 60);
    m_resolution->setDecimals(1);
    m_resolution->setSuffix(tr(" s"));
    m_resolution->setValue(1);
    m_resolution->setToolTip(tr("Stop narrowing a cutoff down when it is known within this width"));
    m_run = new QPushButton(tr("Map the timeouts"), this);
    m_run->setObjectName(QStringLiteral("timeoutRunButton"));
    m_status = new QLabel(tr("Select a profile, then map which hop cuts an idle WebSocket first."), this);
    m_status->setObjectName(QStringLiteral("timeoutStatus"));
    m_status->setWordWrap(true);
    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("timeoutProgress"));
    m_progress->setVisible(false);
    m_elapsed = new QTimer(this);
    m_elapsed->setInterval(1000);
    connect(m_elapsed, &QTimer::timeout, this, &TimeoutMapView::showProgress);
    m_firstCut = new QLabel(this);
    m_firstCut->setObjectName(QStringLiteral("timeoutFirstCut"));
    m_firstCut->setWordWrap(true);
    m_firstCut->setTextFormat(Qt::RichText);
    constexpr bool Key = true, FreeText = false;
    m_hops = makeTable({{tr("Hop"), tr("The hop's name: public, direct, or an extra hop"), Key},
                        {tr("URL"), tr("The URL probed for this hop"), FreeText},
                        {tr("Idle cutoff"), tr("How long an idle WebSocket lives through this hop"), Key},
                        {tr("Lifetime"), tr("Lifetime cap: the hop cuts a connection this old even when it carries traffic"), Key},
                        {tr("How it dies"), tr("How the cut looks to the client: close_frame, fin, reset, http_error, silent_drop"), Key},
                        {tr("Signature"), tr("Who cut, named by the hop's answers and logs (e.g. nginx proxy_read_timeout)"), FreeText}},
                       QStringLiteral("timeoutHopsTable"), this);
    m_keepalive = makeTable({{tr("Traffic"), tr("Traffic sent on the first-cutting hop while it is otherwise idle"), Key},
                             {tr("Survived"), tr("Whether the connection outlived the hop's idle cutoff with this traffic"), Key},
                             {tr("Note"), QString(), FreeText}},
                            QStringLiteral("timeoutKeepaliveTable"), this);
    for (QTableWidget* t : {m_hops, m_keepalive})
        onResize(t->viewport(), [t] { fitColumns(t); });
    m_advice = new QTextBrowser(this);
    m_advice->setObjectName(QStringLiteral("timeoutAdvice"));
    m_advice->setOpenExternalLinks(true);
    m_advice->setPlaceholderText(tr("Advice appears here once the map is done."));

    auto* form = new QFormLayout;
    form->addRow(tr("Extra hops"), m_extraHops);
    auto* limits = new QHBoxLayout;
    limits->addWidget(new QLabel(tr("Longest hold"), this));
    limits->addWidget(m_max);
    limits->addWidget(new QLabel(tr("Resolution"), this));
    limits->addWidget(m_resolution);
    limits->addStretch(1);
    // The button beside the status it changes, so the limits row fits a narrow window.
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(m_status, 1);
    runRow->addWidget(m_run, 0, Qt::AlignTop);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(limits);
    layout->addLayout(runRow);
    layout->addWidget(m_progress);
    layout->addWidget(m_firstCut);
    // The hop table gets the largest share and never less than its header and three rows (public,
    // direct and one extra hop): at 1024×700 it showed ~2 rows (issue 16). The keep-alive table
    // and the advice give up the room (a row and two lines at least; they scroll).
    m_hops->setMinimumHeight(tableHeightFor(m_hops, 3));
    m_keepalive->setMinimumHeight(tableHeightFor(m_keepalive, 1));
    m_advice->setMinimumHeight(m_advice->fontMetrics().lineSpacing() * 2 + 2 * m_advice->frameWidth()
                               + int(m_advice->document()->documentMargin() * 2));
    layout->addWidget(m_hops, 3);
    layout->addWidget(m_keepalive, 2);
    layout->addWidget(m_advice, 1);

    connect(m_run, &QPushButton::clicked, this, [this] {
        if (isRunning())
            cancel();
        else
            start();
    });
    refreshControls();
}

TimeoutMapView::~TimeoutMapView()
{
    if (m_mapper)
        m_mapper->disconnect(this);
}

void TimeoutMapView::setProfile(const Profile* profile)
{
    const bool same = profile && m_profile && m_profile->id == profile->id;
    if (!same && isRunning())
        cancel();
    if (profile)
        m_profile = *profile;
    else
        m_profile.reset();
    if (!same) {
        m_result.reset();
        m_hops->setRowCount(0);
        m_keepalive->setRowCount(0);
        fitColumns(m_hops);
        fitColumns(m_keepalive);
        m_firstCut->clear();
        m_advice->clear();
        m_status->setText(m_profile ? tr("Hops: public %1%2. Mapping holds idle connections up to the longest hold, "
                                         "on all hops at once.")
                                          .arg(m_profile->publicUrl,
                                               m_profile->directUrl.isEmpty() ? QString() : tr(", direct %1").arg(m_profile->directUrl))
                                    : tr("Select a profile, then map which hop cuts an idle WebSocket first."));
    }
    refreshControls();
}

std::optional<TimeoutMapOptions> TimeoutMapView::options(QString* error) const
{
    if (!m_profile) {
        *error = tr("No profile is selected.");
        return std::nullopt;
    }
    TimeoutMapOptions map;
    if (!m_profile->publicUrl.isEmpty())
        map.hops << TimeoutHop{QStringLiteral("public"), m_profile->publicUrl};
    const QStringList lines = m_extraHops->toPlainText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (const QString& raw : lines) {
        const QString line = raw.trimmed();
        if (line.isEmpty())
            continue;
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        const QString name = eq > 0 ? line.left(eq).trimmed() : QString();
        const QString url = eq > 0 ? line.mid(eq + 1).trimmed() : QString();
        const QUrl parsed(url, QUrl::StrictMode);
        if (name.isEmpty() || url.isEmpty()) {
            *error = tr("Extra hop \"%1\": write it as NAME=URL.").arg(line);
            return std::nullopt;
        }
        if (!parsed.isValid() || (parsed.scheme() != QLatin1String("ws") && parsed.scheme() != QLatin1String("wss"))) {
            *error = tr("Extra hop \"%1\": the URL must start with ws:// or wss://.").arg(name);
            return std::nullopt;
        }
        for (const TimeoutHop& h : std::as_const(map.hops)) {
            if (h.name == name) {
                *error = tr("Two hops are called \"%1\".").arg(name);
                return std::nullopt;
            }
        }
        map.hops << TimeoutHop{name, url};
    }
    if (!m_profile->directUrl.isEmpty())
        map.hops << TimeoutHop{QStringLiteral("direct"), m_profile->directUrl};
    if (map.hops.isEmpty()) {
        *error = tr("The profile has neither a public nor a direct URL.");
        return std::nullopt;
    }
    applyProfile(map.probe, *m_profile);
    map.maxS = m_max->value();
    map.resolution = m_resolution->value();
    if (map.resolution >= map.maxS) {
        *error = tr("The resolution must be smaller than the longest hold.");
        return std::nullopt;
    }
    map.nginxErrorLog = m_profile->logs.nginxErrorLog;
    if (m_profile->ssh.isConfigured() && !map.nginxErrorLog.isEmpty()) {
        // Read on the server over SSH with the profile's login: a known host key and a key file or
        // agent (no prompts here; when that is not enough, the advice says the log could not be read).
        if (Result<HostFactory> ssh = RunbookConnect::sshFactory(*m_profile, SecretBytes()))
            map.logHost = ssh.value();
        else
            map.nginxErrorLog.clear();
    }
    return map;
}

void TimeoutMapView::start()
{
    QString error;
    const std::optional<TimeoutMapOptions> map = options(&error);
    if (!map) {
        m_status->setText(error);
        return;
    }
    m_result.reset();
    m_hops->setRowCount(0);
    m_keepalive->setRowCount(0);
    fitColumns(m_hops);
    fitColumns(m_keepalive);
    m_firstCut->clear();
    m_advice->clear();
    if (m_mapper)
        m_mapper->deleteLater();
    m_mapper = new TimeoutMapper(m_engine, this);
    connect(m_mapper, &TimeoutMapper::progress, this, [this](const QString& message) { m_status->setText(message); });
    connect(m_mapper, &TimeoutMapper::hopsDone, this, [this](int done, int total) {
        m_hopsDone = done;
        m_hopsTotal = total;
        showProgress();
    });
    connect(m_mapper, &TimeoutMapper::finished, this, [this](const TimeoutMapResult& r) {
        m_elapsed->stop();
        m_progress->setVisible(false);
        showResult(r);
        refreshControls();
        emit runningChanged(false);
    });
    m_status->setText(tr("Mapping %n hop(s)… (up to %1 s)", nullptr, int(map->hops.size())).arg(map->maxS, 0, 'f', 0));
    m_hopsDone = 0;
    m_hopsTotal = int(map->hops.size());
    m_clock.start();
    m_elapsed->start();
    m_progress->setVisible(true);
    showProgress();
    m_mapper->start(*map);
    refreshControls();
    emit runningChanged(true);
}

void TimeoutMapView::cancel()
{
    if (m_mapper && m_mapper->isRunning())
        m_mapper->cancel();
}

bool TimeoutMapView::isRunning() const
{
    return m_mapper && m_mapper->isRunning();
}

void TimeoutMapView::showResult(const TimeoutMapResult& r)
{
    m_result = r;
    m_hops->setRowCount(int(r.hops.size()));
    for (int i = 0; i < r.hops.size(); ++i) {
        const HopTimeout& h = r.hops[i];
        setCell(m_hops, i, HopName, h.name);
        setCell(m_hops, i, HopUrl, h.url);
        setCell(m_hops, i, HopIdle, h.error.isEmpty() ? seconds(h.idleCutoffS) : tr("not measured"), h.error);
        setCell(m_hops, i, HopLifetime, h.error.isEmpty() ? seconds(h.lifetimeCapS) : QString());
        setCell(m_hops, i, HopDeath, h.error.isEmpty() ? deathKindId(h.death) : tr("error"), h.details.join(QLatin1Char('\n')));
        setCell(m_hops, i, HopSignature, h.error.isEmpty() ? h.signature : h.error);
    }
    fitColumns(m_hops);
    m_keepalive->setRowCount(int(r.keepalive.size()));
    for (int i = 0; i < r.keepalive.size(); ++i) {
        const KeepaliveRow& k = r.keepalive[i];
        setCell(m_keepalive, i, KeepTraffic, keepaliveTrafficLabel(k.traffic));
        setCell(m_keepalive, i, KeepSurvived,
                k.survived ? (*k.survived ? tr("yes") : tr("no — cut")) : tr("not measurable"));
        setCell(m_keepalive, i, KeepNote, k.note);
    }
    fitColumns(m_keepalive);
    QString cut;
    if (r.firstCut) {
        cut = tr("<b>%1 cuts first</b>, after %2 s (%3 cap).")
                  .arg(r.firstCut->hop.toHtmlEscaped())
                  .arg(r.firstCut->afterS, 0, 'f', 1)
                  .arg(cutKindId(r.firstCut->kind));
        if (r.advisedPingIntervalS)
            cut += QLatin1Char(' ') + tr("Heartbeat every %1 s or less to stay under it.")
                                              .arg(*r.advisedPingIntervalS, 0, 'f', *r.advisedPingIntervalS < 10 ? 1 : 0);
        for (const HopTimeout& h : r.hops) {
            if (h.name == r.firstCut->hop && !h.signature.isEmpty())
                cut += QStringLiteral("<br>") + tr("Signed by: %1").arg(h.signature.toHtmlEscaped());
        }
    } else {
        cut = tr("No hop cut an idle connection within %1 s.").arg(r.maxS, 0, 'f', 0);
    }
    if (r.cancelled)
        cut += QLatin1Char(' ') + tr("(cancelled: what was measured so far)");
    m_firstCut->setText(cut);
    QString html;
    for (const QString& a : r.advice) {
        QString item = a.toHtmlEscaped();
        // `directive` in the core's advice → <code>directive</code>
        static const QRegularExpression code(QStringLiteral("`([^`]+)`"));
        item.replace(code, QStringLiteral("<code>\\1</code>"));
        html += QStringLiteral("<li>%1</li>").arg(item);
    }
    m_advice->setHtml(html.isEmpty() ? QString() : QStringLiteral("<ul>%1</ul>").arg(html));
    m_status->setText(tr("Done in %1 s.").arg(r.elapsedS, 0, 'f', 0));
}

// Hops measured out of all, and the time so far (a cutoff takes at least as long as itself).
void TimeoutMapView::showProgress()
{
    m_progress->setRange(0, std::max(1, m_hopsTotal));
    m_progress->setValue(m_hopsDone);
    m_progress->setFormat(tr("%1 of %2 hops measured — %3 s").arg(m_hopsDone).arg(m_hopsTotal).arg(m_clock.elapsed() / 1000));
}

void TimeoutMapView::refreshControls()
{
    const bool running = isRunning();
    m_run->setText(running ? tr("Cancel") : tr("Map the timeouts"));
    m_run->setEnabled(running || m_profile.has_value());
    m_extraHops->setEnabled(!running);
    m_max->setEnabled(!running);
    m_resolution->setEnabled(!running);
}

} // namespace socketscope
