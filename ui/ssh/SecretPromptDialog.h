// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Asks for a password, passphrase or sudo password. The field never echoes; the text is taken
// out of the widget and wiped from it as soon as the dialog closes.

#include "ssh/SshTypes.h"

#include <QDialog>

#include <optional>

class QLineEdit;
class QCheckBox;

namespace socketscope {

class SshPromptRelay;
class SshWorker;

class SecretPromptDialog : public QDialog {
    Q_OBJECT
public:
    explicit SecretPromptDialog(const SecretRequest& request, QWidget* parent = nullptr);
    // The entered secret after accept(); nullopt after reject(). Taking it clears it here.
    std::optional<SecretBytes> takeSecret();
    // Whether the user asked to keep it in the OS keychain (the caller stores it).
    bool rememberRequested() const;
    // Opens the dialog for a worker's secretNeeded and answers the worker when it closes.
    static SecretPromptDialog* askFor(SshWorker* worker, const SecretRequest& request, QWidget* parent);
    // The same for a relay's secretNeeded (sessions that a runbook owns).
    static SecretPromptDialog* askFor(SshPromptRelay* relay, const SecretRequest& request, QWidget* parent);

    void done(int result) override;

signals:
    // On OK, before finished(): the entered secret and whether to keep it in the keychain.
    void secretAccepted(const QByteArray& secret, bool remember);

private:
    template <typename Asker>
    static SecretPromptDialog* openFor(Asker* asker, const SecretRequest& request, QWidget* parent);
    QLineEdit* m_edit = nullptr;
    QCheckBox* m_remember = nullptr;
    std::optional<SecretBytes> m_secret;
};

} // namespace socketscope
