// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

#include <functional>

class QPushButton;
class QWidget;

namespace socketscope {

// Lets `button` give up the style's 80 px minimum when its row is short of room, down to the
// width its widest text needs (its text now, or the widest of `texts` when it changes, as
// Pause/Resume does). With room to spare it keeps its usual width.
void letButtonNarrowToText(QPushButton* button, const QStringList& texts = {});

// Calls `fn` after every resize of `widget` (for layouts a QLayout cannot express, such as
// columns that share a table's width). The watcher lives as long as the widget.
void onResize(QWidget* widget, std::function<void()> fn);

} // namespace socketscope
