// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/RunbookPanel.h"

#include "profiles/Profile.h"

#include <QLabel>
#include <QVBoxLayout>

namespace socketscope {

RunbookPanel::RunbookPanel(AppContext& context, QWidget* parent)
    : FeaturePanel(context, parent), m_label(new QLabel(this))
{
    auto* layout = new QVBoxLayout(this);
    m_label->setAlignment(Qt::AlignCenter);
    m_label->setWordWrap(true);
    layout->addWidget(m_label);
    setProfile(nullptr);
}

void RunbookPanel::setProfile(const Profile* profile)
{
    m_label->setText(profile ? tr("Runbook for %1 — not built yet (issue #7 (guided runbook)).").arg(profile->name)
                             : tr("Select a profile."));
}

} // namespace socketscope
