// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers for the real-proxy fault lab: backends (our `serve`, Debian's python3-websockets),
// nginx sites, a self-signed certificate, and a synchronous wrapper around ProbeEngine.

#include "lab/Lab.h"
#include "probe/ProbeTypes.h"

#include <QTemporaryDir>

namespace socketscope::proxylab {

// A backend process on a free port: "serve" (socketscope-cli serve) or a ws_peer.py mode.
class Backend {
public:
    bool start(const QString& mode);
    quint16 port() const { return m_port; }
    void stop() { m_daemon.stop(); }

private:
    lab::Daemon m_daemon;
    quint16 m_port = 0;
};

// nginx location lines that pass a WebSocket upgrade on correctly.
QString upgradeDirectives();
// A server block listening on 127.0.0.1:listenPort that proxies / to 127.0.0.1:backendPort.
QString proxySite(quint16 listenPort, quint16 backendPort, const QString& locationBody, const QString& serverExtra = {});
// Starts the lab nginx with the given sites; false with the reason in *log.
bool startNginx(lab::NginxLab& nginx, const QList<QPair<QString, QString>>& sites, QByteArray* log);
// A self-signed certificate (CA:TRUE) for subjectAltName san in dir: dir/cert.pem, dir/key.pem.
bool makeSelfSignedCert(const QString& dir, const QString& san, QByteArray* log = nullptr);
using lab::probe;
ProbeOptions quickOptions(const QString& url);
QString describe(const ProbeResult& r);

} // namespace socketscope::proxylab
