// SPDX-License-Identifier: GPL-3.0-or-later
// Files on a real sshd: SFTP round trip, exec-channel reads, atomic replacement keeping owner
// and mode (with and without sudo, through a symlink), stat.
#include "SshTestSupport.h"

#include "ssh/SshRemoteHost.h"
#include "ssh/SshSession.h"

#include <QFileInfo>
#include <QRandomGenerator>

#include <sys/stat.h>
#include <unistd.h>

using namespace socketscope;
using namespace socketscope::testing;

namespace {

class SshFilesTest : public SshLabTest {
protected:
    void SetUp() override
    {
        SshLabTest::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        trustLab();
        m_session = std::make_unique<SshSession>(target());
        SshCredentials c;
        c.sudoPassword = SecretBytes(lab::SshdLab::password());
        m_session->setCredentials(c);
        const Status st = m_session->connect();
        ASSERT_TRUE(st.ok()) << st.error().toStdString();
    }
    void TearDown() override
    {
        for (const QString& f : m_cleanup)
            QFile::remove(f);
    }
    QString track(const QString& path) { m_cleanup << path; return path; }

    std::unique_ptr<SshSession> m_session;
    QStringList m_cleanup;
};

QByteArray randomBytes(qsizetype n)
{
    QByteArray data(n, Qt::Uninitialized);
    QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(data.data()), n / 4);
    return data;
}

struct Owner { uid_t uid; gid_t gid; mode_t mode; };
Owner ownerOf(const QString& path)
{
    struct stat st {};
    ::lstat(QFile::encodeName(path).constData(), &st);
    return {st.st_uid, st.st_gid, st.st_mode & 07777};
}

} // namespace

TEST_F(SshFilesTest, SftpRoundTripOf10MBKeepsEveryByte)
{
    const QByteArray data = randomBytes(10 * 1024 * 1024);
    const QString path = track(homePath(QStringLiteral("roundtrip.bin")));
    qint64 lastDone = 0;
    TransferOptions o;
    o.progress = [&](qint64 done, qint64) { lastDone = done; };
    const Status w = m_session->sftpWrite(path, data, 0600, o);
    ASSERT_TRUE(w.ok()) << w.error().toStdString();
    EXPECT_EQ(lastDone, data.size());
    EXPECT_EQ(sha256(lab::readAll(path)), sha256(data)) << "the server's copy differs";

    Result<QByteArray> back = m_session->sftpRead(path);
    ASSERT_TRUE(back.ok()) << back.error().toStdString();
    EXPECT_EQ(back->size(), data.size());
    EXPECT_EQ(sha256(*back), sha256(data));

    Result<QByteArray> viaCat = m_session->execRead(path, false);
    ASSERT_TRUE(viaCat.ok()) << viaCat.error().toStdString();
    EXPECT_EQ(sha256(*viaCat), sha256(data));

    // readFile() picks the exec channel above 8 MiB and SFTP below; both give the same bytes.
    Result<QByteArray> chosen = m_session->readFile(path);
    ASSERT_TRUE(chosen.ok());
    EXPECT_EQ(sha256(*chosen), sha256(data));
}

TEST_F(SshFilesTest, SftpReadOfAMissingFileIsAClearError)
{
    Result<QByteArray> r = m_session->sftpRead(QStringLiteral("/home/sstest/does-not-exist"));
    ASSERT_FALSE(r.ok());
    EXPECT_TRUE(r.error().contains(QStringLiteral("no such file"))) << r.error().toStdString();
    Result<QByteArray> viaCat = m_session->readFile(QStringLiteral("/root/secret"), false);
    EXPECT_FALSE(viaCat.ok());
}

TEST_F(SshFilesTest, AtomicReplaceKeepsModeAndOwnerWithoutSudo)
{
    const QString path = track(homePath(QStringLiteral("site.conf")));
    ASSERT_TRUE(lab::writeFile(path, "old\n"));
    const Owner user = ownerOf(QStringLiteral("/home/sstest"));
    ASSERT_EQ(::chown(QFile::encodeName(path).constData(), user.uid, user.gid), 0);
    ASSERT_EQ(::chmod(QFile::encodeName(path).constData(), 0640), 0);

    const Status st = m_session->writeFileAtomic(path, "new content\n");
    ASSERT_TRUE(st.ok()) << st.error().toStdString();
    EXPECT_EQ(lab::readAll(path), QByteArray("new content\n"));
    const Owner after = ownerOf(path);
    EXPECT_EQ(after.mode, mode_t(0640));
    EXPECT_EQ(after.uid, user.uid);
    EXPECT_EQ(after.gid, user.gid);
    // No temp file left behind.
    const QStringList leftovers = QDir(QStringLiteral("/home/sstest")).entryList({QStringLiteral(".*socketscope*")}, QDir::Files | QDir::Hidden);
    EXPECT_TRUE(leftovers.isEmpty()) << leftovers.join(QLatin1Char(' ')).toStdString();
}

TEST_F(SshFilesTest, AtomicReplaceOfARootFileNeedsSudoAndKeepsRootOwnership)
{
    // A root-owned 0755 directory the test user cannot write (like /etc/nginx/sites-available).
    QTemporaryDir rootDir(QStringLiteral("/var/lib/socketscope-sshlab/rootdir-XXXXXX"));
    ASSERT_TRUE(rootDir.isValid());
    ASSERT_EQ(::chmod(QFile::encodeName(rootDir.path()).constData(), 0755), 0);
    const QString path = rootDir.filePath(QStringLiteral("neo4j.conf"));
    ASSERT_TRUE(lab::writeFile(path, "server { }\n"));
    ASSERT_EQ(::chmod(QFile::encodeName(path).constData(), 0604), 0);
    const QString link = rootDir.filePath(QStringLiteral("enabled-link"));
    ASSERT_TRUE(QFile::link(path, link));

    const Status denied = m_session->writeFileAtomic(path, "changed\n", false);
    ASSERT_FALSE(denied.ok());
    EXPECT_TRUE(denied.error().contains(QStringLiteral("permission denied"))) << denied.error().toStdString();
    EXPECT_TRUE(denied.error().contains(QStringLiteral("use sudo")));
    EXPECT_EQ(lab::readAll(path), QByteArray("server { }\n"));

    // Through the symlink: the file it points to is replaced, the link stays a link.
    const QByteArray big = randomBytes(300 * 1024);
    const Status st = m_session->writeFileAtomic(link, big, true);
    ASSERT_TRUE(st.ok()) << st.error().toStdString();
    EXPECT_EQ(sha256(lab::readAll(path)), sha256(big));
    EXPECT_TRUE(QFileInfo(link).isSymLink());
    const Owner after = ownerOf(path);
    EXPECT_EQ(after.uid, uid_t(0));
    EXPECT_EQ(after.mode, mode_t(0604));
    EXPECT_EQ(QDir(rootDir.path()).entryList(QDir::Files | QDir::Hidden | QDir::System).size(), 2) << "temp file left behind";

    Result<QByteArray> readBack = m_session->readFile(path, true);
    ASSERT_TRUE(readBack.ok()) << readBack.error().toStdString();
    EXPECT_EQ(sha256(*readBack), sha256(big));
}

TEST_F(SshFilesTest, StatReportsSymlinkTargetOwnerAndMode)
{
    const QString path = track(homePath(QStringLiteral("stat-target")));
    const QString link = track(homePath(QStringLiteral("stat-link")));
    ASSERT_TRUE(lab::writeFile(path, "12345"));
    ASSERT_EQ(::chmod(QFile::encodeName(path).constData(), 0612), 0);
    QFile::remove(link);
    ASSERT_TRUE(QFile::link(path, link));

    SshRemoteHost host(*m_session);
    Result<FileInfo> st = host.stat(link);
    ASSERT_TRUE(st.ok()) << st.error().toStdString();
    EXPECT_TRUE(st->exists);
    EXPECT_TRUE(st->isSymlink);
    EXPECT_EQ(st->symlinkTarget, path);
    EXPECT_EQ(st->size, 5);
    EXPECT_EQ(st->mode, 0612u);
    EXPECT_EQ(st->owner, QStringLiteral("root"));

    Result<FileInfo> missing = host.stat(homePath(QStringLiteral("nothing-here")));
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->exists);
    EXPECT_EQ(host.describe(), QStringLiteral("sstest@127.0.0.1:%1").arg(m_lab->port()));
}
