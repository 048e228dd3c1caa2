// SPDX-License-Identifier: GPL-3.0-or-later
// ProbeLauncher is an interface; this unit gives its signals a home (moc).
#include "monitor/ProbeLauncher.h"
