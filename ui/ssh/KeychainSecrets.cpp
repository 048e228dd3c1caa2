// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/KeychainSecrets.h"

namespace socketscope {

std::optional<SecretKind> keychainKindFor(const SecretRequest& request)
{
    // The keychain holds the profile's own server's secrets: a jump host never gets them.
    if (request.hop == SecretRequest::Hop::JumpHost)
        return std::nullopt;
    switch (request.kind) {
    case SecretRequest::Kind::Password: return SecretKind::SshPassword;
    case SecretRequest::Kind::KeyPassphrase: return SecretKind::KeyPassphrase;
    case SecretRequest::Kind::SudoPassword: return SecretKind::SudoPassword;
    case SecretRequest::Kind::KeyboardInteractive: return std::nullopt;
    }
    return std::nullopt;
}

} // namespace socketscope
