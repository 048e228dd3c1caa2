// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A real nginx (NginxLab) in front of a real WebSocket backend (ReferenceServer), with a profile
// whose test/reload commands point at the lab's prefix, for the runbook's end-to-end tests.

#include "lab/Lab.h"
#include "profiles/Profile.h"
#include "remote/LocalHost.h"
#include "runbook/ConfigFixer.h"
#include "runbook/RunbookEngine.h"
#include "server/ReferenceServer.h"

#include <QTemporaryDir>

#include <functional>
#include <optional>

#include <memory>

namespace socketscope::lab {

// How the lab's nginx is laid out (the defaults: absolute paths, `include PREFIX/sites-enabled/*`).
struct RunbookLabLayout {
    bool relativePaths = false;                   // `pid logs/nginx.pid; error_log logs/…;` resolved against -p
    QString errorLogName = QStringLiteral("error.log"); // under PREFIX/logs/
    // The directory nginx includes every file from; "live" makes it a symlink to sites-available
    // (the site is then loaded through it and has no sites-enabled entry).
    QString includeDir = QStringLiteral("sites-enabled");
};

class RunbookLab {
public:
    RunbookLab();
    // Starts the backend and nginx with the broken site (no Upgrade headers, 3 s read timeout).
    bool start(QString* error, const RunbookLabLayout& layout = {});
    // Before start(): proxy to this backend (e.g. an application server of AppServerLab) instead
    // of the ReferenceServer.
    void useBackendPort(quint16 port) { m_backendPort = port; }
    quint16 backendPort() const;
    NginxLab& nginx() { return m_nginx; }
    ReferenceServer& backend() { return m_backend; }
    const Profile& profile() const { return m_profile; }
    Profile& profile() { return m_profile; }
    QString runsDir() const { return m_runs.path(); }
    quint16 proxyPort() const { return m_proxyPort; }
    QString siteAvailable() const;
    QString siteEnabled() const;
    QString errorLog() const { return m_errorLog; }
    QString brokenSite() const;
    // What the fixer should produce for brokenSite(): HTTP/1.1, Upgrade/Connection, long timeouts.
    QString fixedSite() const;
    // SHA-256 of every regular file under the nginx prefix, by relative path.
    QMap<QString, QString> prefixChecksums() const;
    // An engine for the nginx-websocket-fix runbook acting on this machine (LocalHost), with the
    // product's nginx fixer unless a test hands it another one (fault injection).
    std::unique_ptr<RunbookEngine> engine(std::unique_ptr<ConfigFixer> fixer = nullptr, EngineOptions options = {});

private:
    NginxLab m_nginx;
    ReferenceServer m_backend;
    QTemporaryDir m_runs;
    quint16 m_proxyPort = 0;
    quint16 m_backendPort = 0;
    Profile m_profile;
    QString m_errorLog;
};

// Fault injection only: a fixer that "plans" exactly the text the test gives it (a config that
// fails nginx -t, one whose port clashes, one nginx accepts but that breaks the proxy). Runs that
// are meant to succeed use the product's fixer (RunbookLab::engine without a fixer).
class FixedTargetFixer : public ConfigFixer {
public:
    explicit FixedTargetFixer(QByteArray target) : m_target(std::move(target)) {}
    Result<FixPlan> plan(const QByteArray& text, const QString& path) override;

private:
    QByteArray m_target;
};

// Fault injection: the real LocalHost, with a hook that runs before every command (the tests use
// it to delete, replace or append to a log between two reads, or to refuse a read as a
// permission error would for a user who is not root).
class HookedHost : public RemoteHost {
public:
    // Returns a result to use instead of running the command, or nothing to run it.
    using Hook = std::function<std::optional<CommandResult>(const QString& command)>;
    explicit HookedHost(Hook hook) : m_hook(std::move(hook)) {}
    QString describe() const override { return m_real.describe(); }
    Result<CommandResult> run(const QString& command, const CommandOptions& options) override;
    Result<QByteArray> readFile(const QString& path, bool sudo) override { return m_real.readFile(path, sudo); }
    // The hook sees "writeFileAtomic PATH" first.
    Status writeFileAtomic(const QString& path, const QByteArray& data, bool sudo) override
    {
        if (m_hook)
            m_hook(QStringLiteral("writeFileAtomic ") + path);
        return m_real.writeFileAtomic(path, data, sudo);
    }
    Result<FileInfo> stat(const QString& path, bool sudo) override { return m_real.stat(path, sudo); }

private:
    LocalHost m_real;
    Hook m_hook;
};

} // namespace socketscope::lab
