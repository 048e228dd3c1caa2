// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The application catalogue (resources/apps/websocket-apps.json): where known applications carry
// WebSockets, so that the rules find WebSocket routes that have no Upgrade header yet without
// being told the endpoint path (issue 11).

#include <QList>
#include <QString>
#include <QStringList>

namespace socketscope::nginx {

struct WebSocketApp {
    QString name;          // "Socket.IO"
    QStringList paths;     // request-path prefixes of its WebSocket endpoints ("/socket.io/")
    QStringList hints;     // lower-case words that identify it in a server/backend ("odoo", ":8069")
    bool root = false;     // upgrades on any path (code-server, Proxmox noVNC)
};

// Why a location or backend was recognised from the catalogue.
struct AppMatch {
    const WebSocketApp* app = nullptr;
    QString path;          // the catalogue path (empty for a root application)
    QString hint;          // the hint that identified the application (empty for a path match)
    explicit operator bool() const { return app != nullptr; }
};

class WebSocketAppCatalog {
public:
    // The built-in catalogue (loaded once from the core's resources).
    static const WebSocketAppCatalog& builtIn();
    // Parses a catalogue file; false with *error set when it is not one.
    static bool fromJson(const QByteArray& json, WebSocketAppCatalog* out, QString* error);

    const QList<WebSocketApp>& apps() const { return m_apps; }
    // The catalogue path a location pattern ("/socket.io/", "~* /api/kernels/", "= /ws") names:
    // the path's segments appear, in order and adjacent, among the pattern's. Empty when none.
    // When several applications list that path, one of `preferred` (those the server's hints
    // name) wins, then the generic entry (no hints), then catalogue order.
    AppMatch matchPattern(const QString& pattern, const QList<AppMatch>& preferred = {}) const;
    // The applications whose hints occur in `text` (compared lower-case), in catalogue order.
    QList<AppMatch> hintedBy(const QString& text) const;
    // "/api/v4/websocket" → {"api", "v4", "websocket"}; regex syntax separates segments too.
    static QStringList segments(const QString& pattern);

private:
    QList<WebSocketApp> m_apps;
};

} // namespace socketscope::nginx
