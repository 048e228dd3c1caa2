// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/Banner.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QToolButton>

namespace socketscope {

namespace {

QString baseName(const QString& labelObjectName)
{
    QString base = labelObjectName;
    if (base.endsWith(QLatin1String("Label")))
        base.chop(5);
    return base;
}

QString styleFor(Banner::Kind kind)
{
    // One look for every panel's banner: a framed box, its colour says what kind of news it is.
    switch (kind) {
    case Banner::Kind::Success:
        return QStringLiteral(
            "socketscope--Banner { background: #e3f1e6; border: 1px solid #2e9d44; border-radius: 4px; }"
            "QLabel { color: #114d22; }");
    case Banner::Kind::Error:
        return QStringLiteral(
            "socketscope--Banner { background: #fde2e1; border: 1px solid #d03b3b; border-radius: 4px; }"
            "QLabel { color: #7a1010; }");
    case Banner::Kind::Info:
        break;
    }
    return QStringLiteral("socketscope--Banner { background: #eef3fb; border: 1px solid #7a9cc6; border-radius: 4px; }"
                          "QLabel { color: #1d2f4a; }");
}

constexpr int kGap = 6; // between the banner and its anchor's edges

} // namespace

Banner::Banner(QWidget* anchor, const QString& labelObjectName)
    : QFrame(anchor->parentWidget())
    , m_anchor(anchor)
{
    const QString base = baseName(labelObjectName);
    setObjectName(base + QStringLiteral("Frame"));
    setAutoFillBackground(true);
    setFocusPolicy(Qt::ClickFocus);
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    m_label = new QLabel(this);
    m_label->setObjectName(labelObjectName);
    m_label->setWordWrap(true);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_close = new QToolButton(this);
    m_close->setObjectName(base + QStringLiteral("CloseToolButton"));
    m_close->setText(QStringLiteral("✕"));
    m_close->setAutoRaise(true);
    m_close->setToolTip(tr("Close this message"));
    m_close->setAccessibleName(tr("Close"));
    layout->addWidget(m_label, 1);
    layout->addWidget(m_close, 0, Qt::AlignTop);
    connect(m_close, &QToolButton::clicked, this, &Banner::dismiss);
    anchor->installEventFilter(this);
    setStyleSheet(styleFor(m_kind));
    hide();
}

void Banner::showMessage(const QString& text, Kind kind)
{
    m_label->setText(text);
    if (kind != m_kind || styleSheet().isEmpty()) {
        m_kind = kind;
        setStyleSheet(styleFor(kind));
    }
    if (text.isEmpty()) {
        hide();
        return;
    }
    place();
    show();
    raise();
}

void Banner::dismiss()
{
    if (isHidden())
        return;
    hide();
    emit dismissed();
}

QString Banner::text() const
{
    return m_label->text();
}

void Banner::place()
{
    if (!m_anchor || !parentWidget())
        return;
    const QRect a = m_anchor->geometry(); // in the common parent's coordinates
    const int width = std::max(0, a.width() - 2 * kGap);
    int height = layout()->hasHeightForWidth() ? layout()->totalHeightForWidth(width) : sizeHint().height();
    height = std::min(height, std::max(minimumSizeHint().height(), a.height() / 2));
    setGeometry(a.left() + kGap, a.bottom() + 1 - kGap - height, width, height);
}

bool Banner::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_anchor && (event->type() == QEvent::Resize || event->type() == QEvent::Move) && !isHidden())
        place();
    return QFrame::eventFilter(watched, event);
}

void Banner::showEvent(QShowEvent* event)
{
    place();
    raise();
    QFrame::showEvent(event);
}

void Banner::keyPressEvent(QKeyEvent* event)
{
    if (event->key() == Qt::Key_Escape) {
        dismiss();
        return;
    }
    QFrame::keyPressEvent(event);
}

} // namespace socketscope
