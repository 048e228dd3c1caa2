// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// SshPromptRelay: carries a blocking SSH session's questions (an unknown host key, a password
// or passphrase) from the thread that runs the session to whoever answers them — a dialog on
// the GUI thread, usually. The asking thread waits, polling its cancel check, until the answer
// comes, the relay is shut down, or 10 minutes pass (a question nobody answers is a refusal).
//
// Used by SshWorker for its own sessions and, through promptsFor(), by sessions that other
// workers own (the runbook engine's).

#include "ssh/SshTypes.h"

#include <QMutex>
#include <QObject>
#include <QWaitCondition>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace socketscope {

class SshPromptRelay : public QObject {
    Q_OBJECT
public:
    using CancelCheck = std::function<bool()>;

    explicit SshPromptRelay(QObject* parent = nullptr);
    ~SshPromptRelay() override;

    // Blocking, on the session's thread — never on the thread that answers. Without a receiver
    // for the matching signal the answer is a refusal at once.
    HostKeyDecision askHostKey(const HostKeyInfo& info, const CancelCheck& cancelled = {});
    std::optional<SecretBytes> askSecret(const SecretRequest& request, const CancelCheck& cancelled = {});

    // From any thread: the answer to the pending question.
    void answerHostKey(socketscope::HostKeyDecision decision);
    void answerSecret(const std::optional<socketscope::SecretBytes>& secret);
    // From any thread: the pending question and every later one are refused at once (the
    // owner is going away).
    void shutdown();
    // From any thread: re-check the cancel condition now rather than within 100 ms.
    void wake();

signals:
    void hostKeyDecisionNeeded(const socketscope::HostKeyInfo& info);
    void secretNeeded(const socketscope::SecretRequest& request);

private:
    bool waitForAnswer(const bool& answered, const CancelCheck& cancelled);

    std::atomic_bool m_shutdown{false};
    QMutex m_mutex; // guards the fields below
    QWaitCondition m_answered;
    bool m_hasHostKeyAnswer = false;
    HostKeyDecision m_hostKeyAnswer = HostKeyDecision::Reject;
    bool m_hasSecretAnswer = false;
    std::optional<SecretBytes> m_secretAnswer;
};

// Prompts for an SshSession that ask through `relay` (kept alive by the prompts).
SshPrompts promptsFor(std::shared_ptr<SshPromptRelay> relay);

} // namespace socketscope
