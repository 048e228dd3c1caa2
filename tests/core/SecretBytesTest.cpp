// SPDX-License-Identifier: GPL-3.0-or-later
// SecretBytes (owns, locks in RAM, wipes; deep copies) and the process hardening seam (no core
// dump, not dumpable), observed through Linux /proc.
#include "core/ProcessHardening.h"
#include "core/SecretBytes.h"

#include "common/ProcStatus.h"

#include <QFile>

#include <gtest/gtest.h>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

using namespace socketscope;

namespace {

#ifdef Q_OS_LINUX
using socketscope::testing::lockedKb;
#endif

} // namespace

TEST(SecretBytes, CopiesAreDeepAndIndependent)
{
    SecretBytes a(QByteArrayView("hunter2-Sudo!"));
    SecretBytes b = a;
    EXPECT_NE(a.constData(), b.constData()) << "a copy owns its own storage (nothing shared to survive a wipe)";
    EXPECT_EQ(a, b);
    b.clear();
    EXPECT_TRUE(b.isEmpty());
    EXPECT_EQ(a.view(), QByteArrayView("hunter2-Sudo!")) << "clearing a copy leaves the original";
    SecretBytes moved = std::move(a);
    EXPECT_TRUE(a.isEmpty()); // NOLINT(bugprone-use-after-move): moved-from is defined as empty
    EXPECT_EQ(moved.view(), QByteArrayView("hunter2-Sudo!"));
    const SecretBytes line = moved.withSuffix('\n');
    EXPECT_EQ(line.view(), QByteArrayView("hunter2-Sudo!\n"));
    EXPECT_STREQ(SecretBytes().constData(), "");
}

TEST(SecretBytes, TakeEmptiesTheSourceAndLeavesOtherSharersAlone)
{
    QByteArray typed("typed secret");
    typed.detach();
    const SecretBytes s = SecretBytes::take(typed);
    EXPECT_TRUE(typed.isEmpty());
    EXPECT_EQ(s.view(), QByteArrayView("typed secret"));

    // A buffer shared with another QByteArray is released, never detached and wiped (that would
    // wipe a fresh copy and leave the shared one as it was).
    QByteArray shared("shared secret");
    QByteArray holder = shared;
    const SecretBytes t = SecretBytes::take(shared);
    EXPECT_TRUE(shared.isEmpty());
    EXPECT_EQ(holder, QByteArray("shared secret"));
    EXPECT_EQ(t.view(), QByteArrayView("shared secret"));
}

#ifdef Q_OS_LINUX
TEST(SecretBytes, StorageIsLockedInRamWhileItLives)
{
    const qint64 before = lockedKb();
    ASSERT_GE(before, 0);
    {
        SecretBytes s(QByteArrayView("locked secret"));
        ASSERT_TRUE(s.isLocked()) << "mlock failed (RLIMIT_MEMLOCK?)";
        EXPECT_GT(lockedKb(), before) << "the page holding the secret is locked";
    }
    EXPECT_EQ(lockedKb(), before) << "unlocked when wiped and released";
}

TEST(ProcessHardening, NoCoreDumpAndNotDumpableAfterTheCall)
{
    // In a child: the call changes the process for good.
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        struct rlimit some {4096, 4096};
        ::setrlimit(RLIMIT_CORE, &some);
        const bool before = ProcessHardening::coreDumpsDisabled();
        const bool ok = ProcessHardening::disableCoreDumps();
        const QByteArray limits = [] { QFile f(QStringLiteral("/proc/self/limits")); f.open(QIODevice::ReadOnly); return f.readAll(); }();
        const bool zero = limits.simplified().contains("Max core file size 0 0 bytes");
        ::_exit(!before && ok && ProcessHardening::coreDumpsDisabled() && zero ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}
#endif
