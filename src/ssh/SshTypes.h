// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Plain data shared by the SSH session, its worker, the CLI and the dialogs.

#include "core/SecretBytes.h"
#include "profiles/Profile.h"

#include <QByteArray>
#include <QMetaType>
#include <QString>

#include <atomic>
#include <functional>
#include <optional>

namespace socketscope {

// Where and how to reach one SSH server.
struct SshTarget {
    enum class Auth {
        Auto,                 // agent, then the key file (when set), then password / keyboard-interactive
        Agent,
        KeyFile,
        Password,             // password, or keyboard-interactive answered with the password
        KeyboardInteractive,
    };
    QString host;
    int port = 22;
    QString user;
    Auth auth = Auth::Auto;
    QString keyFile;            // private key (OpenSSH format); passphrase asked or preloaded
    QString agentSocket;        // empty: $SSH_AUTH_SOCK
    QString jumpHost;           // optional "user@host:port" (OpenSSH ProxyJump syntax)
    QString appKnownHostsFile;  // the app's own known_hosts; empty: AppPaths::configDir()/known_hosts
    QString userKnownHostsFile; // the user's OpenSSH file; empty: ~/.ssh/known_hosts
    int connectTimeoutMs = 15000;
    bool sudoNoPassword = false; // NOPASSWD sudo: run `sudo -n`, never send a password

    // "user@host:port" for messages and logs.
    QString describe() const;
    // The name looked up in known_hosts, as ssh(1) does: lower case, "host" for port 22,
    // "[host]:port" otherwise (KnownHosts::lookupName).
    QString knownHostsName() const;
    // The target for a profile's SSH access (auth method, key file, jump host).
    static SshTarget fromProfile(const SshAccess& access);
    // Parses "user@host:port" (user and port optional) into a target; nullopt when malformed.
    static std::optional<SshTarget> parseJump(const QString& spec, const QString& defaultUser);
};

// What the known_hosts files say about the key a server presented.
struct HostKeyInfo {
    enum class Status {
        Known,    // matches an entry (app file, user file or /etc/ssh/ssh_known_hosts)
        Unknown,  // no entry for this host: ask the user
        Changed,  // entries exist for this host but none matches: refuse (possible attack)
        Revoked,  // marked @revoked: refuse
    };
    QString host;             // as written in known_hosts: "[127.0.0.1]:2222" or "example.org"
    QString keyType;          // "ssh-ed25519", "ecdsa-sha2-nistp256", "ssh-rsa", ...
    QString fingerprint;      // OpenSSH format "SHA256:base64" (no padding)
    Status status = Status::Unknown;
    QString knownIn;          // file:line of the matching (Known) or conflicting (Changed) entry
    QString oldKeyType;       // Changed: the recorded key's type
    QString oldFingerprint;   // Changed: the recorded key's fingerprint
    QString appKnownHostsFile;// where an accepted key is written
    QByteArray knownHostsLine;// the line that would be appended for this key

    // The refusal for a changed key, naming both fingerprints and how to remove the old entry.
    QString changedKeyMessage() const;
    static QString statusName(Status s);
};

enum class HostKeyDecision { Reject, AcceptOnce, AcceptAndRemember };

// A secret the session needs from its user (the GUI asks; the CLI reads stdin).
struct SecretRequest {
    enum class Kind { Password, KeyPassphrase, SudoPassword, KeyboardInteractive };
    // Which session asks: the profile's own server, or a jump host on the way to it. A jump
    // host's request must never be answered with the target's secrets (keychain entries,
    // --password-stdin): each hop authenticates with its own credentials only.
    enum class Hop { Target, JumpHost };
    Kind kind = Kind::Password;
    Hop hop = Hop::Target;
    QString target;           // "user@host:port" of the session that asks
    QString prompt;           // what to show, e.g. "Password for ops@db:22" or the server's prompt
    bool retry = false;       // the previous answer was wrong
};

// Secrets known before connecting (keychain, --password-stdin), for one server only: a jump
// host's session never gets them. Each secret is a SecretBytes: copies are deep, and every
// copy is wiped when replaced or destroyed.
struct SshCredentials {
    std::optional<SecretBytes> password;
    std::optional<SecretBytes> keyPassphrase;
    std::optional<SecretBytes> sudoPassword;
};

// Callbacks the blocking session calls on its own thread when it needs a decision or a secret.
struct SshPrompts {
    // Unset: unknown host keys are refused.
    std::function<HostKeyDecision(const HostKeyInfo&)> hostKey;
    // Unset or nullopt: the secret is not available and the step fails.
    std::function<std::optional<SecretBytes>(const SecretRequest&)> secret;
};

// POSIX shell single-quoting: 'it'\''s'.
QString shellQuote(const QString& s);

} // namespace socketscope

Q_DECLARE_METATYPE(socketscope::HostKeyInfo)
Q_DECLARE_METATYPE(socketscope::SecretRequest)
Q_DECLARE_METATYPE(socketscope::HostKeyDecision)
