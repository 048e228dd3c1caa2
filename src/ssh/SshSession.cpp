// SPDX-License-Identifier: GPL-3.0-or-later
// SshSession: connecting, host-key verification and authentication. Commands and streams are in
// SshExec.cpp, files in SshFiles.cpp, the jump-host tunnel in SshJumpTunnel.cpp.
#include "ssh/SshSession.h"

#include "ssh/KnownHosts.h"
#include "ssh/SshJumpTunnel.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>

#include <libssh/libssh.h>
#include <libssh/server.h> // ssh_send_keepalive() is declared there but works for clients
#include <libssh/sftp.h>

#include <csignal>
#include <mutex>

namespace socketscope {

namespace {

// libssh may ask for a key's passphrase through this callback; never read a terminal.
int noPassphrasePrompt(const char*, char*, size_t, int, int, void*) { return -1; }

// Once per process: libssh's global state, and SIGPIPE ignored. libssh writes to sockets the
// server may have closed; the default SIGPIPE action would kill the whole app silently.
void globalInit()
{
    static std::once_flag once;
    std::call_once(once, [] {
        ssh_init();
#ifndef _WIN32
        std::signal(SIGPIPE, SIG_IGN);
#endif
    });
}

} // namespace

void SshSession::ChannelDeleter::operator()(ssh_channel_struct* ch) const
{
    if (!ch)
        return;
    if (ssh_channel_is_open(ch))
        ssh_channel_close(ch);
    ssh_channel_free(ch);
}

SshSession::SshSession(SshTarget target) : m_target(std::move(target)) { globalInit(); }

SshSession::~SshSession() { disconnect(); }

bool SshSession::isConnected() const { return m_session != nullptr && ssh_is_connected(m_session) != 0; }

void SshSession::disconnect()
{
    closeSftp();
    if (m_session) {
        if (ssh_is_connected(m_session))
            ssh_disconnect(m_session);
        ssh_free(m_session);
        m_session = nullptr;
    }
    m_jump.reset();
    m_jumpSession.reset();
}

bool SshSession::cancelled(const std::atomic_bool* extra) const
{
    return (m_cancel && m_cancel->load()) || (extra && extra->load());
}

QString SshSession::sshError() const
{
    return m_session ? QString::fromUtf8(ssh_get_error(m_session)) : QString();
}

QString SshSession::lostMessage(const QString& what) const
{
    const QString detail = sshError();
    return QStringLiteral("The SSH connection to %1 was lost %2%3.")
        .arg(m_target.describe(), what, detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(detail));
}

bool SshSession::sendKeepalive()
{
    if (!isConnected())
        return false;
    // keepalive@openssh.com with want-reply: the server must answer (REQUEST_FAILURE is fine),
    // so silence means a dead path even when TCP has not noticed yet. libssh waits for the
    // answer up to the session timeout and does not report the wait's outcome: time it.
    QElapsedTimer waited;
    waited.start();
    ssh_send_keepalive(m_session);
    if (!isConnected())
        return false;
    return waited.elapsed() < qMax(500, m_target.connectTimeoutMs - 200);
}

Status SshSession::openSession()
{
    disconnect();
    if (m_target.host.isEmpty() || m_target.user.isEmpty())
        return Status::failure(QStringLiteral("No SSH host or user configured."));
    m_session = ssh_new();
    if (!m_session)
        return Status::failure(QStringLiteral("Cannot create an SSH session (out of memory)."));

    const QByteArray host = m_target.host.toUtf8();
    const QByteArray user = m_target.user.toUtf8();
    unsigned int port = unsigned(m_target.port);
    long timeoutSec = qMax(1, (m_target.connectTimeoutMs + 999) / 1000);
    int one = 1;
    bool processConfig = false; // deterministic: ~/.ssh/config must not weaken our checks
    const QStringList files = KnownHosts::filesFor(m_target);
    const QByteArray appFile = files.value(0).toUtf8();
    const QByteArray userFile = files.value(1).toUtf8();
    ssh_options_set(m_session, SSH_OPTIONS_HOST, host.constData());
    ssh_options_set(m_session, SSH_OPTIONS_PORT, &port);
    ssh_options_set(m_session, SSH_OPTIONS_USER, user.constData());
    ssh_options_set(m_session, SSH_OPTIONS_TIMEOUT, &timeoutSec);
    ssh_options_set(m_session, SSH_OPTIONS_NODELAY, &one);
    ssh_options_set(m_session, SSH_OPTIONS_PROCESS_CONFIG, &processConfig);
    ssh_options_set(m_session, SSH_OPTIONS_STRICTHOSTKEYCHECK, &one);
    // The host key is verified by KnownHosts::check() over all files; libssh reads these two so
    // that key exchange prefers the key types already recorded for the host (as OpenSSH does).
    ssh_options_set(m_session, SSH_OPTIONS_KNOWNHOSTS, appFile.constData());
    ssh_options_set(m_session, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, userFile.constData());
    if (!m_target.agentSocket.isEmpty()) {
        const QByteArray agent = m_target.agentSocket.toUtf8();
        ssh_options_set(m_session, SSH_OPTIONS_IDENTITY_AGENT, agent.constData());
    }

    if (!m_target.jumpHost.isEmpty()) {
        Status tunnel = SshJumpTunnel::open(*this, m_jumpSession, m_jump);
        if (!tunnel)
            return tunnel;
        int fd = m_jump->clientFd();
        ssh_options_set(m_session, SSH_OPTIONS_FD, &fd);
    }

    if (cancelled())
        return Status::failure(QStringLiteral("Cancelled."));
    if (ssh_connect(m_session) != SSH_OK) {
        const QString err = sshError();
        disconnect();
        return Status::failure(QStringLiteral("Cannot connect to %1: %2").arg(m_target.describe(), err));
    }
    return Status::success();
}

Result<HostKeyInfo> SshSession::fetchHostKey()
{
    if (Status s = openSession(); !s)
        return Result<HostKeyInfo>::failure(s.error());
    ssh_key key = nullptr;
    if (ssh_get_server_publickey(m_session, &key) != SSH_OK || !key)
        return Result<HostKeyInfo>::failure(QStringLiteral("%1 sent no host key.").arg(m_target.describe()));
    char* b64 = nullptr;
    const int rc = ssh_pki_export_pubkey_base64(key, &b64);
    const QString type = QString::fromLatin1(ssh_key_type_to_char(ssh_key_type(key)));
    ssh_key_free(key);
    if (rc != SSH_OK || !b64)
        return Result<HostKeyInfo>::failure(QStringLiteral("Cannot read the host key of %1.").arg(m_target.describe()));
    const QByteArray blob(b64);
    ssh_string_free_char(b64);
    m_hostKey = KnownHosts::check(m_target.knownHostsName(), type, blob, KnownHosts::filesFor(m_target));
    return m_hostKey;
}

Status SshSession::verifyHostKey()
{
    Result<HostKeyInfo> info = fetchHostKey();
    if (!info)
        return Status::failure(info.error());
    switch (info->status) {
    case HostKeyInfo::Status::Known:
        return Status::success();
    case HostKeyInfo::Status::Changed:
    case HostKeyInfo::Status::Revoked:
        disconnect();
        return Status::failure(m_hostKey.changedKeyMessage());
    case HostKeyInfo::Status::Unknown:
        break;
    }
    const QString unknown = QStringLiteral("The host key of %1 is not known (%2 %3).")
                                .arg(m_hostKey.host, m_hostKey.keyType, m_hostKey.fingerprint);
    const HostKeyDecision decision = m_prompts.hostKey ? m_prompts.hostKey(m_hostKey) : HostKeyDecision::Reject;
    if (decision == HostKeyDecision::Reject || cancelled()) {
        disconnect();
        return Status::failure(unknown + QStringLiteral(" It was not accepted, so SocketScope did not connect. To trust it, "
                                                        "verify the fingerprint with the server's administrator, then accept "
                                                        "it in the app or run the CLI with --accept-new-host-key."));
    }
    if (decision == HostKeyDecision::AcceptAndRemember) {
        if (Status s = KnownHosts::append(m_hostKey.appKnownHostsFile, m_hostKey.knownHostsLine); !s) {
            disconnect();
            return s;
        }
        m_hostKey.status = HostKeyInfo::Status::Known;
        m_hostKey.knownIn = m_hostKey.appKnownHostsFile;
    }
    return Status::success();
}

Status SshSession::connect()
{
    if (Status s = verifyHostKey(); !s)
        return s;
    if (cancelled()) {
        disconnect();
        return Status::failure(QStringLiteral("Cancelled."));
    }
    if (Status s = authenticate(); !s) {
        disconnect();
        return s;
    }
    return Status::success();
}

std::optional<SecretBytes> SshSession::secret(SecretRequest::Kind kind, const QString& prompt, bool retry)
{
    std::optional<SecretBytes>* cached = nullptr;
    switch (kind) {
    case SecretRequest::Kind::Password: cached = &m_credentials.password; break;
    case SecretRequest::Kind::KeyPassphrase: cached = &m_credentials.keyPassphrase; break;
    case SecretRequest::Kind::SudoPassword: cached = &m_credentials.sudoPassword; break;
    case SecretRequest::Kind::KeyboardInteractive: break;
    }
    if (cached && cached->has_value() && !retry)
        return *cached;
    if (!m_prompts.secret || cancelled())
        return std::nullopt;
    SecretRequest req;
    req.kind = kind;
    req.target = m_target.describe();
    req.prompt = prompt;
    req.retry = retry;
    std::optional<SecretBytes> answer = m_prompts.secret(req);
    if (answer && cached)
        *cached = answer;
    return answer;
}

std::optional<SecretBytes> SshSession::sudoPassword(bool retry)
{
    // Without a separate sudo password, sudo asks for the login password (the usual setup).
    if (!retry && !m_credentials.sudoPassword && m_credentials.password)
        return m_credentials.password;
    return secret(SecretRequest::Kind::SudoPassword, QStringLiteral("sudo password for %1").arg(m_target.describe()), retry);
}

Status SshSession::authenticate()
{
    int rc = ssh_userauth_none(m_session, nullptr);
    if (rc == SSH_AUTH_SUCCESS)
        return Status::success();
    if (rc == SSH_AUTH_ERROR)
        return Status::failure(lostMessage(QStringLiteral("during authentication")));
    const int methods = ssh_userauth_list(m_session, nullptr);
    const auto passwordLike = [&]() -> Status {
        if (methods & SSH_AUTH_METHOD_PASSWORD)
            return authPassword();
        if (methods & SSH_AUTH_METHOD_INTERACTIVE)
            return authKeyboardInteractive();
        return Status::failure(QStringLiteral("%1 does not accept passwords (it offers: publickey only).").arg(m_target.describe()));
    };
    switch (m_target.auth) {
    case SshTarget::Auth::Agent: return authAgent();
    case SshTarget::Auth::KeyFile: return authKeyFile(m_target.keyFile);
    case SshTarget::Auth::Password: return passwordLike();
    case SshTarget::Auth::KeyboardInteractive: return authKeyboardInteractive();
    case SshTarget::Auth::Auto: break;
    }
    QStringList tried;
    if ((methods & SSH_AUTH_METHOD_PUBLICKEY)
        && (!m_target.agentSocket.isEmpty() || !qEnvironmentVariableIsEmpty("SSH_AUTH_SOCK"))) {
        Status s = authAgent();
        if (s)
            return s;
        tried << s.error();
    }
    if ((methods & SSH_AUTH_METHOD_PUBLICKEY) && !m_target.keyFile.isEmpty()) {
        Status s = authKeyFile(m_target.keyFile);
        if (s)
            return s;
        tried << s.error();
    }
    if ((methods & (SSH_AUTH_METHOD_PASSWORD | SSH_AUTH_METHOD_INTERACTIVE)) && (m_credentials.password || m_prompts.secret)) {
        Status s = passwordLike();
        if (s)
            return s;
        tried << s.error();
    }
    if (tried.isEmpty())
        return Status::failure(QStringLiteral("No way to log in to %1: no agent, no key file and no password.").arg(m_target.describe()));
    return Status::failure(tried.join(QLatin1Char(' ')));
}

Status SshSession::authAgent()
{
    const int rc = ssh_userauth_agent(m_session, nullptr);
    if (rc == SSH_AUTH_SUCCESS)
        return Status::success();
    if (rc == SSH_AUTH_ERROR && !isConnected())
        return Status::failure(lostMessage(QStringLiteral("during authentication")));
    return Status::failure(QStringLiteral("The ssh-agent has no key that %1 accepts%2.")
                               .arg(m_target.describe(), rc == SSH_AUTH_ERROR ? QStringLiteral(" (agent not reachable?)") : QString()));
}

Status SshSession::authKeyFile(const QString& path)
{
    if (path.isEmpty())
        return Status::failure(QStringLiteral("No key file configured for %1.").arg(m_target.describe()));
    if (!QFile(path).open(QIODevice::ReadOnly))
        return Status::failure(QStringLiteral("Cannot read the key file %1.").arg(path));
    const QByteArray file = QFile::encodeName(path);
    ssh_key key = nullptr;
    int rc = SSH_ERROR;
    if (!m_credentials.keyPassphrase)
        rc = ssh_pki_import_privkey_file(file.constData(), nullptr, &noPassphrasePrompt, nullptr, &key);
    // Failing without a passphrase: the key is encrypted (or unreadable); ask, up to 3 times.
    for (int attempt = 0; rc != SSH_OK && attempt < 3; ++attempt) {
        std::optional<SecretBytes> pass = secret(SecretRequest::Kind::KeyPassphrase,
                                                 QStringLiteral("Passphrase for the key %1").arg(path), attempt > 0);
        if (!pass)
            return Status::failure(attempt == 0 ? QStringLiteral("The key %1 needs a passphrase and none was given.").arg(path)
                                                : QStringLiteral("Wrong passphrase for the key %1.").arg(path));
        const SecretBytes p = pass->withSuffix('\0');
        rc = ssh_pki_import_privkey_file(file.constData(), p.constData(), &noPassphrasePrompt, nullptr, &key);
        if (rc != SSH_OK && !m_prompts.secret)
            return Status::failure(QStringLiteral("Wrong passphrase for the key %1 (or not an OpenSSH private key).").arg(path));
    }
    if (rc != SSH_OK)
        return Status::failure(QStringLiteral("Wrong passphrase for the key %1.").arg(path));
    rc = ssh_userauth_publickey(m_session, nullptr, key);
    ssh_key_free(key);
    if (rc == SSH_AUTH_SUCCESS)
        return Status::success();
    if (rc == SSH_AUTH_ERROR && !isConnected())
        return Status::failure(lostMessage(QStringLiteral("during authentication")));
    return Status::failure(QStringLiteral("%1 refused the key %2 (is it in ~/.ssh/authorized_keys?).").arg(m_target.describe(), path));
}

Status SshSession::authPassword()
{
    for (int attempt = 0; attempt < 3; ++attempt) {
        std::optional<SecretBytes> pw = secret(SecretRequest::Kind::Password,
                                               QStringLiteral("Password for %1").arg(m_target.describe()), attempt > 0);
        if (!pw)
            return Status::failure(attempt == 0 ? QStringLiteral("%1 needs a password and none was given.").arg(m_target.describe())
                                                : QStringLiteral("Permission denied: wrong password for %1.").arg(m_target.describe()));
        const SecretBytes p = pw->withSuffix('\0');
        const int rc = ssh_userauth_password(m_session, nullptr, p.constData());
        if (rc == SSH_AUTH_SUCCESS)
            return Status::success();
        if (rc == SSH_AUTH_ERROR)
            return Status::failure(lostMessage(QStringLiteral("during authentication")));
        m_credentials.password.reset();
        if (!m_prompts.secret)
            break;
    }
    return Status::failure(QStringLiteral("Permission denied: wrong password for %1.").arg(m_target.describe()));
}

Status SshSession::authKeyboardInteractive()
{
    static const QRegularExpression passwordPrompt(QStringLiteral("pass(word|phrase|code)"), QRegularExpression::CaseInsensitiveOption);
    bool usedPassword = false;
    for (int attempt = 0; attempt < 3; ++attempt) {
        int rc = ssh_userauth_kbdint(m_session, nullptr, nullptr);
        for (int rounds = 0; rc == SSH_AUTH_INFO && rounds < 16; ++rounds) {
            const int n = ssh_userauth_kbdint_getnprompts(m_session);
            for (int i = 0; i < n; ++i) {
                char echo = 0;
                const QString prompt = QString::fromUtf8(ssh_userauth_kbdint_getprompt(m_session, unsigned(i), &echo)).trimmed();
                std::optional<SecretBytes> answer;
                if (!echo && (passwordPrompt.match(prompt).hasMatch() || n == 1)) {
                    answer = secret(SecretRequest::Kind::Password, QStringLiteral("Password for %1").arg(m_target.describe()), attempt > 0);
                    usedPassword = true;
                } else {
                    answer = secret(SecretRequest::Kind::KeyboardInteractive, prompt, false);
                }
                if (!answer)
                    return Status::failure(QStringLiteral("%1 asked \"%2\" and no answer was given.").arg(m_target.describe(), prompt));
                const SecretBytes a = answer->withSuffix('\0');
                ssh_userauth_kbdint_setanswer(m_session, unsigned(i), a.constData());
            }
            rc = ssh_userauth_kbdint(m_session, nullptr, nullptr);
        }
        if (rc == SSH_AUTH_SUCCESS)
            return Status::success();
        if (rc == SSH_AUTH_ERROR)
            return Status::failure(lostMessage(QStringLiteral("during authentication")));
        if (usedPassword)
            m_credentials.password.reset();
        if (!m_prompts.secret)
            break;
    }
    return Status::failure(QStringLiteral("Permission denied: wrong password for %1 (keyboard-interactive).").arg(m_target.describe()));
}

} // namespace socketscope
