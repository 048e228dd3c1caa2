// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A runbook is data: a JSON document naming steps, each with a kind the engine knows how to run,
// parameters (which may refer to the profile: "${profile.nginx.siteFile}"), preconditions,
// whether the step changes the server, and what to do when it fails.

#include "core/Result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace socketscope {

struct Profile;

// What the engine does when a step fails.
enum class OnFailure { Stop, Rollback };

struct RunbookStep {
    QString id;                 // unique within the runbook, e.g. "backup"
    QString kind;               // executor name, e.g. "backup", "patch", "command"
    QString title;              // "Backup"
    QString description;        // one sentence shown under the title
    bool changesServer = false; // confirmation needed; skipped (described) in a dry run
    bool manual = false;        // not part of "Run all" (e.g. rollback)
    OnFailure onFailure = OnFailure::Stop;
    QStringList preconditions;  // ids of steps that must be ok first
    QJsonObject params;         // raw; strings may hold ${...} placeholders
};

struct Runbook {
    QString name;               // id used on the command line: "nginx-websocket-fix"
    QString title;              // "nginx WebSocket proxy fix"
    QString description;
    QString source;             // ":/runbooks/x.json" or a file path
    bool builtin = false;
    QList<RunbookStep> steps;
    QJsonObject ansible;        // the Ansible export ("playbook": NAME under resources/ansible/)

    int indexOf(const QString& stepId) const;
};

namespace Runbooks {
// Step kinds the engine can run; a runbook naming any other kind is refused at load time.
QStringList knownKinds();
// Parses and validates a runbook document; errors name the file and the problem.
Result<Runbook> parse(const QByteArray& json, const QString& source);
// Loads one file (resource or disk).
Result<Runbook> load(const QString& path);
// The built-in runbooks (":/runbooks/*.json") and the user's (configDir()/runbooks/*.json).
// A user runbook with a built-in's name is listed after it; broken files are reported in *errors.
QList<Runbook> all(QStringList* errors = nullptr);
// Finds a runbook by name among all().
Result<Runbook> find(const QString& name);
// The directory user runbooks are read from.
QString userDirectory();
// Replaces ${profile.*} and ${run.*} placeholders. Unknown placeholders are an error so a typo in
// a runbook never turns into an empty path on a server.
// ShellWords: for a shell command line, each value is inserted as one single-quoted shell word
// (a profile value can never become shell syntax), except ${profile.nginx.testCommand} and
// ${profile.nginx.reloadCommand}, which are command lines themselves and go in as they are.
enum class Placeholders { AsText, ShellWords };
Result<QString> expand(const QString& text, const Profile& profile, const QVariantMap& runValues,
                       Placeholders how = Placeholders::AsText);
// Expands every string value of a params object (numbers and booleans pass through; a string that
// is exactly one placeholder of a number stays a string: callers convert). The params named in
// shellParams are shell command lines: their placeholders are expanded as ShellWords.
Result<QVariantMap> expandParams(const QJsonObject& params, const Profile& profile, const QVariantMap& runValues,
                                 const QStringList& shellParams = {});
} // namespace Runbooks

} // namespace socketscope
