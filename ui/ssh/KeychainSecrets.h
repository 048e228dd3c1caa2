// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Answers an SSH session's request for a secret (login password, key passphrase, sudo password)
// for a profile: from the OS keychain first, unless the previous answer was wrong; otherwise with
// the password dialog, which saves the answer in the keychain when "Remember" is ticked. Used by
// every tab that connects (Logs, Runbook) for SshWorker and SshPromptRelay askers alike;
// answerPromptsInDialogs() wires both of an asker's questions at once.

#include "core/SecretBytes.h"
#include "profiles/SecretStore.h"
#include "ssh/HostKeyDialog.h"
#include "ssh/SecretPromptDialog.h"
#include "ssh/SshTypes.h"

#include <QPointer>
#include <QUuid>
#include <QWidget>

#include <optional>

namespace socketscope {

// The keychain entry for a request; nullopt for a server's own keyboard-interactive question
// and for any request of a jump host (the profile's secrets belong to its target only).
std::optional<SecretKind> keychainKindFor(const SecretRequest& request);

namespace keychain_detail {
template <typename Asker>
void askWithDialog(Asker* asker, const SecretRequest& request, SecretStore* secrets, const QUuid& profile,
                   std::optional<SecretKind> kind, QWidget* parent)
{
    SecretPromptDialog* dialog = SecretPromptDialog::askFor(asker, request, parent);
    if (!secrets || profile.isNull() || !kind)
        return;
    QPointer<SecretStore> store(secrets);
    QObject::connect(dialog, &SecretPromptDialog::secretAccepted, parent, [store, profile, kind, parent](const QByteArray& secret, bool remember) {
        if (!remember || !store)
            return;
        store->write(profile, *kind, secret, parent, [parent](const Status& st) {
            if (!st)
                parent->setToolTip(QObject::tr("Could not save in the keychain: %1").arg(st.error()));
        });
    });
}
} // namespace keychain_detail

template <typename Asker>
void answerSecretFromKeychain(Asker* asker, const SecretRequest& request, SecretStore* secrets, const QUuid& profile, QWidget* parent)
{
    const std::optional<SecretKind> kind = keychainKindFor(request);
    if (!secrets || profile.isNull() || !kind || request.retry
        || secrets->availability() != SecretStore::Availability::Available) {
        keychain_detail::askWithDialog(asker, request, secrets, profile, kind, parent);
        return;
    }
    QPointer<Asker> guarded(asker);
    QPointer<SecretStore> store(secrets);
    secrets->read(profile, *kind, parent, [guarded, store, request, profile, kind, parent](Result<QByteArray> r) {
        if (!guarded)
            return;
        if (r) {
            guarded->answerSecret(SecretBytes::take(r.value()));
            return;
        }
        keychain_detail::askWithDialog(guarded.data(), request, store.data(), profile, kind, parent);
    });
}

// Routes an asker's questions (SshWorker's or SshPromptRelay's signals) to the host-key dialog
// and to answerSecretFromKeychain(), on `parent`'s thread. A question that arrives after the asker
// is gone is dropped.
template <typename Asker>
void answerPromptsInDialogs(Asker* asker, SecretStore* secrets, const QUuid& profile, QWidget* parent)
{
    const QPointer<Asker> guarded(asker);
    QObject::connect(asker, &Asker::hostKeyDecisionNeeded, parent, [guarded, parent](const HostKeyInfo& info) {
        if (guarded)
            HostKeyDialog::askFor(guarded.data(), info, parent);
    });
    const QPointer<SecretStore> store(secrets);
    QObject::connect(asker, &Asker::secretNeeded, parent, [guarded, store, profile, parent](const SecretRequest& request) {
        if (guarded)
            answerSecretFromKeychain(guarded.data(), request, store.data(), profile, parent);
    });
}

} // namespace socketscope
