// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/AdviceHtml.h"

#include <QRegularExpression>

namespace socketscope {

QString adviceHtml(const QString& text)
{
    static const QRegularExpression code(QStringLiteral("`([^`]+)`"));
    QString html = text.toHtmlEscaped();
    html.replace(code, QStringLiteral("<code>\\1</code>"));
    return html;
}

} // namespace socketscope
