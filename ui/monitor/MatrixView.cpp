// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/MatrixView.h"

#include "common/AdviceHtml.h"
#include "monitor/ProbeMatrix.h"
#include "profiles/Profile.h"

#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace socketscope {

namespace {

QColor stateColor(const QString& state)
{
    if (state == QLatin1String("ok"))
        return QColor(40, 160, 80);
    if (state == QLatin1String("degraded"))
        return QColor(230, 145, 20);
    if (state == QLatin1String("down"))
        return QColor(210, 40, 40);
    return QColor(128, 128, 128);
}

} // namespace

MatrixView::MatrixView(ProbeMatrix* matrix, QWidget* parent)
    : QWidget(parent), m_matrix(matrix), m_secondProxy(new QLineEdit(this)), m_hold(new QDoubleSpinBox(this)),
      m_run(new QPushButton(tr("&Run all hops"), this)), m_table(new QTableWidget(this)), m_verdict(new QLabel(this)),
      m_advice(new QLabel(this))
{
    setObjectName(QStringLiteral("matrixViewWidget"));
    m_secondProxy->setObjectName(QStringLiteral("secondProxyLineEdit"));
    m_secondProxy->setPlaceholderText(tr("second proxy URL (optional)"));
    m_secondProxy->setToolTip(tr("Another proxy in front of the public URL to probe as a hop of its own, e.g. wss://cdn.example.com/ws"));
    m_secondProxy->setMinimumWidth(m_secondProxy->fontMetrics().horizontalAdvance(m_secondProxy->placeholderText()) + 16);
    m_hold->setObjectName(QStringLiteral("holdSpinBox"));
    m_hold->setRange(0, 600);
    m_hold->setDecimals(0);
    m_hold->setSuffix(tr(" s idle hold"));
    m_hold->setValue(m_matrix->holdSeconds());
    m_hold->setToolTip(tr("How long each hop's connection stays idle after the echo (the \"stays open > 30 s\" check)"));
    m_run->setObjectName(QStringLiteral("runMatrixPushButton"));
    m_run->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_run->setToolTip(tr("Probe every hop at once (Ctrl+Shift+R)"));
    m_table->setObjectName(QStringLiteral("matrixTableWidget"));
    m_table->setColumnCount(ProbeMatrix::ColumnCount);
    QStringList titles;
    for (int c = 0; c < ProbeMatrix::ColumnCount; ++c)
        titles << ProbeMatrix::columnTitle(c);
    m_table->setHorizontalHeaderLabels(titles);
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    // The verdict right after the hop: however narrow the tab (a 1024 px window), the answer is
    // in view whole; the measurements after it may scroll.
    m_table->horizontalHeader()->moveSection(ProbeMatrix::Verdict, ProbeMatrix::Hop + 1);
    m_verdict->setObjectName(QStringLiteral("verdictLabel"));
    m_verdict->setWordWrap(true);
    m_verdict->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_advice->setObjectName(QStringLiteral("adviceLabel"));
    m_advice->setWordWrap(true);
    m_advice->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* controls = new QHBoxLayout;
    controls->addWidget(m_secondProxy, 1);
    controls->addWidget(m_hold);
    controls->addWidget(m_run);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_verdict);
    layout->addWidget(m_advice);

    connect(m_run, &QPushButton::clicked, this, &MatrixView::run);
    connect(m_hold, &QDoubleSpinBox::valueChanged, this, [this](double v) { m_matrix->setHoldSeconds(v); });
    connect(m_secondProxy, &QLineEdit::editingFinished, this, [this] { setProfile(m_profile); });
    connect(m_matrix, &ProbeMatrix::rowChanged, this, [this](int row) {
        refreshRow(row);
        refreshVerdict();
    });
    connect(m_matrix, &ProbeMatrix::finished, this, [this] {
        m_run->setEnabled(m_profile != nullptr);
        refreshVerdict();
    });
    setProfile(nullptr);
}

void MatrixView::setProfile(const Profile* profile)
{
    m_profile = profile;
    if (profile)
        m_matrix->setProfile(*profile, m_secondProxy->text().trimmed());
    else
        m_matrix->setHops({}, {});
    m_run->setEnabled(profile != nullptr);
    refreshAll();
}

void MatrixView::run()
{
    if (!m_profile)
        return;
    m_matrix->setProfile(*m_profile, m_secondProxy->text().trimmed());
    m_matrix->setHoldSeconds(m_hold->value());
    m_run->setEnabled(false);
    refreshAll();
    m_matrix->run();
}

void MatrixView::refreshAll()
{
    m_table->setRowCount(int(m_matrix->rows().size()));
    for (int r = 0; r < m_matrix->rows().size(); ++r)
        refreshRow(r);
    refreshVerdict();
}

void MatrixView::refreshRow(int row)
{
    if (row >= m_table->rowCount())
        m_table->setRowCount(row + 1);
    const MatrixRow& mr = m_matrix->rows().at(row);
    const QColor bad(210, 40, 40);
    for (int c = 0; c < ProbeMatrix::ColumnCount; ++c) {
        auto* item = m_table->item(row, c);
        if (!item) {
            item = new QTableWidgetItem;
            m_table->setItem(row, c, item);
        }
        item->setText(m_matrix->cellText(row, c));
        const bool failed = m_matrix->cellFailed(row, c);
        item->setForeground(failed ? QBrush(bad) : QBrush());
        QFont f = item->font();
        f.setBold(failed || c == ProbeMatrix::Hop);
        item->setFont(f);
        QStringList tip = {mr.hop.url};
        tip << mr.result.evidence;
        item->setToolTip(tip.join(QLatin1Char('\n')));
    }
}

void MatrixView::refreshVerdict()
{
    const MatrixVerdict v = m_matrix->verdict();
    const QColor c = stateColor(v.state);
    QString hop;
    if (v.faultyRow >= 0) {
        hop = tr(" Faulty hop: <b>%1</b>.").arg(m_matrix->rows().at(v.faultyRow).hop.label.toHtmlEscaped());
        for (int col = 0; col < ProbeMatrix::ColumnCount; ++col)
            if (auto* item = m_table->item(v.faultyRow, col))
                item->setBackground(QColor(c.red(), c.green(), c.blue(), 40));
    }
    m_verdict->setText(QStringLiteral("<span style=\"color:%1\">●</span> <b>%2</b> — %3%4")
                           .arg(c.name(), v.state, v.sentence.toHtmlEscaped(), hop));
    QStringList advice;
    for (const QString& a : v.advice)
        advice << QStringLiteral("• ") + adviceHtml(a);
    m_advice->setText(advice.isEmpty() ? QString() : tr("<b>Advice</b><br>") + advice.join(QStringLiteral("<br>")));
    m_advice->setVisible(!advice.isEmpty());
}

QString MatrixView::verdictText() const
{
    return m_verdict->text();
}

} // namespace socketscope
