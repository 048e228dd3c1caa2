// SPDX-License-Identifier: GPL-3.0-or-later
// socketscope: the desktop console.
#include "AppStartup.h"

#include <QApplication>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    return socketscope::runGui(app);
}
