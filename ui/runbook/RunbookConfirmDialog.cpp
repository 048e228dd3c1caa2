// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/RunbookConfirmDialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSyntaxHighlighter>
#include <QVBoxLayout>

namespace socketscope {

namespace {

// Colours the lines of a unified diff (+ green, - red, @@ blue).
class DiffHighlighter : public QSyntaxHighlighter {
public:
    using QSyntaxHighlighter::QSyntaxHighlighter;

protected:
    void highlightBlock(const QString& text) override
    {
        QTextCharFormat f;
        if (text.startsWith(QLatin1String("+++")) || text.startsWith(QLatin1String("---")))
            f.setFontWeight(QFont::Bold);
        else if (text.startsWith(QLatin1Char('+')))
            f.setForeground(QColor(0x1a, 0x7f, 0x37));
        else if (text.startsWith(QLatin1Char('-')))
            f.setForeground(QColor(0xcf, 0x22, 0x2e));
        else if (text.startsWith(QLatin1String("@@")))
            f.setForeground(QColor(0x09, 0x69, 0xda));
        else
            return;
        setFormat(0, int(text.size()), f);
    }
};

} // namespace

RunbookConfirmDialog::RunbookConfirmDialog(QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("runbookConfirmDialog"));
    setWindowModality(Qt::WindowModal);
    setWindowTitle(tr("Confirm a change to the server"));
    resize(760, 520);
    auto* layout = new QVBoxLayout(this);
    m_question = new QLabel(this);
    m_question->setObjectName(QStringLiteral("questionLabel"));
    m_question->setWordWrap(true);
    layout->addWidget(m_question);
    m_details = new QPlainTextEdit(this);
    m_details->setObjectName(QStringLiteral("detailsPlainTextEdit"));
    m_details->setReadOnly(true);
    m_details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_details->setLineWrapMode(QPlainTextEdit::NoWrap);
    new DiffHighlighter(m_details->document());
    layout->addWidget(m_details, 1);
    auto* buttons = new QDialogButtonBox(this);
    m_apply = buttons->addButton(tr("Apply to the server"), QDialogButtonBox::AcceptRole);
    m_apply->setObjectName(QStringLiteral("applyPushButton"));
    QPushButton* cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelPushButton"));
    cancel->setDefault(true); // Enter never approves a change by accident
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

void RunbookConfirmDialog::ask(const QString& stepTitle, const QString& details)
{
    m_question->setText(tr("<b>%1</b> changes the server. This is exactly what it will do:").arg(stepTitle.toHtmlEscaped()));
    m_details->setPlainText(details);
    open();
}

QString RunbookConfirmDialog::details() const { return m_details->toPlainText(); }

} // namespace socketscope
