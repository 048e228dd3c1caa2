// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FeaturePanel.h"

class QLabel;

namespace socketscope {

// The "Overview" tab. Placeholder until issue #3 (probe engine and diagnosis) lands.
class OverviewPanel : public FeaturePanel {
    Q_OBJECT
public:
    explicit OverviewPanel(AppContext& context, QWidget* parent = nullptr);
    void setProfile(const Profile* profile) override;
    QString title() const override { return tr("Overview"); }

private:
    QLabel* m_label = nullptr;
};

} // namespace socketscope
