// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FeaturePanel.h"

class QLabel;

namespace socketscope {

// The "Logs" tab. Placeholder until issue #5 (SSH and the log viewer) lands.
class LogsPanel : public FeaturePanel {
    Q_OBJECT
public:
    explicit LogsPanel(AppContext& context, QWidget* parent = nullptr);
    void setProfile(const Profile* profile) override;
    QString title() const override { return tr("Logs"); }

private:
    QLabel* m_label = nullptr;
};

} // namespace socketscope
