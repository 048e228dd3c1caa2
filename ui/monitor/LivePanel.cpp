// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/LivePanel.h"

#include "profiles/Profile.h"

#include <QLabel>
#include <QVBoxLayout>

namespace socketscope {

LivePanel::LivePanel(AppContext& context, QWidget* parent)
    : FeaturePanel(context, parent), m_label(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    m_label->setAlignment(Qt::AlignCenter);
    m_label->setWordWrap(true);
    layout->addWidget(m_label);
    setProfile(nullptr);
}

void LivePanel::setProfile(const Profile* profile)
{
    m_label->setText(profile ? tr("Live for %1 — not built yet (issue #4 (monitors and charts)).").arg(profile->name)
                             : tr("Select a profile."));
}

} // namespace socketscope
