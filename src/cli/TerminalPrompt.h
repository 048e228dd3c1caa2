// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace socketscope::cli {

// Asks for a secret on the controlling terminal with echo switched off ("PROMPT: "); the answer
// never passes through argv or the environment. nullopt when there is no terminal (scripts use
// --password-stdin / --sudo-password-stdin instead).
std::optional<QByteArray> promptHidden(const QString& prompt);

} // namespace socketscope::cli
