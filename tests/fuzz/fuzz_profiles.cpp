// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target for the two parsers of outside input in the profiles feature:
//   first byte even → the profile document parser (ProfileJson::parse), with a round-trip check;
//   first byte odd  → the ssh_config parser (SshConfigImporter::parse), Include served from memory.
// Seed corpus: tests/fuzz/corpus/profiles/ (files start with '0' or '1').
#include "profiles/ProfileJson.h"
#include "profiles/ProfileValidator.h"
#include "profiles/SshConfigImporter.h"

#include <cstdint>
#include <cstdlib>

using namespace socketscope;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const QByteArray input(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    if ((data[0] & 1) == 0) {
        const Result<QList<Profile>> parsed = ProfileJson::parse(input);
        if (!parsed)
            return 0;
        for (const Profile& p : *parsed)
            (void)ProfileValidator::validate(p, *parsed, ValidationOptions{false});
        // Whatever we accept, we write back and read again unchanged.
        const Result<QList<Profile>> again = ProfileJson::parse(ProfileJson::serialize(*parsed));
        if (!again || *again != *parsed)
            std::abort();
        return 0;
    }
    // Any Include reads the input itself again (recursion must stop by depth/count limits).
    const SshConfigImporter::FileReader reader = [&input](const QString&) -> std::optional<QByteArray> { return input; };
    const SshConfigParse parsed = SshConfigImporter::parse(input, QStringLiteral("fuzz_config"), QStringLiteral("/nonexistent-fuzz-dir"), reader);
    for (const SshConfigHost& h : parsed.hosts)
        (void)SshConfigImporter::toProfile(h);
    return 0;
}
