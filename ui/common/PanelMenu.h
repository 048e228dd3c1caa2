// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Every button of a panel reachable from a menu (issue 16): the window's Actions menu has one
// submenu per tab, filled when it opens with the panel's buttons as they are then — their text,
// whether they are enabled — so a keyboard user reaches each control without hunting for it, and
// the menu never disagrees with the button (the action clicks the button itself).

#include <QList>

#include <functional>

class QAbstractButton;
class QMenu;
class QWidget;

namespace socketscope {

// The buttons of `panel` a menu offers: push and tool buttons named by the house convention
// (objectName ending in "PushButton" or "ToolButton"), shown in the panel (not hidden on purpose),
// with a text or a tooltip to name them; in the order the panel made them.
QList<QAbstractButton*> panelMenuButtons(QWidget* panel);

// Fills `menu` with one action per panelMenuButtons() entry every time it is about to show.
// Triggering an entry calls `reveal` (which brings the panel to the front), then clicks the button.
void attachPanelMenu(QMenu* menu, QWidget* panel, std::function<void()> reveal);

} // namespace socketscope
