// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiles/SecretStore.h"

#include <qt6keychain/keychain.h>

#include <QCoreApplication>
#include <QTimer>

#include <memory>

namespace socketscope {

namespace {

bool keychainMissing(QKeychain::Error e)
{
    return e == QKeychain::NoBackendAvailable || e == QKeychain::NotImplemented || e == QKeychain::OtherError;
}

} // namespace

SecretStore::SecretStore(QString service, QObject* parent)
    : QObject(parent), m_service(std::move(service))
{
}

SecretStore::~SecretStore() = default;

QString SecretStore::keyFor(const QUuid& profile, SecretKind kind)
{
    return profile.toString(QUuid::WithoutBraces) + u'/' + kindName(kind);
}

QString SecretStore::kindName(SecretKind kind)
{
    switch (kind) {
    case SecretKind::SshPassword: return QStringLiteral("ssh-password");
    case SecretKind::KeyPassphrase: return QStringLiteral("key-passphrase");
    case SecretKind::SudoPassword: return QStringLiteral("sudo-password");
    }
    return QStringLiteral("secret");
}

QString SecretStore::availabilityText() const
{
    switch (m_availability) {
    case Availability::Available: return tr("keychain: available");
    case Availability::Unavailable:
        return m_reason.isEmpty() ? tr("keychain: unavailable — will ask each time")
                                  : tr("keychain: unavailable — will ask each time (%1)").arg(m_reason);
    case Availability::Unknown: break;
    }
    return tr("keychain: checking…");
}

void SecretStore::setAvailability(Availability a, const QString& rawReason)
{
    // QtKeychain often says only "Unknown error" when no D-Bus keychain service runs.
    QString reason = rawReason;
    if (a == Availability::Unavailable && (reason.isEmpty() || reason == QLatin1String("Unknown error")))
        reason = tr("no keychain service answered");
    if (m_availability == a && m_reason == reason)
        return;
    m_availability = a;
    m_reason = reason;
    emit availabilityChanged(a);
}

void SecretStore::checkAvailability(int timeoutMs)
{
    const int generation = ++m_probeGeneration;
    // Reading an entry that does not exist tells a working keychain (EntryNotFound) from none.
    auto* job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(QStringLiteral("socketscope-availability-check"));
    connect(job, &QKeychain::Job::finished, this, [this, generation](QKeychain::Job* j) {
        if (generation != m_probeGeneration)
            return; // the timeout (or a newer check) already decided
        ++m_probeGeneration;
        if (keychainMissing(j->error()))
            setAvailability(Availability::Unavailable, j->errorString());
        else
            setAvailability(Availability::Available, {});
    });
    QTimer::singleShot(timeoutMs, this, [this, generation, timeoutMs] {
        if (generation != m_probeGeneration)
            return;
        ++m_probeGeneration;
        setAvailability(Availability::Unavailable, tr("no keychain service answered within %1 s").arg(timeoutMs / 1000.0));
    });
    job->start();
}

void SecretStore::write(const QUuid& profile, SecretKind kind, QByteArray secret, QObject* context, StatusCallback done)
{
    QPointer<QObject> guard(context);
    if (m_availability == Availability::Unavailable) {
        wipeSecret(secret);
        const Status st = Status::failure(availabilityText());
        QTimer::singleShot(0, this, [guard, done, st] { if (guard && done) done(st); });
        return;
    }
    auto* job = new QKeychain::WritePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(keyFor(profile, kind));
    job->setBinaryData(secret);
    wipeSecret(secret);
    connect(job, &QKeychain::Job::finished, this, [this, guard, done, kind](QKeychain::Job* j) {
        if (keychainMissing(j->error()) && j->error() != QKeychain::OtherError)
            setAvailability(Availability::Unavailable, j->errorString());
        if (!guard || !done)
            return;
        if (j->error() == QKeychain::NoError)
            done(Status::success());
        else
            done(Status::failure(tr("could not save the %1 in the keychain: %2").arg(kindName(kind), j->errorString())));
    });
    job->start();
}

void SecretStore::read(const QUuid& profile, SecretKind kind, QObject* context, SecretCallback done)
{
    QPointer<QObject> guard(context);
    if (m_availability == Availability::Unavailable) {
        const QString why = availabilityText();
        QTimer::singleShot(0, this, [guard, done, why] {
            if (guard && done)
                done(Result<QByteArray>::failure(why));
        });
        return;
    }
    auto* job = new QKeychain::ReadPasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(keyFor(profile, kind));
    connect(job, &QKeychain::Job::finished, this, [this, guard, done, kind](QKeychain::Job* j) {
        auto* rj = static_cast<QKeychain::ReadPasswordJob*>(j);
        if (keychainMissing(j->error()) && j->error() != QKeychain::OtherError)
            setAvailability(Availability::Unavailable, j->errorString());
        if (!guard || !done)
            return;
        if (j->error() == QKeychain::EntryNotFound) {
            done(Result<QByteArray>::failure(tr("no saved %1 for this profile").arg(kindName(kind))));
            return;
        }
        if (j->error() != QKeychain::NoError) {
            done(Result<QByteArray>::failure(tr("could not read the %1 from the keychain: %2").arg(kindName(kind), j->errorString())));
            return;
        }
        done(rj->binaryData());
    });
    job->start();
}

void SecretStore::remove(const QUuid& profile, SecretKind kind, QObject* context, StatusCallback done)
{
    QPointer<QObject> guard(context);
    if (m_availability == Availability::Unavailable) {
        // Nothing was removed: a secret saved while the keychain answered may still be there.
        const Status st = Status::failure(tr("could not delete the %1 from the keychain: %2").arg(kindName(kind), availabilityText()));
        QTimer::singleShot(0, this, [guard, done, st] { if (guard && done) done(st); });
        return;
    }
    auto* job = new QKeychain::DeletePasswordJob(m_service, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(keyFor(profile, kind));
    connect(job, &QKeychain::Job::finished, this, [this, guard, done, kind](QKeychain::Job* j) {
        if (keychainMissing(j->error()) && j->error() != QKeychain::OtherError)
            setAvailability(Availability::Unavailable, j->errorString());
        if (!guard || !done)
            return;
        if (j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound)
            done(Status::success());
        else
            done(Status::failure(tr("could not delete the %1 from the keychain: %2").arg(kindName(kind), j->errorString())));
    });
    job->start();
}

void SecretStore::removeAll(const QUuid& profile, QObject* context, StatusCallback done)
{
    struct State {
        int pending = 3;
        QStringList errors;
    };
    QPointer<QObject> guard(context);
    if (m_availability == Availability::Unavailable) {
        const Status st = Status::failure(tr("could not delete the saved secrets from the keychain: %1").arg(availabilityText()));
        QTimer::singleShot(0, this, [guard, done, st] { if (guard && done) done(st); });
        return;
    }
    auto state = std::make_shared<State>();
    for (SecretKind kind : {SecretKind::SshPassword, SecretKind::KeyPassphrase, SecretKind::SudoPassword}) {
        remove(profile, kind, this, [state, guard, done](const Status& st) {
            if (!st)
                state->errors << st.error();
            if (--state->pending == 0 && guard && done)
                done(state->errors.isEmpty() ? Status::success() : Status::failure(state->errors.join(QStringLiteral("; "))));
        });
    }
}

} // namespace socketscope
