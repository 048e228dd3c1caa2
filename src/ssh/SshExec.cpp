// SPDX-License-Identifier: GPL-3.0-or-later
// SshSession: commands over exec channels, sudo with the password on stdin, streamed output.
#include "ssh/SshSession.h"

#include "core/SecretBytes.h"
#include "remote/SudoHandshake.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>

#include <libssh/libssh.h>

namespace socketscope {

namespace {

constexpr int kSlice = 50;          // ms: the longest we wait on one stream before looking at the other
constexpr int kBufSize = 64 * 1024;

// Writes everything (blocking within the channel window); false when the channel failed.
bool writeAll(ssh_channel ch, QByteArrayView data)
{
    for (qsizetype off = 0; off < data.size();) {
        const uint32_t len = uint32_t(qMin<qsizetype>(data.size() - off, 32 * 1024));
        const int n = ssh_channel_write(ch, data.constData() + off, len);
        if (n <= 0)
            return false;
        off += n;
    }
    return true;
}

// Reads what is available on one stream without waiting more than waitMs.
// Returns bytes read (>0), 0 when nothing, SSH_EOF at end, SSH_ERROR on a broken connection.
int readSome(ssh_channel ch, QByteArray& buf, int isStderr, int waitMs)
{
    const int avail = waitMs > 0 ? ssh_channel_poll_timeout(ch, waitMs, isStderr) : ssh_channel_poll(ch, isStderr);
    if (avail == SSH_ERROR || avail == SSH_EOF)
        return avail;
    if (avail <= 0)
        return 0;
    buf.resize(kBufSize);
    const int n = ssh_channel_read_nonblocking(ch, buf.data(), uint32_t(qMin(avail, kBufSize)), isStderr);
    if (n < 0)
        return SSH_ERROR;
    buf.resize(n);
    return n;
}

} // namespace

Result<SshSession::Channel> SshSession::execChannel(const QString& command, bool sudo, int timeoutMs,
                                                     const std::atomic_bool* cancel, QByteArray* earlyStdout,
                                                     QByteArray* earlyStderr)
{
    using R = Result<Channel>;
    if (!isConnected()) {
        if (Status s = connect(); !s)
            return R::failure(s.error());
    }
    Channel ch(ssh_channel_new(m_session));
    if (!ch || ssh_channel_open_session(ch.get()) != SSH_OK) {
        const QString err = lostMessage(QStringLiteral("while opening a channel"));
        if (!isConnected()) {
            ch.reset(); // libssh frees channels with the session
            disconnect();
        }
        return R::failure(err);
    }
    // The sudo conversation (SudoHandshake): a unique prompt tells when sudo really asks (a
    // NOPASSWD rule does not, and a password sent blindly would become the command's stdin);
    // the elevated shell's marker tells that the command runs, before any of its stdin is sent.
    SudoHandshake handshake(m_target.sudoNoPassword ? SudoHandshake::Mode::NoPassword : SudoHandshake::Mode::Password);
    const QString line = sudo ? handshake.shellLine(command) : command;
    const QByteArray utf8 = line.toUtf8();
    if (ssh_channel_request_exec(ch.get(), utf8.constData()) != SSH_OK)
        return R::failure(lostMessage(QStringLiteral("while starting a command")));
    if (!sudo)
        return R(std::move(ch));

    const auto wrongPassword = [&] {
        // Forget the wrong password so the next attempt asks again.
        m_credentials.sudoPassword.reset();
        ssh_channel_send_eof(ch.get());
        return R::failure(QStringLiteral("sudo: incorrect password for %1 on %2.").arg(m_target.user, m_target.host));
    };
    QByteArray out, err; // this round's chunks
    QDeadlineTimer deadline(qMin(timeoutMs, 60000));
    for (;;) {
        if (cancelled(cancel))
            return R::failure(QStringLiteral("Cancelled."));
        const int o = readSome(ch.get(), out, 0, kSlice);
        const int e = readSome(ch.get(), err, 1, 0);
        if (o == SSH_ERROR || e == SSH_ERROR)
            return R::failure(lostMessage(QStringLiteral("while waiting for sudo")));
        switch (handshake.feed(o > 0 ? out : QByteArray(), e > 0 ? err : QByteArray())) {
        case SudoHandshake::Next::Wait:
            break;
        case SudoHandshake::Next::SendPassword: {
            const std::optional<SecretBytes> pw = sudoPassword(false);
            if (!pw) {
                ssh_channel_send_eof(ch.get());
                return R::failure(QStringLiteral("sudo needs the password of %1 and none was given.").arg(m_target.user));
            }
            const SecretBytes passwordLine = pw->withSuffix('\n');
            if (!writeAll(ch.get(), passwordLine.view()))
                return R::failure(lostMessage(QStringLiteral("while sending the sudo password")));
            deadline = QDeadlineTimer(qMin(timeoutMs, 60000)); // PAM may take seconds to answer
            break;
        }
        case SudoHandshake::Next::WrongPassword:
            return wrongPassword();
        case SudoHandshake::Next::Ready:
            if (earlyStdout)
                *earlyStdout = handshake.earlyStdout();
            if (earlyStderr)
                *earlyStderr = handshake.earlyStderr();
            return R(std::move(ch));
        }
        if (o == SSH_EOF && e == SSH_EOF)
            return R::failure(QStringLiteral("sudo refused to run the command on %1: %2").arg(m_target.host, handshake.refusal()));
        if (deadline.hasExpired())
            return R::failure(QStringLiteral("sudo on %1 did not answer in time.").arg(m_target.host));
    }
}

Result<CommandResult> SshSession::run(const QString& command, const CommandOptions& options)
{
    using R = Result<CommandResult>;
    CommandResult result;
    Result<Channel> opened = execChannel(command, options.sudo, options.timeoutMs, options.cancel, &result.stdOut, &result.stdErr);
    if (!opened)
        return R::failure(opened.error());
    Channel ch = std::move(opened.value());
    if (options.onOutput) {
        if (!result.stdOut.isEmpty())
            options.onOutput(result.stdOut, false);
        if (!result.stdErr.isEmpty())
            options.onOutput(result.stdErr, true);
    }
    if (!options.stdinData.isEmpty() && !writeAll(ch.get(), options.stdinData))
        return R::failure(lostMessage(QStringLiteral("while sending the command's input")));
    ssh_channel_send_eof(ch.get());

    QDeadlineTimer deadline(options.timeoutMs);
    QByteArray buf;
    for (;;) {
        if (cancelled(options.cancel)) {
            ssh_channel_request_send_signal(ch.get(), "TERM");
            return R::failure(QStringLiteral("Cancelled."));
        }
        if (deadline.hasExpired()) {
            ssh_channel_request_send_signal(ch.get(), "KILL");
            result.timedOut = true;
            result.exitStatus = -1;
            return result;
        }
        const int wait = int(qBound<qint64>(1, deadline.remainingTime(), qint64(kSlice)));
        const int o = readSome(ch.get(), buf, 0, wait);
        if (o > 0) {
            result.stdOut += buf;
            if (options.onOutput)
                options.onOutput(buf, false);
        }
        const int e = readSome(ch.get(), buf, 1, 0);
        if (e > 0) {
            result.stdErr += buf;
            if (options.onOutput)
                options.onOutput(buf, true);
        }
        if (o == SSH_ERROR || e == SSH_ERROR || !isConnected()) {
            const QString msg = lostMessage(QStringLiteral("while running the command"));
            ch.reset(); // libssh frees channels with the session
            disconnect();
            return R::failure(msg);
        }
        if (o == SSH_EOF && e == SSH_EOF)
            break;
    }
    // After EOF the exit status follows at once (get_exit_status would otherwise block).
    result.exitStatus = ssh_channel_get_exit_status(ch.get());
    return result;
}

Status SshSession::stream(const QString& command, const StreamOptions& options)
{
    QByteArray pendingOut, pendingErr;
    Result<Channel> opened = execChannel(command, options.sudo, 60000, options.stop, &pendingOut, &pendingErr);
    if (!opened)
        return Status::failure(opened.error());
    Channel ch = std::move(opened.value());
    ssh_channel_send_eof(ch.get());

    QElapsedTimer sinceFlush;
    sinceFlush.start();
    const auto flush = [&] {
        if (options.onChunk) {
            if (!pendingOut.isEmpty())
                options.onChunk(pendingOut, false);
            if (!pendingErr.isEmpty())
                options.onChunk(pendingErr, true);
        }
        pendingOut.clear();
        pendingErr.clear();
        sinceFlush.restart();
    };
    QByteArray buf;
    for (;;) {
        if (cancelled(options.stop)) {
            flush();
            // The command (tail -F) never ends by itself: stop it like Ctrl-C would.
            ssh_channel_request_send_signal(ch.get(), "TERM");
            return Status::success();
        }
        const int o = readSome(ch.get(), buf, 0, qMax(1, qMin(kSlice, options.coalesceMs)));
        if (o > 0)
            pendingOut += buf;
        const int e = readSome(ch.get(), buf, 1, 0);
        if (e > 0)
            pendingErr += buf;
        if (sinceFlush.elapsed() >= options.coalesceMs || pendingOut.size() > 256 * 1024)
            flush();
        if (o == SSH_ERROR || e == SSH_ERROR || !isConnected()) {
            flush();
            const QString msg = lostMessage(QStringLiteral("while following the output"));
            ch.reset();
            disconnect();
            return Status::failure(msg);
        }
        if (o == SSH_EOF && e == SSH_EOF)
            break;
    }
    flush();
    const int status = ssh_channel_get_exit_status(ch.get());
    if (status != 0)
        return Status::failure(QStringLiteral("The remote command ended with exit status %1.").arg(status));
    return Status::success();
}

Status SshSession::follow(const QString& path, int lines, const StreamOptions& options)
{
    // exec: the shell is replaced by tail, so the TERM signal reaches tail itself.
    const QString command = QStringLiteral("exec tail -n %1 -F -- %2").arg(qMax(0, lines)).arg(shellQuote(path));
    return stream(command, options);
}

} // namespace socketscope
