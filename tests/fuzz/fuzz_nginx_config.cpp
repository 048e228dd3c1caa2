// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the nginx and HAProxy configuration parsers. Invariants: no crash or hang
// on any input; whatever parses prints back byte for byte; the rules and the fixer run on it, and
// a fixed config still parses.
#include "nginx/HaproxyConfig.h"
#include "nginx/NginxAnalyzer.h"
#include "nginx/NginxConfig.h"
#include "nginx/NginxConfigSet.h"
#include "nginx/NginxFixer.h"

#include <cstdint>
#include <cstdlib>

using namespace socketscope::nginx;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    ConfFile file;
    ConfError error;
    if (NginxParser::parse(text, QStringLiteral("fuzz.conf"), &file, &error)) {
        if (NginxParser::print(file) != text)
            abort();
        NginxConfigSet set;
        LoadOptions load;
        load.followIncludes = false; // never touch the fuzzing machine's files
        if (!set.loadText(text, QStringLiteral("/fuzz/nginx.conf"), load, &error))
            abort();
        RuleOptions rules;
        rules.endpointPaths = {QStringLiteral("/ws")};
        NginxAnalyzer::lint(set, rules);
        if (size > 16384)
            return 0; // the fixer's diff is quadratic up to its LCS bound: keep the fuzzer fast
        FixOptions options;
        options.rules = rules;
        const FixResult fixed = NginxFixer::fixSet(set, options);
        ConfFile again;
        if (!NginxParser::parse(fixed.newText, QStringLiteral("fixed.conf"), &again, &error))
            abort();
    } else if (error.line < 1 || error.column < 1 || error.message.isEmpty()) {
        abort();
    }
    HaproxyConfig ha;
    if (HaproxyConfig::parse(text, QStringLiteral("fuzz.cfg"), &ha, &error)) {
        HaproxyAnalyzer::lint(ha, {});
        const HaproxyFixResult r = HaproxyAnalyzer::fix(ha, {});
        HaproxyConfig again;
        if (!HaproxyConfig::parse(r.newText, QStringLiteral("fixed.cfg"), &again, &error))
            abort();
    }
    return 0;
}
