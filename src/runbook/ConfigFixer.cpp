// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/ConfigFixer.h"

namespace socketscope {

std::unique_ptr<ConfigFixer> makeDefaultConfigFixer()
{
    // The nginx module's fixer is adapted here once it is part of the core (src/nginx/).
    return nullptr;
}

} // namespace socketscope
