// SPDX-License-Identifier: GPL-3.0-or-later
// LocalHost: the RemoteHost that acts on this machine.
#include "lab/Lab.h"
#include "remote/LocalHost.h"

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#ifndef _WIN32
#include <sys/stat.h>
#include <unistd.h>
#endif

using namespace socketscope;

TEST(LocalHost, RunsCommandsWithStdinExitStatusAndStreamedOutput)
{
    LocalHost host;
    QByteArray streamed;
    CommandOptions o;
    o.stdinData = "line one\nline two\n";
    o.onOutput = [&](const QByteArray& chunk, bool) { streamed += chunk; };
    Result<CommandResult> r = host.run(QStringLiteral("wc -l; echo oops >&2; exit 3"), o);
    ASSERT_TRUE(r) << r.error().toStdString();
    EXPECT_EQ(r->exitStatus, 3);
    EXPECT_EQ(r->stdOut.trimmed(), QByteArray("2"));
    EXPECT_EQ(r->stdErr.trimmed(), QByteArray("oops"));
    EXPECT_TRUE(streamed.contains("oops"));
}

TEST(LocalHost, TimeoutStopsTheCommand)
{
    LocalHost host;
    CommandOptions o;
    o.timeoutMs = 300;
    Result<CommandResult> r = host.run(QStringLiteral("sleep 20"), o);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->timedOut);
    EXPECT_EQ(r->exitStatus, -1);
}

TEST(LocalHost, AtomicWriteKeepsOwnerAndModeAndFollowsTheSymlink)
{
    QTemporaryDir dir;
    const QString real = dir.filePath(QStringLiteral("site"));
    const QString link = dir.filePath(QStringLiteral("enabled"));
    ASSERT_TRUE(lab::writeFile(real, "old\n"));
    ASSERT_TRUE(QFile::link(real, link));
#ifndef _WIN32
    ::chmod(QFile::encodeName(real).constData(), 0640);
    const bool root = ::geteuid() == 0;
    if (root) {
        ASSERT_EQ(::chown(QFile::encodeName(real).constData(), 65534, 65534), 0); // nobody:nogroup
    }
#endif
    LocalHost host;
    ASSERT_TRUE(host.writeFileAtomic(link, "new\n"));
    EXPECT_EQ(lab::readAll(real), QByteArray("new\n"));
    EXPECT_TRUE(QFileInfo(link).isSymLink()) << "the link stays a link";
    Result<FileInfo> st = host.stat(real);
    ASSERT_TRUE(st);
    EXPECT_EQ(st->mode, 0640u);
#ifndef _WIN32
    if (root) {
        EXPECT_EQ(QFileInfo(real).ownerId(), 65534u);
    }
#endif
    Result<FileInfo> ln = host.stat(link);
    ASSERT_TRUE(ln);
    EXPECT_TRUE(ln->isSymlink);
    EXPECT_EQ(ln->symlinkTarget, QFileInfo(real).canonicalFilePath());
    EXPECT_TRUE(QDir(dir.path()).entryList({QStringLiteral(".*socketscope*")}, QDir::Hidden | QDir::Files).isEmpty())
        << "no temporary file left behind";
}

TEST(LocalHost, MissingFilesAreReportedNotFatal)
{
    LocalHost host;
    Result<FileInfo> st = host.stat(QStringLiteral("/nonexistent/socketscope"));
    ASSERT_TRUE(st);
    EXPECT_FALSE(st->exists);
    Result<QByteArray> r = host.readFile(QStringLiteral("/nonexistent/socketscope"));
    EXPECT_FALSE(r);
    EXPECT_TRUE(r.error().contains(QStringLiteral("/nonexistent/socketscope")));
}
