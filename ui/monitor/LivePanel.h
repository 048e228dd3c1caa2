// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FeaturePanel.h"

class QLabel;

namespace socketscope {

// The "Live" tab. Placeholder until issue #4 (monitors and charts) lands.
class LivePanel : public FeaturePanel {
    Q_OBJECT
public:
    explicit LivePanel(AppContext& context, QWidget* parent = nullptr);
    void setProfile(const Profile* profile) override;
    QString title() const override { return tr("Live"); }

private:
    QLabel* m_label = nullptr;
};

} // namespace socketscope
