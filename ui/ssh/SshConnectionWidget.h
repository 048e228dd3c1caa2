// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A small SSH status indicator for any panel: a coloured dot, a word (Disconnected /
// Connecting / Connected / Failed / Lost), the target, the last message as tooltip, and a
// Connect button. attach() also routes the worker's prompts to HostKeyDialog / SecretPromptDialog.

#include "ssh/SshWorker.h"

#include <QPointer>
#include <QUuid>
#include <QWidget>

class QLabel;
class QPushButton;

namespace socketscope {

class SecretStore;

class SshConnectionWidget : public QWidget {
    Q_OBJECT
public:
    explicit SshConnectionWidget(QWidget* parent = nullptr);
    // Shows this worker's state; its host-key and secret prompts open dialogs over this widget.
    // With a keychain and the profile's id, saved secrets are handed to the worker first and
    // a prompt's "Remember in the system keychain" stores the answer there.
    void attach(SshWorker* worker, SecretStore* secrets = nullptr, const QUuid& profileId = {});
    // The word currently shown ("Connected", ...), for tests and accessibility.
    QString stateText() const;

private:
    void showState(SshWorker::State state, const QString& message, bool lost = false);

    void loadSavedSecrets();
    void askSecret(const SecretRequest& request);

    QPointer<SshWorker> m_worker;
    QPointer<SecretStore> m_secrets;
    QUuid m_profileId;
    QLabel* m_dot = nullptr;
    QLabel* m_state = nullptr;
    QLabel* m_target = nullptr;
    QPushButton* m_connect = nullptr;
    bool m_connected = false;
};

} // namespace socketscope
