// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

#include <functional>

namespace socketscope::cli {

// Exit codes shared by every command (scripts depend on them).
enum ExitCode : int {
    ExitOk = 0,        // success / probe ok / lint clean
    ExitFinding = 1,   // a cause was found, findings exist, the operation failed
    ExitUsage = 2,     // usage error, parse error, unreadable input
    ExitAsync = -1,    // returned by a command that will call CliContext::finish() later
};

// What a command gets: its arguments (after the command name), output streams, global options.
struct CliContext {
    QStringList args;               // arguments after the command word
    QString profilesFile;           // from the global --profiles FILE; empty: the default store
    QTextStream* out = nullptr;     // stdout (UTF-8)
    QTextStream* err = nullptr;     // stderr (UTF-8)
    std::function<void(int)> finish; // for ExitAsync commands: ends the event loop with this code
    // Reads all of standard input (for --password-stdin); trailing newline removed.
    std::function<QByteArray()> readStdin;
};

using CommandFn = int (*)(CliContext&);

struct Command {
    const char* name;
    const char* synopsis;   // one line for --help
    CommandFn run;
};

// The command table (Commands.cpp). Each feature adds one line there.
const QList<Command>& commands();

// Entry point used by app/cli/main.cpp. Runs an event loop for asynchronous commands.
int runCli(int argc, char** argv);

} // namespace socketscope::cli
