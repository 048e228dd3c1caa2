// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiles/ProfileListPanel.h"

#include <QLabel>
#include <QVBoxLayout>

namespace socketscope {

ProfileListPanel::ProfileListPanel(AppContext& context, QWidget* parent)
    : QWidget(parent), m_context(context)
{
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Profiles"), this));
}

} // namespace socketscope
