// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ssh/SshTypes.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace socketscope::cli {

// Asks for a secret on the controlling terminal with echo switched off ("PROMPT: "); the answer
// never passes through argv or the environment. nullopt when there is no terminal (scripts use
// --password-stdin / --sudo-password-stdin instead).
std::optional<SecretBytes> promptHidden(const QString& prompt);

// Like `ssh`: an unknown host key only when acceptNewHostKey (--accept-new-host-key; a changed one
// never); a missing login password, passphrase or sudo password asked on the terminal, hidden.
SshPrompts terminalSshPrompts(bool acceptNewHostKey);

struct CliContext;
// --password-stdin / --sudo-password-stdin: the login password on the first line of stdin, the
// sudo password on the next (or the only line when just the sudo one is asked). Only the line
// end is removed; the lines read are wiped.
SshCredentials sshCredentialsFromStdin(CliContext& ctx, bool loginPassword, bool sudoPassword);

} // namespace socketscope::cli
