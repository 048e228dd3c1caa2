// SPDX-License-Identifier: GPL-3.0-or-later
// SshSession: files over SFTP (pipelined reads, 32 KiB writes), exec-channel reads, atomic
// replacement keeping owner and mode, stat with the symlink target.
#include "ssh/SshSession.h"

#include <QFileInfo>
#include <QRandomGenerator>

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <fcntl.h>

#include <deque>

namespace socketscope {

namespace {

constexpr uint32_t kChunk = 32 * 1024;          // larger SFTP writes make OpenSSH drop the channel
constexpr qint64 kExecReadThreshold = 8 * 1024 * 1024;

QString sftpErrorText(sftp_session sftp)
{
    switch (sftp ? sftp_get_error(sftp) : -1) {
    case SSH_FX_NO_SUCH_FILE: return QStringLiteral("no such file");
    case SSH_FX_PERMISSION_DENIED: return QStringLiteral("permission denied");
    case SSH_FX_FAILURE: return QStringLiteral("failure");
    case SSH_FX_FILE_ALREADY_EXISTS: return QStringLiteral("file already exists");
    default: return QStringLiteral("SFTP error");
    }
}

QString dirOf(const QString& path)
{
    const qsizetype slash = path.lastIndexOf(QLatin1Char('/'));
    if (slash < 0)
        return QStringLiteral(".");
    return slash == 0 ? QStringLiteral("/") : path.left(slash);
}

QString baseOf(const QString& path) { return path.mid(path.lastIndexOf(QLatin1Char('/')) + 1); }

// Finishes an atomic replacement on the server: $1 = final path (symlinks already resolved),
// $2 = temp file next to it, or empty to create one and fill it from stdin (the sudo case).
// Keeps the existing file's mode and owner (GNU coreutils), syncs, then renames over.
const char* const kReplaceScript = R"SH(p=$1; t=$2
if [ -z "$t" ]; then
  t=$(mktemp "$(dirname -- "$p")/.$(basename -- "$p").socketscope-XXXXXX") || exit 5
  cat > "$t" || { rm -f -- "$t"; exit 6; }
fi
if [ -e "$p" ]; then
  chmod "$(stat -c %a -- "$p")" -- "$t" || { rm -f -- "$t"; echo "cannot keep the mode of $p" >&2; exit 7; }
  o=$(stat -c %u:%g -- "$p")
  if [ "$o" != "$(stat -c %u:%g -- "$t")" ]; then
    chown "$o" -- "$t" 2>/dev/null || { rm -f -- "$t"; echo "cannot keep the owner $(stat -c %U:%G -- "$p") of $p without sudo" >&2; exit 8; }
  fi
else
  chmod 644 -- "$t"
fi
sync -- "$t" 2>/dev/null
mv -f -- "$t" "$p" || { rm -f -- "$t"; exit 9; })SH";

} // namespace

Status SshSession::ensureSftp()
{
    if (m_sftp)
        return Status::success();
    if (!isConnected()) {
        if (Status s = connect(); !s)
            return s;
    }
    m_sftp = sftp_new(m_session);
    if (!m_sftp)
        return Status::failure(lostMessage(QStringLiteral("while starting SFTP")));
    if (sftp_init(m_sftp) != SSH_OK) {
        closeSftp();
        return Status::failure(QStringLiteral("%1 does not offer SFTP (Subsystem sftp missing?).").arg(m_target.describe()));
    }
    return Status::success();
}

void SshSession::closeSftp()
{
    if (m_sftp) {
        sftp_free(m_sftp);
        m_sftp = nullptr;
    }
}

Result<QByteArray> SshSession::sftpRead(const QString& path, const TransferOptions& options)
{
    using R = Result<QByteArray>;
    if (Status s = ensureSftp(); !s)
        return R::failure(s.error());
    const QByteArray p = path.toUtf8();
    sftp_file file = sftp_open(m_sftp, p.constData(), O_RDONLY, 0);
    if (!file)
        return R::failure(QStringLiteral("Cannot open %1 on %2: %3").arg(path, m_target.host, sftpErrorText(m_sftp)));
    qint64 total = -1;
    if (sftp_attributes a = sftp_fstat(file)) {
        if (a->flags & SSH_FILEXFER_ATTR_SIZE)
            total = qint64(a->size);
        sftp_attributes_free(a);
    }
    QByteArray data;
    if (total > 0)
        data.reserve(total);
    struct Req { int id; qint64 offset; };
    std::deque<Req> inFlight;
    qint64 nextOffset = 0;
    bool eof = false;
    bool resync = false;
    QString error;
    const int maxInFlight = qMax(1, options.maxInFlight);
    while (!(eof && inFlight.empty())) {
        if (cancelled(options.cancel)) {
            error = QStringLiteral("Cancelled.");
            break;
        }
        if (resync && inFlight.empty()) {
            sftp_seek64(file, quint64(data.size()));
            nextOffset = data.size();
            resync = false;
        }
        // Keep several 32 KiB requests in flight (libssh 0.10 has no sftp_aio).
        while (!eof && !resync && int(inFlight.size()) < maxInFlight && (total < 0 || nextOffset < total + kChunk)) {
            const int id = sftp_async_read_begin(file, kChunk);
            if (id < 0) {
                error = lostMessage(QStringLiteral("while reading %1").arg(path));
                break;
            }
            inFlight.push_back({id, nextOffset});
            nextOffset += kChunk;
        }
        if (!error.isEmpty() || inFlight.empty())
            break;
        const Req req = inFlight.front();
        inFlight.pop_front();
        char buf[kChunk];
        const int n = sftp_async_read(file, buf, kChunk, uint32_t(req.id));
        if (n < 0) {
            error = QStringLiteral("Reading %1 on %2 failed: %3").arg(path, m_target.host, sftpErrorText(m_sftp));
            break;
        }
        if (req.offset != data.size())
            continue; // answer to a request issued before a short read: discarded, re-read below
        if (n == 0) {
            eof = true;
            continue;
        }
        data.append(buf, n);
        if (uint32_t(n) < kChunk && (total < 0 || data.size() < total)) {
            // A short read in the middle: drop the requests after it and continue from here.
            resync = true;
        }
        if (options.progress)
            options.progress(data.size(), total);
    }
    // Collect answers still in flight so libssh frees them.
    for (const Req& r : inFlight) {
        char buf[kChunk];
        sftp_async_read(file, buf, kChunk, uint32_t(r.id));
    }
    sftp_close(file);
    if (!error.isEmpty())
        return R::failure(error);
    return data;
}

Status SshSession::sftpWrite(const QString& path, const QByteArray& data, quint32 mode, const TransferOptions& options)
{
    if (Status s = ensureSftp(); !s)
        return s;
    const QByteArray p = path.toUtf8();
    sftp_file file = sftp_open(m_sftp, p.constData(), O_WRONLY | O_CREAT | O_TRUNC, mode_t(mode));
    if (!file)
        return Status::failure(QStringLiteral("Cannot create %1 on %2: %3").arg(path, m_target.host, sftpErrorText(m_sftp)));
    QString error;
    for (qsizetype off = 0; off < data.size();) {
        if (cancelled(options.cancel)) {
            error = QStringLiteral("Cancelled.");
            break;
        }
        const size_t len = size_t(qMin<qsizetype>(kChunk, data.size() - off));
        const ssize_t n = sftp_write(file, data.constData() + off, len);
        if (n <= 0) {
            error = QStringLiteral("Writing %1 on %2 failed: %3").arg(path, m_target.host, sftpErrorText(m_sftp));
            break;
        }
        off += n;
        if (options.progress)
            options.progress(off, data.size());
    }
    if (error.isEmpty() && sftp_extension_supported(m_sftp, "fsync@openssh.com", "1"))
        sftp_fsync(file);
    if (sftp_close(file) != SSH_OK && error.isEmpty())
        error = QStringLiteral("Closing %1 on %2 failed: %3").arg(path, m_target.host, sftpErrorText(m_sftp));
    if (!error.isEmpty())
        return Status::failure(error);
    return Status::success();
}

Result<QByteArray> SshSession::execRead(const QString& path, bool sudo, const TransferOptions& options)
{
    using R = Result<QByteArray>;
    CommandOptions o;
    o.sudo = sudo;
    o.cancel = options.cancel;
    o.timeoutMs = 30 * 60 * 1000;
    qint64 done = 0;
    if (options.progress)
        o.onOutput = [&](const QByteArray& chunk, bool isStderr) {
            if (!isStderr)
                options.progress(done += chunk.size(), -1);
        };
    Result<CommandResult> r = run(QStringLiteral("cat -- %1").arg(shellQuote(path)), o);
    if (!r)
        return R::failure(r.error());
    if (r->timedOut)
        return R::failure(QStringLiteral("Reading %1 on %2 timed out.").arg(path, m_target.host));
    if (r->exitStatus != 0)
        return R::failure(QStringLiteral("Cannot read %1 on %2: %3").arg(path, m_target.host, QString::fromUtf8(r->stdErr).trimmed()));
    return std::move(r->stdOut);
}

Result<QByteArray> SshSession::readFile(const QString& path, bool sudo, const TransferOptions& options)
{
    if (sudo)
        return execRead(path, true, options);
    Result<FileInfo> st = stat(path, false);
    if (st && st->exists && st->size > kExecReadThreshold)
        return execRead(path, false, options);
    return sftpRead(path, options);
}

Result<FileInfo> SshSession::stat(const QString& path, bool sudo)
{
    using R = Result<FileInfo>;
    const QString script = QStringLiteral(
        "p=%1\n"
        "if [ -L \"$p\" ]; then printf 'L\\t%s\\n' \"$(readlink -f -- \"$p\")\"; fi\n"
        "if [ -e \"$p\" ]; then stat -L --printf 'S\\t%s\\t%a\\t%U\\t%G\\n' -- \"$p\"; else echo N; fi").arg(shellQuote(path));
    CommandOptions o;
    o.sudo = sudo;
    o.timeoutMs = 30000;
    Result<CommandResult> r = run(script, o);
    if (!r)
        return R::failure(r.error());
    if (r->exitStatus != 0)
        return R::failure(QStringLiteral("Cannot stat %1 on %2: %3").arg(path, m_target.host, QString::fromUtf8(r->stdErr).trimmed()));
    FileInfo info;
    for (const QByteArray& line : r->stdOut.split('\n')) {
        const QList<QByteArray> f = line.split('\t');
        if (f.value(0) == "L" && f.size() >= 2) {
            info.isSymlink = true;
            info.symlinkTarget = QString::fromUtf8(f[1]);
        } else if (f.value(0) == "S" && f.size() >= 5) {
            info.exists = true;
            info.size = f[1].toLongLong();
            info.mode = f[2].toUInt(nullptr, 8);
            info.owner = QString::fromUtf8(f[3]);
            info.group = QString::fromUtf8(f[4]);
        }
    }
    return info;
}

Status SshSession::writeFileAtomic(const QString& path, const QByteArray& data, bool sudo, const TransferOptions& options)
{
    Result<FileInfo> st = stat(path, sudo);
    if (!st)
        return Status::failure(st.error());
    // Replace the file a symlink points to (nginx sites-enabled links), never the link itself.
    const QString real = st->isSymlink && !st->symlinkTarget.isEmpty() ? st->symlinkTarget : path;
    CommandOptions o;
    o.sudo = sudo;
    o.timeoutMs = 10 * 60 * 1000;
    o.cancel = options.cancel;
    QString tmp;
    if (sudo) {
        o.stdinData = data; // after sudo accepted the password (see execChannel)
    } else {
        tmp = QStringLiteral("%1/.%2.socketscope-%3.tmp").arg(dirOf(real), baseOf(real))
                  .arg(QRandomGenerator::global()->generate64(), 16, 16, QLatin1Char('0'));
        if (Status w = sftpWrite(tmp, data, 0600, options); !w) {
            if (m_sftp) {
                // Best effort: do not leave a partial temp file next to the real one.
                const QByteArray t = tmp.toUtf8();
                sftp_unlink(m_sftp, t.constData());
            }
            if (w.error() == QLatin1String("Cancelled."))
                return w;
            return Status::failure(w.error() + QStringLiteral(" (to replace %1 in a directory you cannot write, use sudo)").arg(path));
        }
    }
    const QString command = QStringLiteral("sh -c %1 socketscope-replace %2 %3")
                                .arg(shellQuote(QString::fromLatin1(kReplaceScript)), shellQuote(real), shellQuote(tmp));
    Result<CommandResult> r = run(command, o);
    if (!r)
        return Status::failure(r.error());
    if (r->exitStatus != 0)
        return Status::failure(QStringLiteral("Could not replace %1 on %2: %3")
                                   .arg(real, m_target.host, QString::fromUtf8(r->stdErr).trimmed()));
    return Status::success();
}

} // namespace socketscope
