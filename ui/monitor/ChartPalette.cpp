// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/ChartPalette.h"

#include <qcustomplot.h>

namespace socketscope {

ChartPalette ChartPalette::from(const QPalette& palette)
{
    ChartPalette p;
    p.background = palette.color(QPalette::Base);
    p.text = palette.color(QPalette::Text);
    p.dark = p.background.lightness() < 128;
    p.grid = p.dark ? QColor(255, 255, 255, 36) : QColor(0, 0, 0, 30);
    p.axis = p.dark ? QColor(200, 200, 200) : QColor(90, 90, 90);
    // Colour-blind-friendly hues (Okabe–Ito), brighter on dark backgrounds.
    p.echo = p.dark ? QColor(86, 180, 233) : QColor(0, 114, 178);
    p.ping = p.dark ? QColor(204, 121, 167) : QColor(160, 60, 120);
    p.band = p.echo;
    p.band.setAlpha(p.dark ? 70 : 55);
    p.p95 = p.dark ? QColor(240, 228, 66) : QColor(150, 130, 0);
    p.dns = p.dark ? QColor(86, 180, 233) : QColor(0, 114, 178);
    p.tcp = p.dark ? QColor(0, 200, 150) : QColor(0, 140, 110);
    p.tls = p.dark ? QColor(240, 170, 60) : QColor(213, 94, 0);
    p.upgrade = p.dark ? QColor(204, 121, 167) : QColor(160, 60, 120);
    p.up = p.dark ? QColor(60, 190, 110) : QColor(40, 160, 80);
    p.degraded = QColor(240, 160, 30);
    p.down = p.dark ? QColor(240, 80, 80) : QColor(210, 40, 40);
    p.marker = p.text;
    return p;
}

void ChartPalette::applyTo(QCustomPlot* plot) const
{
    plot->setBackground(background);
    const QList<QCPAxis*> axes = plot->axisRect()->axes();
    for (QCPAxis* a : axes) {
        a->setBasePen(QPen(axis));
        a->setTickPen(QPen(axis));
        a->setSubTickPen(QPen(axis));
        a->setTickLabelColor(text);
        a->setLabelColor(text);
        a->grid()->setPen(QPen(grid, 1, Qt::DotLine));
        a->grid()->setZeroLinePen(Qt::NoPen);
    }
    if (plot->legend) {
        plot->legend->setBrush(QBrush(background));
        plot->legend->setTextColor(text);
        plot->legend->setBorderPen(QPen(grid));
    }
}

} // namespace socketscope
