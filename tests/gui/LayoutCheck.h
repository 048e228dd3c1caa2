// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What "nothing cut or squeezed" means in the GUI tests, measured on the real widgets: a visible
// line edit, label, button, check box or combo box is at least as wide as its text needs (the
// font's metrics of its text or placeholder), and no widget reaches outside its window.
// An ElidingLabel is exempt: eliding (with the full text in its tooltip) is its design.

#include <QString>
#include <QStringList>

#include <functional>

class QWidget;

namespace socketscope::layoutcheck {

// The width `w` needs to show its text uncut; -1 for a widget this check does not measure.
int neededWidth(const QWidget* w);

// One line per visible widget inside `window` narrower than its text needs, or reaching outside
// the window ("Logs ▸ searchLineEdit (QLineEdit) 40 px < 212 px: 'Search…'"). Widgets inside a
// scroll area's viewport are measured, but may scroll out of the window.
QStringList problems(QWidget* window);

// One line per column of a visible table inside `window` whose header title is cut: the title (font
// metrics plus the style's header margins) is wider than its section ("timeoutHopsTable ▸ 'Idle
// cutoff' 58 px < 72 px"). Hidden sections and headers are left out.
QStringList cutHeaderTitles(QWidget* window);

// One line per column of a visible table inside `window` that lies partly outside the table's
// visible width (scrolled away sideways): a table that keeps its columns has none.
QStringList columnsOutOfView(QWidget* window);

// Every tab of every QTabWidget inside `window` (tabs inside tabs too), each shown once in turn:
// `visit` is called with a path like "Live ▸ Charts" while that tab is current.
void visitEveryTab(QWidget* window, const std::function<void(const QString& path)>& visit);

} // namespace socketscope::layoutcheck
