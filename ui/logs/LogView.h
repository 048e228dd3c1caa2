// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QAbstractScrollArea>
#include <QHash>
#include <QStringList>

#include <vector>

namespace socketscope::logs {
class LogSession;
struct HighlightRule;
}

namespace socketscope {

// A virtualized log view: paints only the visible lines, reading and decoding them from the
// session's indexed file on demand, so a 1 GB log scrolls like a small one. Shows line numbers,
// an optional parsed-time column, rule highlighting (line tint + coloured match, in colours
// derived from the palette so light and dark themes both read), and search matches.
// "Only matching lines" switches rows to the session's filtered line map.
class LogView : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit LogView(logs::LogSession& session, QWidget* parent = nullptr);

    // Rows shown: every line, or only the lines matching the search.
    void setOnlyMatching(bool on);
    bool onlyMatching() const { return m_onlyMatching; }
    void setShowTime(bool on);
    // Keep the last line in view as lines arrive.
    void setFollowTail(bool on);
    bool followTail() const { return m_followTail; }

    qint64 rowCount() const;
    // The file line shown at a row (-1 outside).
    qint64 lineAtRow(qint64 row) const;
    // Selects a file line and scrolls it into view (in filtered mode: the nearest shown row).
    void goToLine(qint64 line);
    qint64 currentLine() const { return m_current; }
    // The first and last selected file lines (equal when one line is selected; -1 when none).
    QPair<qint64, qint64> selectedRows() const;
    // Decoded text of the selected lines, one per line (capped at kMaxCopyLines).
    QString selectedText() const;
    // Text of the lines currently on screen (for tests and accessibility).
    QStringList visibleTexts() const;
    static constexpr qint64 kMaxCopyLines = 200000;
    // The tooltip of a line (shown over its row and its problem marker): the rule that names a
    // problem line, else the strongest highlighting rule; empty when no rule matches.
    QString toolTipForLine(qint64 line) const;
    // A rule as rich text: name, id and severity, its meaning, its advice and the probe cause.
    static QString ruleToolTip(const logs::HighlightRule& rule);

signals:
    void currentLineChanged(qint64 line);
    // The user scrolled away from the end (true) or back to it (false) while following.
    void followInterrupted(bool away);

public slots:
    void copySelection();
    void refresh();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool viewportEvent(QEvent* event) override;

private:
    void updateScrollBars();
    int lineHeight() const;
    int visibleRows() const;
    qint64 topRow() const;
    qint64 rowAt(int y) const;
    qint64 rowOfLine(qint64 line) const;
    void setCurrentRow(qint64 row, bool extend);
    void ensureRowVisible(qint64 row);
    QStringList textsForRows(qint64 first, qint64 count) const;
    void onLinesChanged(qint64 count, bool reset);
    // New matches came: whether what the last paint showed is out of date (the rows on screen in
    // filtered mode, the marked pattern in any mode). A big filter's later chunks add rows below
    // the screen: they move the scroll bar only, with no repaint of the text.
    bool shownRowsChanged() const;
    QString searchKey() const;

    logs::LogSession& m_session;
    bool m_onlyMatching = false;
    bool m_showTime = true;
    bool m_followTail = false;
    qint64 m_current = -1;     // file line
    qint64 m_anchor = -1;      // file line where a shift-selection started
    int m_maxTextWidth = 0;
    mutable QHash<qint64, QString> m_cache; // decoded lines near the screen
    std::vector<qint64> m_paintedLines;     // the file lines the last paint showed, top first
    QString m_paintedSearch;                // and the search (searchKey()) it marked
};

} // namespace socketscope
