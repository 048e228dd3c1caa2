// SPDX-License-Identifier: GPL-3.0-or-later
// Host-key verdicts graded by OpenSSH itself, not by hand-written expectations. For each case
// (two known_hosts files: the app's and the user's, and a host name as the user types it) the
// oracle is what a real `ssh -o StrictHostKeyChecking=yes` does against the real sshd lab —
// connects, or refuses because the key is revoked, changed or unknown — and which lines
// `ssh-keygen -F` finds for the name `ssh -G` says OpenSSH looks up. SocketScope's verdict
// (SshSession::fetchHostKey, SshSession::connect and `socketscope-cli ssh-fingerprint`) must agree.
#include "SshTestSupport.h"

#include "ssh/KnownHosts.h"
#include "ssh/SshSession.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>

using namespace socketscope;
using namespace socketscope::testing;

namespace {

const QString kSsh = QStringLiteral("/usr/bin/ssh");
const QString kKeygen = QStringLiteral("/usr/bin/ssh-keygen");

enum class Verdict { Connects, Revoked, Changed, Unknown, Unclear };

std::string verdictName(Verdict v)
{
    switch (v) {
    case Verdict::Connects: return "connects";
    case Verdict::Revoked: return "refuses: revoked";
    case Verdict::Changed: return "refuses: changed";
    case Verdict::Unknown: return "refuses: unknown";
    case Verdict::Unclear: return "(no verdict)";
    }
    return {};
}

Verdict verdictOf(HostKeyInfo::Status s)
{
    switch (s) {
    case HostKeyInfo::Status::Known: return Verdict::Connects;
    case HostKeyInfo::Status::Revoked: return Verdict::Revoked;
    case HostKeyInfo::Status::Changed: return Verdict::Changed;
    case HostKeyInfo::Status::Unknown: return Verdict::Unknown;
    }
    return Verdict::Unclear;
}

enum class Key { Lab, Other, OtherType, None };

// One known_hosts line. `hosts` may hold %P (the lab's port); a hashed line gets the |1| name
// `ssh-keygen -H` computes for `hosts`; Key::None writes `hosts` alone (a junk line).
struct Line {
    QString marker;
    QString hosts;
    Key key = Key::Lab;
    bool hashed = false;
};

Line plain(const QString& hosts, Key key = Key::Lab) { return {QString(), hosts, key, false}; }
Line hashed(const QString& hosts, Key key = Key::Lab) { return {QString(), hosts, key, true}; }
Line revoked(const QString& hosts, Key key = Key::Lab, bool hash = false) { return {QStringLiteral("@revoked"), hosts, key, hash}; }
Line certAuthority(const QString& hosts, Key key = Key::Lab) { return {QStringLiteral("@cert-authority"), hosts, key, false}; }
Line junk(const QString& text) { return {QString(), text, Key::None, false}; }

struct Case {
    const char* name;
    QString host;           // as typed: the target's host
    QList<Line> app, user;  // the app's known_hosts, the user's known_hosts
};

struct Found {
    QStringList plain, revoked, ca; // "file:line"
};

class HostKeyOracleTest : public SshLabTest {
protected:
    void SetUp() override
    {
        SshLabTest::SetUp();
        if (IsSkipped())
            return;
        for (const QString& exe : {kSsh, kKeygen})
            LAB_REQUIRE(lab::missingProgram(exe, QStringLiteral("openssh-client")));
        m_other = makeKey(QStringLiteral("other"), QStringLiteral("ed25519"));
        m_otherType = makeKey(QStringLiteral("othertype"), QStringLiteral("ecdsa"));
    }

    QByteArray makeKey(const QString& name, const QString& type)
    {
        const QString path = m_tmp.filePath(name);
        EXPECT_EQ(lab::runProgram(kKeygen, {QStringLiteral("-q"), QStringLiteral("-t"), type, QStringLiteral("-N"), QString(),
                                            QStringLiteral("-f"), path}), 0);
        const QList<QByteArray> pub = lab::readAll(path + QStringLiteral(".pub")).split(' ');
        return pub.value(0) + ' ' + pub.value(1);
    }

    QByteArray keyText(Key k) const
    {
        switch (k) {
        case Key::Lab: return m_lab->hostPublicKey();
        case Key::Other: return m_other;
        case Key::OtherType: return m_otherType;
        case Key::None: break;
        }
        return {};
    }

    QString withPort(QString s) const { return s.replace(QStringLiteral("%P"), QString::number(m_lab->port())); }

    // The |1|salt|hash name ssh-keygen -H writes for `hosts`.
    QByteArray hashedName(const QString& hosts, const QByteArray& key)
    {
        const QString f = m_tmp.filePath(QStringLiteral("to-hash"));
        lab::writeFile(f, hosts.toUtf8() + ' ' + key + '\n');
        EXPECT_EQ(lab::runProgram(kKeygen, {QStringLiteral("-H"), QStringLiteral("-f"), f}), 0);
        QFile::remove(f + QStringLiteral(".old"));
        const QByteArray name = lab::readAll(f).split(' ').value(0);
        EXPECT_TRUE(name.startsWith("|1|")) << name.constData();
        return name;
    }

    QByteArray render(const QList<Line>& lines)
    {
        QByteArray out;
        for (const Line& l : lines) {
            const QString hosts = withPort(l.hosts);
            if (l.key == Key::None) {
                out += hosts.toUtf8() + '\n';
                continue;
            }
            const QByteArray key = keyText(l.key);
            const QByteArray name = l.hashed ? hashedName(hosts, key) : hosts.toUtf8();
            out += (l.marker.isEmpty() ? QByteArray() : l.marker.toUtf8() + ' ') + name + ' ' + key + '\n';
        }
        return out;
    }

    // What `ssh -o StrictHostKeyChecking=yes` does with these files: the oracle.
    Verdict sshVerdict(const QString& host, const QString& appFile, const QString& userFile, QByteArray* output) const
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SSH_AUTH_SOCK"));
        p.setProcessEnvironment(env);
        p.start(kSsh, {QStringLiteral("-F"), QStringLiteral("/dev/null"), QStringLiteral("-o"), QStringLiteral("BatchMode=yes"),
                       QStringLiteral("-o"), QStringLiteral("StrictHostKeyChecking=yes"),
                       QStringLiteral("-o"), QStringLiteral("UserKnownHostsFile=") + appFile,
                       // SocketScope reads the user's file and the system-wide one: so does ssh here.
                       QStringLiteral("-o"), QStringLiteral("GlobalKnownHostsFile=%1 /etc/ssh/ssh_known_hosts").arg(userFile),
                       QStringLiteral("-o"), QStringLiteral("UpdateHostKeys=no"), QStringLiteral("-o"), QStringLiteral("CheckHostIP=no"),
                       QStringLiteral("-o"), QStringLiteral("IdentitiesOnly=yes"), QStringLiteral("-o"), QStringLiteral("IdentityAgent=none"),
                       QStringLiteral("-o"), QStringLiteral("ConnectTimeout=20"), QStringLiteral("-i"), m_lab->keyFile(),
                       QStringLiteral("-p"), QString::number(m_lab->port()), lab::SshdLab::user() + u'@' + host, QStringLiteral("true")});
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished(2000);
        }
        *output = p.readAll();
        if (p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0)
            return Verdict::Connects;
        if (output->contains("REVOKED HOST KEY DETECTED"))
            return Verdict::Revoked;
        if (output->contains("REMOTE HOST IDENTIFICATION HAS CHANGED"))
            return Verdict::Changed;
        if (output->contains("host key is known for") && output->contains("you have requested strict checking"))
            return Verdict::Unknown;
        return Verdict::Unclear;
    }

    // The name OpenSSH looks up in known_hosts for `host` on the lab's port: `ssh -G`'s
    // canonical hostname, bracketed with the port.
    QString opensshLookupName(const QString& host, int port = 0) const
    {
        QByteArray out;
        EXPECT_EQ(lab::runProgram(kSsh, {QStringLiteral("-G"), QStringLiteral("-F"), QStringLiteral("/dev/null"), QStringLiteral("-p"),
                                         QString::number(port ? port : m_lab->port()), host}, &out), 0);
        QString name, resolvedPort;
        for (const QByteArray& line : out.split('\n')) {
            if (line.startsWith("hostname "))
                name = QString::fromUtf8(line.mid(9).trimmed());
            else if (line.startsWith("port "))
                resolvedPort = QString::fromUtf8(line.mid(5).trimmed());
        }
        return resolvedPort == QLatin1String("22") ? name : QStringLiteral("[%1]:%2").arg(name, resolvedPort);
    }

    // The lines `ssh-keygen -F NAME -f FILE` finds, per marker.
    static Found keygenFind(const QString& name, const QStringList& files)
    {
        static const QRegularExpression found(QStringLiteral(R"(^# Host .* found: line (\d+) ?(\S*))"));
        Found f;
        for (const QString& file : files) {
            QByteArray out;
            lab::runProgram(kKeygen, {QStringLiteral("-F"), name, QStringLiteral("-f"), file}, &out);
            for (const QByteArray& line : out.split('\n')) {
                const QRegularExpressionMatch m = found.match(QString::fromUtf8(line));
                if (!m.hasMatch())
                    continue;
                const QString where = file + u':' + m.captured(1);
                if (m.captured(2) == QLatin1String("REVOKED"))
                    f.revoked << where;
                else if (m.captured(2) == QLatin1String("CA"))
                    f.ca << where;
                else
                    f.plain << where;
            }
        }
        return f;
    }

    // `socketscope-cli ssh-fingerprint --json` with HOME and XDG_CONFIG_HOME in `home`.
    QJsonObject cliFingerprint(const QString& home, const QString& host, QByteArray* err) const
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
        env.remove(QStringLiteral("SSH_AUTH_SOCK"));
        p.setProcessEnvironment(env);
        p.start(lab::cliPath(), {QStringLiteral("ssh-fingerprint"), QStringLiteral("%1@%2:%3").arg(lab::SshdLab::user(), host).arg(m_lab->port()),
                                 QStringLiteral("--json")});
        p.closeWriteChannel();
        EXPECT_TRUE(p.waitForFinished(60000));
        *err = p.readAllStandardError();
        return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    }

    // Where the CLI keeps the app's known_hosts under `home` (from its own "not in ..." list).
    QString cliAppFile(const QString& home) const
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
        p.setProcessEnvironment(env);
        p.start(lab::cliPath(), {QStringLiteral("ssh-fingerprint"), QStringLiteral("%1@127.0.0.1:%2").arg(lab::SshdLab::user()).arg(m_lab->port())});
        p.closeWriteChannel();
        EXPECT_TRUE(p.waitForFinished(60000));
        static const QRegularExpression notIn(QStringLiteral(R"(\(not in ([^,]+),)"));
        return notIn.match(QString::fromUtf8(p.readAllStandardOutput())).captured(1);
    }

    QByteArray m_other, m_otherType;
};

} // namespace

TEST_F(HostKeyOracleTest, SocketScopeAgreesWithOpenSsh)
{
    const QString ip = QStringLiteral("[127.0.0.1]:%P");
    const QString lower = QStringLiteral("[localhost]:%P");
    const QList<Case> cases = {
        {"unknown host", QStringLiteral("127.0.0.1"), {}, {}},
        {"plain entry in the user's file", QStringLiteral("127.0.0.1"), {}, {plain(ip)}},
        {"plain entry in the app's file", QStringLiteral("127.0.0.1"), {plain(ip)}, {}},
        {"junk lines are skipped", QStringLiteral("127.0.0.1"), {},
         {junk(QStringLiteral("# comment")), junk(QString()), junk(QStringLiteral("garbage without fields")),
          junk(QStringLiteral("|1|notbase64|x ssh-ed25519 AAAA")), plain(ip)}},
        {"upper-case host typed, lower-case entry", QStringLiteral("LOCALHOST"), {}, {plain(lower)}},
        {"upper-case host typed, changed key", QStringLiteral("LOCALHOST"), {}, {plain(lower, Key::Other)}},
        {"mixed-case host typed, changed key in the app's file", QStringLiteral("LocalHost"), {plain(lower, Key::Other)}, {}},
        {"upper-case entry, lower-case host typed", QStringLiteral("localhost"), {}, {plain(QStringLiteral("[LOCALHOST]:%P"))}},
        {"hashed entry, upper-case host typed", QStringLiteral("LOCALHOST"), {}, {hashed(lower)}},
        {"hashed entry with a changed key, upper-case host typed", QStringLiteral("LOCALHOST"), {}, {hashed(lower, Key::Other)}},
        {"hashed entry with a changed key", QStringLiteral("127.0.0.1"), {}, {hashed(ip, Key::Other)}},
        {"the key recorded without the port", QStringLiteral("localhost"), {}, {plain(QStringLiteral("localhost"))}},
        {"the key recorded without the port, hashed, upper-case host typed", QStringLiteral("LOCALHOST"), {hashed(QStringLiteral("localhost"))}, {}},
        {"another key recorded without the port", QStringLiteral("localhost"), {}, {plain(QStringLiteral("localhost"), Key::Other)}},
        {"another key with the port, the key without it", QStringLiteral("localhost"), {plain(lower, Key::Other)}, {plain(QStringLiteral("localhost"))}},
        {"@revoked without the port", QStringLiteral("localhost"), {}, {plain(QStringLiteral("localhost")), revoked(QStringLiteral("localhost"))}},
        {"the key recorded for another name without the port", QStringLiteral("127.0.0.1"), {}, {plain(QStringLiteral("localhost"))}},
        {"wildcard pattern", QStringLiteral("127.0.0.1"), {}, {plain(QStringLiteral("[127.0.0.?]:%P"))}},
        {"negated pattern, the plain name still matches", QStringLiteral("127.0.0.1"), {}, {plain(QStringLiteral("*,![127.0.0.1]:%P"))}},
        {"negated pattern excludes the host", QStringLiteral("127.0.0.1"), {}, {plain(QStringLiteral("*,![127.0.0.1]:%P,!127.0.0.1"))}},
        {"negated wildcard excludes the host, changed key elsewhere", QStringLiteral("127.0.0.1"), {},
         {plain(QStringLiteral("*,!*127.0.0.?*")), plain(ip, Key::Other)}},
        {"@revoked with a negated pattern does not apply", QStringLiteral("127.0.0.1"), {}, {plain(ip), revoked(QStringLiteral("*,!*127.0.0.1*"))}},
        {"several names on one line", QStringLiteral("LOCALHOST"), {}, {plain(QStringLiteral("db.example.org,[localhost]:%P"))}},
        {"@revoked in the user's file, plain entry in the app's file", QStringLiteral("127.0.0.1"), {plain(ip)}, {revoked(QStringLiteral("*"))}},
        {"@revoked in the app's file, plain entry in the user's file", QStringLiteral("127.0.0.1"), {revoked(ip)}, {plain(ip)}},
        {"plain entry then @revoked in the same file", QStringLiteral("127.0.0.1"), {}, {plain(ip), revoked(ip)}},
        {"@revoked then plain entry in the same file", QStringLiteral("127.0.0.1"), {}, {revoked(ip), plain(ip)}},
        {"@revoked alone", QStringLiteral("127.0.0.1"), {}, {revoked(QStringLiteral("*"))}},
        {"@revoked under a hashed name, upper-case host typed", QStringLiteral("LOCALHOST"), {revoked(lower, Key::Lab, true)}, {plain(lower)}},
        {"@revoked upper-case name, hashed plain entry", QStringLiteral("localhost"), {hashed(lower)}, {revoked(QStringLiteral("[LOCALHOST]:%P"))}},
        {"@revoked for another host does not apply", QStringLiteral("127.0.0.1"), {}, {plain(ip), revoked(QStringLiteral("db.example.org"))}},
        {"@revoked for another key does not apply", QStringLiteral("127.0.0.1"), {}, {revoked(QStringLiteral("*"), Key::Other), plain(ip)}},
        {"@cert-authority with the host's own key is not a host key", QStringLiteral("127.0.0.1"), {}, {certAuthority(QStringLiteral("*"))}},
        {"@cert-authority line next to a plain entry", QStringLiteral("127.0.0.1"), {}, {certAuthority(QStringLiteral("*"), Key::Other), plain(ip)}},
        {"@cert-authority with another key only", QStringLiteral("127.0.0.1"), {}, {certAuthority(ip, Key::Other)}},
        {"changed key", QStringLiteral("127.0.0.1"), {}, {plain(ip, Key::Other)}},
        {"changed key in one file, the right key in the other", QStringLiteral("127.0.0.1"), {plain(ip, Key::Other)}, {plain(ip)}},
        {"only another key type recorded", QStringLiteral("127.0.0.1"), {}, {plain(ip, Key::OtherType)}},
    };

    // Files where the CLI finds them too: HOME/.ssh/known_hosts and the app's config dir.
    const QString firstHome = m_tmp.filePath(QStringLiteral("case1"));
    const QString appFileInHome = cliAppFile(firstHome).mid(firstHome.size());
    ASSERT_TRUE(appFileInHome.endsWith(QStringLiteral("/known_hosts"))) << appFileInHome.toStdString();
    int n = 0;
    for (const Case& c : cases) {
        SCOPED_TRACE(c.name);
        const QString home = m_tmp.filePath(QStringLiteral("case%1").arg(++n));
        const QString appFile = home + appFileInHome;
        const QString userFile = home + QStringLiteral("/.ssh/known_hosts");
        ASSERT_TRUE(lab::writeFile(appFile, render(c.app)));
        ASSERT_TRUE(lab::writeFile(userFile, render(c.user)));
        const QString files = QStringLiteral("\napp file:\n%1user file:\n%2")
                                  .arg(QString::fromUtf8(lab::readAll(appFile)), QString::fromUtf8(lab::readAll(userFile)));

        QByteArray sshOutput;
        const Verdict openssh = sshVerdict(c.host, appFile, userFile, &sshOutput);
        ASSERT_NE(openssh, Verdict::Unclear) << "ssh gave no host-key verdict:\n" << sshOutput.constData();

        // The name looked up: SocketScope's is OpenSSH's.
        SshTarget t = target();
        t.host = c.host;
        t.appKnownHostsFile = appFile;
        t.userKnownHostsFile = userFile;
        const QString lookup = opensshLookupName(c.host);
        EXPECT_EQ(t.knownHostsName(), lookup);

        SshSession fetch(t);
        const Result<HostKeyInfo> info = fetch.fetchHostKey();
        fetch.disconnect();
        ASSERT_TRUE(info.ok()) << info.error().toStdString();
        EXPECT_EQ(verdictName(verdictOf(info->status)), verdictName(openssh))
            << "ssh said:\n" << sshOutput.constData() << files.toStdString() << "SocketScope: " << info->knownIn.toStdString();

        // Connecting (no prompts: an unknown key is refused) agrees with ssh connecting.
        SshSession session(t);
        const Status connected = session.connect();
        EXPECT_EQ(connected.ok(), openssh == Verdict::Connects) << connected.error().toStdString() << files.toStdString();
        session.disconnect();

        // The CLI, reading the same files from their default places.
        QByteArray cliErr;
        const QJsonObject cli = cliFingerprint(home, c.host, &cliErr);
        EXPECT_EQ(cli.value(QStringLiteral("status")).toString(), HostKeyInfo::statusName(info->status)) << cliErr.constData();
        EXPECT_EQ(cli.value(QStringLiteral("host")).toString(), lookup);

        // The entry SocketScope names is one ssh-keygen -F finds, of the right kind: for the name
        // looked up, or — ssh(1) checks a key it finds nowhere under "[host]:port" again under the
        // plain host name — for that name.
        const Found found = keygenFind(lookup, {appFile, userFile});
        const QString portless = opensshLookupName(c.host, 22);
        const Found foundPortless = keygenFind(portless, {appFile, userFile});
        switch (info->status) {
        case HostKeyInfo::Status::Known:
            EXPECT_TRUE(found.plain.contains(info->knownIn) || (found.plain.isEmpty() && foundPortless.plain.contains(info->knownIn)))
                << info->knownIn.toStdString() << " not in " << found.plain.join(u' ').toStdString() << " | "
                << foundPortless.plain.join(u' ').toStdString();
            break;
        case HostKeyInfo::Status::Changed:
            EXPECT_TRUE(found.plain.contains(info->knownIn)) << info->knownIn.toStdString() << " not in " << found.plain.join(u' ').toStdString();
            break;
        case HostKeyInfo::Status::Revoked:
            EXPECT_TRUE(found.revoked.contains(info->knownIn) || (found.plain.isEmpty() && foundPortless.revoked.contains(info->knownIn)))
                << info->knownIn.toStdString() << " not in " << found.revoked.join(u' ').toStdString() << " | "
                << foundPortless.revoked.join(u' ').toStdString();
            break;
        case HostKeyInfo::Status::Unknown:
            EXPECT_TRUE(found.plain.isEmpty()) << found.plain.join(u' ').toStdString();
            break;
        }
    }
}

// The advice printed for a changed key works: the `ssh-keygen -R` it names removes the old entry,
// after which OpenSSH and SocketScope both see an unknown host (and nothing else was removed).
TEST_F(HostKeyOracleTest, TheChangedKeyAdviceRemovesTheOldEntry)
{
    const QString userFile = m_tmp.filePath(QStringLiteral("advice/known_hosts"));
    const QString appFile = m_tmp.filePath(QStringLiteral("advice/app_known_hosts"));
    ASSERT_TRUE(lab::writeFile(appFile, QByteArray()));
    ASSERT_TRUE(lab::writeFile(userFile, render({plain(QStringLiteral("db.example.org")), hashed(QStringLiteral("[localhost]:%P"), Key::Other)})));
    SshTarget t = target();
    t.host = QStringLiteral("LOCALHOST");
    t.appKnownHostsFile = appFile;
    t.userKnownHostsFile = userFile;
    SshSession s(t);
    const Result<HostKeyInfo> info = s.fetchHostKey();
    s.disconnect();
    ASSERT_TRUE(info.ok()) << info.error().toStdString();
    ASSERT_EQ(info->status, HostKeyInfo::Status::Changed);
    static const QRegularExpression advice(QStringLiteral(R"(ssh-keygen -R '([^']+)' -f '([^']+)')"));
    const QRegularExpressionMatch m = advice.match(info->changedKeyMessage());
    ASSERT_TRUE(m.hasMatch()) << info->changedKeyMessage().toStdString();
    EXPECT_EQ(m.captured(2), userFile);
    ASSERT_EQ(lab::runProgram(kKeygen, {QStringLiteral("-R"), m.captured(1), QStringLiteral("-f"), m.captured(2)}), 0);

    QByteArray sshOutput;
    EXPECT_EQ(verdictName(sshVerdict(t.host, appFile, userFile, &sshOutput)), verdictName(Verdict::Unknown)) << sshOutput.constData();
    SshSession again(t);
    const Result<HostKeyInfo> after = again.fetchHostKey();
    ASSERT_TRUE(after.ok()) << after.error().toStdString();
    EXPECT_EQ(after->status, HostKeyInfo::Status::Unknown);
    EXPECT_TRUE(lab::readAll(userFile).contains("db.example.org")) << "only the host's entry is removed";
}

// A key accepted for an upper-case host name is remembered under the name OpenSSH looks up:
// `ssh-keygen -F` finds it and a strict `ssh` to the same host connects with the app's file.
TEST_F(HostKeyOracleTest, AnAcceptedKeyIsWrittenUnderOpenSshsName)
{
    const QString appFile = m_tmp.filePath(QStringLiteral("accept/app_known_hosts"));
    const QString userFile = m_tmp.filePath(QStringLiteral("accept/known_hosts"));
    SshTarget t = target();
    t.host = QStringLiteral("LocalHost");
    t.appKnownHostsFile = appFile;
    t.userKnownHostsFile = userFile;
    SshSession s(t);
    SshPrompts prompts;
    prompts.hostKey = [](const HostKeyInfo&) { return HostKeyDecision::AcceptAndRemember; };
    s.setPrompts(prompts);
    const Status st = s.connect();
    ASSERT_TRUE(st.ok()) << st.error().toStdString();
    s.disconnect();
    const QString lookup = opensshLookupName(t.host);
    EXPECT_EQ(keygenFind(lookup, {appFile}).plain, QStringList{appFile + QStringLiteral(":1")}) << lab::readAll(appFile).constData();
    QByteArray sshOutput;
    EXPECT_EQ(verdictName(sshVerdict(QStringLiteral("LOCALHOST"), appFile, userFile, &sshOutput)), verdictName(Verdict::Connects))
        << sshOutput.constData();
}
