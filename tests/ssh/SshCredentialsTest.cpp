// SPDX-License-Identifier: GPL-3.0-or-later
// SshCredentials holds its secrets as SecretBytes: a copy owns its own storage (no implicitly
// shared QByteArray whose wipe would only release a reference), locked in RAM while it lives and
// wiped and unlocked when it is destroyed, leaving the original intact.
#include "ssh/SshTypes.h"

#include "common/ProcStatus.h"


#include <gtest/gtest.h>

#include <optional>
#include <utility>

using namespace socketscope;

namespace {

#ifdef Q_OS_LINUX
using socketscope::testing::lockedKb;
#endif

// Larger than two pages, so each secret has at least one locked page of its own.
QByteArray bigSecret(char c) { return QByteArray(8200, c); }

} // namespace

TEST(SshCredentials, CopiesAreDeepAndEachCopyIsWipedOnItsOwn)
{
    SshCredentials original;
    original.password = SecretBytes(bigSecret('p'));
    original.keyPassphrase = SecretBytes(bigSecret('k'));
    original.sudoPassword = SecretBytes(bigSecret('s'));
#ifdef Q_OS_LINUX
    const qint64 before = lockedKb();
    ASSERT_GE(before, 0);
#endif
    std::optional<SshCredentials> copy = original;
    for (const auto& [mine, theirs] : {std::pair{&copy->password, &original.password},
                                       std::pair{&copy->keyPassphrase, &original.keyPassphrase},
                                       std::pair{&copy->sudoPassword, &original.sudoPassword}}) {
        ASSERT_TRUE(mine->has_value());
        EXPECT_NE((*mine)->constData(), (*theirs)->constData()) << "a copy owns its own storage";
        EXPECT_EQ(**mine, **theirs);
        EXPECT_TRUE((*mine)->isLocked()) << "mlock failed (RLIMIT_MEMLOCK?)";
    }
#ifdef Q_OS_LINUX
    const qint64 during = lockedKb();
    EXPECT_GT(during, before) << "the copy's storage is locked in RAM";
#endif
    copy.reset();
#ifdef Q_OS_LINUX
    EXPECT_LT(lockedKb(), during) << "the copy's storage is wiped and unlocked when it is destroyed";
#endif
    EXPECT_EQ(original.password->view(), QByteArrayView(bigSecret('p'))) << "destroying the copy leaves the original";
    EXPECT_EQ(original.keyPassphrase->view(), QByteArrayView(bigSecret('k')));
    EXPECT_EQ(original.sudoPassword->view(), QByteArrayView(bigSecret('s')));
}
