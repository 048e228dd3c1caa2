// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FeaturePanel.h"

class QLabel;

namespace socketscope {

// The "Runbook" tab. Placeholder until issue #7 (guided runbook) lands.
class RunbookPanel : public FeaturePanel {
    Q_OBJECT
public:
    explicit RunbookPanel(AppContext& context, QWidget* parent = nullptr);
    void setProfile(const Profile* profile) override;
    QString title() const override { return tr("Runbook"); }

private:
    QLabel* m_label = nullptr;
};

} // namespace socketscope
