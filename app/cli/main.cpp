// SPDX-License-Identifier: GPL-3.0-or-later
// socketscope-cli: the headless tool. Same core as the GUI, no Widgets, runs without a display.
#include "cli/CliContext.h"

int main(int argc, char** argv)
{
    return socketscope::cli::runCli(argc, argv);
}
