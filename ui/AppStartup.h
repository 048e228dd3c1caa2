// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

class QApplication;

namespace socketscope {

// Builds the application's core objects (activity log, demo server, profile store), shows the
// main window and runs the event loop. Kept out of main() so the smoke test can drive it.
int runGui(QApplication& app);

} // namespace socketscope
