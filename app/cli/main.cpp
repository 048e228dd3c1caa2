// SPDX-License-Identifier: GPL-3.0-or-later
// socketscope-cli: the headless tool. Same core as the GUI, no Widgets, runs without a display.
#include "cli/CliContext.h"
#include "core/ProcessHardening.h"

int main(int argc, char** argv)
{
    // Secrets live in this process's memory: no core dump, no same-user debugger (Linux).
    socketscope::ProcessHardening::disableCoreDumps();
    return socketscope::cli::runCli(argc, argv);
}
