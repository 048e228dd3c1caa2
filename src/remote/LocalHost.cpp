// SPDX-License-Identifier: GPL-3.0-or-later
#include "remote/LocalHost.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHostInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryFile>

#include <optional>

#ifndef _WIN32
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace socketscope {

QString LocalHost::shellWord(const QString& word)
{
    if (!word.isEmpty() && QRegularExpression(QStringLiteral("^[A-Za-z0-9_./:=@%+,-]+$")).match(word).hasMatch())
        return word;
    QString q = word;
    q.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

LocalHost::LocalHost(SecretBytes sudoPassword, SudoHandshake::Mode mode)
    : m_sudoPassword(std::move(sudoPassword)), m_sudoMode(mode)
{
}

LocalHost::~LocalHost() = default;

bool LocalHost::isPrivileged()
{
#ifndef _WIN32
    return ::geteuid() == 0;
#else
    return false;
#endif
}

QString LocalHost::describe() const
{
#ifndef _WIN32
    const struct passwd* pw = ::getpwuid(::geteuid());
    const QString user = pw ? QString::fromLocal8Bit(pw->pw_name) : QStringLiteral("?");
#else
    const QString user = qEnvironmentVariable("USERNAME");
#endif
    return QStringLiteral("%1@%2 (this machine)").arg(user, QHostInfo::localHostName());
}

namespace {

QString currentUser()
{
#ifndef _WIN32
    const struct passwd* pw = ::getpwuid(::geteuid());
    return pw ? QString::fromLocal8Bit(pw->pw_name) : QString::number(::geteuid());
#else
    return qEnvironmentVariable("USERNAME");
#endif
}

void stopProcess(QProcess& p)
{
    if (p.state() == QProcess::NotRunning)
        return;
    p.closeWriteChannel();
    p.terminate();
    if (!p.waitForFinished(2000)) {
        p.kill();
        p.waitForFinished(2000);
    }
}

} // namespace

Status LocalHost::sudoHandshake(QProcess& p, SudoHandshake& sudo, const CommandOptions& options, CommandResult& result)
{
    QDeadlineTimer deadline(options.timeoutMs > 0 ? qMin(options.timeoutMs, 60000) : 60000);
    for (;;) {
        if (options.cancel && options.cancel->load())
            return Status::failure(QObject::tr("cancelled"));
        // Reads both pipes while it waits (and notices the end, whose output it drains first).
        p.waitForFinished(50);
        const bool ended = p.state() == QProcess::NotRunning;
        switch (sudo.feed(p.readAllStandardOutput(), p.readAllStandardError())) {
        case SudoHandshake::Next::Wait:
            break;
        case SudoHandshake::Next::SendPassword: {
            if (m_sudoPassword.isEmpty())
                return Status::failure(QObject::tr("sudo needs the password of %1 and none was given.").arg(currentUser()));
            const SecretBytes line = m_sudoPassword.withSuffix('\n');
            p.write(line.constData(), line.size());
            p.waitForBytesWritten(5000);
            deadline = QDeadlineTimer(60000); // PAM may take seconds to answer
            break;
        }
        case SudoHandshake::Next::WrongPassword:
            return Status::failure(QObject::tr("sudo: incorrect password for %1 on this machine.").arg(currentUser()));
        case SudoHandshake::Next::Ready:
            result.stdOut = sudo.earlyStdout();
            result.stdErr = sudo.earlyStderr();
            if (options.onOutput) {
                if (!result.stdOut.isEmpty())
                    options.onOutput(result.stdOut, false);
                if (!result.stdErr.isEmpty())
                    options.onOutput(result.stdErr, true);
            }
            return Status::success();
        }
        if (ended)
            return Status::failure(QObject::tr("sudo refused to run the command on this machine: %1").arg(sudo.refusal()));
        if (deadline.hasExpired())
            return Status::failure(QObject::tr("sudo on this machine did not answer in time."));
    }
}

Result<CommandResult> LocalHost::run(const QString& command, const CommandOptions& options)
{
    QProcess p;
    QStringList args;
    std::optional<SudoHandshake> sudo;
#ifdef _WIN32
    args << QStringLiteral("cmd.exe") << QStringLiteral("/C") << command;
#else
    if (needsSudo(options.sudo)) {
        sudo.emplace(m_sudoMode);
        args = sudo->argv(command);
    } else {
        args << QStringLiteral("/bin/sh") << QStringLiteral("-c") << command;
    }
#endif
    const QString program = args.takeFirst();
    p.start(program, args);
    if (!p.waitForStarted(10000))
        return Result<CommandResult>::failure(QObject::tr("cannot start %1: %2").arg(program, p.errorString()));

    CommandResult result;
    // Through sudo, the command's own stdin is sent only once the command runs: no byte meant
    // for sudo can reach it, and no password is sent when sudo does not ask.
    if (sudo) {
        if (const Status st = sudoHandshake(p, *sudo, options, result); !st) {
            stopProcess(p);
            return Result<CommandResult>::failure(st.error());
        }
    }
    if (!options.stdinData.isEmpty() && p.state() == QProcess::Running)
        p.write(options.stdinData);
    p.closeWriteChannel();

    QElapsedTimer clock;
    clock.start();
    auto drain = [&] {
        const QByteArray out = p.readAllStandardOutput();
        const QByteArray err = p.readAllStandardError();
        if (!out.isEmpty()) {
            result.stdOut += out;
            if (options.onOutput)
                options.onOutput(out, false);
        }
        if (!err.isEmpty()) {
            result.stdErr += err;
            if (options.onOutput)
                options.onOutput(err, true);
        }
    };
    while (p.state() != QProcess::NotRunning) {
        p.waitForFinished(100);
        drain();
        const bool cancelled = options.cancel && options.cancel->load();
        if (cancelled || (options.timeoutMs > 0 && clock.elapsed() > options.timeoutMs)) {
            result.timedOut = !cancelled;
            p.terminate();
            if (!p.waitForFinished(2000)) {
                p.kill();
                p.waitForFinished(2000);
            }
            drain();
            result.exitStatus = -1;
            if (cancelled)
                return Result<CommandResult>::failure(QObject::tr("cancelled"));
            return result;
        }
    }
    drain();
    result.exitStatus = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return result;
}

Result<QByteArray> LocalHost::readFile(const QString& path, bool sudo)
{
    if (needsSudo(sudo)) {
        Result<CommandResult> r = run(QStringLiteral("cat -- %1").arg(shellWord(path)), CommandOptions{{}, 60000, true, nullptr, {}});
        if (!r)
            return Result<QByteArray>::failure(r.error());
        if (r->exitStatus != 0)
            return Result<QByteArray>::failure(QObject::tr("cannot read %1: %2").arg(path, QString::fromUtf8(r->stdErr.trimmed())));
        return r->stdOut;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<QByteArray>::failure(QObject::tr("cannot read %1: %2").arg(path, f.errorString()));
    return f.readAll();
}

Status LocalHost::writeFileAtomic(const QString& path, const QByteArray& data, bool sudo)
{
    const QFileInfo target(QFileInfo(path).isSymLink() ? QFileInfo(path).canonicalFilePath() : path);
    if (needsSudo(sudo)) {
        const QString p = shellWord(target.absoluteFilePath());
        const QString tmpl = shellWord(target.absolutePath() + QStringLiteral("/.") + target.fileName() + QStringLiteral(".socketscope.XXXXXX"));
        const QString script = QStringLiteral(
            "set -e; t=$(mktemp %1); trap 'rm -f \"$t\"' EXIT; cat > \"$t\"; "
            "if [ -e %2 ]; then chown --reference=%2 \"$t\"; chmod --reference=%2 \"$t\"; fi; "
            "mv -f \"$t\" %2; trap - EXIT").arg(tmpl, p);
        Result<CommandResult> r = run(script, CommandOptions{data, 60000, true, nullptr, {}});
        if (!r)
            return Status::failure(r.error());
        if (r->exitStatus != 0)
            return Status::failure(QObject::tr("cannot replace %1: %2").arg(path, QString::fromUtf8(r->stdErr.trimmed())));
        return Status::success();
    }
    QTemporaryFile tmp(target.absolutePath() + QStringLiteral("/.") + target.fileName() + QStringLiteral(".socketscope.XXXXXX"));
    tmp.setAutoRemove(true);
    if (!tmp.open())
        return Status::failure(QObject::tr("cannot create a temporary file next to %1: %2").arg(path, tmp.errorString()));
    if (tmp.write(data) != data.size() || !tmp.flush())
        return Status::failure(QObject::tr("cannot write a temporary file next to %1: %2").arg(path, tmp.errorString()));
#ifndef _WIN32
    ::fsync(tmp.handle());
    struct stat st {};
    if (::stat(QFile::encodeName(target.absoluteFilePath()).constData(), &st) == 0) {
        if (::fchmod(tmp.handle(), st.st_mode & 07777) != 0)
            return Status::failure(QObject::tr("cannot copy the mode of %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
        if ((st.st_uid != ::geteuid() || st.st_gid != ::getegid()) && ::fchown(tmp.handle(), st.st_uid, st.st_gid) != 0)
            return Status::failure(QObject::tr("cannot keep the owner of %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    }
    tmp.close();
    if (::rename(QFile::encodeName(tmp.fileName()).constData(), QFile::encodeName(target.absoluteFilePath()).constData()) != 0)
        return Status::failure(QObject::tr("cannot move the new file into place at %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    tmp.setAutoRemove(false);
#else
    tmp.close();
    const QFile::Permissions perms = QFile::permissions(target.absoluteFilePath());
    QFile::remove(target.absoluteFilePath());
    if (!tmp.rename(target.absoluteFilePath()))
        return Status::failure(QObject::tr("cannot move the new file into place at %1: %2").arg(path, tmp.errorString()));
    tmp.setAutoRemove(false);
    QFile::setPermissions(target.absoluteFilePath(), perms);
#endif
    return Status::success();
}

Result<FileInfo> LocalHost::stat(const QString& path, bool sudo)
{
    FileInfo info;
    if (needsSudo(sudo)) {
        const QString q = shellWord(path);
        Result<CommandResult> r = run(QStringLiteral("if [ -e %1 ] || [ -L %1 ]; then stat -c '%F|%s|%a|%U|%G' -- %1; readlink -f -- %1; fi").arg(q),
                                      CommandOptions{{}, 30000, true, nullptr, {}});
        if (!r)
            return Result<FileInfo>::failure(r.error());
        if (r->exitStatus != 0)
            return Result<FileInfo>::failure(QObject::tr("cannot stat %1: %2").arg(path, QString::fromUtf8(r->stdErr.trimmed())));
        const QStringList lines = QString::fromUtf8(r->stdOut).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        if (lines.isEmpty())
            return info;
        const QStringList f = lines.first().split(QLatin1Char('|'));
        if (f.size() < 5)
            return Result<FileInfo>::failure(QObject::tr("cannot stat %1: unexpected output %2").arg(path, lines.first()));
        info.exists = true;
        info.isSymlink = f.at(0) == QLatin1String("symbolic link");
        info.size = f.at(1).toLongLong();
        info.mode = f.at(2).toUInt(nullptr, 8);
        info.owner = f.at(3);
        info.group = f.at(4);
        if (info.isSymlink && lines.size() > 1)
            info.symlinkTarget = lines.at(1);
        return info;
    }
    const QFileInfo fi(path);
    info.isSymlink = fi.isSymLink();
    info.exists = fi.exists() || info.isSymlink;
    if (!info.exists)
        return info;
    if (info.isSymlink)
        info.symlinkTarget = fi.canonicalFilePath().isEmpty() ? fi.symLinkTarget() : fi.canonicalFilePath();
#ifndef _WIN32
    struct stat st {};
    if (::lstat(QFile::encodeName(path).constData(), &st) == 0) {
        info.size = qint64(st.st_size);
        info.mode = quint32(st.st_mode & 07777);
        if (const struct passwd* pw = ::getpwuid(st.st_uid))
            info.owner = QString::fromLocal8Bit(pw->pw_name);
        else
            info.owner = QString::number(st.st_uid);
        if (const struct group* gr = ::getgrgid(st.st_gid))
            info.group = QString::fromLocal8Bit(gr->gr_name);
        else
            info.group = QString::number(st.st_gid);
    }
#else
    info.size = fi.size();
    info.owner = fi.owner();
    info.group = fi.group();
#endif
    return info;
}

} // namespace socketscope
