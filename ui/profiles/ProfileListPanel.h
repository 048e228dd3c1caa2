// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "profiles/Profile.h"

#include <QHash>
#include <QUuid>
#include <QWidget>

#include <optional>

class QFrame;
class QLabel;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QToolButton;

namespace socketscope {

struct AppContext;
class Banner;
class ProfileEditorDialog;

// The profile list on the left of the main window: search, status dot + word per profile,
// add / edit / duplicate / delete (with undo), import from ~/.ssh/config, JSON import / export.
// Problems (read-only store, failed save, import report) are shown inline, never in a message box.
class ProfileListPanel : public QWidget {
    Q_OBJECT
public:
    explicit ProfileListPanel(AppContext& context, QWidget* parent = nullptr);

    // The selected profile, if any.
    std::optional<Profile> currentProfile() const { return m_current; }
    // Selects a profile by id (no-op when unknown or filtered out).
    void selectProfile(const QUuid& id);
    // Selects the first visible profile.
    void selectFirst();
    // Opens the editor for a new profile / the selected one; the dialog saves itself on accept.
    ProfileEditorDialog* addProfile();
    ProfileEditorDialog* editCurrent();
    // Duplicates / deletes the selected profile (delete can be undone from the inline banner).
    void duplicateCurrent();
    void deleteCurrent();
    void undoDelete();
    // Imports hosts from an ssh_config file / profiles from an exported JSON file; exports all.
    void importSshConfig(const QString& path);
    void importJson(const QString& path);
    void exportJson(const QString& path);
    // Writes the Prometheus exporter's modules file (one module per profile: app, Origin,
    // subprotocols, headers, TLS options; credential headers as env: references, named in the
    // notice) for every profile, or only the selected one (exporter/ExporterModules.h).
    void exportModules(const QString& path, bool selectedOnly);
    // The last inline notice (import report, save error), for tests.
    QString noticeText() const;

    // Import / export with a file dialog (File menu, More menu).
    void chooseImportJson();
    void chooseExportJson();
    void chooseExportModules(bool selectedOnly);
    // Reads the profile file again (after another program changed it).
    void reloadProfiles();

public slots:
    // Redraws a profile's dot and word from the application's ProfileStateModel.
    void refreshState(const QUuid& id);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

signals:
    // The selected profile changed; nullptr when nothing is selected. The pointer stays valid
    // until the next emission.
    void currentProfileChanged(const socketscope::Profile* profile);

private:
    void rebuild();
    void applyFilter();
    void updateItem(QListWidgetItem* item, const Profile& profile);
    void onSelectionChanged();
    ProfileEditorDialog* openEditor(const Profile& profile, bool isNew);
    void showNotice(const QString& html, bool problem);
    // A notice that tells what to do next: neutral, never green (a green notice states a result).
    void showHint(const QString& html);
    // Floats the Undo offer over the bottom of the list, above the notice when one shows.
    void placeUndo();
    void finishPendingDelete();
    void updateBanner();
    void updateKeychainLabel();
    void chooseFile(bool save, const QString& title, const QString& filter, void (ProfileListPanel::*then)(const QString&));

    AppContext& m_context;
    QLabel* m_banner = nullptr;
    QLineEdit* m_search = nullptr;
    QListWidget* m_list = nullptr;
    QFrame* m_undoFrame = nullptr;
    QLabel* m_undoLabel = nullptr;
    Banner* m_notice = nullptr;
    QLabel* m_keychain = nullptr;
    QToolButton* m_duplicateButton = nullptr;
    QToolButton* m_editButton = nullptr;
    QToolButton* m_deleteButton = nullptr;
    std::optional<Profile> m_current;
    bool m_keychainDetails = false; // the keychain's raw reason is shown
    bool m_autoSelect = false; // off while constructing: the window connects first
    std::optional<Profile> m_lastDeleted;
};

} // namespace socketscope
