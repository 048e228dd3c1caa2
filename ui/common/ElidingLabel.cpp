// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/ElidingLabel.h"

#include <QEvent>
#include <QHelpEvent>
#include <QPainter>
#include <QTextBlock>
#include <QTextDocument>
#include <QTextFragment>
#include <QToolTip>

namespace socketscope {

namespace {

// The text's runs: each with its own font and colour (empty: the label's), in order, on one line.
struct Run {
    QString text;
    QFont font;
    QColor colour;
};

QList<Run> runsOf(const QLabel& label)
{
    QTextDocument doc;
    doc.setDefaultFont(label.font());
    const bool rich = label.textFormat() == Qt::RichText
        || (label.textFormat() == Qt::AutoText && Qt::mightBeRichText(label.text()));
    if (label.textFormat() == Qt::MarkdownText)
        doc.setMarkdown(label.text());
    else if (rich)
        doc.setHtml(label.text());
    else
        doc.setPlainText(label.text());
    QList<Run> runs;
    for (QTextBlock block = doc.begin(); block.isValid(); block = block.next()) {
        if (!runs.isEmpty())
            runs.append({ QStringLiteral(" "), label.font(), QColor() });
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            const QTextFragment fragment = it.fragment();
            if (!fragment.isValid())
                continue;
            const QTextCharFormat format = fragment.charFormat();
            QString text = fragment.text();
            text.replace(QChar::LineSeparator, QLatin1Char(' '));
            text.replace(QChar::ParagraphSeparator, QLatin1Char(' '));
            runs.append({ text, format.font().resolve(label.font()),
                format.hasProperty(QTextFormat::ForegroundBrush) ? format.foreground().color() : QColor() });
        }
    }
    return runs;
}

} // namespace

ElidingLabel::ElidingLabel(QWidget* parent)
    : QLabel(parent)
{
    setWordWrap(false);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

QRect ElidingLabel::textRect() const
{
    return contentsRect().adjusted(margin(), margin(), -margin(), -margin());
}

qreal ElidingLabel::naturalWidth() const
{
    qreal width = 0;
    for (const Run& run : runsOf(*this))
        width += QFontMetricsF(run.font).horizontalAdvance(run.text);
    return width;
}

bool ElidingLabel::isElided() const
{
    return naturalWidth() > textRect().width() + 0.5;
}

QString ElidingLabel::plainText() const
{
    QString out;
    for (const Run& run : runsOf(*this))
        out += run.text;
    return out.replace(QChar::Nbsp, QLatin1Char(' ')).simplified();
}

QString ElidingLabel::hoverText() const
{
    if (!isElided())
        return toolTip();
    return toolTip().isEmpty() ? plainText() : plainText() + QStringLiteral("\n\n") + toolTip();
}

QSize ElidingLabel::sizeHint() const
{
    const QSize full = QLabel::sizeHint();
    return { full.width(), minimumSizeHint().height() };
}

QSize ElidingLabel::minimumSizeHint() const
{
    // A few characters and "…"; the height of one line (of the tallest font in the text).
    int lineHeight = fontMetrics().height();
    for (const Run& run : runsOf(*this))
        lineHeight = std::max(lineHeight, QFontMetrics(run.font).height());
    const QMargins m = contentsMargins();
    return { fontMetrics().horizontalAdvance(QStringLiteral("Mmmm…")) + m.left() + m.right() + 2 * margin(),
        lineHeight + m.top() + m.bottom() + 2 * margin() };
}

bool ElidingLabel::event(QEvent* e)
{
    if (e->type() == QEvent::ToolTip) {
        const QString tip = hoverText();
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(static_cast<QHelpEvent*>(e)->globalPos(), tip, this);
        return true;
    }
    return QLabel::event(e);
}

void ElidingLabel::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const QRect r = textRect();
    const QList<Run> runs = runsOf(*this);
    const qreal natural = naturalWidth();
    qreal x = r.left();
    if (natural <= r.width()) {
        if (alignment() & Qt::AlignHCenter)
            x += (r.width() - natural) / 2;
        else if (alignment() & Qt::AlignRight)
            x += r.width() - natural;
    }
    const QColor text = palette().color(isEnabled() ? QPalette::Active : QPalette::Disabled, foregroundRole());
    for (const Run& run : runs) {
        const QFontMetricsF fm(run.font);
        const qreal baseline = r.top() + (r.height() - fm.height()) / 2 + fm.ascent();
        QString shown = run.text;
        const qreal room = r.right() + 1 - x;
        const bool cut = fm.horizontalAdvance(shown) > room;
        if (cut)
            shown = fm.elidedText(shown, Qt::ElideRight, room);
        painter.setFont(run.font);
        painter.setPen(run.colour.isValid() ? run.colour : text);
        painter.drawText(QPointF(x, baseline), shown);
        x += fm.horizontalAdvance(shown);
        if (cut)
            break;
    }
}

} // namespace socketscope
