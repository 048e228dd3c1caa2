// SPDX-License-Identifier: GPL-3.0-or-later
#include "ssh/SshPromptRelay.h"

#include "core/SecretBytes.h"

#include <QDeadlineTimer>
#include <QMetaMethod>

namespace socketscope {

namespace {
constexpr int kAnswerTimeoutMs = 10 * 60 * 1000; // a prompt nobody answers ends as a refusal
constexpr int kPollMs = 100;
} // namespace

SshPromptRelay::SshPromptRelay(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<socketscope::HostKeyInfo>();
    qRegisterMetaType<socketscope::SecretRequest>();
    qRegisterMetaType<socketscope::HostKeyDecision>();
}

SshPromptRelay::~SshPromptRelay() = default;

bool SshPromptRelay::waitForAnswer(const bool& answered, const CancelCheck& cancelled)
{
    // m_mutex is held by the caller.
    QDeadlineTimer deadline(kAnswerTimeoutMs);
    while (!answered && !m_shutdown.load() && !(cancelled && cancelled()) && !deadline.hasExpired())
        m_answered.wait(&m_mutex, QDeadlineTimer(kPollMs));
    return answered;
}

HostKeyDecision SshPromptRelay::askHostKey(const HostKeyInfo& info, const CancelCheck& cancelled)
{
    if (m_shutdown.load() || !isSignalConnected(QMetaMethod::fromSignal(&SshPromptRelay::hostKeyDecisionNeeded)))
        return HostKeyDecision::Reject;
    {
        QMutexLocker lock(&m_mutex);
        m_hasHostKeyAnswer = false;
    }
    emit hostKeyDecisionNeeded(info);
    QMutexLocker lock(&m_mutex);
    const HostKeyDecision d = waitForAnswer(m_hasHostKeyAnswer, cancelled) ? m_hostKeyAnswer : HostKeyDecision::Reject;
    m_hasHostKeyAnswer = false;
    return d;
}

std::optional<SecretBytes> SshPromptRelay::askSecret(const SecretRequest& request, const CancelCheck& cancelled)
{
    if (m_shutdown.load() || !isSignalConnected(QMetaMethod::fromSignal(&SshPromptRelay::secretNeeded)))
        return std::nullopt;
    {
        QMutexLocker lock(&m_mutex);
        m_hasSecretAnswer = false;
        m_secretAnswer.reset();
    }
    emit secretNeeded(request);
    QMutexLocker lock(&m_mutex);
    std::optional<SecretBytes> answer;
    if (waitForAnswer(m_hasSecretAnswer, cancelled))
        answer.swap(m_secretAnswer);
    m_hasSecretAnswer = false;
    return answer;
}

void SshPromptRelay::answerHostKey(HostKeyDecision decision)
{
    QMutexLocker lock(&m_mutex);
    m_hostKeyAnswer = decision;
    m_hasHostKeyAnswer = true;
    m_answered.wakeAll();
}

void SshPromptRelay::answerSecret(const std::optional<SecretBytes>& secret)
{
    QMutexLocker lock(&m_mutex);
    m_secretAnswer = secret;
    m_hasSecretAnswer = true;
    m_answered.wakeAll();
}

void SshPromptRelay::shutdown()
{
    m_shutdown = true;
    wake();
}

void SshPromptRelay::wake()
{
    QMutexLocker lock(&m_mutex);
    m_answered.wakeAll();
}

SshPrompts promptsFor(std::shared_ptr<SshPromptRelay> relay)
{
    SshPrompts prompts;
    if (!relay)
        return prompts;
    prompts.hostKey = [relay](const HostKeyInfo& info) { return relay->askHostKey(info); };
    prompts.secret = [relay](const SecretRequest& request) { return relay->askSecret(request); };
    return prompts;
}

} // namespace socketscope
