// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/ProblemNavigator.h"

#include "logs/HighlightRules.h"
#include "logs/LogSession.h"
#include "logs/LogSource.h"
#include "logs/LogView.h"

#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QToolButton>

#include <algorithm>
#include <map>

namespace socketscope {

using namespace socketscope::logs;

namespace {
constexpr int kRuleRole = Qt::UserRole + 1;
}

ProblemNavigator::ProblemNavigator(LogSession& session, LogView& view, QWidget* parent)
    : QObject(parent), m_session(session), m_view(view)
{
    m_label = new QLabel(parent);
    m_label->setObjectName(QStringLiteral("problemCountLabel"));
    m_previous = new QToolButton(parent);
    m_previous->setObjectName(QStringLiteral("previousProblemToolButton"));
    m_previous->setText(tr("◀"));
    m_previous->setToolTip(tr("Previous problem (Shift+F8)"));
    m_next = new QPushButton(tr("Next problem"), parent);
    m_next->setObjectName(QStringLiteral("nextProblemPushButton"));
    m_next->setToolTip(tr("Jump to the next problem line (F8 or Ctrl+J; Shift+F8 goes back)"));
    m_summary = new QListWidget(parent);
    m_summary->setObjectName(QStringLiteral("problemSummaryListWidget"));
    m_summary->setToolTip(tr("Problems per rule; choose one to step through its lines only"));
    m_summary->setUniformItemSizes(true);

    connect(m_summary, &QListWidget::itemClicked, this, &ProblemNavigator::itemChosen);
    connect(m_summary, &QListWidget::itemActivated, this, &ProblemNavigator::itemChosen);
    connect(&m_session, &LogSession::problemsChanged, this, [this] {
        rebuildSummary();
        refresh();
    });
    connect(&m_session, &LogSession::scanningChanged, this, &ProblemNavigator::refresh);
    connect(&m_session, &LogSession::indexingChanged, this, &ProblemNavigator::refresh);
    connect(&m_session, &LogSession::formatChanged, this, [this] {
        rebuildSummary();
        refresh();
    });
    connect(&m_view, &LogView::currentLineChanged, this, &ProblemNavigator::refresh);
    rebuildSummary();
    refresh();
}

void ProblemNavigator::setRuleFilter(int rule)
{
    m_rule = rule;
    for (int i = 0; i < m_summary->count(); ++i)
        if (m_summary->item(i)->data(kRuleRole).toInt() == rule)
            m_summary->setCurrentRow(i);
    refresh();
}

std::vector<qint64> ProblemNavigator::lines() const
{
    const ProblemScan& p = m_session.problems();
    if (m_rule < 0)
        return p.lines;
    std::vector<qint64> out;
    for (std::size_t i = 0; i < p.lines.size(); ++i)
        if (p.rules[i] == m_rule)
            out.push_back(p.lines[i]);
    return out;
}

qint64 ProblemNavigator::step(bool forward) const
{
    const std::vector<qint64> all = lines();
    if (all.empty())
        return -1;
    const qint64 from = m_view.currentLine();
    if (forward) {
        auto it = std::upper_bound(all.begin(), all.end(), from);
        return it == all.end() ? all.front() : *it;
    }
    if (from < 0)
        return all.back();
    auto it = std::lower_bound(all.begin(), all.end(), from);
    return it == all.begin() ? all.back() : *(it - 1);
}

void ProblemNavigator::refresh()
{
    const std::vector<qint64> all = lines();
    const qint64 m = qint64(all.size());
    const LogSource* source = m_session.source();
    const bool loading = source && (source->state() == LogSource::State::Idle || source->state() == LogSource::State::Loading);
    const bool scanning = m_session.file() && (loading || m_session.isIndexing() || m_session.isScanningProblems());
    const QLocale locale;
    QString text;
    if (!m_session.file()) {
        text = QString();
    } else if (m == 0) {
        // Never "no problems" before the scan has read the whole log.
        text = scanning ? tr("scanning…") : (m_rule >= 0 ? tr("no such problem") : tr("no problems"));
    } else {
        const qint64 current = m_view.currentLine();
        const auto it = std::lower_bound(all.begin(), all.end(), current);
        if (current >= 0 && it != all.end() && *it == current)
            text = tr("problem %1 of %2").arg(locale.toString(qint64(it - all.begin()) + 1), locale.toString(m));
        else
            text = m == 1 ? tr("1 problem") : tr("%1 problems").arg(locale.toString(m));
        if (scanning)
            text += tr(" (scanning…)");
    }
    if (m_rule >= 0 && m_rule < int(m_session.rules().rules().size()) && !text.isEmpty())
        text += QStringLiteral(" · ") + m_session.rules().rules()[m_rule].name;
    m_label->setText(text);
    // A word and a colour: the count says it, the colour only repeats it.
    m_label->setStyleSheet(m > 0 ? QStringLiteral("QLabel { color: #c0392b; font-weight: bold; }") : QString());
    m_next->setEnabled(m > 0);
    m_previous->setEnabled(m > 0);
}

void ProblemNavigator::rebuildSummary()
{
    const ProblemScan& p = m_session.problems();
    const RuleSet& rules = m_session.rules();
    std::map<int, qint64> perRule;
    for (int r : p.rules)
        ++perRule[r];
    std::vector<std::pair<int, qint64>> sorted(perRule.begin(), perRule.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });

    const QSignalBlocker block(m_summary);
    m_summary->clear();
    auto* all = new QListWidgetItem(tr("All problems ×%1").arg(qint64(p.lines.size())), m_summary);
    all->setData(kRuleRole, -1);
    for (const auto& [rule, n] : sorted) {
        if (rule < 0 || rule >= int(rules.rules().size()))
            continue;
        const HighlightRule& r = rules.rules()[rule];
        // The same words as the CLI's summary line: "upstream timed out ×8".
        auto* item = new QListWidgetItem(QStringLiteral("%1 ×%2").arg(r.name).arg(n), m_summary);
        item->setData(kRuleRole, rule);
        item->setToolTip(LogView::ruleToolTip(r));
    }
    for (int i = 0; i < m_summary->count(); ++i)
        if (m_summary->item(i)->data(kRuleRole).toInt() == m_rule)
            m_summary->setCurrentRow(i);
}

void ProblemNavigator::itemChosen(QListWidgetItem* item)
{
    if (!item)
        return;
    setRuleFilter(item->data(kRuleRole).toInt());
    const std::vector<qint64> all = lines();
    if (!all.empty())
        emit lineChosen(all.front());
}

} // namespace socketscope
