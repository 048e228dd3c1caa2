// SPDX-License-Identifier: GPL-3.0-or-later
// KnownHosts without a server: fingerprints (graded by ssh-keygen -l), the lookup name, and
// appending (directory creation, concurrent appends, what is written). Which key is accepted or
// refused is graded by OpenSSH itself in HostKeyOracleTest.cpp.
#include "lab/Lab.h"
#include "ssh/KnownHosts.h"

#include <QSet>
#include <QTemporaryDir>

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

struct Key {
    QString type;
    QByteArray base64;
    QString fingerprint; // from ssh-keygen -l -E sha256
};

Key makeKey(const QTemporaryDir& dir, const QString& name, const QString& type)
{
    const QString path = dir.filePath(name);
    lab::runProgram(QStringLiteral("/usr/bin/ssh-keygen"),
                    {QStringLiteral("-q"), QStringLiteral("-t"), type, QStringLiteral("-N"), QString(), QStringLiteral("-f"), path});
    const QList<QByteArray> pub = lab::readAll(path + QStringLiteral(".pub")).split(' ');
    QByteArray fp;
    lab::runProgram(QStringLiteral("/usr/bin/ssh-keygen"), {QStringLiteral("-l"), QStringLiteral("-E"), QStringLiteral("sha256"),
                                                            QStringLiteral("-f"), path + QStringLiteral(".pub")}, &fp);
    return {QString::fromLatin1(pub.value(0)), pub.value(1), QString::fromLatin1(fp.split(' ').value(1))};
}

class KnownHostsCheckTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/ssh-keygen"), QStringLiteral("openssh-client")));
        m_a = makeKey(m_dir, QStringLiteral("a"), QStringLiteral("ed25519"));
        m_b = makeKey(m_dir, QStringLiteral("b"), QStringLiteral("ed25519"));
        m_ecdsa = makeKey(m_dir, QStringLiteral("c"), QStringLiteral("ecdsa"));
    }
    QString write(const QByteArray& content)
    {
        const QString path = m_dir.filePath(QStringLiteral("kh%1").arg(++m_n));
        lab::writeFile(path, content);
        return path;
    }
    QByteArray line(const QByteArray& hosts, const Key& k) { return hosts + ' ' + k.type.toLatin1() + ' ' + k.base64 + '\n'; }

    QTemporaryDir m_dir;
    Key m_a, m_b, m_ecdsa;
    int m_n = 0;
};

} // namespace

TEST_F(KnownHostsCheckTest, FingerprintIsOpenSshs)
{
    EXPECT_EQ(KnownHosts::fingerprintSha256(m_a.base64), m_a.fingerprint);
    EXPECT_EQ(KnownHosts::fingerprintSha256(m_ecdsa.base64), m_ecdsa.fingerprint);
}

TEST_F(KnownHostsCheckTest, AppendCreatesTheDirectoryAndKeepsExistingLines)
{
    const QString f = m_dir.filePath(QStringLiteral("new/dir/known_hosts"));
    ASSERT_TRUE(KnownHosts::append(f, line("one", m_a)).ok());
    ASSERT_TRUE(KnownHosts::append(f, line("two", m_b)).ok());
    EXPECT_EQ(lab::readAll(f), line("one", m_a) + line("two", m_b));
    EXPECT_EQ(KnownHosts::check(QStringLiteral("two"), m_b.type, m_b.base64, {f}).status, HostKeyInfo::Status::Known);
}

TEST_F(KnownHostsCheckTest, AppendNeverLosesAConcurrentEntry)
{
    // Eight writers append at once (the app and the CLI remembering keys at the same moment):
    // every line must be there afterwards, each whole. A read-modify-write with a rename loses
    // entries here.
    const QString f = m_dir.filePath(QStringLiteral("race/known_hosts"));
    ASSERT_TRUE(lab::writeFile(f, line("existing", m_a)));
    constexpr int kWriters = 8;
    constexpr int kEach = 40;
    std::atomic_int ready{0};
    std::atomic_int failures{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
        writers.emplace_back([&, w] {
            ++ready;
            while (ready.load() < kWriters)
                std::this_thread::yield();
            for (int i = 0; i < kEach; ++i) {
                if (!KnownHosts::append(f, line(QStringLiteral("host-%1-%2").arg(w).arg(i).toLatin1(), m_a)).ok())
                    ++failures;
            }
        });
    }
    for (std::thread& t : writers)
        t.join();
    EXPECT_EQ(failures.load(), 0);
    const QList<QByteArray> lines = lab::readAll(f).split('\n');
    QSet<QByteArray> seen(lines.begin(), lines.end());
    EXPECT_TRUE(seen.contains(line("existing", m_a).trimmed()));
    for (int w = 0; w < kWriters; ++w)
        for (int i = 0; i < kEach; ++i)
            EXPECT_TRUE(seen.contains(line(QStringLiteral("host-%1-%2").arg(w).arg(i).toLatin1(), m_a).trimmed())) << w << ' ' << i;
    EXPECT_EQ(lines.size(), 1 + kWriters * kEach + 1) << "one line per entry, nothing torn";
}

TEST_F(KnownHostsCheckTest, AppendWritesOnlyToTheEndOfTheFile)
{
    // The file is appended to in place (same inode, earlier bytes untouched), a last line without
    // its newline gets one first, and names are written in the lower case ssh(1) looks up.
    const QString f = m_dir.filePath(QStringLiteral("inplace/known_hosts"));
    ASSERT_TRUE(lab::writeFile(f, "# kept as written\nOLD " + m_a.type.toLatin1() + ' ' + m_a.base64));
    QFile held(f);
    ASSERT_TRUE(held.open(QIODevice::ReadOnly));
    ASSERT_TRUE(KnownHosts::append(f, line("[DB.Example.org]:2222", m_b)).ok());
    EXPECT_EQ(lab::readAll(f), "# kept as written\nOLD " + m_a.type.toLatin1() + ' ' + m_a.base64 + '\n' + line("[db.example.org]:2222", m_b));
    EXPECT_EQ(held.readAll(), lab::readAll(f)) << "the file was replaced, not appended to";
    EXPECT_FALSE(KnownHosts::append(f, "evil " + m_a.type.toLatin1() + ' ' + m_a.base64 + "\n* ssh-ed25519 AAAA\n").ok())
        << "a line with an embedded newline would add a second entry";
}

TEST(KnownHostsName, IsTheNameSshLooksUp)
{
    // `ssh -G` prints the host name ssh(1) uses for known_hosts (lower-cased); known_hosts(5)
    // writes it as "[name]:port" for a port other than 22. (For an address literal `ssh -G`
    // prints the text as typed, but ssh lower-cases it too before the lookup: typed
    // "::FFFF:127.0.0.1", it matches an entry "[::ffff:127.0.0.1]:PORT".)
    LAB_REQUIRE(lab::missingProgram(QStringLiteral("/usr/bin/ssh"), QStringLiteral("openssh-client")));
    const QList<std::pair<QString, int>> cases = {{QStringLiteral("LOCALHOST"), 2222}, {QStringLiteral("Db.Example.ORG"), 22},
                                                  {QStringLiteral("::1"), 2200}, {QStringLiteral("10.0.0.5"), 22}};
    for (const auto& [host, port] : cases) {
        QByteArray out;
        ASSERT_EQ(lab::runProgram(QStringLiteral("/usr/bin/ssh"), {QStringLiteral("-G"), QStringLiteral("-F"), QStringLiteral("/dev/null"),
                                                                   QStringLiteral("-p"), QString::number(port), host}, &out), 0) << out.constData();
        QString name;
        for (const QByteArray& l : out.split('\n'))
            if (l.startsWith("hostname "))
                name = QString::fromUtf8(l.mid(9).trimmed());
        ASSERT_FALSE(name.isEmpty()) << out.constData();
        EXPECT_EQ(KnownHosts::lookupName(host, port), port == 22 ? name : QStringLiteral("[%1]:%2").arg(name).arg(port)) << host.toStdString();
    }
    // A bracketed IPv6 address (as in "user@[::1]:2200") is the same host.
    EXPECT_EQ(KnownHosts::lookupName(QStringLiteral("[::1]"), 2200), KnownHosts::lookupName(QStringLiteral("::1"), 2200));
    EXPECT_EQ(KnownHosts::lookupName(QStringLiteral("::FFFF:127.0.0.1"), 2200), QStringLiteral("[::ffff:127.0.0.1]:2200"));
}
