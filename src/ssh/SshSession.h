// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// One blocking SSH connection over libssh. NOT thread-safe and blocking: use it only on a
// worker thread (SshWorker owns one per thread). Host keys are always verified (strict);
// secrets come from SshCredentials or the SshPrompts callbacks and are never logged.

#include "core/Result.h"
#include "remote/RemoteHost.h"
#include "ssh/SshTypes.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

struct ssh_session_struct;
struct ssh_channel_struct;
struct sftp_session_struct;

namespace socketscope {

class SshJumpTunnel;

// Options of one transfer: progress (bytes done, total; total -1 when unknown) and cancel flag.
struct TransferOptions {
    std::function<void(qint64 done, qint64 total)> progress;
    const std::atomic_bool* cancel = nullptr;
    int maxInFlight = 16;      // SFTP read requests kept in flight
};

// A long-running command whose output is streamed (tail -F): chunks as they arrive.
struct StreamOptions {
    bool sudo = false;
    const std::atomic_bool* stop = nullptr; // set to stop: the remote command gets SIGTERM
    std::function<void(const QByteArray& chunk, bool isStderr)> onChunk;
    int coalesceMs = 20;       // deliver at most one chunk per stream every coalesceMs
};

class SshSession {
public:
    explicit SshSession(SshTarget target);
    ~SshSession();
    SshSession(const SshSession&) = delete;
    SshSession& operator=(const SshSession&) = delete;

    const SshTarget& target() const { return m_target; }
    // Callbacks for host-key decisions and secrets (called on this session's thread).
    void setPrompts(SshPrompts prompts) { m_prompts = std::move(prompts); }
    // Secrets known in advance (keychain, --password-stdin); copied, wiped on destruction.
    void setCredentials(const SshCredentials& credentials) { m_credentials = credentials; }
    // A flag checked between steps of connect() and by every long operation.
    void setCancelFlag(const std::atomic_bool* cancel) { m_cancel = cancel; }

    // Connects (via the jump host when set), verifies the host key, authenticates.
    Status connect();
    // Connects and verifies nothing: returns the server's key and its known_hosts status.
    Result<HostKeyInfo> fetchHostKey();
    bool isConnected() const;
    void disconnect();
    // The key presented at the last connect.
    const HostKeyInfo& hostKey() const { return m_hostKey; }
    // Sends keepalive@openssh.com and waits for the answer (up to connectTimeoutMs); false when
    // the connection is dead or the server did not answer in time.
    bool sendKeepalive();

    // Runs a shell command (see RemoteHost::run). stdout/stderr apart, exit status after EOF.
    // A transport failure (connection lost) is an error; a non-zero exit status is not.
    Result<CommandResult> run(const QString& command, const CommandOptions& options = {});
    // Runs a command until it ends or options.stop is set (then SIGTERM); output streamed.
    Status stream(const QString& command, const StreamOptions& options);
    // `tail -n LINES -F PATH`, streamed until options.stop (the log viewer's remote follow).
    Status follow(const QString& path, int lines, const StreamOptions& options);

    // SFTP: whole-file read with several 32 KiB requests in flight.
    Result<QByteArray> sftpRead(const QString& path, const TransferOptions& options = {});
    // SFTP: writes `data` to `path` (created with `mode` when new) in 32 KiB requests; fsync when
    // the server supports it.
    Status sftpWrite(const QString& path, const QByteArray& data, quint32 mode = 0644, const TransferOptions& options = {});
    // Reads through an exec channel (`cat`), for large files or sudo.
    Result<QByteArray> execRead(const QString& path, bool sudo, const TransferOptions& options = {});

    // RemoteHost operations (SshRemoteHost forwards to these).
    // readFile: SFTP below 8 MiB, an exec channel (`cat`) above or with sudo.
    Result<QByteArray> readFile(const QString& path, bool sudo = false, const TransferOptions& options = {});
    Status writeFileAtomic(const QString& path, const QByteArray& data, bool sudo = false,
                           const TransferOptions& options = {});
    Result<FileInfo> stat(const QString& path, bool sudo = false);

private:
    friend class SshJumpTunnel;
    struct ChannelDeleter { void operator()(ssh_channel_struct* ch) const; };
    using Channel = std::unique_ptr<ssh_channel_struct, ChannelDeleter>;

    Status openSession();
    Status verifyHostKey();
    Status authenticate();
    Status authAgent();
    Status authKeyFile(const QString& path);
    Status authPassword();
    Status authKeyboardInteractive();
    std::optional<SecretBytes> secret(SecretRequest::Kind kind, const QString& prompt, bool retry);
    std::optional<SecretBytes> sudoPassword(bool retry);
    bool cancelled(const std::atomic_bool* extra = nullptr) const;
    QString sshError() const;
    QString lostMessage(const QString& what) const;

    // Opens an exec channel for `command` (wrapped for sudo) and, for sudo, sends the password
    // and waits until sudo accepted it. Leftover stdout/stderr seen meanwhile go to *early*.
    Result<Channel> execChannel(const QString& command, bool sudo, int timeoutMs, const std::atomic_bool* cancel,
                                QByteArray* earlyStdout, QByteArray* earlyStderr);
    Status ensureSftp();
    void closeSftp();

    SshTarget m_target;
    SshPrompts m_prompts;
    SshCredentials m_credentials;
    const std::atomic_bool* m_cancel = nullptr;
    ssh_session_struct* m_session = nullptr;
    sftp_session_struct* m_sftp = nullptr;
    HostKeyInfo m_hostKey;
    std::unique_ptr<SshJumpTunnel> m_jump;
    std::unique_ptr<SshSession> m_jumpSession;
};

} // namespace socketscope
