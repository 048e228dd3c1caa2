// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

namespace socketscope {

struct AppContext;
struct Profile;

// The profile list on the left of the main window: search, status dot + word per profile,
// add / duplicate / delete. Placeholder until the profiles work of issue #2 lands.
class ProfileListPanel : public QWidget {
    Q_OBJECT
public:
    explicit ProfileListPanel(AppContext& context, QWidget* parent = nullptr);

signals:
    // The selected profile changed; nullptr when nothing is selected. The pointer stays valid
    // until the next emission.
    void currentProfileChanged(const socketscope::Profile* profile);

private:
    AppContext& m_context;
};

} // namespace socketscope
