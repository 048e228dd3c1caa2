// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Exports a runbook as an Ansible playbook, for teams that must apply the same fix to a fleet.
// The playbook (resources/ansible/, docs/ansible.md) moves data; SocketScope decides: the plan
// comes from `socketscope-cli fix nginx --nginx-T --site`, the proof from `socketscope-cli probe`,
// with backup, the host's own test command, a verified reload and a rollback (block/rescue).

#include "core/Result.h"

#include <QString>

namespace socketscope {

struct Profile;
struct Runbook;

namespace AnsibleExport {
// The playbook (YAML text). With a profile, its paths and URLs become the variables' defaults
// (the lowest precedence: inventory and -e values win); without one, placeholders an operator
// must fill in. Fails for runbooks without a built-in playbook.
Result<QString> playbook(const Runbook& runbook, const Profile* profile = nullptr);
} // namespace AnsibleExport

} // namespace socketscope
