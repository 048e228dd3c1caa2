// SPDX-License-Identifier: GPL-3.0-or-later
#include "LayoutCheck.h"

#include "common/ElidingLabel.h"

#include <QAbstractScrollArea>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QStyle>
#include <QStyleOptionComboBox>
#include <QStyleOptionFrame>
#include <QTabWidget>
#include <QTest>
#include <QToolButton>

namespace socketscope::layoutcheck {

namespace {

QString withoutMnemonic(QString text)
{
    text.replace(QStringLiteral("&&"), QStringLiteral("\x01"));
    text.remove(QLatin1Char('&'));
    text.replace(QLatin1Char('\x01'), QLatin1Char('&'));
    return text;
}

int textWidth(const QWidget* w, const QString& text)
{
    return w->fontMetrics().horizontalAdvance(text);
}

// A line edit shows its whole placeholder and at least 20 characters of what was typed.
int lineEditNeeds(const QLineEdit* e)
{
    const int typed = std::min(textWidth(e, e->text()), 20 * e->fontMetrics().averageCharWidth());
    const int inner = std::max(textWidth(e, e->placeholderText()), typed);
    if (inner == 0)
        return -1;
    const QMargins m = e->textMargins();
    int width = inner + 2 * 2 /* QLineEdit's horizontal margin */ + m.left() + m.right()
        + 2 * e->style()->pixelMetric(QStyle::PM_DefaultFrameWidth, nullptr, e);
    if (e->isClearButtonEnabled())
        width += 16 + 4 + 4; // the clear button's icon and margins
    return width;
}

int pushButtonNeeds(const QPushButton* b)
{
    const QString text = withoutMnemonic(b->text());
    if (text.isEmpty())
        return -1;
    // As QCommonStyle sizes a push button, without Fusion's 80 px minimum.
    int width = textWidth(b, text) + b->style()->pixelMetric(QStyle::PM_ButtonMargin, nullptr, b)
        + 2 * b->style()->pixelMetric(QStyle::PM_DefaultFrameWidth, nullptr, b);
    if (!b->icon().isNull())
        width += b->iconSize().width() + 4;
    if (b->menu())
        width += b->style()->pixelMetric(QStyle::PM_MenuButtonIndicator, nullptr, b);
    return width;
}

int comboNeeds(const QComboBox* c)
{
    const QString text = c->currentText();
    if (text.isEmpty())
        return -1;
    QStyleOptionComboBox opt;
    opt.initFrom(c);
    opt.editable = c->isEditable();
    opt.frame = c->hasFrame();
    int inner = textWidth(c, text);
    if (!c->itemIcon(c->currentIndex()).isNull())
        inner += c->iconSize().width() + 4;
    return c->style()->sizeFromContents(QStyle::CT_ComboBox, &opt, QSize(inner, c->fontMetrics().height()), c).width();
}

bool insideScrollViewport(const QWidget* w, const QWidget* window)
{
    for (const QWidget* p = w->parentWidget(); p && p != window; p = p->parentWidget())
        if (auto* area = qobject_cast<const QAbstractScrollArea*>(p->parentWidget()); area && area->viewport() == p)
            return true;
    return false;
}

QString describe(const QWidget* w, const QString& text)
{
    const QString name = w->objectName().isEmpty() ? QStringLiteral("(no name)") : w->objectName();
    return QStringLiteral("%1 (%2) '%3'").arg(name, QString::fromLatin1(w->metaObject()->className()), text.left(60));
}

QString shownText(const QWidget* w)
{
    if (auto* l = qobject_cast<const QLabel*>(w))
        return l->text();
    if (auto* e = qobject_cast<const QLineEdit*>(w))
        return e->text().isEmpty() ? e->placeholderText() : e->text();
    if (auto* b = qobject_cast<const QAbstractButton*>(w))
        return b->text();
    if (auto* c = qobject_cast<const QComboBox*>(w))
        return c->currentText();
    return {};
}

} // namespace

int neededWidth(const QWidget* w)
{
    if (qobject_cast<const ElidingLabel*>(w))
        return -1;
    if (auto* l = qobject_cast<const QLabel*>(w))
        return l->text().isEmpty() ? -1 : l->minimumSizeHint().width(); // the longest word when it wraps
    if (auto* e = qobject_cast<const QLineEdit*>(w)) {
        // The line edit inside a combo box or spin box is measured by its owner.
        if (qobject_cast<const QComboBox*>(e->parentWidget())
            || qobject_cast<const QAbstractSpinBox*>(e->parentWidget()))
            return -1;
        return lineEditNeeds(e);
    }
    if (auto* b = qobject_cast<const QPushButton*>(w))
        return pushButtonNeeds(b);
    if (qobject_cast<const QCheckBox*>(w) || qobject_cast<const QRadioButton*>(w))
        return static_cast<const QAbstractButton*>(w)->text().isEmpty() ? -1 : w->sizeHint().width();
    if (auto* t = qobject_cast<const QToolButton*>(w))
        return t->text().isEmpty() || t->toolButtonStyle() == Qt::ToolButtonIconOnly ? -1
                                                                                     : t->minimumSizeHint().width();
    if (auto* c = qobject_cast<const QComboBox*>(w))
        return comboNeeds(c);
    return -1;
}

QStringList problems(QWidget* window)
{
    QStringList out;
    const QRect bounds = window->rect();
    const QList<QWidget*> all = window->findChildren<QWidget*>();
    for (QWidget* w : all) {
        if (!w->isVisible() || w->isWindow())
            continue;
        const QRect r(w->mapTo(window, QPoint(0, 0)), w->size());
        if (!insideScrollViewport(w, window) && !r.isEmpty() && !bounds.contains(r))
            out << QStringLiteral("%1 reaches outside the %2×%3 window: %4,%5 %6×%7")
                       .arg(describe(w, shownText(w)))
                       .arg(bounds.width())
                       .arg(bounds.height())
                       .arg(r.x())
                       .arg(r.y())
                       .arg(r.width())
                       .arg(r.height());
        const int needed = neededWidth(w);
        if (needed > 0 && w->width() + 1 < needed)
            out << QStringLiteral("%1 is %2 px wide, its text needs %3 px")
                       .arg(describe(w, shownText(w)))
                       .arg(w->width())
                       .arg(needed);
    }
    return out;
}

namespace {

// Calls `check` for every shown section of every visible horizontal header inside `window`, with
// the table's name and the section's title.
void forEachHeaderSection(QWidget* window,
    const std::function<void(const QHeaderView*, int logical, const QString& table, const QString& title)>& check)
{
    for (QHeaderView* h : window->findChildren<QHeaderView*>()) {
        if (!h->isVisible() || h->orientation() != Qt::Horizontal || !h->model())
            continue;
        const auto* table = qobject_cast<const QAbstractScrollArea*>(h->parentWidget());
        const QString name = table && !table->objectName().isEmpty() ? table->objectName() : QStringLiteral("(no name)");
        for (int logical = 0; logical < h->count(); ++logical) {
            const QString title = h->model()->headerData(logical, Qt::Horizontal, Qt::DisplayRole).toString();
            if (!h->isSectionHidden(logical) && !title.isEmpty())
                check(h, logical, name, title);
        }
    }
}

} // namespace

QStringList cutHeaderTitles(QWidget* window)
{
    QStringList out;
    forEachHeaderSection(window, [&](const QHeaderView* h, int logical, const QString& table, const QString& title) {
        const int size = h->sectionSize(logical);
        const int needed = h->fontMetrics().horizontalAdvance(title)
            + 2 * h->style()->pixelMetric(QStyle::PM_HeaderMargin, nullptr, h);
        if (size < needed)
            out << QStringLiteral("%1 ▸ '%2' %3 px < %4 px").arg(table, title).arg(size).arg(needed);
    });
    return out;
}

QStringList columnsOutOfView(QWidget* window)
{
    QStringList out;
    forEachHeaderSection(window, [&](const QHeaderView* h, int logical, const QString& table, const QString& title) {
        const int left = h->sectionViewportPosition(logical);
        const int right = left + h->sectionSize(logical);
        if (left < 0 || right > h->viewport()->width() + 1)
            out << QStringLiteral("%1 ▸ '%2' at %3..%4 px, outside the %5 px the table shows")
                       .arg(table, title)
                       .arg(left)
                       .arg(right)
                       .arg(h->viewport()->width());
    });
    return out;
}

namespace {

void visitTabs(
    QTabWidget* tabs, const QString& prefix, const std::function<void(const QString&)>& visit, QSet<QTabWidget*>& seen)
{
    seen.insert(tabs);
    for (int i = 0; i < tabs->count(); ++i) {
        if (!tabs->isTabEnabled(i) || !tabs->isTabVisible(i))
            continue;
        tabs->setCurrentIndex(i);
        QApplication::processEvents();
        const QString path = prefix.isEmpty() ? withoutMnemonic(tabs->tabText(i))
                                              : prefix + QStringLiteral(" ▸ ") + withoutMnemonic(tabs->tabText(i));
        visit(path);
        for (QTabWidget* inner : tabs->widget(i)->findChildren<QTabWidget*>())
            if (!seen.contains(inner))
                visitTabs(inner, path, visit, seen);
    }
}

} // namespace

void visitEveryTab(QWidget* window, const std::function<void(const QString& path)>& visit)
{
    QSet<QTabWidget*> seen;
    for (QTabWidget* tabs : window->findChildren<QTabWidget*>())
        if (!seen.contains(tabs))
            visitTabs(tabs, QString(), visit, seen);
}

} // namespace socketscope::layoutcheck
