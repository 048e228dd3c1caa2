// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/SecretBytes.h"

#include "core/Result.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QUuid>

#include <functional>

namespace socketscope {

// The secrets a profile may need. They live only in the OS keychain (QtKeychain, no plaintext
// fallback), keyed by profile id + kind; never in the profile file, argv, logs or the environment.
enum class SecretKind { SshPassword, KeyPassphrase, SudoPassword };


// Asynchronous access to the OS keychain. Every call returns at once; the callback runs later on
// the caller's thread, unless `context` was destroyed meanwhile. Where no keychain service runs
// (headless Linux, CI) availability() is Unavailable and callers ask the user each time.
class SecretStore : public QObject {
    Q_OBJECT
public:
    enum class Availability { Unknown, Available, Unavailable };

    // `service` names the keychain entries' service ("SocketScope"); tests use their own.
    explicit SecretStore(QString service = QStringLiteral("SocketScope"), QObject* parent = nullptr);
    ~SecretStore() override;

    // Starts finding out whether a keychain service answers (emits availabilityChanged). Gives up
    // after timeoutMs and reports Unavailable.
    void checkAvailability(int timeoutMs = 5000);
    Availability availability() const { return m_availability; }
    // For the GUI / CLI: "keychain: available" or "keychain unavailable — will ask each time (why)".
    QString availabilityText() const;
    // Why the keychain is unavailable, as the keychain library said it (empty when available).
    QString unavailableReason() const { return m_reason; }

    // "<profile-uuid>/ssh-password" etc.: the keychain entry's key.
    static QString keyFor(const QUuid& profile, SecretKind kind);
    // "ssh-password" / "key-passphrase" / "sudo-password".
    static QString kindName(SecretKind kind);

    using StatusCallback = std::function<void(const Status&)>;
    // Result holds the secret (the caller wipes it after use) or why it is not available; a
    // missing entry fails with a message starting "no saved".
    using SecretCallback = std::function<void(Result<QByteArray>)>;

    // Stores a secret; `secret` is wiped once handed to the keychain.
    void write(const QUuid& profile, SecretKind kind, QByteArray secret, QObject* context, StatusCallback done);
    void read(const QUuid& profile, SecretKind kind, QObject* context, SecretCallback done);
    // Removing a missing entry is a success; without a keychain (Unavailable, or none answers)
    // it fails: nothing could be removed.
    void remove(const QUuid& profile, SecretKind kind, QObject* context, StatusCallback done);
    // Removes all three kinds for a deleted profile (best effort; errors reported once).
    void removeAll(const QUuid& profile, QObject* context, StatusCallback done);

signals:
    void availabilityChanged(socketscope::SecretStore::Availability availability);

private:
    void setAvailability(Availability a, const QString& reason);
    QString m_service;
    Availability m_availability = Availability::Unknown;
    QString m_reason;
    int m_probeGeneration = 0;
};

} // namespace socketscope
