// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QColor>
#include <QPalette>

class QCustomPlot;

namespace socketscope {

// Chart colours derived from the system palette (light or dark), shared by every monitor chart.
struct ChartPalette {
    bool dark = false;
    QColor background, text, grid, axis;
    QColor echo, ping, band, p95;
    QColor dns, tcp, tls, upgrade;
    QColor up, degraded, down, marker;

    // Picks light or dark colours from the palette's window lightness.
    static ChartPalette from(const QPalette& palette);
    // Applies background, axis and grid colours to a plot.
    void applyTo(QCustomPlot* plot) const;
};

} // namespace socketscope
