// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace socketscope {

// Asks the operator to approve one server-changing step, showing exactly what it will do (the
// commands, the diff before Patch). Window-modal and opened with open(): no nested event loop.
class RunbookConfirmDialog : public QDialog {
    Q_OBJECT
public:
    explicit RunbookConfirmDialog(QWidget* parent = nullptr);
    void ask(const QString& stepTitle, const QString& details);
    QPushButton* applyButton() const { return m_apply; }
    QString details() const;

private:
    QLabel* m_question = nullptr;
    QPlainTextEdit* m_details = nullptr;
    QPushButton* m_apply = nullptr;
};

} // namespace socketscope
