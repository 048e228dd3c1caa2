// SPDX-License-Identifier: GPL-3.0-or-later
// The host-key decision dialog per case (unknown: three choices; changed/revoked: refuse only),
// the secret prompt (never echoes, returns and forgets the text), the status indicator.
#include "ssh/HostKeyDialog.h"
#include "ssh/KeychainSecrets.h"
#include "ssh/SecretPromptDialog.h"
#include "ssh/SshConnectionWidget.h"

#include "lab/Lab.h"

#include <QCheckBox>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

HostKeyInfo unknownKey()
{
    HostKeyInfo i;
    i.host = QStringLiteral("[db.example.org]:2222");
    i.keyType = QStringLiteral("ssh-ed25519");
    i.fingerprint = QStringLiteral("SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s");
    i.status = HostKeyInfo::Status::Unknown;
    i.appKnownHostsFile = QStringLiteral("/home/ops/.config/SocketScope/known_hosts");
    return i;
}

HostKeyInfo changedKey()
{
    HostKeyInfo i = unknownKey();
    i.status = HostKeyInfo::Status::Changed;
    i.oldKeyType = QStringLiteral("ssh-ed25519");
    i.oldFingerprint = QStringLiteral("SHA256:OLDoldOLDoldOLDoldOLDoldOLDoldOLDoldOLDoldO");
    i.knownIn = QStringLiteral("/home/ops/.ssh/known_hosts:12");
    return i;
}

QString allText(const QWidget& w)
{
    QString text;
    for (const QLabel* l : w.findChildren<QLabel*>())
        text += l->text() + QLatin1Char('\n');
    return text;
}

void saveShot(QWidget& w, const char* name)
{
    // For the docs, only when asked (SOCKETSCOPE_SCREENSHOTS=1): tests do not write the source tree.
    if (qEnvironmentVariableIsEmpty("SOCKETSCOPE_SCREENSHOTS"))
        return;
    const QString dir = QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/docs/screenshots");
    if (QDir().mkpath(dir))
        w.grab().save(dir + QLatin1Char('/') + QLatin1String(name));
}

} // namespace

TEST(HostKeyDialogTest, UnknownKeyOffersThreeChoicesWithRejectAsDefault)
{
    for (const char* button : {"acceptOncePushButton", "acceptRememberPushButton", "rejectPushButton"}) {
        HostKeyDialog d(unknownKey());
        d.show();
        ASSERT_TRUE(d.findChild<QPushButton*>(QStringLiteral("closePushButton")) == nullptr);
        auto* reject = d.findChild<QPushButton*>(QStringLiteral("rejectPushButton"));
        ASSERT_NE(reject, nullptr);
        EXPECT_TRUE(reject->isDefault()) << "Enter must not accept a key";
        EXPECT_TRUE(allText(d).contains(unknownKey().fingerprint));
        EXPECT_TRUE(allText(d).contains(QStringLiteral("ssh-ed25519")));
        EXPECT_TRUE(allText(d).contains(QStringLiteral("UNKNOWN HOST")));
        auto* b = d.findChild<QPushButton*>(QString::fromLatin1(button));
        ASSERT_NE(b, nullptr) << button;
        QTest::mouseClick(b, Qt::LeftButton);
        const std::string which(button);
        if (which == "acceptOncePushButton") {
            EXPECT_EQ(d.decision(), HostKeyDecision::AcceptOnce);
            EXPECT_EQ(d.result(), QDialog::Accepted);
        } else if (which == "acceptRememberPushButton") {
            EXPECT_EQ(d.decision(), HostKeyDecision::AcceptAndRemember);
            EXPECT_EQ(d.result(), QDialog::Accepted);
        } else {
            EXPECT_EQ(d.decision(), HostKeyDecision::Reject);
            EXPECT_EQ(d.result(), QDialog::Rejected);
        }
        EXPECT_FALSE(d.isVisible());
    }
    HostKeyDialog shot(unknownKey());
    shot.resize(620, 300);
    saveShot(shot, "ssh-hostkey-unknown.png");
}

TEST(HostKeyDialogTest, ChangedKeyHasNoAcceptButtonAndShowsBothFingerprints)
{
    HostKeyDialog d(changedKey());
    d.show();
    EXPECT_EQ(d.findChild<QPushButton*>(QStringLiteral("acceptOncePushButton")), nullptr);
    EXPECT_EQ(d.findChild<QPushButton*>(QStringLiteral("acceptRememberPushButton")), nullptr);
    const QList<QPushButton*> buttons = d.findChildren<QPushButton*>();
    ASSERT_EQ(buttons.size(), 1);
    const QString text = allText(d);
    EXPECT_TRUE(text.contains(changedKey().fingerprint));
    EXPECT_TRUE(text.contains(changedKey().oldFingerprint));
    EXPECT_TRUE(text.contains(QStringLiteral("POSSIBLE ATTACK")));
    EXPECT_TRUE(text.contains(QStringLiteral("ssh-keygen -R")));
    EXPECT_TRUE(text.contains(QStringLiteral("/home/ops/.ssh/known_hosts")));
    d.resize(620, 340);
    saveShot(d, "ssh-hostkey-changed.png");
    QTest::mouseClick(buttons.first(), Qt::LeftButton);
    EXPECT_EQ(d.decision(), HostKeyDecision::Reject);
    EXPECT_EQ(d.result(), QDialog::Rejected);
}

TEST(HostKeyDialogTest, EscapeRejects)
{
    HostKeyDialog d(unknownKey());
    d.show();
    QTest::keyClick(&d, Qt::Key_Escape);
    EXPECT_EQ(d.decision(), HostKeyDecision::Reject);
    EXPECT_FALSE(d.isVisible());
}

TEST(SecretPromptDialogTest, NeverEchoesAndForgetsTheTextAfterClosing)
{
    SecretRequest r;
    r.kind = SecretRequest::Kind::SudoPassword;
    r.prompt = QStringLiteral("sudo password for ops@db:22");
    SecretPromptDialog d(r);
    d.show();
    auto* edit = d.findChild<QLineEdit*>(QStringLiteral("secretLineEdit"));
    ASSERT_NE(edit, nullptr);
    EXPECT_EQ(edit->echoMode(), QLineEdit::Password);
    QTest::keyClicks(edit, QStringLiteral("s3cret!"));
    EXPECT_NE(edit->displayText(), QStringLiteral("s3cret!"));
    QList<QPair<QByteArray, bool>> accepted;
    QObject::connect(&d, &SecretPromptDialog::secretAccepted, &d,
                     [&](const QByteArray& s, bool remember) { accepted.append({s, remember}); });
    d.findChild<QCheckBox*>(QStringLiteral("rememberCheckBox"))->setChecked(true);
    QTest::mouseClick(d.findChild<QPushButton*>(QStringLiteral("okPushButton")), Qt::LeftButton);
    EXPECT_TRUE(edit->text().isEmpty());
    std::optional<SecretBytes> s = d.takeSecret();
    ASSERT_TRUE(s.has_value());
    EXPECT_EQ(s->view().toByteArray(), QByteArray("s3cret!"));
    EXPECT_FALSE(d.takeSecret().has_value()) << "taken once";
    ASSERT_EQ(accepted.size(), 1);
    EXPECT_EQ(accepted[0].first, QByteArray("s3cret!"));
    EXPECT_TRUE(accepted[0].second) << "the caller stores it in the keychain";

    SecretPromptDialog cancelled(r);
    cancelled.show();
    QTest::keyClicks(cancelled.findChild<QLineEdit*>(QStringLiteral("secretLineEdit")), QStringLiteral("x"));
    QTest::mouseClick(cancelled.findChild<QPushButton*>(QStringLiteral("cancelPushButton")), Qt::LeftButton);
    EXPECT_FALSE(cancelled.takeSecret().has_value());
}

// A jump host's request is never answered with the profile's keychain entries (they are the
// target's secrets) and cannot be remembered under them: the dialog asks, names the jump host,
// and offers no "Remember".
TEST(SecretPromptDialogTest, AJumpHostsRequestIsNeverAnsweredFromTheKeychain)
{
    for (SecretRequest::Kind kind : {SecretRequest::Kind::Password, SecretRequest::Kind::KeyPassphrase, SecretRequest::Kind::SudoPassword}) {
        SecretRequest r;
        r.kind = kind;
        r.target = QStringLiteral("jump@bastion:22");
        r.prompt = QStringLiteral("Password for jump@bastion:22");
        EXPECT_TRUE(keychainKindFor(r).has_value()) << "the target's own request uses the keychain";
        r.hop = SecretRequest::Hop::JumpHost;
        EXPECT_FALSE(keychainKindFor(r).has_value());
        SecretPromptDialog d(r);
        EXPECT_EQ(d.findChild<QCheckBox*>(QStringLiteral("rememberCheckBox")), nullptr);
        EXPECT_TRUE(d.windowTitle().contains(QStringLiteral("jump host"))) << d.windowTitle().toStdString();
    }
}

TEST(SshConnectionWidgetTest, ShowsAWordForTheStateWithoutAWorker)
{
    SshConnectionWidget w;
    EXPECT_EQ(w.stateText(), QStringLiteral("Disconnected"));
    EXPECT_FALSE(w.findChild<QPushButton*>(QStringLiteral("connectPushButton"))->isEnabled());
}

TEST(SshConnectionWidgetTest, ConnectClickReportsFailureWithWordAndTooltip)
{
    SshTarget t;
    t.host = QStringLiteral("127.0.0.1");
    t.port = lab::freePort(); // nothing listens there: connection refused
    t.user = QStringLiteral("nobody");
    t.appKnownHostsFile = QDir::temp().filePath(QStringLiteral("socketscope-gui-test-known_hosts"));
    SshWorkerThread thread(t);
    SshConnectionWidget w;
    w.attach(thread.worker());
    w.show();
    QTest::mouseClick(w.findChild<QPushButton*>(QStringLiteral("connectPushButton")), Qt::LeftButton);
    EXPECT_TRUE(QTest::qWaitFor([&] { return w.stateText() == QStringLiteral("Failed"); }, 10000)) << w.stateText().toStdString();
    EXPECT_TRUE(w.toolTip().contains(QStringLiteral("Connection refused"))) << w.toolTip().toStdString();
}
