// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// How a runbook reaches its server: this machine (LocalHost) or SSH (SshRemoteHost). The
// factories run on the engine's worker thread; secrets are captured by value and wiped after use.

#include "core/Result.h"
#include "core/SecretBytes.h"
#include "runbook/RunbookEngine.h"
#include "ssh/SshTypes.h"

namespace socketscope {

namespace RunbookConnect {
// Acts on this machine through local processes: sudo with the password on sudo's stdin when sudo
// asks for it; `sudo -n` when the profile says its user needs no password for sudo
// (ssh.sudoWithoutPassword) or no password is given.
Result<HostFactory> localFactory(const Profile& profile, const SecretBytes& sudoPassword);
// Connects over SSH as the profile says. `prompts` answer an unknown host key and a missing
// password or passphrase (on the engine's thread); without them an unknown key is refused and
// only the agent or an unencrypted key can log in.
Result<HostFactory> sshFactory(const Profile& profile, const SecretBytes& sudoPassword, SshPrompts prompts = {});
// Connects to an explicit SSH target (its known_hosts files, key, timeouts).
HostFactory sshFactory(const SshTarget& target, const SecretBytes& sudoPassword, SshPrompts prompts = {});
} // namespace RunbookConnect

} // namespace socketscope
