// SPDX-License-Identifier: GPL-3.0-or-later
#include "lab/SshdLab.h"

#include <memory>

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QThread>

#include <csignal>
#ifndef _WIN32
#include <sys/types.h>
#include <unistd.h>
#endif

namespace socketscope::lab {

namespace {

const QString kKeygen = QStringLiteral("/usr/bin/ssh-keygen");
// authorized_keys must not live under world-writable /tmp (sshd's StrictModes): the lab's
// directory is created under a root-owned 0755 directory instead.
const QString kLabBase = QStringLiteral("/var/lib/socketscope-sshlab");
// Bump when the user's setup changes so existing machines redo it.
const QString kUserMarker = QStringLiteral("/var/lib/socketscope-sshlab/.user-ready-v2");
const QString kNoPasswordUserMarker = QStringLiteral("/var/lib/socketscope-sshlab/.nopw-user-ready-v1");

QString labTemplate()
{
#ifndef _WIN32
    if (::geteuid() == 0 && QDir().mkpath(kLabBase)) {
        QFile::setPermissions(kLabBase, QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                            | QFileDevice::ReadGroup | QFileDevice::ExeGroup
                                            | QFileDevice::ReadOther | QFileDevice::ExeOther);
        return kLabBase + QStringLiteral("/lab-XXXXXX");
    }
#endif
    return QDir::tempPath() + QStringLiteral("/socketscope-sshlab-XXXXXX");
}

int run(const QString& program, const QStringList& args, QByteArray* out = nullptr, const QByteArray& stdinData = {})
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForStarted(5000))
        return -1;
    if (!stdinData.isEmpty())
        p.write(stdinData);
    p.closeWriteChannel();
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished(2000);
        return -1;
    }
    if (out)
        *out = p.readAll();
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
}

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

#ifndef _WIN32
qint64 parentOf(qint64 pid)
{
    const QByteArray stat = readAll(QStringLiteral("/proc/%1/stat").arg(pid));
    const qsizetype close = stat.lastIndexOf(')');
    if (close < 0)
        return -1;
    const QList<QByteArray> fields = stat.mid(close + 2).split(' ');
    return fields.size() > 1 ? fields[1].toLongLong() : -1;
}
#endif

} // namespace

SshdLab::SshdLab() : m_dir(labTemplate())
{
    QFile::setPermissions(m_dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                            | QFileDevice::ReadGroup | QFileDevice::ExeGroup
                                            | QFileDevice::ReadOther | QFileDevice::ExeOther);
}

SshdLab::~SshdLab()
{
    killSessions();
    stop();
}

SshdLab* SshdLab::shared(QString* why)
{
    static std::unique_ptr<SshdLab> lab;
    static QString error;
    static bool tried = false;
    if (!tried) {
        tried = true;
        error = skipReason();
        if (error.isEmpty()) {
            lab = std::make_unique<SshdLab>();
            if (!lab->start(&error))
                lab.reset();
        }
    }
    if (why)
        *why = error;
    return lab.get();
}

QString SshdLab::skipReason()
{
#ifdef _WIN32
    return QStringLiteral("the sshd lab runs on Linux only");
#else
    if (::geteuid() != 0)
        return QStringLiteral("the sshd lab needs root (it creates the user sstest and runs sshd)");
    const struct {
        QString path;
        const char* package;
    } programs[] = {{sshdProgram(), "openssh-server"},       {kKeygen, "openssh-client"},
                    {QStringLiteral("/usr/sbin/useradd"), "passwd"}, {QStringLiteral("/usr/sbin/chpasswd"), "passwd"},
                    {QStringLiteral("/usr/bin/sudo"), "sudo"},       {QStringLiteral("/usr/sbin/visudo"), "sudo"}};
    for (const auto& p : programs) {
        if (const QString why = missingProgram(p.path, QString::fromLatin1(p.package)); !why.isEmpty())
            return why;
    }
    return {};
#endif
}

QString SshdLab::user() { return QStringLiteral("sstest"); }
// Fixed (not random): several test processes may share the user at the same time.
QByteArray SshdLab::password() { return QByteArrayLiteral("Lab-sstest-9f3kQ7"); }
QString SshdLab::noPasswordSudoUser() { return QStringLiteral("ssnopw"); }
QString SshdLab::jumpUser() { return QStringLiteral("sstjump"); }
QByteArray SshdLab::jumpPassword() { return QByteArrayLiteral("Lab-sstjump-Wq4z81"); }
QByteArray SshdLab::keyPassphrase() { return QByteArrayLiteral("lab key passphrase 41"); }
QString SshdLab::keyFile() const { return m_dir.filePath(QStringLiteral("id_ed25519")); }
QString SshdLab::encryptedKeyFile() const { return m_dir.filePath(QStringLiteral("id_ed25519_enc")); }
QString SshdLab::unauthorizedKeyFile() const { return m_dir.filePath(QStringLiteral("id_other")); }
QString SshdLab::logPath() const { return m_dir.filePath(QStringLiteral("sshd.log")); }
QByteArray SshdLab::log() const { return readAll(logPath()); }
QString SshdLab::knownHostsPattern() const { return QStringLiteral("[127.0.0.1]:%1").arg(m_port); }

QByteArray SshdLab::hostPublicKey() const
{
    const QList<QByteArray> parts = readAll(m_dir.filePath(QStringLiteral("host_ed25519.pub"))).trimmed().split(' ');
    return parts.size() >= 2 ? parts[0] + ' ' + parts[1] : QByteArray();
}

QString SshdLab::hostKeyFingerprint() const
{
    QByteArray out;
    if (run(kKeygen, {QStringLiteral("-l"), QStringLiteral("-E"), QStringLiteral("sha256"), QStringLiteral("-f"),
                      m_dir.filePath(QStringLiteral("host_ed25519.pub"))}, &out) != 0)
        return {};
    const QList<QByteArray> parts = out.trimmed().split(' ');
    return parts.size() >= 2 ? QString::fromLatin1(parts[1]) : QString();
}

bool SshdLab::writeKnownHosts(const QString& path, bool hashed) const
{
    if (!writeFile(path, knownHostsPattern().toLatin1() + ' ' + hostPublicKey() + '\n'))
        return false;
    if (!hashed)
        return true;
    const bool ok = run(kKeygen, {QStringLiteral("-H"), QStringLiteral("-f"), path}) == 0;
    QFile::remove(path + QStringLiteral(".old"));
    return ok;
}

bool SshdLab::ensureUser(QString* error)
{
    QLockFile lock(kLabBase + QStringLiteral("/.setup.lock"));
    lock.setStaleLockTime(60000);
    if (!lock.tryLock(60000)) {
        setError(error, QStringLiteral("could not lock the sshd lab setup"));
        return false;
    }
    QByteArray out;
    for (const QString& name : {user(), jumpUser()}) {
        if (run(QStringLiteral("/usr/bin/id"), {name}) != 0
            && run(QStringLiteral("/usr/sbin/useradd"), {QStringLiteral("-m"), QStringLiteral("-s"), QStringLiteral("/bin/sh"), name}, &out) != 0) {
            setError(error, QStringLiteral("useradd failed: %1").arg(QString::fromLocal8Bit(out)));
            return false;
        }
    }
    if (QFile::exists(kUserMarker))
        return true;
    // chpasswd reads "user:password" on stdin: the passwords never appear in argv.
    if (run(QStringLiteral("/usr/sbin/chpasswd"), {}, &out,
            user().toLatin1() + ':' + password() + '\n' + jumpUser().toLatin1() + ':' + jumpPassword() + '\n') != 0) {
        setError(error, QStringLiteral("chpasswd failed: %1").arg(QString::fromLocal8Bit(out)));
        return false;
    }
    const QString candidate = kLabBase + QStringLiteral("/sudoers.candidate");
    writeFile(candidate, QStringLiteral("# SocketScope test lab: sudo with the user's password\n%1 ALL=(ALL) ALL\n").arg(user()).toLatin1());
    if (run(QStringLiteral("/usr/sbin/visudo"), {QStringLiteral("-cf"), candidate}, &out) != 0) {
        setError(error, QStringLiteral("visudo rejected the sudo rule: %1").arg(QString::fromLocal8Bit(out)));
        return false;
    }
    const QString sudoers = QStringLiteral("/etc/sudoers.d/socketscope-test");
    QFile::remove(sudoers);
    if (!QFile::rename(candidate, sudoers)) {
        setError(error, QStringLiteral("could not install %1").arg(sudoers));
        return false;
    }
    QFile::setPermissions(sudoers, QFileDevice::ReadOwner | QFileDevice::ReadGroup);
    writeFile(kUserMarker, "1\n");
    return true;
}

bool SshdLab::ensureNoPasswordSudoUser(QString* error)
{
    QLockFile lock(kLabBase + QStringLiteral("/.setup.lock"));
    lock.setStaleLockTime(60000);
    if (!lock.tryLock(60000)) {
        setError(error, QStringLiteral("could not lock the sshd lab setup"));
        return false;
    }
    const QString name = noPasswordSudoUser();
    QByteArray out;
    if (run(QStringLiteral("/usr/bin/id"), {name}) != 0
        && run(QStringLiteral("/usr/sbin/useradd"), {QStringLiteral("-m"), QStringLiteral("-s"), QStringLiteral("/bin/sh"), name}, &out) != 0) {
        setError(error, QStringLiteral("useradd failed: %1").arg(QString::fromLocal8Bit(out)));
        return false;
    }
    if (QFile::exists(kNoPasswordUserMarker))
        return true;
    if (run(QStringLiteral("/usr/sbin/chpasswd"), {}, &out, name.toLatin1() + ':' + password() + '\n') != 0) {
        setError(error, QStringLiteral("chpasswd failed: %1").arg(QString::fromLocal8Bit(out)));
        return false;
    }
    const QString candidate = kLabBase + QStringLiteral("/sudoers-nopw.candidate");
    writeFile(candidate, QStringLiteral("# SocketScope test lab: sudo without a password\n%1 ALL=(ALL) NOPASSWD: ALL\n").arg(name).toLatin1());
    if (run(QStringLiteral("/usr/sbin/visudo"), {QStringLiteral("-cf"), candidate}, &out) != 0) {
        setError(error, QStringLiteral("visudo rejected the sudo rule: %1").arg(QString::fromLocal8Bit(out)));
        return false;
    }
    const QString sudoers = QStringLiteral("/etc/sudoers.d/socketscope-test-nopw");
    QFile::remove(sudoers);
    if (!QFile::rename(candidate, sudoers)) {
        setError(error, QStringLiteral("could not install %1").arg(sudoers));
        return false;
    }
    QFile::setPermissions(sudoers, QFileDevice::ReadOwner | QFileDevice::ReadGroup);
    writeFile(kNoPasswordUserMarker, "1\n");
    return true;
}

bool SshdLab::generateKey(const QString& path, const QByteArray& passphrase, QString* error)
{
    QFile::remove(path);
    QFile::remove(path + QStringLiteral(".pub"));
    QByteArray out;
    // The passphrase is an argument of ssh-keygen here: a test key, not a user's secret.
    if (run(kKeygen, {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                      QString::fromLatin1(passphrase), QStringLiteral("-C"), QStringLiteral("socketscope-lab"),
                      QStringLiteral("-f"), path}, &out) != 0) {
        setError(error, QStringLiteral("ssh-keygen failed: %1").arg(QString::fromLocal8Bit(out)));
        return false;
    }
    return true;
}

bool SshdLab::writeConfig(QString* error)
{
    const QString d = m_dir.path();
    const QString conf = QStringLiteral(
        "# SocketScope test lab sshd\n"
        "Port %1\n"
        "ListenAddress 127.0.0.1\n"
        // "localhost" may resolve to ::1 first, and libssh 0.10 does not fall back to the next
        // address: listen there too (sshd only logs an error where ::1 cannot be bound).
        "ListenAddress ::1\n"
        "HostKey %2/host_ed25519\n"
        "PidFile %2/sshd.pid\n"
        "AllowUsers %3 %4\n"
        "AuthorizedKeysFile %2/authorized_keys\n"
        "UsePAM yes\n"
        "PubkeyAuthentication yes\n"
        "PasswordAuthentication yes\n"
        "KbdInteractiveAuthentication yes\n"
        "PermitRootLogin no\n"
        "AllowTcpForwarding yes\n"
        "PrintMotd no\n"
        "LogLevel VERBOSE\n"
        "Subsystem sftp internal-sftp\n"
        "Match User %5\n"
        "    AuthenticationMethods password\n").arg(m_port).arg(d, user(), noPasswordSudoUser() + QLatin1Char(' ') + jumpUser(), jumpUser());
    if (!writeFile(m_dir.filePath(QStringLiteral("sshd_config")), conf.toLatin1())) {
        setError(error, QStringLiteral("could not write sshd_config"));
        return false;
    }
    QByteArray out;
    if (run(sshdProgram(), {QStringLiteral("-t"), QStringLiteral("-f"), m_dir.filePath(QStringLiteral("sshd_config"))}, &out) != 0) {
        setError(error, QStringLiteral("sshd -t failed: %1").arg(QString::fromLocal8Bit(out)));
        return false;
    }
    return true;
}

bool SshdLab::startDaemon(QString* error)
{
    QFile::remove(logPath());
    QDir().mkpath(QStringLiteral("/run/sshd"));
    QFile::setPermissions(QStringLiteral("/run/sshd"), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                                          | QFileDevice::ReadGroup | QFileDevice::ExeGroup
                                                          | QFileDevice::ReadOther | QFileDevice::ExeOther);
    QStringList args = {QStringLiteral("-D"), QStringLiteral("-f"), m_dir.filePath(QStringLiteral("sshd_config")),
                        QStringLiteral("-E"), logPath()};
    QString program = sshdProgram();
    // If the test process dies (crash, timeout kill) the listener must not outlive it: setpriv
    // sets the parent-death signal, then execs sshd (same PID, absolute path kept for re-exec).
    const QString setpriv = QStringLiteral("/usr/bin/setpriv");
    if (haveExecutable(setpriv)) {
        args = QStringList{QStringLiteral("--pdeathsig"), QStringLiteral("TERM"), QStringLiteral("--"), sshdProgram()} + args;
        program = setpriv;
    }
    if (!m_sshd.start(program, args)) {
        setError(error, QStringLiteral("could not start sshd"));
        return false;
    }
    // Ready when it listens on 127.0.0.1 (the address every test dials): "Server listening on" alone
    // may be ::1 while another process took the port on 127.0.0.1 first (then every connect is refused).
    const QByteArray listening = QStringLiteral("Server listening on 127.0.0.1 port %1.").arg(m_port).toLatin1();
    const QByteArray bindFailed = QStringLiteral("Bind to port %1 on 127.0.0.1 failed").arg(m_port).toLatin1();
    QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired()) {
        const QByteArray text = log();
        if (text.contains(listening))
            return true;
        if (text.contains(bindFailed) || !m_sshd.isRunning())
            break;
        QThread::msleep(10);
    }
    m_portTaken = log().contains(bindFailed);
    setError(error, QStringLiteral("sshd did not start: %1").arg(QString::fromLocal8Bit(log())));
    m_sshd.stop();
    return false;
}

bool SshdLab::start(QString* error)
{
    if (const QString reason = skipReason(); !reason.isEmpty()) {
        setError(error, reason);
        return false;
    }
    if (!m_prepared) {
        if (!ensureUser(error) || !ensureNoPasswordSudoUser(error))
            return false;
        if (!generateKey(m_dir.filePath(QStringLiteral("host_ed25519")), {}, error)
            || !generateKey(keyFile(), {}, error)
            || !generateKey(encryptedKeyFile(), keyPassphrase(), error)
            || !generateKey(unauthorizedKeyFile(), {}, error))
            return false;
        const QByteArray keys = readAll(keyFile() + QStringLiteral(".pub")) + readAll(encryptedKeyFile() + QStringLiteral(".pub"));
        if (!writeFile(m_dir.filePath(QStringLiteral("authorized_keys")), keys)) {
            setError(error, QStringLiteral("could not write authorized_keys"));
            return false;
        }
        QFile::setPermissions(m_dir.filePath(QStringLiteral("authorized_keys")),
                              QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther);
        m_port = freePort();
        if (!writeConfig(error))
            return false;
        m_prepared = true;
    }
    // freePort() only says the port was free a moment ago: when another test's server takes it
    // first, the lab moves to another port (before any test has seen this one).
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (startDaemon(error))
            return true;
        if (!m_portTaken)
            return false;
        m_port = freePort();
        if (!writeConfig(error))
            return false;
    }
    return false;
}

void SshdLab::stop() { m_sshd.stop(); }

bool SshdLab::rotateHostKey(QString* error)
{
    stop();
    if (!generateKey(m_dir.filePath(QStringLiteral("host_ed25519")), {}, error))
        return false;
    return startDaemon(error);
}

QList<qint64> SshdLab::sessionPids() const
{
    QList<qint64> result;
#ifndef _WIN32
    const qint64 root = m_sshd.pid();
    if (root <= 0)
        return result;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& e : entries) {
        bool ok = false;
        const qint64 pid = e.toLongLong(&ok);
        if (!ok || pid == root)
            continue;
        // Walk up the parent chain: a descendant of the listener is a per-connection process.
        qint64 p = parentOf(pid);
        for (int depth = 0; p > 1 && depth < 16; ++depth) {
            if (p == root) {
                result.append(pid);
                break;
            }
            p = parentOf(p);
        }
    }
#endif
    return result;
}

void SshdLab::killSessions()
{
#ifndef _WIN32
    for (qint64 pid : sessionPids())
        ::kill(pid_t(pid), SIGKILL);
#endif
}

} // namespace socketscope::lab
