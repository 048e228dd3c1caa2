// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A real nginx (NginxLab) in front of a real WebSocket backend (ReferenceServer), with a profile
// whose test/reload commands point at the lab's prefix, for the runbook's end-to-end tests.

#include "lab/Lab.h"
#include "profiles/Profile.h"
#include "runbook/ConfigFixer.h"
#include "runbook/RunbookEngine.h"
#include "server/ReferenceServer.h"

#include <QTemporaryDir>

#include <memory>

namespace socketscope::lab {

class RunbookLab {
public:
    RunbookLab();
    // Starts the backend and nginx with the broken site (no Upgrade headers, 3 s read timeout).
    bool start(QString* error);
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
    QString brokenSite() const;
    // What the fixer should produce for brokenSite(): HTTP/1.1, Upgrade/Connection, long timeouts.
    QString fixedSite() const;
    // SHA-256 of every regular file under the nginx prefix, by relative path.
    QMap<QString, QString> prefixChecksums() const;
    // An engine for the nginx-websocket-fix runbook acting on this machine (LocalHost).
    std::unique_ptr<RunbookEngine> engine(std::unique_ptr<ConfigFixer> fixer, EngineOptions options = {});

private:
    NginxLab m_nginx;
    ReferenceServer m_backend;
    QTemporaryDir m_runs;
    quint16 m_proxyPort = 0;
    quint16 m_backendPort = 0;
    Profile m_profile;
};

// A fixer that returns a fixed target text, provided by the test. The product's nginx fixer is
// built by the nginx module; until it is part of the core, the runbook's tests hand the target
// config to the engine through the ConfigFixer seam (and fault tests hand it a broken one).
class FixedTargetFixer : public ConfigFixer {
public:
    explicit FixedTargetFixer(QByteArray target) : m_target(std::move(target)) {}
    Result<FixPlan> plan(const QByteArray& text, const QString& path) override;

private:
    QByteArray m_target;
};

} // namespace socketscope::lab
