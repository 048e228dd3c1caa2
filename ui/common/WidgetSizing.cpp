// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/WidgetSizing.h"

#include <QEvent>
#include <QPushButton>
#include <QStyle>

namespace socketscope {

namespace {

class ResizeWatcher : public QObject {
public:
    ResizeWatcher(QWidget* widget, std::function<void()> fn)
        : QObject(widget)
        , m_fn(std::move(fn))
    {
        widget->installEventFilter(this);
    }
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (event->type() == QEvent::Resize && watched == parent())
            m_fn();
        return false;
    }

private:
    std::function<void()> m_fn;
};

} // namespace

void onResize(QWidget* widget, std::function<void()> fn)
{
    new ResizeWatcher(widget, std::move(fn));
}

void letButtonNarrowToText(QPushButton* button, const QStringList& texts)
{
    int widest = 0;
    for (QString text : texts.isEmpty() ? QStringList { button->text() } : texts) {
        text.remove(QLatin1Char('&'));
        widest = std::max(widest, button->fontMetrics().horizontalAdvance(text));
    }
    const QStyle* style = button->style();
    const int chrome = style->pixelMetric(QStyle::PM_ButtonMargin, nullptr, button)
        + 2 * style->pixelMetric(QStyle::PM_DefaultFrameWidth, nullptr, button) + 8;
    button->setMinimumWidth(widest + chrome);
}

} // namespace socketscope
