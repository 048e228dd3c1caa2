// SPDX-License-Identifier: GPL-3.0-or-later
// The real main window, built as the app builds it (GuiApplication), offscreen: the "Local demo"
// profile exists and its in-process server answers; a broken store is shown, kept and not written.
#include "AppStartup.h"
#include "MainWindow.h"
#include "lab/Lab.h"
#include "profiles/ProfileListPanel.h"
#include "profiles/ProfileStore.h"
#include "server/ReferenceServer.h"

#include <QDeadlineTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QThread>
#include <QJsonObject>
#include <QLabel>
#include <QListWidget>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QWebSocket>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

QStringList listTexts(MainWindow* w)
{
    auto* list = w->findChild<QListWidget*>(QStringLiteral("profileListWidget"));
    QStringList out;
    for (int i = 0; list && i < list->count(); ++i)
        out << list->item(i)->text();
    return out;
}

QString testKeychainService() { return QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces); }

} // namespace

TEST(MainWindowSmoke, FirstStartCreatesTheLocalDemoAndItsServerAnswers)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("profiles.json"));
    GuiApplication gui({QStringLiteral("socketscope"), QStringLiteral("--profiles"), file}, testKeychainService());
    ASSERT_NE(gui.window(), nullptr);
    gui.window()->show();
    EXPECT_EQ(gui.profilesFile(), file);

    EXPECT_EQ(listTexts(gui.window()), QStringList{QStringLiteral("Local demo — unknown")});
    const std::optional<Profile> current = gui.window()->profileList()->currentProfile();
    ASSERT_TRUE(current.has_value());
    EXPECT_TRUE(current->builtinDemo);
    EXPECT_EQ(current->publicUrl, gui.context().demoServer->echoUrl());
    const QString header = gui.window()->findChild<QLabel*>(QStringLiteral("verdictHeaderLabel"))->text();
    EXPECT_TRUE(header.contains(QStringLiteral("Local demo"))) << header.toStdString();

    // The demo profile was written to the store.
    ProfileStore reread(file);
    ASSERT_TRUE(reread.load().ok());
    ASSERT_EQ(reread.profiles().size(), 1);
    EXPECT_EQ(reread.profiles().first().publicUrl, current->publicUrl);

    // The demo endpoint answers: welcome first, then echo.
    QWebSocket client;
    QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
    client.open(QUrl(current->publicUrl));
    ASSERT_TRUE(lab::waitForCount(texts, 1));
    EXPECT_EQ(QJsonDocument::fromJson(texts.at(0).at(0).toString().toUtf8()).object().value(QStringLiteral("type")).toString(),
              QStringLiteral("welcome"));
    client.sendTextMessage(QStringLiteral("ping from the smoke test"));
    ASSERT_TRUE(lab::waitForCount(texts, 2));
    EXPECT_EQ(texts.at(1).at(0).toString(), QStringLiteral("ping from the smoke test"));
}

TEST(MainWindowSmoke, SecondStartMovesTheDemoToTheNewPortWithoutDuplicating)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("profiles.json"));
    QUuid firstId;
    {
        GuiApplication first({QStringLiteral("socketscope"), QStringLiteral("--profiles"), file}, testKeychainService());
        firstId = first.demoProfileId();
    }
    // Occupy nothing in particular: the second start picks another free port.
    GuiApplication second({QStringLiteral("socketscope"), QStringLiteral("--profiles=") + file}, testKeychainService());
    EXPECT_EQ(second.demoProfileId(), firstId);
    ProfileStore reread(file);
    ASSERT_TRUE(reread.load().ok());
    ASSERT_EQ(reread.profiles().size(), 1);
    EXPECT_EQ(reread.profiles().first().publicUrl, second.context().demoServer->echoUrl());
}

TEST(MainWindowSmoke, BrokenStoreIsShownInlineAndLeftUntouched)
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("profiles.json"));
    const QByteArray newer = R"({"format":"socketscope-profiles","version":7,"profiles":[]})";
    ASSERT_TRUE(lab::writeFile(file, newer));
    GuiApplication gui({QStringLiteral("socketscope"), QStringLiteral("--profiles"), file}, testKeychainService());
    gui.window()->show();
    auto* banner = gui.window()->findChild<QLabel*>(QStringLiteral("storeBannerLabel"));
    ASSERT_NE(banner, nullptr);
    EXPECT_TRUE(banner->isVisible());
    EXPECT_TRUE(banner->text().contains(file)) << banner->text().toStdString();
    EXPECT_TRUE(banner->text().contains(QStringLiteral("newer"))) << banner->text().toStdString();
    // The demo still works, for this session only.
    EXPECT_EQ(listTexts(gui.window()), QStringList{QStringLiteral("Local demo — unknown")});
    EXPECT_EQ(lab::readAll(file), newer);
}

// The installed binary itself: started as a user starts it (offscreen here), it comes up, creates
// the demo profile in the store given with --profiles, and keeps running until stopped.
TEST(MainWindowSmoke, TheRealBinaryStartsAndCreatesTheDemoProfile)
{
    const QString app = QFileInfo(lab::cliPath()).absolutePath() + QStringLiteral("/socketscope");
    if (!lab::haveExecutable(app))
        LAB_UNAVAILABLE(QStringLiteral("build the socketscope target first: ") + app);
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("profiles.json"));
    QProcess gui;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    gui.setProcessEnvironment(env);
    gui.setProcessChannelMode(QProcess::MergedChannels);
    gui.start(app, {QStringLiteral("--profiles"), file});
    ASSERT_TRUE(gui.waitForStarted(10000));
    // Poll the store file until the app has written the demo profile.
    QDeadlineTimer deadline(20000);
    std::optional<Profile> demo;
    while (!deadline.hasExpired() && gui.state() == QProcess::Running) {
        ProfileStore store(file);
        if (store.load().ok() && !store.profiles().isEmpty()) {
            demo = store.profiles().first();
            break;
        }
        QThread::msleep(50);
    }
    const bool stillRunning = gui.state() == QProcess::Running;
    gui.terminate();
    if (!gui.waitForFinished(5000))
        gui.kill();
    ASSERT_TRUE(demo.has_value()) << "no demo profile written; app output: " << gui.readAll().toStdString();
    EXPECT_TRUE(stillRunning);
    EXPECT_EQ(demo->name, QStringLiteral("Local demo"));
    EXPECT_TRUE(demo->builtinDemo);
    EXPECT_TRUE(demo->publicUrl.startsWith(QStringLiteral("ws://127.0.0.1:"))) << demo->publicUrl.toStdString();
}
