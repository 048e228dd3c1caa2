// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/ConfigDiffView.h"

#include "nginx/UnifiedDiff.h"

#include <QFontDatabase>
#include <QGridLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QTextBlock>

namespace socketscope {

using nginx::DiffLine;

ConfigDiffView::ConfigDiffView(QWidget* parent)
    : QWidget(parent), m_left(new QPlainTextEdit(this)), m_right(new QPlainTextEdit(this)),
      m_leftTitle(new QLabel(tr("Current"), this)), m_rightTitle(new QLabel(tr("Fixed"), this))
{
    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->addWidget(m_leftTitle, 0, 0);
    grid->addWidget(m_rightTitle, 0, 1);
    grid->addWidget(m_left, 1, 0);
    grid->addWidget(m_right, 1, 1);
    for (QPlainTextEdit* e : {m_left, m_right}) {
        e->setReadOnly(true);
        e->setLineWrapMode(QPlainTextEdit::NoWrap);
        e->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    }
    m_left->setObjectName(QStringLiteral("diffBeforePlainTextEdit"));
    m_right->setObjectName(QStringLiteral("diffAfterPlainTextEdit"));
    connect(m_left->verticalScrollBar(), &QScrollBar::valueChanged, m_right->verticalScrollBar(), &QScrollBar::setValue);
    connect(m_right->verticalScrollBar(), &QScrollBar::valueChanged, m_left->verticalScrollBar(), &QScrollBar::setValue);
    connect(m_left->horizontalScrollBar(), &QScrollBar::valueChanged, m_right->horizontalScrollBar(), &QScrollBar::setValue);
}

void ConfigDiffView::setTexts(const QByteArray& before, const QByteArray& after)
{
    const QList<DiffLine> lines = nginx::UnifiedDiff::compare(before, after);
    QStringList left;
    QStringList right;
    QList<int> leftRemoved;
    QList<int> rightAdded;
    m_added = 0;
    m_removed = 0;
    // Removed and added runs are paired row by row so a replaced line sits next to its new form.
    for (int i = 0; i < lines.size();) {
        if (lines.at(i).op == DiffLine::Op::Equal) {
            left.append(QString::fromUtf8(lines.at(i).text));
            right.append(QString::fromUtf8(lines.at(i).text));
            ++i;
            continue;
        }
        QStringList removed;
        QStringList added;
        while (i < lines.size() && lines.at(i).op != DiffLine::Op::Equal) {
            (lines.at(i).op == DiffLine::Op::Removed ? removed : added).append(QString::fromUtf8(lines.at(i).text));
            ++i;
        }
        m_added += int(added.size());
        m_removed += int(removed.size());
        const qsizetype rows = qMax(removed.size(), added.size());
        for (qsizetype r = 0; r < rows; ++r) {
            if (r < removed.size())
                leftRemoved.append(int(left.size()));
            if (r < added.size())
                rightAdded.append(int(right.size()));
            left.append(r < removed.size() ? removed.at(r) : QString());
            right.append(r < added.size() ? added.at(r) : QString());
        }
    }
    auto paint = [](QPlainTextEdit* edit, const QStringList& text, const QList<int>& rows, const QColor& color) {
        edit->setPlainText(text.join(QLatin1Char('\n')));
        QList<QTextEdit::ExtraSelection> sel;
        for (int row : rows) {
            QTextEdit::ExtraSelection s;
            s.format.setBackground(color);
            s.format.setProperty(QTextFormat::FullWidthSelection, true);
            s.cursor = QTextCursor(edit->document()->findBlockByNumber(row));
            sel.append(s);
        }
        edit->setExtraSelections(sel);
    };
    paint(m_left, left, leftRemoved, QColor(0xff, 0xcd, 0xd2));
    paint(m_right, right, rightAdded, QColor(0xc8, 0xe6, 0xc9));
    m_leftTitle->setText(tr("Current — %n line(s) removed or changed", nullptr, m_removed));
    m_rightTitle->setText(tr("Fixed — %n line(s) added or changed", nullptr, m_added));
    if (!rightAdded.isEmpty()) {
        QTextCursor c(m_right->document()->findBlockByNumber(rightAdded.first()));
        m_right->setTextCursor(c);
        m_right->centerCursor();
    }
}

} // namespace socketscope
