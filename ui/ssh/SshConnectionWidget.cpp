// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/SshConnectionWidget.h"

#include "ssh/HostKeyDialog.h"
#include "ssh/KeychainSecrets.h"
#include "ssh/SecretPromptDialog.h"

#include "profiles/SecretStore.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

#include <memory>

namespace socketscope {

SshConnectionWidget::SshConnectionWidget(QWidget* parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("sshConnectionWidget"));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_dot = new QLabel(this);
    m_dot->setObjectName(QStringLiteral("stateDotLabel"));
    m_dot->setFixedSize(12, 12);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("stateLabel"));
    m_target = new QLabel(this);
    m_target->setObjectName(QStringLiteral("targetLabel"));
    m_connect = new QPushButton(tr("&Connect"), this);
    m_connect->setObjectName(QStringLiteral("connectPushButton"));
    m_connect->setEnabled(false);
    layout->addWidget(m_dot);
    layout->addWidget(m_state);
    layout->addWidget(m_target, 1);
    layout->addWidget(m_connect);
    connect(m_connect, &QPushButton::clicked, this, [this] {
        if (!m_worker)
            return;
        if (m_connected)
            m_worker->disconnectFromHost();
        m_worker->connectToHost();
    });
    showState(SshWorker::State::Disconnected, tr("No SSH access configured"));
}

void SshConnectionWidget::attach(SshWorker* worker, SecretStore* secrets, const QUuid& profileId)
{
    m_secrets = secrets;
    m_profileId = profileId;
    if (m_worker)
        disconnect(m_worker, nullptr, this, nullptr);
    m_worker = worker;
    m_connect->setEnabled(worker != nullptr);
    if (!worker)
        return;
    m_target->setText(worker->target().describe());
    connect(worker, &SshWorker::stateChanged, this, [this](SshWorker::State s, const QString& m) { showState(s, m); });
    connect(worker, &SshWorker::connectionLost, this, [this](const QString& m) { showState(SshWorker::State::Disconnected, m, true); });
    connect(worker, &SshWorker::hostKeyDecisionNeeded, this,
            [this, worker](const HostKeyInfo& info) { HostKeyDialog::askFor(worker, info, window()); });
    connect(worker, &SshWorker::secretNeeded, this, &SshConnectionWidget::askSecret);
    showState(SshWorker::State::Disconnected, tr("Not connected"));
    loadSavedSecrets();
}

void SshConnectionWidget::loadSavedSecrets()
{
    if (!m_secrets || m_profileId.isNull() || !m_worker)
        return;
    // Three asynchronous keychain reads, handed to the worker together once all have answered.
    auto pending = std::make_shared<int>(3);
    auto found = std::make_shared<SshCredentials>();
    QPointer<SshWorker> worker(m_worker);
    for (SecretKind kind : {SecretKind::SshPassword, SecretKind::KeyPassphrase, SecretKind::SudoPassword}) {
        m_secrets->read(m_profileId, kind, this, [pending, found, worker, kind](Result<QByteArray> r) {
            if (r) {
                std::optional<SecretBytes>& slot = kind == SecretKind::SshPassword    ? found->password
                                                   : kind == SecretKind::KeyPassphrase ? found->keyPassphrase
                                                                                       : found->sudoPassword;
                slot = SecretBytes::take(r.value());
            }
            if (--*pending == 0 && worker)
                worker->setCredentials(*found);
        });
    }
}

void SshConnectionWidget::askSecret(const SecretRequest& request)
{
    answerSecretFromKeychain(m_worker.data(), request, m_secrets.data(), m_profileId, window());
}

QString SshConnectionWidget::stateText() const { return m_state->text(); }

void SshConnectionWidget::showState(SshWorker::State state, const QString& message, bool lost)
{
    QString word, colour;
    switch (state) {
    case SshWorker::State::Disconnected:
        word = lost ? tr("Lost") : tr("Disconnected");
        colour = lost ? QStringLiteral("#d83b01") : QStringLiteral("#8a8886");
        break;
    case SshWorker::State::Connecting: word = tr("Connecting"); colour = QStringLiteral("#c19c00"); break;
    case SshWorker::State::Connected: word = tr("Connected"); colour = QStringLiteral("#107c10"); break;
    case SshWorker::State::Failed: word = tr("Failed"); colour = QStringLiteral("#a4262c"); break;
    }
    m_connected = state == SshWorker::State::Connected;
    m_state->setText(word);
    m_dot->setStyleSheet(QStringLiteral("QLabel { background: %1; border-radius: 6px; }").arg(colour));
    setToolTip(message);
    m_connect->setText(state == SshWorker::State::Connected ? tr("&Reconnect") : tr("&Connect"));
}

} // namespace socketscope
