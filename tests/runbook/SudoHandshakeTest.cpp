// SPDX-License-Identifier: GPL-3.0-or-later
// SudoHandshake, the one sudo conversation of LocalHost and SSH: its steps on split chunks, and
// against the real sudo as the lab's unprivileged users (password rule and NOPASSWD rule): the
// command receives exactly its own stdin, and the password is written only when sudo asks.
#include "lab/SshdLab.h"

#include "remote/SudoHandshake.h"

#include <QDeadlineTimer>
#include <QProcess>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

// The prompt and marker of a handshake, read back from its argv.
QByteArray promptOf(const SudoHandshake& h)
{
    const QStringList a = h.argv(QStringLiteral("true"));
    const qsizetype i = a.indexOf(QStringLiteral("-p"));
    return i >= 0 ? a.at(i + 1).toLatin1() : QByteArray();
}

QByteArray markerOf(const SudoHandshake& h)
{
    const QString inner = h.argv(QStringLiteral("true")).at(h.mode() == SudoHandshake::Mode::Password ? 7 : 4);
    return inner.section(QLatin1Char(' '), 1, 1).toLatin1();
}

struct Outcome {
    bool ready = false;
    int passwordsSent = 0;
    bool wrongPassword = false;
    QByteArray stdOut;
    QString refusal;
};

// Runs `command` through sudo as `user` (setpriv drops root first), the way LocalHost does:
// feed, send the password only when asked, the command's stdin only once it runs.
Outcome runAs(const QString& user, SudoHandshake::Mode mode, const QString& command, const QByteArray& password,
              const QByteArray& commandStdin)
{
    SudoHandshake h(mode);
    QProcess p;
    p.start(QStringLiteral("/usr/bin/setpriv"), QStringList{QStringLiteral("--reuid=") + user, QStringLiteral("--regid=") + user,
                                                            QStringLiteral("--init-groups"), QStringLiteral("--")}
                                                    + h.argv(command));
    Outcome o;
    if (!p.waitForStarted(10000))
        return o;
    QDeadlineTimer deadline(30000);
    while (!o.ready && !o.wrongPassword && !deadline.hasExpired()) {
        p.waitForFinished(50);
        const bool ended = p.state() == QProcess::NotRunning;
        switch (h.feed(p.readAllStandardOutput(), p.readAllStandardError())) {
        case SudoHandshake::Next::Wait: break;
        case SudoHandshake::Next::SendPassword: p.write(password + '\n'); break;
        case SudoHandshake::Next::Ready: o.ready = true; break;
        case SudoHandshake::Next::WrongPassword: o.wrongPassword = true; break;
        }
        if (ended && !o.ready)
            break;
    }
    o.passwordsSent = h.passwordsSent();
    if (o.ready) {
        p.write(commandStdin);
        o.stdOut = h.earlyStdout();
    } else {
        o.refusal = h.refusal();
    }
    p.closeWriteChannel();
    p.waitForFinished(30000);
    o.stdOut += p.readAllStandardOutput();
    return o;
}

class SudoHandshakeLab : public ::testing::Test {
protected:
    void SetUp() override
    {
        static std::unique_ptr<SshdLab> lab; // creates the users and their sudo rules once
        static QString why = SshdLab::skipReason();
        if (!lab && why.isEmpty()) {
            lab = std::make_unique<SshdLab>();
            if (!lab->start(&why))
                lab.reset();
        }
        if (!lab)
            LAB_UNAVAILABLE(why);
    }
};

} // namespace

TEST(SudoHandshake, PromptAndMarkerSplitAcrossChunks)
{
    SudoHandshake h(SudoHandshake::Mode::Password);
    const QByteArray prompt = promptOf(h);
    const QByteArray marker = markerOf(h);
    ASSERT_TRUE(prompt.startsWith(SudoHandshake::markerPrefix()));
    ASSERT_TRUE(marker.startsWith(SudoHandshake::markerPrefix())) << marker.constData();
    EXPECT_EQ(h.feed({}, "We trust you have received the usual lecture\n" + prompt.left(5)), SudoHandshake::Next::Wait);
    EXPECT_EQ(h.feed({}, prompt.mid(5)), SudoHandshake::Next::SendPassword);
    EXPECT_EQ(h.feed({}, marker.left(4)), SudoHandshake::Next::Wait);
    EXPECT_EQ(h.feed({}, marker.mid(4)), SudoHandshake::Next::Wait) << "the marker line is not complete yet";
    EXPECT_EQ(h.feed("early out", "\nafter\n"), SudoHandshake::Next::Ready);
    EXPECT_EQ(h.earlyStdout(), QByteArray("early out"));
    EXPECT_EQ(h.earlyStderr(), QByteArray("We trust you have received the usual lecture\nafter\n")) << "no prompt, no marker";
    EXPECT_EQ(h.passwordsSent(), 1);
}

TEST(SudoHandshake, AskedTwiceIsAWrongPasswordAndNoPasswordModeNeverSendsOne)
{
    SudoHandshake h(SudoHandshake::Mode::Password);
    EXPECT_EQ(h.feed({}, promptOf(h)), SudoHandshake::Next::SendPassword);
    EXPECT_EQ(h.feed({}, "Sorry, try again.\n" + promptOf(h)), SudoHandshake::Next::WrongPassword);

    SudoHandshake n(SudoHandshake::Mode::NoPassword);
    const QStringList argv = n.argv(QStringLiteral("id -u"));
    EXPECT_EQ(argv.mid(0, 2), (QStringList{QStringLiteral("sudo"), QStringLiteral("-n")}));
    EXPECT_FALSE(argv.contains(QStringLiteral("-S")));
    EXPECT_EQ(n.feed({}, "sudo: a password is required\n"), SudoHandshake::Next::Wait);
    EXPECT_EQ(n.refusal(), QStringLiteral("sudo: a password is required"));
}

TEST(SudoHandshake, ShellLineIsTheSameArgvQuoted)
{
    SudoHandshake h(SudoHandshake::Mode::Password);
    QByteArray out;
    // /bin/sh parses the line back into the argv: printf shows each word on its own line.
    const QString line = h.shellLine(QStringLiteral("echo 'it''s' \"$HOME\"; cat"));
    ASSERT_EQ(runProgram(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("printf '%s\\n' ") + line}, &out), 0);
    EXPECT_EQ(QString::fromUtf8(out).split(QLatin1Char('\n'), Qt::SkipEmptyParts), h.argv(QStringLiteral("echo 'it''s' \"$HOME\"; cat")));
}

TEST_F(SudoHandshakeLab, NopasswdRuleTheCommandGetsExactlyItsStdinAndNoPasswordIsSent)
{
    const Outcome o = runAs(SshdLab::noPasswordSudoUser(), SudoHandshake::Mode::Password, QStringLiteral("id -u; cat"),
                            SshdLab::password(), "the command's own input\n");
    ASSERT_TRUE(o.ready) << o.refusal.toStdString();
    EXPECT_EQ(o.passwordsSent, 0) << "sudo did not ask, so nothing was sent";
    EXPECT_EQ(o.stdOut, QByteArray("0\nthe command's own input\n"));
}

TEST_F(SudoHandshakeLab, PasswordRuleThePasswordGoesToSudoOnlyAndAWrongOneIsRecognised)
{
    const Outcome o = runAs(SshdLab::user(), SudoHandshake::Mode::Password, QStringLiteral("id -u; cat"), SshdLab::password(),
                            "the command's own input\n");
    ASSERT_TRUE(o.ready) << o.refusal.toStdString();
    EXPECT_EQ(o.passwordsSent, 1);
    EXPECT_EQ(o.stdOut, QByteArray("0\nthe command's own input\n"));

    const Outcome wrong = runAs(SshdLab::user(), SudoHandshake::Mode::Password, QStringLiteral("cat"), "not-the-password", "x\n");
    EXPECT_FALSE(wrong.ready);
    EXPECT_TRUE(wrong.wrongPassword);
}

TEST_F(SudoHandshakeLab, SudoNWorksForNopasswdAndRefusesAPasswordRule)
{
    const Outcome ok = runAs(SshdLab::noPasswordSudoUser(), SudoHandshake::Mode::NoPassword, QStringLiteral("id -u"), {}, {});
    ASSERT_TRUE(ok.ready) << ok.refusal.toStdString();
    EXPECT_EQ(ok.stdOut, QByteArray("0\n"));
    const Outcome refused = runAs(SshdLab::user(), SudoHandshake::Mode::NoPassword, QStringLiteral("id -u"), {}, {});
    EXPECT_FALSE(refused.ready);
    EXPECT_TRUE(refused.refusal.contains(QStringLiteral("a password is required"))) << refused.refusal.toStdString();
}
