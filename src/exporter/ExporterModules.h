// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The exporter's modules (issue 12): named sets of probe options, read from a JSON file
//   {"modules": {"NAME": {"app": "auto", "hold": 7, "echo": 0, "ping_interval": 0, "origin": "…",
//                         "ca": "FILE", "headers": {"N": "v"}, "timeout": 10}}}
// whose keys are the `probe` command's option names (--ping-interval → "ping_interval"). Header
// values that carry secrets are references only: "env:NAME" or "file:PATH", resolved for each
// probe; an inline value for a header that carries credentials is refused at load time.

#include "core/Result.h"
#include "probe/ProbeTypes.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

namespace socketscope {

struct Profile;

// One extra handshake header of a module: a literal, or a reference to where its value lives.
struct ModuleHeader {
    enum class Source { Literal, Env, File };
    QString name;
    Source source = Source::Literal;
    QString value; // the literal, the variable's name, or the file's absolute path
};

struct ExporterModule {
    QString name;
    ProbeOptions options; // everything but url and headers
    QList<ModuleHeader> headers;
    // The probe options for one target, with the header references read now (a rotated secret
    // file is picked up by the next probe); fails naming the header whose reference cannot be read.
    Result<ProbeOptions> probeOptions(const QString& target) const;
};

class ModuleSet {
public:
    // The built-in modules: "default" (upgrade plus one ping round trip, no hold).
    static ModuleSet builtin();
    // The built-in modules plus those of a JSON document (a module named "default" replaces the
    // built-in one); relative "file:" and "ca" paths are resolved against baseDir.
    static Result<ModuleSet> fromJson(const QByteArray& json, const QString& baseDir = {});
    static Result<ModuleSet> load(const QString& path);

    const ExporterModule* find(const QString& name) const; // nullptr: unknown
    QStringList names() const;

private:
    QMap<QString, ExporterModule> m_modules;
};

// The module keys a file may use, in the order the documentation lists them.
QStringList moduleKeys();
// True for a header whose value is a credential (Authorization, Cookie, *token*, *key*, ...):
// such a header is only ever given by reference.
bool isSecretHeader(const QString& name);
// A module for a profile's endpoint (app, origin, subprotocols, headers, TLS options), as the
// JSON object of the file format. A secret-carrying header becomes an "env:" reference whose
// variable name is returned in *envNames; no secret value is ever written.
QJsonObject moduleFromProfile(const Profile& profile, QStringList* envNames = nullptr);

// The modules file for several profiles (one module each, named after the profile: the file
// format's [A-Za-z0-9_.-]{1,64}, "-2", "-3" … on a clash), indented JSON. *envNames gets the
// variables a credential header refers to; *targets one "module NAME: target URL" line per
// profile with a public URL. `profiles export-modules` and the GUI's File menu write this.
struct ModulesExport {
    QByteArray json;
    int count = 0;
    QStringList envNames;
    QStringList targets;
};
ModulesExport modulesFromProfiles(const QList<Profile>& profiles);

} // namespace socketscope
