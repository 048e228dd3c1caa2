// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/HostKeyDialog.h"

#include "ssh/SshWorker.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace socketscope {

namespace {

QLabel* selectable(const QString& text, const QString& objectName, bool mono = true)
{
    auto* l = new QLabel(text);
    l->setObjectName(objectName);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    l->setWordWrap(true);
    if (mono)
        l->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    return l;
}

// "ssh-ed25519" → "ed25519" as in /etc/ssh/ssh_host_ed25519_key.pub.
QString hostKeyFileKind(const QString& keyType)
{
    if (keyType.startsWith(QLatin1String("ecdsa")))
        return QStringLiteral("ecdsa");
    if (keyType.startsWith(QLatin1String("ssh-")))
        return keyType.mid(4);
    return keyType;
}

} // namespace

HostKeyDialog::HostKeyDialog(const HostKeyInfo& info, QWidget* parent) : QDialog(parent), m_info(info)
{
    const bool unknown = info.status == HostKeyInfo::Status::Unknown;
    setObjectName(QStringLiteral("hostKeyDialog"));
    setWindowTitle(unknown ? tr("Unknown host key") : tr("Host key refused"));
    setModal(true);

    auto* layout = new QVBoxLayout(this);
    // State in a word AND a colour.
    auto* headline = new QLabel(this);
    headline->setObjectName(QStringLiteral("headlineLabel"));
    headline->setWordWrap(true);
    if (unknown) {
        headline->setText(tr("<b>UNKNOWN HOST</b> — SocketScope has never connected to %1.").arg(info.host.toHtmlEscaped()));
        headline->setStyleSheet(QStringLiteral("QLabel { background: #fff4ce; color: #5c4400; padding: 8px; border-radius: 4px; }"));
    } else {
        headline->setText(info.status == HostKeyInfo::Status::Revoked
                              ? tr("<b>REVOKED HOST KEY</b> — the key of %1 is marked as revoked.").arg(info.host.toHtmlEscaped())
                              : tr("<b>HOST KEY CHANGED — POSSIBLE ATTACK</b> — the key of %1 is not the one recorded.")
                                    .arg(info.host.toHtmlEscaped()));
        headline->setStyleSheet(QStringLiteral("QLabel { background: #fde7e9; color: #a4262c; padding: 8px; border-radius: 4px; }"));
    }
    layout->addWidget(headline);

    auto* form = new QFormLayout;
    form->addRow(tr("Host:"), selectable(info.host, QStringLiteral("hostLabel")));
    form->addRow(tr("Key type:"), selectable(info.keyType, QStringLiteral("keyTypeLabel")));
    form->addRow(unknown ? tr("Fingerprint:") : tr("Presented key:"), selectable(info.fingerprint, QStringLiteral("fingerprintLabel")));
    if (info.status == HostKeyInfo::Status::Changed) {
        form->addRow(tr("Recorded key:"), selectable(QStringLiteral("%1 %2").arg(info.oldKeyType, info.oldFingerprint),
                                                     QStringLiteral("oldFingerprintLabel")));
        form->addRow(tr("Recorded in:"), selectable(info.knownIn, QStringLiteral("knownInLabel")));
    }
    layout->addLayout(form);

    QString explanation;
    if (unknown) {
        explanation = tr("Compare this fingerprint with the one the server's administrator gives you "
                         "(on the server: <tt>ssh-keygen -lf /etc/ssh/ssh_host_%1_key.pub</tt>). "
                         "Accept only if they are identical. <i>Accept and remember</i> stores the key in %2.")
                          .arg(hostKeyFileKind(info.keyType).toHtmlEscaped(), info.appKnownHostsFile.toHtmlEscaped());
    } else if (info.status == HostKeyInfo::Status::Changed) {
        const QString file = info.knownIn.left(info.knownIn.lastIndexOf(QLatin1Char(':')));
        explanation = tr("Someone could be intercepting the connection (man-in-the-middle), or the server was "
                         "reinstalled. SocketScope will not connect. If the administrator confirms the new key, "
                         "remove the old entry and connect again:<br><tt>ssh-keygen -R '%1' -f '%2'</tt>")
                          .arg(info.host.toHtmlEscaped(), file.toHtmlEscaped());
    } else {
        explanation = tr("The key is listed as @revoked in %1. SocketScope will not connect.").arg(info.knownIn.toHtmlEscaped());
    }
    auto* text = new QLabel(explanation, this);
    text->setObjectName(QStringLiteral("explanationLabel"));
    text->setWordWrap(true);
    text->setTextFormat(Qt::RichText);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(text);

    auto* buttons = new QDialogButtonBox(this);
    buttons->setObjectName(QStringLiteral("decisionButtonBox"));
    if (unknown) {
        auto* once = buttons->addButton(tr("Accept &once"), QDialogButtonBox::AcceptRole);
        once->setObjectName(QStringLiteral("acceptOncePushButton"));
        auto* remember = buttons->addButton(tr("Accept and &remember"), QDialogButtonBox::AcceptRole);
        remember->setObjectName(QStringLiteral("acceptRememberPushButton"));
        auto* reject = buttons->addButton(tr("Re&ject"), QDialogButtonBox::RejectRole);
        reject->setObjectName(QStringLiteral("rejectPushButton"));
        reject->setDefault(true); // Enter never accepts a key by accident
        reject->setFocus();
        connect(once, &QPushButton::clicked, this, [this] { choose(HostKeyDecision::AcceptOnce); });
        connect(remember, &QPushButton::clicked, this, [this] { choose(HostKeyDecision::AcceptAndRemember); });
        connect(reject, &QPushButton::clicked, this, [this] { choose(HostKeyDecision::Reject); });
    } else {
        auto* close = buttons->addButton(tr("&Close"), QDialogButtonBox::RejectRole);
        close->setObjectName(QStringLiteral("closePushButton"));
        close->setDefault(true);
        connect(close, &QPushButton::clicked, this, [this] { choose(HostKeyDecision::Reject); });
    }
    layout->addWidget(buttons);
    setMinimumWidth(560);
}

void HostKeyDialog::choose(HostKeyDecision decision)
{
    m_decision = decision;
    if (decision == HostKeyDecision::Reject)
        reject();
    else
        accept();
}

template <typename Asker>
HostKeyDialog* HostKeyDialog::openFor(Asker* asker, const HostKeyInfo& info, QWidget* parent)
{
    auto* dialog = new HostKeyDialog(info, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(parent ? Qt::WindowModal : Qt::ApplicationModal);
    QPointer<Asker> guarded(asker);
    connect(dialog, &QDialog::finished, dialog, [guarded, dialog](int) {
        if (guarded)
            guarded->answerHostKey(dialog->decision());
    });
    dialog->open();
    return dialog;
}

HostKeyDialog* HostKeyDialog::askFor(SshWorker* worker, const HostKeyInfo& info, QWidget* parent)
{
    return openFor(worker, info, parent);
}

HostKeyDialog* HostKeyDialog::askFor(SshPromptRelay* relay, const HostKeyInfo& info, QWidget* parent)
{
    return openFor(relay, info, parent);
}

} // namespace socketscope
