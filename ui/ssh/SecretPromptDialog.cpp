// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/SecretPromptDialog.h"

#include "ssh/KeychainSecrets.h"
#include "ssh/SshWorker.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace socketscope {

SecretPromptDialog::SecretPromptDialog(const SecretRequest& request, QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("secretPromptDialog"));
    QString title;
    switch (request.kind) {
    case SecretRequest::Kind::Password: title = tr("SSH password"); break;
    case SecretRequest::Kind::KeyPassphrase: title = tr("Key passphrase"); break;
    case SecretRequest::Kind::SudoPassword: title = tr("sudo password"); break;
    case SecretRequest::Kind::KeyboardInteractive: title = tr("Server question"); break;
    }
    if (request.hop == SecretRequest::Hop::JumpHost)
        title = tr("%1 — jump host").arg(title);
    setWindowTitle(title);
    auto* layout = new QVBoxLayout(this);
    auto* label = new QLabel(this);
    label->setObjectName(QStringLiteral("promptLabel"));
    label->setWordWrap(true);
    label->setText(request.retry ? tr("<b>That was not accepted.</b> %1").arg(request.prompt.toHtmlEscaped())
                                 : request.prompt.toHtmlEscaped());
    layout->addWidget(label);
    m_edit = new QLineEdit(this);
    m_edit->setObjectName(QStringLiteral("secretLineEdit"));
    m_edit->setEchoMode(QLineEdit::Password);
    m_edit->setAttribute(Qt::WA_InputMethodEnabled, false);
    layout->addWidget(m_edit);
    // Only what the keychain may hold for this profile can be remembered (not a jump host's).
    if (keychainKindFor(request)) {
        m_remember = new QCheckBox(tr("Remember in the system &keychain"), this);
        m_remember->setObjectName(QStringLiteral("rememberCheckBox"));
        layout->addWidget(m_remember);
    }
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("promptButtonBox"));
    buttons->button(QDialogButtonBox::Ok)->setObjectName(QStringLiteral("okPushButton"));
    buttons->button(QDialogButtonBox::Cancel)->setObjectName(QStringLiteral("cancelPushButton"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    m_edit->setFocus();
    setMinimumWidth(420);
}

void SecretPromptDialog::done(int result)
{
    if (result == QDialog::Accepted) {
        QByteArray typed = m_edit->text().toUtf8();
        m_secret = SecretBytes(typed);
        emit secretAccepted(typed, rememberRequested());
        wipeSecret(typed);
    } else
        m_secret.reset();
    // Do not leave the secret in the widget (QLineEdit keeps its text and undo history).
    m_edit->setText(QString(m_edit->text().size(), QLatin1Char(' ')));
    m_edit->clear();
    QDialog::done(result);
}

std::optional<SecretBytes> SecretPromptDialog::takeSecret()
{
    std::optional<SecretBytes> s;
    s.swap(m_secret);
    return s;
}

bool SecretPromptDialog::rememberRequested() const { return m_remember && m_remember->isChecked(); }

template <typename Asker>
SecretPromptDialog* SecretPromptDialog::openFor(Asker* asker, const SecretRequest& request, QWidget* parent)
{
    auto* dialog = new SecretPromptDialog(request, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(parent ? Qt::WindowModal : Qt::ApplicationModal);
    QPointer<Asker> guarded(asker);
    connect(dialog, &QDialog::finished, dialog, [guarded, dialog](int) {
        const std::optional<SecretBytes> secret = dialog->takeSecret();
        if (guarded)
            guarded->answerSecret(secret);
    });
    dialog->open();
    return dialog;
}

SecretPromptDialog* SecretPromptDialog::askFor(SshWorker* worker, const SecretRequest& request, QWidget* parent)
{
    return openFor(worker, request, parent);
}

SecretPromptDialog* SecretPromptDialog::askFor(SshPromptRelay* relay, const SecretRequest& request, QWidget* parent)
{
    return openFor(relay, request, parent);
}

} // namespace socketscope
