// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FeaturePanel.h"

class QLabel;

namespace socketscope {

// The "Config" tab. Placeholder until issue #6 (config analysis) lands.
class ConfigPanel : public FeaturePanel {
    Q_OBJECT
public:
    explicit ConfigPanel(AppContext& context, QWidget* parent = nullptr);
    void setProfile(const Profile* profile) override;
    QString title() const override { return tr("Config"); }

private:
    QLabel* m_label = nullptr;
};

} // namespace socketscope
