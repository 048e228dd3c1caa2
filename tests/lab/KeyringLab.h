// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A real Secret Service for keychain tests: a private D-Bus session bus (dbus-daemon) and
// gnome-keyring-daemon unlocked on it, both in a temporary directory, started by the test and
// stopped by PID. The OS keychain of the person running the tests is never touched.

#include "lab/Lab.h"

namespace socketscope::lab {

class KeyringLab {
public:
    KeyringLab();
    ~KeyringLab();
    // Why this cannot run here ("" when it can): dbus-daemon or gnome-keyring-daemon missing.
    static QString skipReason();
    bool start(QString* error);
    void stop();
    QString busAddress() const { return m_address; }
    // Points this process's session bus (QtKeychain, libsecret) at the lab. Call before anything
    // in the process has used the session bus.
    void useInThisProcess();
    // The environment for a child process (the CLI) that should use the lab's keychain.
    QProcessEnvironment environment() const;

private:
    QTemporaryDir m_dir;
    Daemon m_bus;
    Daemon m_keyring;
    bool m_usedInThisProcess = false; // stop() then keeps GLib from ending this process with the bus
    QString m_address;
};

} // namespace socketscope::lab
