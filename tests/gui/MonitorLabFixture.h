// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers for the Live tab's GUI tests: a real nginx in front of the in-process reference endpoint.

#include "lab/Lab.h"
#include "server/ReferenceServer.h"

#include <QHostAddress>

namespace socketscope::monitortest {

// nginx proxying /ws/ to a ReferenceServer with the WebSocket upgrade headers (or without them).
struct ProxiedEndpoint {
    ReferenceServer backend;
    lab::NginxLab nginx;
    quint16 port = 0;
    bool ok = false;

    explicit ProxiedEndpoint(bool upgradeHeaders = true, const QString& readTimeout = QStringLiteral("3600s"))
    {
        if (!nginx.available() || !backend.listen(QHostAddress::LocalHost, 0))
            return;
        port = lab::freePort();
        const QString headers = upgradeHeaders ? QStringLiteral(
                                                     "        proxy_http_version 1.1;\n"
                                                     "        proxy_set_header Upgrade $http_upgrade;\n"
                                                     "        proxy_set_header Connection \"upgrade\";\n")
                                               : QString();
        nginx.writeMainConfig();
        nginx.writeSite(QStringLiteral("ws"), QStringLiteral("server {\n"
                                                             "    listen 127.0.0.1:%1;\n"
                                                             "    location /ws/ {\n"
                                                             "        proxy_pass http://127.0.0.1:%2;\n"
                                                             "%3"
                                                             "        proxy_read_timeout %4;\n"
                                                             "    }\n"
                                                             "}\n")
                                                  .arg(port)
                                                  .arg(backend.port())
                                                  .arg(headers, readTimeout));
        ok = nginx.start() && lab::waitForPort(port);
    }
    QString url() const { return QStringLiteral("ws://127.0.0.1:%1/ws/echo").arg(port); }
};

} // namespace socketscope::monitortest
