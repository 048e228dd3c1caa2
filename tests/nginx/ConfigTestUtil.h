// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Helpers for the configuration-analysis tests: the fixture corpus, its sidecar files, and the
// "lab" substitutions that let real nginx/HAProxy check configs written for other machines.
//
// Sidecars next to a fixture NAME.conf (or directory NAME/ with NAME/nginx.conf):
//   NAME.expected  the findings, one "RULE@LINE" (main file) or "RULE@REL/PATH:LINE" per line,
//                  judged by hand: a line is a real problem unless it goes on with "fp: why" (a
//                  finding that is not a real problem); "missed: RULE@LINE why" names a real
//                  problem the rules do not report (not part of the exact findings)
//   NAME.options   CLI-style options ("--endpoint /ws"); "# nginx-t: skip (why)" or
//                  "# nginx-t: fail TEXT" when real nginx cannot or must not accept the config,
//                  "# nginx-t: main (why)" for a whole nginx.conf (checked as the main file),
//                  "# nginx-t: server (why)" for bare locations (checked inside a server block);
//                  "# nginx-t-modules: PACKAGE: MODULE..." dynamic modules real nginx must load
//                  (from /usr/lib/nginx/modules, installed by the Debian PACKAGE)
//   NAME.lab       "FROM => TO" replacements applied only before running real nginx/HAProxy on
//                  this machine (host names and certificate paths that exist only in production;
//                  "\n" in TO is a line break)

#include "nginx/ConfigFinding.h"
#include "nginx/NginxConfigSet.h"

#include <QDir>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

namespace socketscope::nginxtest {

struct Fixture {
    QString name;        // "neo4j-current", "tree-sites"
    QString mainPath;    // absolute path of the file to load
    bool isTree = false; // a directory with nginx.conf (a whole configuration, run with -p)
    QString sidecarBase; // path without extension for the sidecars
};

// Every nginx fixture (kind "nginx") or HAProxy fixture (kind "haproxy").
QList<Fixture> fixtures(const QString& kind);
QStringList expectedFindings(const Fixture& f);
// The hand judgement of a fixture's findings (keys as in expectedFindings).
struct Judgement {
    QStringList falsePositives;  // reported, but not a real problem
    QStringList missed;          // real problems the rules do not report
};
Judgement judgement(const Fixture& f);
// "RULE@LINE" / "RULE@REL:LINE" for findings, relative to the fixture's directory.
QStringList findingKeys(const nginx::ConfigFindings& findings, const Fixture& f);
// Options parsed from NAME.options.
nginx::RuleOptions ruleOptions(const Fixture& f);
// "skip: why", "fail: text", "main: why", "server: why" or "" (nginx -t must pass).
QString nginxTestExpectation(const Fixture& f);
// The "# nginx-t-modules:" line: the Debian package and the modules it installs (empty when none).
struct NginxModules {
    QString package;
    QStringList modules;
};
NginxModules nginxModules(const Fixture& f);
// Applies NAME.lab and the built-in certificate substitutions; ${LAB} is the lab material dir.
QByteArray labSubstitute(const Fixture& f, QByteArray text);
// A directory with a self-signed certificate (cert.pem, key.pem, haproxy.pem), DH params and an
// options-ssl-nginx.conf, generated once per test run with the openssl command.
QString labMaterialDir();

} // namespace socketscope::nginxtest
