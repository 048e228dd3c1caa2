// SPDX-License-Identifier: GPL-3.0-or-later
#include "lab/KeyringLab.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QThread>

#ifndef _WIN32
#include <dlfcn.h>
#endif

namespace socketscope::lab {

namespace {
const QString kDbusDaemon = QStringLiteral("/usr/bin/dbus-daemon");
const QString kDbusSend = QStringLiteral("/usr/bin/dbus-send");
const QString kKeyring = QStringLiteral("/usr/bin/gnome-keyring-daemon");
} // namespace

KeyringLab::KeyringLab() = default;
KeyringLab::~KeyringLab() { stop(); }

QString KeyringLab::skipReason()
{
    for (const auto& [path, package] : {std::pair{kDbusDaemon, "dbus-daemon"}, std::pair{kDbusSend, "dbus-bin"},
                                        std::pair{kKeyring, "gnome-keyring"}}) {
        if (const QString why = missingProgram(path, QString::fromLatin1(package)); !why.isEmpty())
            return why;
    }
    return {};
}

QProcessEnvironment KeyringLab::environment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), m_address);
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_dir.filePath(QStringLiteral("run")));
    env.remove(QStringLiteral("XDG_CURRENT_DESKTOP")); // QtKeychain: the generic Secret Service path
    return env;
}

bool KeyringLab::start(QString* error)
{
    const auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return false;
    };
    if (const QString why = skipReason(); !why.isEmpty())
        return fail(why);
    QDir dir(m_dir.path());
    dir.mkpath(QStringLiteral("run"));
    dir.mkpath(QStringLiteral("home"));
    QFile::setPermissions(m_dir.filePath(QStringLiteral("run")), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);

    const QString socket = m_dir.filePath(QStringLiteral("bus"));
    if (!m_bus.start(kDbusDaemon, {QStringLiteral("--session"), QStringLiteral("--nofork"), QStringLiteral("--print-address=1"),
                                   QStringLiteral("--address=unix:path=") + socket}))
        return fail(QStringLiteral("dbus-daemon did not start"));
    QDeadlineTimer deadline(10000);
    QByteArray printed; // output() hands out what arrived since the last call
    while (!printed.contains('\n') && !deadline.hasExpired()) {
        printed += m_bus.output();
        QThread::msleep(20);
    }
    m_address = QString::fromUtf8(printed.trimmed().split('\n').value(0));
    if (!m_address.startsWith(QLatin1String("unix:")))
        return fail(QStringLiteral("dbus-daemon printed no address: ") + QString::fromUtf8(printed));

    QProcessEnvironment env = environment();
    env.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home")));
    // --unlock reads the login keyring's password on stdin (created with it on first use).
    if (!m_keyring.start(kKeyring, {QStringLiteral("--foreground"), QStringLiteral("--unlock"), QStringLiteral("--components=secrets")},
                         {}, env, QByteArrayLiteral("keyring-lab-password")))
        return fail(QStringLiteral("gnome-keyring-daemon did not start"));
    // Ready when it owns org.freedesktop.secrets on the lab's bus.
    QByteArray out;
    while (!deadline.hasExpired()) {
        out.clear();
        runProgram(QStringLiteral("/usr/bin/env"),
                   {QStringLiteral("DBUS_SESSION_BUS_ADDRESS=") + m_address, kDbusSend, QStringLiteral("--session"),
                    QStringLiteral("--print-reply"), QStringLiteral("--dest=org.freedesktop.DBus"), QStringLiteral("/org/freedesktop/DBus"),
                    QStringLiteral("org.freedesktop.DBus.NameHasOwner"), QStringLiteral("string:org.freedesktop.secrets")},
                   &out, 5000);
        if (out.contains("boolean true"))
            return true;
        if (!m_keyring.isRunning())
            return fail(QStringLiteral("gnome-keyring-daemon exited: ") + QString::fromUtf8(m_keyring.output()));
        QThread::msleep(50);
    }
    return fail(QStringLiteral("gnome-keyring-daemon never owned org.freedesktop.secrets: %1 / dbus-send: %2")
                    .arg(QString::fromUtf8(m_keyring.output()), QString::fromUtf8(out)));
}

namespace {
// GLib's shared session-bus connection (libsecret's, through QtKeychain) raises SIGTERM in this
// process when its bus goes away ("exit on close"): the lab's bus stopping after a test that used
// it in-process would kill the next test of the same binary. GLib is only looked up when this
// process already loaded it (RTLD_NOLOAD); nothing is linked for it.
void keepThisProcessWhenTheSessionBusCloses()
{
#ifndef _WIN32
    void* gio = ::dlopen("libgio-2.0.so.0", RTLD_NOW | RTLD_NOLOAD);
    if (!gio)
        return;
    using BusGetSync = void* (*)(int, void*, void**);
    using SetExitOnClose = void (*)(void*, int);
    using Unref = void (*)(void*);
    const auto busGetSync = reinterpret_cast<BusGetSync>(::dlsym(gio, "g_bus_get_sync"));
    const auto setExitOnClose = reinterpret_cast<SetExitOnClose>(::dlsym(gio, "g_dbus_connection_set_exit_on_close"));
    const auto unref = reinterpret_cast<Unref>(::dlsym(gio, "g_object_unref"));
    if (busGetSync && setExitOnClose && unref) {
        constexpr int kSessionBus = 2; // G_BUS_TYPE_SESSION
        if (void* connection = busGetSync(kSessionBus, nullptr, nullptr)) {
            setExitOnClose(connection, 0);
            unref(connection);
        }
    }
    ::dlclose(gio);
#endif
}
} // namespace

void KeyringLab::stop()
{
    if (m_usedInThisProcess)
        keepThisProcessWhenTheSessionBusCloses();
    m_keyring.stop();
    m_bus.stop();
}

void KeyringLab::useInThisProcess()
{
    m_usedInThisProcess = true;
    qputenv("DBUS_SESSION_BUS_ADDRESS", m_address.toUtf8());
    qputenv("XDG_RUNTIME_DIR", m_dir.filePath(QStringLiteral("run")).toUtf8());
    qunsetenv("XDG_CURRENT_DESKTOP");
}

} // namespace socketscope::lab
