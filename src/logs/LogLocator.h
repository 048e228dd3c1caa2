// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace socketscope {
class RemoteHost;
}

namespace socketscope::logs {

// One error_log directive found in `nginx -T` output.
struct NginxErrorLog {
    QString path;              // absolute (relative paths resolved against the nginx prefix)
    QString level;             // "error" when the directive names none
    QString context;           // "main", "http", "http > server example.com", …
    QString configFile;        // where the directive is
    int configLine = 0;        // 1-based line inside configFile
    bool isFile = true;        // false for stderr, syslog:…, memory:…
    bool compiledDefault = false; // no error_log at main level: nginx's built-in path applies
};

// Parses `nginx -T` output (every "# configuration file X:" section) and lists every error_log
// directive with its context. Blocks opened by include are followed through the dump.
// `prefix`: nginx's prefix for relative paths; `compiledDefault`: the built-in error log,
// reported when the main context sets none (empty: not reported). Fails on input that is not
// an nginx -T dump.
Result<QList<NginxErrorLog>> parseNginxErrorLogs(const QString& dump, const QString& prefix = QStringLiteral("/usr/share/nginx"),
                                                 const QString& compiledDefault = QStringLiteral("/var/log/nginx/error.log"));

// Where Neo4j writes its logs according to neo4j.conf.
struct Neo4jLogLocation {
    QString logsDir;           // absolute
    QString setting;           // "server.directories.logs", "dbms.directories.logs", or empty (default)
    int configLine = 0;        // 1-based; 0 for the default
    QString neo4jLog() const;  // logsDir/neo4j.log
    QString debugLog() const;  // logsDir/debug.log
};

// Reads server.directories.logs (Neo4j 5) or dbms.directories.logs (4.x) from neo4j.conf text;
// relative values and the default ("logs") resolve against NEO4J_HOME. The last assignment wins.
Neo4jLogLocation parseNeo4jLogLocation(const QString& confText, const QString& neo4jHome);

// A log file found on the server and what SocketScope thinks of it.
struct LogCandidate {
    QString path;
    bool exists = false;
    QDateTime modified;
    bool configured = false;   // the file the configuration names
    QString note;              // e.g. "not the configured log: a stale copy (last written …)"
};

// What the server's configuration says about its logs.
struct ServerLogs {
    QList<NginxErrorLog> nginx;
    QString nginxError;        // why nginx -T could not be used, when it could not
    Neo4jLogLocation neo4j;
    QString neo4jError;
    QList<LogCandidate> neo4jCandidates; // the configured neo4j.log first, then other copies
};

// Judges Neo4j log files found on disk against the configured location: the configured one is
// marked, every other copy is flagged (the seed's lesson: /var/log/neo4j was stale).
QList<LogCandidate> rateNeo4jCandidates(const Neo4jLogLocation& location, QList<LogCandidate> found);

// Where to look on the server.
struct LogFindOptions {
    bool sudo = false;
    QString nginxCommand = QStringLiteral("nginx -T");
    QString nginxPrefix = QStringLiteral("/usr/share/nginx");   // for relative error_log paths
    QString neo4jConf = QStringLiteral("/etc/neo4j/neo4j.conf");
    QString neo4jHome = QStringLiteral("/var/lib/neo4j");
};

// Blocking (worker thread): asks the server over `host` — `nginx -T`, neo4j.conf, and a stat of
// the usual Neo4j log places — and reports what the configuration says.
ServerLogs findServerLogs(RemoteHost& host, const LogFindOptions& options = {});

} // namespace socketscope::logs
