// SPDX-License-Identifier: GPL-3.0-or-later
// socketscope: the desktop console.
#include "AppStartup.h"
#include "core/ProcessHardening.h"

#include <QApplication>

int main(int argc, char** argv)
{
    // Secrets live in this process's memory: no core dump, no same-user debugger (Linux).
    socketscope::ProcessHardening::disableCoreDumps();
    QApplication app(argc, argv);
    return socketscope::runGui(app);
}
