// SPDX-License-Identifier: GPL-3.0-or-later
// Secrets go to the OS keychain (QtKeychain) or nowhere: never into the profile file.
// Where no keychain service runs, the store must say so and refuse to keep secrets; where one
// runs, a secret round-trips through it (RoundTripThroughARealSecretService starts one).
#include "lab/KeyringLab.h"
#include "lab/Lab.h"
#include "profiles/ProfileStore.h"
#include "profiles/SecretStore.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

// Waits for the availability check to conclude.
SecretStore::Availability checkedAvailability(SecretStore& secrets)
{
    QSignalSpy spy(&secrets, &SecretStore::availabilityChanged);
    secrets.checkAvailability(5000);
    lab::waitForCount(spy, 1, 8000);
    return secrets.availability();
}

// Spins the event loop until `done` holds or the time is up.
bool waitUntil(const std::function<bool()>& done, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!done() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    return done();
}

} // namespace

TEST(SecretStore, KeysAreProfileIdPlusKind)
{
    const QUuid id = QUuid::fromString(QStringLiteral("{0d6f0c4e-3a0c-4b8a-9a77-2f0f4b8b1c11}"));
    EXPECT_EQ(SecretStore::keyFor(id, SecretKind::SshPassword), QStringLiteral("0d6f0c4e-3a0c-4b8a-9a77-2f0f4b8b1c11/ssh-password"));
    EXPECT_EQ(SecretStore::keyFor(id, SecretKind::KeyPassphrase), QStringLiteral("0d6f0c4e-3a0c-4b8a-9a77-2f0f4b8b1c11/key-passphrase"));
    EXPECT_EQ(SecretStore::keyFor(id, SecretKind::SudoPassword), QStringLiteral("0d6f0c4e-3a0c-4b8a-9a77-2f0f4b8b1c11/sudo-password"));
}

// Without a keychain nothing can be removed: remove() and removeAll() must fail and say why,
// never report success (the user would believe a deleted profile's secrets are gone). The
// session bus points at a socket that does not exist, so no keychain service can answer. (Run
// by ctest, each test has its own process: nothing has connected to the real bus before.)
TEST(SecretStore, RemoveFailsWhenNoKeychainAnswers)
{
    QTemporaryDir dir;
    const bool hadBus = qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS");
    const QByteArray bus = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + QFile::encodeName(dir.filePath(QStringLiteral("no-bus"))));
    const auto restore = qScopeGuard([&] {
        if (hadBus)
            qputenv("DBUS_SESSION_BUS_ADDRESS", bus);
        else
            qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    });

    SecretStore secrets(QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    ASSERT_EQ(checkedAvailability(secrets), SecretStore::Availability::Unavailable) << secrets.availabilityText().toStdString();
    QObject context;
    std::optional<Status> removed;
    secrets.remove(QUuid::createUuid(), SecretKind::SshPassword, &context, [&](const Status& st) { removed = st; });
    ASSERT_TRUE(waitUntil([&] { return removed.has_value(); }, 5000));
    EXPECT_FALSE(removed->ok());
    EXPECT_TRUE(removed->error().contains(QStringLiteral("could not delete the ssh-password"))) << removed->error().toStdString();
    EXPECT_TRUE(removed->error().contains(QStringLiteral("unavailable"))) << removed->error().toStdString();

    std::optional<Status> all;
    secrets.removeAll(QUuid::createUuid(), &context, [&](const Status& st) { all = st; });
    ASSERT_TRUE(waitUntil([&] { return all.has_value(); }, 5000));
    EXPECT_FALSE(all->ok());
    EXPECT_TRUE(all->error().contains(QStringLiteral("unavailable"))) << all->error().toStdString();
}

TEST(SecretStore, SecretsNeverReachTheProfileFile)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("profiles.json"));
    ProfileStore store(file);
    ASSERT_TRUE(store.load().ok());
    Profile p;
    p.name = QStringLiteral("with secrets");
    p.ssh.host = QStringLiteral("server.example.com");
    p.ssh.auth = SshAccess::AuthMethod::Password;
    ASSERT_TRUE(store.add(p).ok());

    SecretStore secrets(QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    const SecretStore::Availability availability = checkedAvailability(secrets);
    ASSERT_NE(availability, SecretStore::Availability::Unknown);

    const QList<std::pair<SecretKind, QByteArray>> values = {{SecretKind::SshPassword, "ssh-Pa55-8c1f"},
                                                             {SecretKind::KeyPassphrase, "key-phrase-77aa"},
                                                             {SecretKind::SudoPassword, "sudo-secret-e93b"}};
    int done = 0;
    QList<Status> results;
    QObject context;
    for (const auto& [kind, value] : values)
        secrets.write(p.id, kind, value, &context, [&](const Status& st) {
            results << st;
            ++done;
        });
    ASSERT_TRUE(waitUntil([&] { return done == 3; }, 10000));

    // The store is saved again after the secrets were set: nothing of them may appear.
    p.notes = QStringLiteral("saved after setting secrets");
    ASSERT_TRUE(store.update(p).ok());
    const QByteArray written = lab::readAll(file);
    ASSERT_FALSE(written.isEmpty());
    for (const auto& [kind, value] : values)
        EXPECT_FALSE(written.contains(value)) << "secret found in " << file.toStdString();

    if (availability == SecretStore::Availability::Unavailable) {
        for (const Status& st : std::as_const(results)) {
            EXPECT_FALSE(st.ok());
            EXPECT_TRUE(st.error().contains(QStringLiteral("will ask each time"))) << st.error().toStdString();
        }
        EXPECT_TRUE(secrets.availabilityText().contains(QStringLiteral("unavailable — will ask each time")));
        // Reads report the same, so callers prompt the user.
        bool readDone = false;
        secrets.read(p.id, SecretKind::SshPassword, &context, [&](Result<QByteArray> r) {
            EXPECT_FALSE(r.ok());
            EXPECT_TRUE(r.error().contains(QStringLiteral("will ask each time")));
            readDone = true;
        });
        ASSERT_TRUE(waitUntil([&] { return readDone; }, 5000));
        return;
    }
    // A keychain answered: the secret reads back, then is removed.
    for (const Status& st : std::as_const(results))
        EXPECT_TRUE(st.ok()) << st.error().toStdString();
    QByteArray readBack;
    bool readDone = false;
    secrets.read(p.id, SecretKind::SudoPassword, &context, [&](Result<QByteArray> r) {
        if (r)
            readBack = *r;
        readDone = true;
    });
    ASSERT_TRUE(waitUntil([&] { return readDone; }, 10000));
    EXPECT_EQ(readBack, QByteArray("sudo-secret-e93b"));
    bool removed = false;
    secrets.removeAll(p.id, &context, [&](const Status& st) {
        EXPECT_TRUE(st.ok()) << st.error().toStdString();
        removed = true;
    });
    ASSERT_TRUE(waitUntil([&] { return removed; }, 10000));
}

TEST(SecretStore, CallbackIsDroppedWhenItsContextIsGone)
{
    SecretStore secrets(QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    checkedAvailability(secrets);
    bool called = false;
    auto* context = new QObject;
    secrets.read(QUuid::createUuid(), SecretKind::SshPassword, context, [&](Result<QByteArray>) { called = true; });
    delete context;
    // A second request on a live context finishes after the first one (jobs run in order).
    QObject live;
    bool second = false;
    secrets.read(QUuid::createUuid(), SecretKind::SshPassword, &live, [&](Result<QByteArray>) { second = true; });
    ASSERT_TRUE(waitUntil([&] { return second; }, 10000));
    EXPECT_FALSE(called);
}

// A real Secret Service (gnome-keyring on a private D-Bus bus, started by this test): every kind
// round-trips, a missing entry says so, removal removes, and the service never sees a file of ours.
TEST(SecretStore, RoundTripThroughARealSecretService)
{
    LAB_REQUIRE(lab::KeyringLab::skipReason());
    lab::KeyringLab keyring;
    QString error;
    if (!keyring.start(&error)) // e.g. a container that forbids the daemon's memory locking
        LAB_UNAVAILABLE(QStringLiteral("no Secret Service can run here: ") + error);
    keyring.useInThisProcess();

    SecretStore secrets(QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces));
    ASSERT_EQ(checkedAvailability(secrets), SecretStore::Availability::Available) << secrets.availabilityText().toStdString();
    EXPECT_TRUE(secrets.availabilityText().contains(QStringLiteral("available")));

    const QUuid profile = QUuid::createUuid();
    const QList<std::pair<SecretKind, QByteArray>> values = {{SecretKind::SshPassword, "ssh-Pa55-8c1f"},
                                                             {SecretKind::KeyPassphrase, "key phrase with spaces ü"},
                                                             {SecretKind::SudoPassword, "sudo-secret-e93b"}};
    QObject context;
    int written = 0;
    for (const auto& [kind, value] : values)
        secrets.write(profile, kind, value, &context, [&](const Status& st) {
            EXPECT_TRUE(st.ok()) << st.error().toStdString();
            ++written;
        });
    ASSERT_TRUE(waitUntil([&] { return written == 3; }, 10000));

    // Each reads back.
    for (const auto& [kind, value] : values) {
        std::optional<Result<QByteArray>> got;
        secrets.read(profile, kind, &context, [&](Result<QByteArray> r) { got = std::move(r); });
        ASSERT_TRUE(waitUntil([&] { return got.has_value(); }, 10000));
        ASSERT_TRUE(got->ok()) << got->error().toStdString();
        EXPECT_EQ(got->value(), value) << SecretStore::kindName(kind).toStdString();
    }
    bool removed = false;
    secrets.removeAll(profile, &context, [&](const Status& st) {
        EXPECT_TRUE(st.ok()) << st.error().toStdString();
        removed = true;
    });
    ASSERT_TRUE(waitUntil([&] { return removed; }, 10000));
    std::optional<Result<QByteArray>> gone;
    secrets.read(profile, SecretKind::SshPassword, &context, [&](Result<QByteArray> r) { gone = std::move(r); });
    ASSERT_TRUE(waitUntil([&] { return gone.has_value(); }, 10000));
    EXPECT_FALSE(gone->ok());
    EXPECT_TRUE(gone->error().startsWith(QStringLiteral("no saved"))) << gone->error().toStdString();
}
