// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// How a runbook reaches its server: this machine (LocalHost) or SSH (SshRemoteHost). The
// factories run on the engine's worker thread; secrets are captured by value and wiped after use.

#include "core/Result.h"
#include "runbook/RunbookEngine.h"
#include "ssh/SshTypes.h"

namespace socketscope {

// Overwrites and clears a secret held in a QByteArray.
void wipeBytes(QByteArray& secret);

namespace RunbookConnect {
// Acts on this machine through local processes (sudo with the password on stdin when needed).
Result<HostFactory> localFactory(const QByteArray& sudoPassword);
// Connects over SSH as the profile says. `prompts` answer an unknown host key and a missing
// password or passphrase (on the engine's thread); without them an unknown key is refused and
// only the agent or an unencrypted key can log in.
Result<HostFactory> sshFactory(const Profile& profile, const QByteArray& sudoPassword, SshPrompts prompts = {});
// Connects to an explicit SSH target (its known_hosts files, key, timeouts).
HostFactory sshFactory(const SshTarget& target, const QByteArray& sudoPassword, SshPrompts prompts = {});
} // namespace RunbookConnect

} // namespace socketscope
