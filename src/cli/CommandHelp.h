// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace socketscope::cli {

// A command's usage and options for `COMMAND --help`; nullopt for a command that prints its own
// (profiles, runbook) or an unknown one.
std::optional<QString> commandHelp(const QString& name);
// The arguments ask for help: --help or -h before a "--" (after it they belong to a remote command).
bool asksForHelp(const QStringList& args);

} // namespace socketscope::cli
