// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/WidgetSizing.h"

#include <QAbstractItemView>
#include <QEvent>
#include <QHeaderView>
#include <QPushButton>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTimer>

#include <algorithm>

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

// A cell that is cut with the view's elide mode, never wrapped onto a second line.
class OneLineDelegate : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        option->features &= ~QStyleOptionViewItem::WrapText;
    }
};

// Shares the view's width among its columns (see keepColumnsInView).
class ColumnFitter : public QObject {
public:
    ColumnFitter(QAbstractItemView* view, QHeaderView* header, int textColumn, int textMinimum)
        : QObject(view)
        , m_view(view)
        , m_header(header)
        , m_text(textColumn)
        , m_textMinimum(textMinimum)
    {
    }

    void fit()
    {
        if (m_fitting) // a resize caused by this fit (a scroll bar came or went): once more, later
            return fitSoon();
        m_pending = false;
        m_fitting = true;
        fitNow();
        m_fitting = false;
    }

    void fitNow()
    {
        const int count = m_header->count();
        if (m_text < 0 || m_text >= count)
            return;
        const int available = m_view->viewport()->width();
        QList<int> width(count, 0), extra(count, 0), others;
        int titles = 0;
        for (int c = 0; c < count; ++c) {
            if (c == m_text || m_header->isSectionHidden(c))
                continue;
            width[c] = m_header->sectionSizeHint(c);
            extra[c] = std::max(0, m_view->sizeHintForColumn(c) - width[c]);
            titles += width[c];
            others << c;
        }
        // The text column keeps `textMinimum` px for its cells (less while they are shorter).
        const int textTitle = m_header->sectionSizeHint(m_text);
        const int textKeeps = std::max(textTitle, std::min(m_textMinimum, oneLineWidth(m_text)));
        int room = std::max(0, available - titles - textKeeps);
        // The room goes to the other columns fairly: the ones that want little get all they want (a
        // rule id stays whole), the rest share what remains equally and are cut.
        std::sort(others.begin(), others.end(), [&](int a, int b) { return extra[a] < extra[b]; });
        for (qsizetype i = 0; i < others.size(); ++i) {
            const int c = others[i];
            const int more = std::min(extra[c], room / int(others.size() - i));
            width[c] += more;
            room -= more;
        }
        int used = 0;
        for (int c : std::as_const(others)) {
            used += width[c];
            m_header->resizeSection(c, width[c]);
        }
        m_header->resizeSection(m_text, std::max(textTitle, available - used));
    }

    // The width the widest top-level cell of `column` needs on one line.
    int oneLineWidth(int column) const
    {
        const QAbstractItemModel* model = m_view->model();
        const QFontMetrics fm = m_view->fontMetrics();
        const int margin = 2 * (m_view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_view) + 1);
        int widest = 0;
        for (int row = 0; row < model->rowCount(); ++row)
            widest = std::max(widest, fm.horizontalAdvance(model->index(row, column).data().toString()) + margin);
        return widest;
    }

    // After a change of rows: once, when the event loop next runs (filling a view changes many cells).
    void fitSoon()
    {
        if (m_pending)
            return;
        m_pending = true;
        QTimer::singleShot(0, this, [this] {
            if (m_pending)
                fit();
        });
    }

private:
    QAbstractItemView* m_view;
    QHeaderView* m_header;
    int m_text;
    int m_textMinimum;
    bool m_pending = false;
    bool m_fitting = false;
};

} // namespace

void keepColumnsInView(QAbstractItemView* view, QHeaderView* header, int textColumn, int textMinimum)
{
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    view->setTextElideMode(Qt::ElideRight);
    auto* oneLine = new OneLineDelegate(view);
    for (int c = 0; c < header->count(); ++c)
        view->setItemDelegateForColumn(c, oneLine);
    auto* fitter = new ColumnFitter(view, header, textColumn, textMinimum);
    onResize(view->viewport(), [fitter] { fitter->fit(); });
    QAbstractItemModel* model = view->model();
    const auto soon = [fitter] { fitter->fitSoon(); };
    QObject::connect(model, &QAbstractItemModel::rowsInserted, fitter, soon);
    QObject::connect(model, &QAbstractItemModel::rowsRemoved, fitter, soon);
    QObject::connect(model, &QAbstractItemModel::dataChanged, fitter, soon);
    QObject::connect(model, &QAbstractItemModel::modelReset, fitter, soon);
    QObject::connect(model, &QAbstractItemModel::layoutChanged, fitter, soon);
    QObject::connect(model, &QAbstractItemModel::headerDataChanged, fitter, soon);
    fitter->fit();
}

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
