// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A profile's `nginx -T`, read for the advice (diagnosis/ProxyStack.h: the stack in front of the
// endpoint and the idle timeouts its configuration sets): on the server over SSH (the profile's
// login, a known host key, an agent or a key file, no prompts), or on this machine when the
// profile has no SSH but says where its nginx is (a site file, or a test command of its own).
// The command is rebuilt from the profile's test command (NginxFacts::dumpCommand): never the
// reload. The blocking part runs on NginxDumpReader's worker thread.

#include "core/Result.h"
#include "profiles/Profile.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUuid>

#include <atomic>
#include <optional>

namespace socketscope {

class RemoteHost;

// Where and how a profile's nginx -T is read.
struct NginxDumpSource {
    QString command;      // "nginx -T -p … -c …", from the profile's test command
    bool overSsh = false; // on the profile's SSH host; else on this machine
    bool sudo = false;    // the test command starts with sudo, or the profile's user has password-less sudo
};

// The source for a profile; nullopt when the profile names no nginx it can reach (no SSH, and
// neither a site file nor a test command of its own) or its test command does not run nginx
// (an HAProxy profile).
std::optional<NginxDumpSource> nginxDumpSource(const Profile& profile);

// Blocking (worker thread): runs the dump on `host`. The dump (with its "# configuration file"
// sections), or why not: nginx's own message when it exits non-zero.
Result<QByteArray> readNginxDump(RemoteHost& host, const NginxDumpSource& source, const std::atomic_bool* cancel = nullptr);

// Lives on a worker thread; read() is called queued (QMetaObject::invokeMethod), dumped() comes
// back queued.
class NginxDumpReader : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    // Reads the profile's dump (from nginxDumpSource()); emits dumped() in every case.
    void read(const socketscope::Profile& profile);

signals:
    // dump is empty and error says why when it could not be read.
    void dumped(const QUuid& profile, const QByteArray& dump, const QString& error);
};

} // namespace socketscope
