// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Exports a runbook as an Ansible playbook, for teams that must apply the same fix to a fleet:
// backup outside the included directories, the change with nginx validation, a reload handler,
// and verification (uri/wait_for plus the error-log check an exit code cannot replace).

#include "core/Result.h"

#include <QString>

namespace socketscope {

struct Profile;
struct Runbook;

namespace AnsibleExport {
// The playbook (YAML text). With a profile, its paths and URLs become the variables' defaults;
// without one, placeholders an operator must fill in. Fails for runbooks it cannot express.
Result<QString> playbook(const Runbook& runbook, const Profile* profile = nullptr);
} // namespace AnsibleExport

} // namespace socketscope
