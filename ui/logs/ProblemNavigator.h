// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QObject>
#include <QString>

#include <vector>

class QLabel;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QToolButton;
class QWidget;

namespace socketscope::logs {
class LogSession;
}

namespace socketscope {

class LogView;

// The Logs tab's problem navigation: "problem 3 of 45" (or "scanning…" until the scan is
// final), previous/next, and a per-rule summary ("upstream timed out ×8", like the CLI's) in
// which choosing a rule restricts navigation to its lines. Owns the widgets; the panel lays
// them out.
class ProblemNavigator : public QObject {
    Q_OBJECT
public:
    ProblemNavigator(logs::LogSession& session, LogView& view, QWidget* parent);

    QLabel* label() const { return m_label; }
    QToolButton* previousButton() const { return m_previous; }
    QPushButton* nextButton() const { return m_next; }
    QListWidget* summaryList() const { return m_summary; }

    // Only lines named by this rule (an index into the session's rules), or every problem (-1).
    void setRuleFilter(int rule);
    int ruleFilter() const { return m_rule; }
    // The problem lines navigation visits (filtered), ascending.
    std::vector<qint64> lines() const;
    // The next (or previous) of lines() after (before) the view's current line, wrapping; -1 if none.
    qint64 step(bool forward) const;

public slots:
    // Re-renders the label and the buttons (the panel calls it when the source's state changes).
    void refresh();

signals:
    // The user chose a rule (or "all") in the summary: the panel shows its first line.
    void lineChosen(qint64 line);

private:
    void rebuildSummary();
    void itemChosen(QListWidgetItem* item);

    logs::LogSession& m_session;
    LogView& m_view;
    QLabel* m_label = nullptr;
    QToolButton* m_previous = nullptr;
    QPushButton* m_next = nullptr;
    QListWidget* m_summary = nullptr;
    int m_rule = -1;
};

} // namespace socketscope
