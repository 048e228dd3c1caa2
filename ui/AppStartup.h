// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "AppContext.h"

#include <QString>
#include <QStringList>
#include <QUuid>

#include <memory>

class QApplication;

namespace socketscope {

class ActivityLog;
class MainWindow;
class ProfileStore;
class ReferenceServer;
class SecretStore;

// Builds and owns the application's core objects (activity log, "Local demo" server, profile
// store, keychain access) and the main window. Tests build one without running app.exec().
class GuiApplication {
public:
    // `arguments` as from QCoreApplication::arguments(): "--profiles FILE" selects another store;
    // so does the environment variable SOCKETSCOPE_PROFILES. "--state FILE" (or SOCKETSCOPE_STATE)
    // names the file that keeps each profile's last probe; default: beside a store named by
    // --profiles, else in the app data dir. `keychainService` names the keychain
    // entries' service (tests use their own).
    explicit GuiApplication(const QStringList& arguments, const QString& keychainService = QStringLiteral("SocketScope"));
    ~GuiApplication();
    GuiApplication(const GuiApplication&) = delete;
    GuiApplication& operator=(const GuiApplication&) = delete;

    // The profile store file in use.
    QString profilesFile() const { return m_profilesFile; }
    // The run-state file in use.
    QString stateFile() const { return m_states->filePath(); }
    AppContext& context() { return m_context; }
    MainWindow* window() const { return m_window.get(); }
    // The id of the "Local demo" profile (null if the user deleted it).
    QUuid demoProfileId() const { return m_demoId; }

private:
    QString m_profilesFile;
    std::unique_ptr<ProfileStateModel> m_states;
    AppContext m_context;
    std::unique_ptr<ActivityLog> m_activity;
    std::unique_ptr<ReferenceServer> m_demo;
    std::unique_ptr<ProfileStore> m_profiles;
    std::unique_ptr<SecretStore> m_secrets;
    std::unique_ptr<MainWindow> m_window;
    QUuid m_demoId;
};

// Sets the application's names and icon, builds a GuiApplication, shows its window and runs the
// event loop.
int runGui(QApplication& app);

} // namespace socketscope
