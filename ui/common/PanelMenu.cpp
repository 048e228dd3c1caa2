// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/PanelMenu.h"

#include <QAbstractButton>
#include <QAction>
#include <QMenu>
#include <QPointer>

#include <algorithm>

namespace socketscope {

QList<QAbstractButton*> panelMenuButtons(QWidget* panel)
{
    QList<QAbstractButton*> out;
    for (QAbstractButton* b : panel->findChildren<QAbstractButton*>()) {
        const QString name = b->objectName();
        if (!name.endsWith(QLatin1String("PushButton")) && !name.endsWith(QLatin1String("ToolButton")))
            continue;
        if (!b->isVisibleTo(panel) || (b->text().isEmpty() && b->toolTip().isEmpty()))
            continue;
        out << b;
    }
    return out;
}

void attachPanelMenu(QMenu* menu, QWidget* panel, std::function<void()> reveal)
{
    QObject::connect(menu, &QMenu::aboutToShow, menu, [menu, panel, reveal] {
        menu->clear();
        for (QAbstractButton* b : panelMenuButtons(panel)) {
            // A symbol ("◀") says nothing in a menu: the tooltip names the button then.
            QString text = b->text();
            if (std::none_of(text.cbegin(), text.cend(), [](QChar c) { return c.isLetterOrNumber(); }) && !b->toolTip().isEmpty())
                text = b->toolTip();
            QAction* a = menu->addAction(text);
            a->setObjectName(b->objectName() + QStringLiteral("MenuAction"));
            a->setEnabled(b->isEnabled());
            a->setToolTip(b->toolTip());
            const QPointer<QAbstractButton> button(b);
            QObject::connect(a, &QAction::triggered, menu, [button, reveal] {
                if (!button || !button->isEnabled())
                    return;
                reveal();
                button->click();
            });
        }
        if (menu->isEmpty())
            menu->addAction(QObject::tr("(nothing to do here now)"))->setEnabled(false);
    });
}

} // namespace socketscope
