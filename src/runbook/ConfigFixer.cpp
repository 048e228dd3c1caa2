// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/ConfigFixer.h"

#include "nginx/NginxFixer.h"

namespace socketscope {

namespace {

// The nginx module's linter and fixer behind the runbook's seam. The site file comes from the
// server, so its includes are not followed here (they live on the server, not on this machine).
class NginxModuleFixer : public ConfigFixer {
public:
    explicit NginxModuleFixer(QStringList endpointPaths) : m_endpointPaths(std::move(endpointPaths)) {}

    Result<FixPlan> plan(const QByteArray& text, const QString& path) override
    {
        nginx::FixOptions options;
        options.rules.endpointPaths = m_endpointPaths;
        options.rules.serverVersion = nginx::ServerVersion::fromText(m_version);
        options.load.followIncludes = false;
        const nginx::FixResult r = nginx::NginxFixer::fix(text, path, options);
        if (!r.ok)
            return Result<FixPlan>::failure(r.error);
        FixPlan p;
        p.newText = r.newText;
        p.diff = QString::fromUtf8(r.diff);
        for (const nginx::ConfigFinding& f : r.before)
            p.findings << QStringLiteral("%1 (%2) line %3: %4").arg(f.rule, f.severity).arg(f.line).arg(f.message);
        for (const nginx::ConfigFinding& f : r.notFixed)
            p.findings << QStringLiteral("not fixed automatically: %1 line %2: %3").arg(f.rule).arg(f.line).arg(f.message);
        return p;
    }

    void setServerVersion(const QString& version) override { m_version = version; }

private:
    QStringList m_endpointPaths;
    QString m_version;
};

} // namespace

std::unique_ptr<ConfigFixer> makeDefaultConfigFixer(const QStringList& endpointPaths)
{
    return std::make_unique<NginxModuleFixer>(endpointPaths);
}

} // namespace socketscope
