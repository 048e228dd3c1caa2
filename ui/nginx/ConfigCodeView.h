// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMap>
#include <QPlainTextEdit>

namespace socketscope {

// A read-only view of a configuration file with line numbers and a margin that marks lines with
// findings (a coloured letter: E error, W warning, i info; tooltip = the messages). Marked lines
// get a tinted background.
class ConfigCodeView : public QPlainTextEdit {
    Q_OBJECT
public:
    struct Mark {
        QString severity;   // "error" | "warning" | "info"
        QString tooltip;    // every finding on the line, one per line
    };
    explicit ConfigCodeView(QWidget* parent = nullptr);
    // Replaces the text and the marks (line → mark, 1-based).
    void setContent(const QString& text, const QMap<int, Mark>& marks);
    // Scrolls to a 1-based line and selects it.
    void goToLine(int line);
    // Line background colours per severity, shared with the diff view.
    static QColor severityColor(const QString& severity);
    int marginWidth() const;
    const QMap<int, Mark>& marks() const { return m_marks; }

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    friend class ConfigMargin;
    void paintMargin(QPaintEvent* event);
    int lineAt(int y) const;
    void updateHighlights();
    QWidget* m_margin = nullptr;
    QMap<int, Mark> m_marks;
    int m_current = 0;
};

} // namespace socketscope
