// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/ConfigFixer.h"

#include "nginx/NginxFixer.h"

namespace socketscope {

namespace {

// The nginx module's linter and fixer behind the runbook's seam. The site file comes from the
// server, so its includes are not followed here (they live on the server, not on this machine).
class NginxModuleFixer : public ConfigFixer {
public:
    explicit NginxModuleFixer(FixScope scope) : m_scope(std::move(scope)) {}

    Result<FixPlan> plan(const QByteArray& text, const QString& path) override
    {
        nginx::FixOptions options;
        options.rules.endpointPaths = m_scope.endpointPaths;
        options.rules.serverVersion = nginx::ServerVersion::fromText(m_version);
        options.rules.thresholdSeconds = m_scope.thresholdSeconds;
        options.rules.suggestedSeconds = m_scope.suggestedSeconds;
        options.onlyRules = m_scope.onlyRules;
        options.load.followIncludes = false;
        const nginx::FixResult r = nginx::NginxFixer::fix(text, path, options);
        if (!r.ok)
            return Result<FixPlan>::failure(r.error);
        FixPlan p;
        p.newText = r.newText;
        p.diff = QString::fromUtf8(r.diff);
        for (const nginx::ConfigFinding& f : r.before) {
            const QString line = QStringLiteral("%1 (%2) line %3: %4").arg(f.rule, f.severity).arg(f.line).arg(f.message);
            if (m_scope.onlyRules.isEmpty() || m_scope.onlyRules.contains(f.rule))
                p.findings << line;
            else
                p.leftOut << line;
        }
        for (const nginx::ConfigFinding& f : r.notFixed)
            if (m_scope.onlyRules.isEmpty() || m_scope.onlyRules.contains(f.rule))
                p.findings << QStringLiteral("not fixed automatically: %1 line %2: %3").arg(f.rule).arg(f.line).arg(f.message);
        return p;
    }

    void setServerVersion(const QString& version) override { m_version = version; }

private:
    FixScope m_scope;
    QString m_version;
};

} // namespace

std::unique_ptr<ConfigFixer> makeDefaultConfigFixer(const QStringList& endpointPaths)
{
    FixScope scope;
    scope.endpointPaths = endpointPaths;
    return std::make_unique<NginxModuleFixer>(scope);
}

std::unique_ptr<ConfigFixer> makeDefaultConfigFixer(const FixScope& scope)
{
    return std::make_unique<NginxModuleFixer>(scope);
}

} // namespace socketscope
