// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace socketscope {

// The fix as a side-by-side diff: the original on the left (removed lines red), the fixed file on
// the right (added lines green), filler lines keep both sides aligned; scrolling is shared.
class ConfigDiffView : public QWidget {
    Q_OBJECT
public:
    explicit ConfigDiffView(QWidget* parent = nullptr);
    void setTexts(const QByteArray& before, const QByteArray& after);
    int addedLines() const { return m_added; }
    int removedLines() const { return m_removed; }
    QPlainTextEdit* leftEdit() const { return m_left; }
    QPlainTextEdit* rightEdit() const { return m_right; }

private:
    QPlainTextEdit* m_left = nullptr;
    QPlainTextEdit* m_right = nullptr;
    QLabel* m_leftTitle = nullptr;
    QLabel* m_rightTitle = nullptr;
    int m_added = 0;
    int m_removed = 0;
};

} // namespace socketscope
