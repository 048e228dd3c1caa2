// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QStringList>

#include <functional>

class QAbstractItemView;
class QHeaderView;
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

// Keeps every column of `view` in view (issue 16: nothing scrolls sideways at 1024×700): after
// every resize and every change of its rows, each column other than `textColumn` gets its
// contents' width (never less than its title's) as far as the room allows once `textColumn` keeps
// `textMinimum` px (or its cells' width, when less): columns that want little extra get it whole,
// the others share the rest; `textColumn` takes what is left. Every cell stays on one line, cut
// with "…" when its column is narrower; the caller puts its whole text in its tooltip.
// `header` is the view's horizontal header.
void keepColumnsInView(QAbstractItemView* view, QHeaderView* header, int textColumn, int textMinimum = 160);

} // namespace socketscope
