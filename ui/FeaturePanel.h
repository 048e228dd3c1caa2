// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

namespace socketscope {

struct AppContext;
struct Profile;

// A feature area hosted by the main window (Overview, Live, Logs, Config, Runbook).
// The window tells each panel which profile is selected; the panel renders core models for it.
class FeaturePanel : public QWidget {
    Q_OBJECT
public:
    explicit FeaturePanel(AppContext& context, QWidget* parent = nullptr)
        : QWidget(parent), m_context(context) {}
    // Called when the selected profile changes; nullptr when none is selected.
    virtual void setProfile(const Profile* profile) = 0;
    // The tab title.
    virtual QString title() const = 0;

signals:
    // The panel's verdict for its profile changed (state: ok/degraded/down/unknown). The window
    // shows it in the header for the profile named by the panel's "profileName" property.
    void verdictChanged(QString state, QString sentence);
    // What the panel runs now, in a few words ("Probing Local demo — hold, 7 s left"); "" when
    // nothing. The window's status bar shows it.
    void activityChanged(const QString& message);
    // Something that just happened, worth a glance ("Monitor lab: down (upstream_unreachable)",
    // "Dry run of … finished: …"). The window's status bar shows it for a while, before what runs.
    void announced(const QString& message);

protected:
    AppContext& m_context;
};

} // namespace socketscope
