// SPDX-License-Identifier: GPL-3.0-or-later
#include "monitor/EngineProbeLauncher.h"

#include "probe/ProbeEngine.h"

namespace socketscope {

EngineProbeLauncher::EngineProbeLauncher(ProbeEngine* engine, QObject* parent)
    : ProbeLauncher(parent), m_engine(engine ? engine : new ProbeEngine(this))
{
    connect(m_engine, &ProbeEngine::finished, this, &ProbeLauncher::finished);
}

quint64 EngineProbeLauncher::start(const ProbeOptions& options)
{
    return m_engine->start(options);
}

void EngineProbeLauncher::cancel(quint64 id)
{
    m_engine->cancel(id);
}

} // namespace socketscope
