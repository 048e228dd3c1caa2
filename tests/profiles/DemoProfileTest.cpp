// SPDX-License-Identifier: GPL-3.0-or-later
// The "Local demo" profile: created on first start, moved to the new port at each start, never
// re-created once the user has other profiles, and only in memory when the store is read-only.
#include "lab/Lab.h"
#include "profiles/DemoProfile.h"
#include "profiles/ProfileStore.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace socketscope;

TEST(DemoProfile, CreatedOnFirstStartThenFollowsThePort)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("profiles.json"));
    ProfileStore store(file);
    ASSERT_TRUE(store.load().ok());
    const Result<QUuid> first = DemoProfile::ensure(store, QStringLiteral("ws://127.0.0.1:40001/ws/echo"));
    ASSERT_TRUE(first.ok()) << first.error().toStdString();
    ASSERT_FALSE(first->isNull());
    ASSERT_EQ(store.profiles().size(), 1);
    EXPECT_EQ(store.profiles().first().name, QStringLiteral("Local demo"));
    EXPECT_TRUE(store.profiles().first().builtinDemo);

    ProfileStore nextStart(file);
    ASSERT_TRUE(nextStart.load().ok());
    const Result<QUuid> second = DemoProfile::ensure(nextStart, QStringLiteral("ws://127.0.0.1:40002/ws/echo"));
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(*second, *first);
    ASSERT_EQ(nextStart.profiles().size(), 1);
    EXPECT_EQ(nextStart.profiles().first().publicUrl, QStringLiteral("ws://127.0.0.1:40002/ws/echo"));
    EXPECT_TRUE(lab::readAll(file).contains("40002"));
}

TEST(DemoProfile, NotRecreatedWhenTheUserDeletedIt)
{
    QTemporaryDir dir;
    ProfileStore store(dir.filePath(QStringLiteral("profiles.json")));
    ASSERT_TRUE(store.load().ok());
    Profile mine;
    mine.name = QStringLiteral("prod");
    ASSERT_TRUE(store.add(mine).ok());
    const Result<QUuid> r = DemoProfile::ensure(store, QStringLiteral("ws://127.0.0.1:40003/ws/echo"));
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->isNull());
    EXPECT_EQ(store.profiles().size(), 1);
}

TEST(DemoProfile, ReadOnlyStoreGetsASessionOnlyDemo)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("profiles.json"));
    ASSERT_TRUE(lab::writeFile(file, "{broken"));
    ProfileStore store(file);
    ASSERT_FALSE(store.load().ok());
    const Result<QUuid> r = DemoProfile::ensure(store, QStringLiteral("ws://127.0.0.1:40004/ws/echo"));
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(r->isNull());
    EXPECT_TRUE(store.isSessionProfile(*r));
    EXPECT_EQ(store.profiles().size(), 1);
    EXPECT_EQ(lab::readAll(file), QByteArray("{broken"));
}
