// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

namespace socketscope {

// An advice line as rich text: HTML-escaped, `code` in backticks shown as <code>code</code>
// (the Overview's Advice pane and the matrix's advice render it the same way).
QString adviceHtml(const QString& text);

} // namespace socketscope
