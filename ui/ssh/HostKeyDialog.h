// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The host-key decision (a modal decision, opened with open(), never exec()):
// an unknown key can be accepted once, accepted and remembered, or rejected; a changed or
// revoked key can only be refused, with the old and new fingerprints and how to remove the
// old entry once the change is confirmed.

#include "ssh/SshTypes.h"

#include <QDialog>

class QPushButton;

namespace socketscope {

class SshPromptRelay;
class SshWorker;

class HostKeyDialog : public QDialog {
    Q_OBJECT
public:
    explicit HostKeyDialog(const HostKeyInfo& info, QWidget* parent = nullptr);
    // The user's answer (Reject until a button said otherwise).
    HostKeyDecision decision() const { return m_decision; }
    const HostKeyInfo& info() const { return m_info; }
    // Opens a window-modal dialog for a worker's hostKeyDecisionNeeded and answers the worker
    // when it closes (a closed window counts as Reject).
    static HostKeyDialog* askFor(SshWorker* worker, const HostKeyInfo& info, QWidget* parent);
    // The same for a relay's hostKeyDecisionNeeded (sessions that a runbook owns).
    static HostKeyDialog* askFor(SshPromptRelay* relay, const HostKeyInfo& info, QWidget* parent);

private:
    template <typename Asker>
    static HostKeyDialog* openFor(Asker* asker, const HostKeyInfo& info, QWidget* parent);
    void choose(HostKeyDecision decision);
    HostKeyInfo m_info;
    HostKeyDecision m_decision = HostKeyDecision::Reject;
};

} // namespace socketscope
