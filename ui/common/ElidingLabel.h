// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QLabel>

namespace socketscope {

// A one-line label that never asks for more width than a few characters: when its text (plain or
// simple rich text: bold, colour) does not fit, it is drawn cut with "…" and the whole text is its
// tooltip. text() always returns the whole text. Its height is one line whatever the text, so a
// long sentence never pushes what is below it down. For display only: no links, no selection.
class ElidingLabel : public QLabel {
    Q_OBJECT
public:
    explicit ElidingLabel(QWidget* parent = nullptr);

    // True when the text is wider than the label now (drawn cut, the tooltip carries it all).
    bool isElided() const;
    // What hovering shows: the whole text (plain) when elided, then the label's own tooltip.
    QString hoverText() const;
    // The text as one plain line (what an elided label's tooltip shows).
    QString plainText() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    bool event(QEvent* e) override;
    void paintEvent(QPaintEvent* e) override;

private:
    // The width the whole text needs, in the fonts it is drawn with.
    qreal naturalWidth() const;
    QRect textRect() const;
};

} // namespace socketscope
