// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/ConfigCodeView.h"

#include <QFontDatabase>
#include <QHelpEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTextBlock>
#include <QToolTip>

namespace socketscope {

class ConfigMargin : public QWidget {
public:
    explicit ConfigMargin(ConfigCodeView* view) : QWidget(view), m_view(view) { setMouseTracking(true); }
    QSize sizeHint() const override { return {m_view->marginWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent* event) override { m_view->paintMargin(event); }
    bool event(QEvent* e) override
    {
        if (e->type() == QEvent::ToolTip) {
            auto* help = static_cast<QHelpEvent*>(e);
            const int line = m_view->lineAt(help->pos().y());
            const auto it = m_view->m_marks.constFind(line);
            if (it != m_view->m_marks.constEnd())
                QToolTip::showText(help->globalPos(), it->tooltip, this);
            else
                QToolTip::hideText();
            return true;
        }
        return QWidget::event(e);
    }

private:
    ConfigCodeView* m_view;
};

ConfigCodeView::ConfigCodeView(QWidget* parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_margin = new ConfigMargin(this);
    connect(this, &QPlainTextEdit::blockCountChanged, this, [this] { setViewportMargins(marginWidth(), 0, 0, 0); });
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect& rect, int dy) {
        if (dy)
            m_margin->scroll(0, dy);
        else
            m_margin->update(0, rect.y(), m_margin->width(), rect.height());
    });
    setViewportMargins(marginWidth(), 0, 0, 0);
}

QColor ConfigCodeView::severityColor(const QString& severity)
{
    if (severity == QLatin1String("error"))
        return {0xd3, 0x2f, 0x2f};
    if (severity == QLatin1String("warning"))
        return {0xe6, 0x8a, 0x00};
    return {0x1e, 0x88, 0xe5};
}

int ConfigCodeView::marginWidth() const
{
    int digits = 1;
    for (int max = qMax(1, blockCount()); max >= 10; max /= 10)
        ++digits;
    return 8 + fontMetrics().horizontalAdvance(QLatin1Char('9')) * (digits + 1) + fontMetrics().height() + 4;
}

void ConfigCodeView::setContent(const QString& text, const QMap<int, Mark>& marks)
{
    m_marks = marks;
    m_current = 0;
    setPlainText(text);
    setViewportMargins(marginWidth(), 0, 0, 0);
    updateHighlights();
    m_margin->update();
}

void ConfigCodeView::goToLine(int line)
{
    const QTextBlock block = document()->findBlockByNumber(line - 1);
    if (!block.isValid())
        return;
    m_current = line;
    // Anchor at the end, cursor at the start: the view stays scrolled to the line's beginning.
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::EndOfBlock);
    cursor.movePosition(QTextCursor::StartOfBlock, QTextCursor::KeepAnchor);
    setTextCursor(cursor);
    centerCursor();
    horizontalScrollBar()->setValue(0);
    updateHighlights();
}

void ConfigCodeView::updateHighlights()
{
    QList<QTextEdit::ExtraSelection> selections;
    for (auto it = m_marks.constBegin(); it != m_marks.constEnd(); ++it) {
        QTextEdit::ExtraSelection s;
        QColor c = severityColor(it->severity);
        c.setAlpha(it.key() == m_current ? 90 : 40);
        s.format.setBackground(c);
        s.format.setProperty(QTextFormat::FullWidthSelection, true);
        s.cursor = QTextCursor(document()->findBlockByNumber(it.key() - 1));
        selections.append(s);
    }
    setExtraSelections(selections);
}

void ConfigCodeView::resizeEvent(QResizeEvent* event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect cr = contentsRect();
    m_margin->setGeometry(QRect(cr.left(), cr.top(), marginWidth(), cr.height()));
}

int ConfigCodeView::lineAt(int y) const
{
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    while (block.isValid()) {
        const int bottom = top + qRound(blockBoundingRect(block).height());
        if (y >= top && y < bottom)
            return block.blockNumber() + 1;
        top = bottom;
        block = block.next();
    }
    return 0;
}

void ConfigCodeView::paintMargin(QPaintEvent* event)
{
    QPainter p(m_margin);
    p.fillRect(event->rect(), palette().color(QPalette::AlternateBase));
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    const int h = fontMetrics().height();
    const int numberRight = m_margin->width() - h - 6;
    while (block.isValid() && top <= event->rect().bottom()) {
        const int line = block.blockNumber() + 1;
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(0, top, numberRight, h, Qt::AlignRight | Qt::AlignVCenter, QString::number(line));
        const auto it = m_marks.constFind(line);
        if (it != m_marks.constEnd()) {
            const QColor c = severityColor(it->severity);
            const QRect badge(m_margin->width() - h - 2, top + 1, h - 2, h - 2);
            p.setRenderHint(QPainter::Antialiasing);
            p.setBrush(c);
            p.setPen(Qt::NoPen);
            p.drawEllipse(badge);
            p.setPen(Qt::white);
            QFont f = p.font();
            f.setBold(true);
            p.setFont(f);
            const QString letter = it->severity == QLatin1String("error") ? QStringLiteral("E")
                : it->severity == QLatin1String("warning")                ? QStringLiteral("W")
                                                                          : QStringLiteral("i");
            p.drawText(badge, Qt::AlignCenter, letter);
            p.setFont(font());
        }
        top += qRound(blockBoundingRect(block).height());
        block = block.next();
    }
}

} // namespace socketscope
