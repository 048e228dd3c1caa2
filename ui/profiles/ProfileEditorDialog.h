// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "profiles/Profile.h"
#include "profiles/ProfileValidator.h"

#include <QDialog>
#include <QHash>

#include <functional>
#include <memory>

namespace Ui {
class ProfileEditorDialog;
}

namespace socketscope {

class SecretStore;

// The profile editor (ProfileEditorDialog.ui). Validation runs as the user types and is shown
// inline (field highlighted, message under the tabs); Save stays disabled while a problem remains.
// Secrets typed here go to the keychain (asynchronously) and are wiped from the fields.
class ProfileEditorDialog : public QDialog {
    Q_OBJECT
public:
    // `validator` returns the issues of a candidate profile (the store's rules incl. name clashes).
    ProfileEditorDialog(const Profile& profile, std::function<QList<ValidationIssue>(const Profile&)> validator,
                        SecretStore* secrets, QWidget* parent = nullptr);
    ~ProfileEditorDialog() override;

    // The profile as currently entered.
    Profile profile() const;
    // The issues shown right now (for tests and the caller).
    QList<ValidationIssue> issues() const { return m_issues; }
    // Shows the tab of the field with this JSON key ("nginx.siteFile") and puts the focus in it;
    // false when the editor has no such field.
    bool focusField(const QString& key);
    // The editor widget of a JSON key (nullptr when none).
    QWidget* fieldWidget(const QString& key) const { return m_fieldWidgets.value(key); }
    // Hands the typed secrets to the keychain (async) and wipes the fields. Returns how many.
    int storeSecrets(QObject* context, std::function<void(const QString& error)> onError);

private:
    void load(const Profile& profile);
    void revalidate();
    void updateAuthFields();
    void updateKeychainStatus();

    std::unique_ptr<Ui::ProfileEditorDialog> m_ui;
    Profile m_original;
    std::function<QList<ValidationIssue>(const Profile&)> m_validator;
    SecretStore* m_secrets;
    QList<ValidationIssue> m_issues;
    QHash<QString, QWidget*> m_fieldWidgets; // JSON path → editor widget
};

} // namespace socketscope
