// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QFrame>

class QLabel;
class QToolButton;

namespace socketscope {

// A message ("Exported to …", an error, a hint) that floats over the bottom edge of a widget of
// its panel instead of taking a place in the layout: showing or hiding it never moves a control
// the user is aiming at. It has a close button (✕, Esc while focused) and stays until closed or
// replaced. Its label is a QLabel named as the caller says (tests find it by that name); the
// frame is "<base>Frame" and the button "<base>CloseToolButton", where <base> is that name
// without "Label".
class Banner : public QFrame {
    Q_OBJECT
public:
    enum class Kind { Info, Success, Error };

    // Floats over `anchor` (a widget of the same window; the banner becomes a child of the
    // anchor's parent and follows its geometry).
    Banner(QWidget* anchor, const QString& labelObjectName);

    // Shows `text` (rich text allowed) in the colours of `kind`; an empty text hides the banner.
    void showMessage(const QString& text, Kind kind = Kind::Info);
    // Hides the banner as the close button does, and says so (dismissed()).
    void dismiss();
    QString text() const;
    Kind kind() const { return m_kind; }
    QLabel* label() const { return m_label; }
    QToolButton* closeButton() const { return m_close; }

signals:
    void dismissed();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void showEvent(QShowEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void place();

    QWidget* m_anchor = nullptr;
    QLabel* m_label = nullptr;
    QToolButton* m_close = nullptr;
    Kind m_kind = Kind::Info;
};

} // namespace socketscope
