// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16, "a layout that holds": the real main window at 1024×700 and at 1920×1080 (and at 150 %
// scale), every tab visited: the window's minimum size fits the screen, no visible text control
// is narrower than its text needs, no table's column title is cut, every table keeps all its columns in
// view (no sideways scrolling), nothing reaches outside the window. A screenshot of every tab
// is saved (SOCKETSCOPE_TEST_ARTIFACTS, else the test's temporary directory).
#include "AppStartup.h"
#include "LayoutCheck.h"
#include "MainWindow.h"
#include "common/Banner.h"
#include "common/ElidingLabel.h"
#include "lab/Lab.h"
#include "logs/LogsPanel.h"
#include "nginx/ConfigPanel.h"
#include "profiles/ProfileListPanel.h"
#include "profiles/SecretStore.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPixmap>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <QTreeWidget>
#include <QUuid>

#include <iostream>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

QString keychainService()
{
    return QStringLiteral("SocketScopeTests-") + QUuid::createUuid().toString(QUuid::WithoutBraces);
}

struct Window {
    QTemporaryDir dir;
    GuiApplication gui { { QStringLiteral("socketscope"), QStringLiteral("--profiles"),
                             dir.filePath(QStringLiteral("p.json")) },
        keychainService() };
    MainWindow* w = gui.window();
    Window()
    {
        EXPECT_TRUE(QTest::qWaitFor(
            [this] { return gui.context().secrets->availability() != SecretStore::Availability::Unknown; }, 15000));
    }
};

QString screenshotDir(const QTemporaryDir& dir)
{
    const QString artifacts = qEnvironmentVariable("SOCKETSCOPE_TEST_ARTIFACTS");
    const QString out
        = artifacts.isEmpty() ? dir.filePath(QStringLiteral("screenshots")) : artifacts + QStringLiteral("/layout");
    QDir().mkpath(out);
    return out;
}

QString fileNameFor(const QString& path, QSize size)
{
    QString name = path;
    name.replace(QStringLiteral(" ▸ "), QStringLiteral("-"));
    name.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9-]+")), QStringLiteral("_"));
    const qreal scale = qApp->devicePixelRatio();
    return QStringLiteral("%1x%2%3-%4.png")
        .arg(size.width())
        .arg(size.height())
        .arg(scale == 1.0 ? QString() : QStringLiteral("@%1").arg(scale), name);
}

// The Live matrix has eight measured columns: at 1024 px it scrolls sideways, its key columns first
// (the hop, then the verdict; MatrixView.NamesTheProxyHopThatDropsIdleConnections checks they stay in
// view). Every other table keeps all its columns in view.
const QString kScrollsSideways = QStringLiteral("matrixTableWidget ▸ ");

QStringList columnsOutOfView(QWidget* window)
{
    QStringList out;
    for (const QString& problem : layoutcheck::columnsOutOfView(window))
        if (!problem.startsWith(kScrollsSideways))
            out << problem;
    return out;
}

// Resizes the window, visits every tab and checks each: the window keeps the size asked for,
// nothing is cut, and the screenshot has the window's size in device pixels.
void checkEveryTabAt(QSize size)
{
    Window win;
    win.w->show();
    const QSize minimum = win.w->minimumSizeHint().expandedTo(win.w->minimumSize());
    EXPECT_LE(minimum.width(), size.width()) << "the window's minimum width";
    EXPECT_LE(minimum.height(), size.height()) << "the window's minimum height";
    win.w->resize(size);
    QApplication::processEvents();
    EXPECT_EQ(win.w->size(), size) << win.w->width() << "×" << win.w->height();
    const QString shots = screenshotDir(win.dir);
    int visited = 0;
    layoutcheck::visitEveryTab(win.w, [&](const QString& path) {
        ++visited;
        for (const QString& problem :
            layoutcheck::problems(win.w) + layoutcheck::cutHeaderTitles(win.w) + columnsOutOfView(win.w))
            ADD_FAILURE() << "at " << size.width() << "×" << size.height() << ", tab " << path.toStdString() << ": "
                          << problem.toStdString();
        const QPixmap shot = win.w->grab();
        EXPECT_EQ(shot.size(), size * shot.devicePixelRatio()) << shot.width() << "×" << shot.height();
        const QString file = shots + QLatin1Char('/') + fileNameFor(path, size);
        EXPECT_TRUE(shot.save(file)) << file.toStdString();
    });
    EXPECT_GE(visited, 5) << "the five feature tabs at least";
    std::cout << "screenshots: " << shots.toStdString() << std::endl;
}

} // namespace

TEST(MainWindowLayout, At1024x700EveryTabFitsAndNothingIsCut)
{
    checkEveryTabAt({ 1024, 700 });
}

TEST(MainWindowLayout, At1920x1080EveryTabFitsAndNothingIsCut)
{
    checkEveryTabAt({ 1920, 1080 });
}

// 150 % display scaling: the same window is 1536×1050 device pixels. Qt reads QT_SCALE_FACTOR
// when the application starts, so the 1024×700 test runs again in a process of its own.
TEST(MainWindowLayout, At150PercentScaleTheSameHolds)
{
    if (qEnvironmentVariableIsSet("QT_SCALE_FACTOR"))
        GTEST_SKIP() << "already the scaled run";
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_SCALE_FACTOR"), QStringLiteral("1.5"));
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    child.setProcessEnvironment(env);
    child.setProcessChannelMode(QProcess::MergedChannels);
    child.start(QCoreApplication::applicationFilePath(),
        { QStringLiteral("--gtest_filter=MainWindowLayout.At1024x700EveryTabFitsAndNothingIsCut") });
    ASSERT_TRUE(child.waitForFinished(120000));
    const QString out = QString::fromUtf8(child.readAll());
    EXPECT_EQ(child.exitCode(), 0) << out.toStdString();
    EXPECT_TRUE(out.contains(QStringLiteral("[  PASSED  ] 1 test"))) << out.toStdString();
}

namespace {

// Where every visible widget of the window is, in window coordinates (banners left out).
QHash<QWidget*, QRect> geometries(QWidget* window)
{
    QHash<QWidget*, QRect> out;
    for (QWidget* w : window->findChildren<QWidget*>()) {
        bool inBanner = false;
        for (QWidget* p = w; p && p != window; p = p->parentWidget())
            inBanner = inBanner || qobject_cast<Banner*>(p);
        if (w->isVisible() && !w->isWindow() && !inBanner)
            out.insert(w, QRect(w->mapTo(window, QPoint(0, 0)), w->size()));
    }
    return out;
}

// The widgets whose place or size changed between two snapshots.
QStringList moved(const QHash<QWidget*, QRect>& before, const QHash<QWidget*, QRect>& after)
{
    QStringList out;
    for (auto it = before.cbegin(); it != before.cend(); ++it)
        if (after.value(it.key()) != it.value())
            out << QStringLiteral("%1 (%2)").arg(
                it.key()->objectName(), QString::fromLatin1(it.key()->metaObject()->className()));
    for (auto it = after.cbegin(); it != after.cend(); ++it)
        if (!before.contains(it.key()))
            out << QStringLiteral("%1 (%2) appeared")
                       .arg(it.key()->objectName(), QString::fromLatin1(it.key()->metaObject()->className()));
    return out;
}

} // namespace

// "Exported to …" and the other notices float over the content with a close button: showing one
// moves no control, closing it leaves the window as it was.
TEST(MainWindowLayout, BannersAreDismissibleAndMoveNothing)
{
    Window win;
    win.w->show();
    win.w->resize(1024, 700);
    QApplication::processEvents();

    // The profile list's notice: "Exported 1 profile(s) to …".
    const auto before = geometries(win.w);
    win.w->profileList()->exportJson(win.dir.filePath(QStringLiteral("export.json")));
    QApplication::processEvents();
    auto* notice = win.w->findChild<QLabel*>(QStringLiteral("noticeLabel"));
    ASSERT_NE(notice, nullptr);
    EXPECT_TRUE(notice->isVisible());
    EXPECT_TRUE(notice->text().contains(QStringLiteral("Exported 1 profile(s)"))) << notice->text().toStdString();
    EXPECT_EQ(moved(before, geometries(win.w)), QStringList());
    auto* close = win.w->findChild<QToolButton*>(QStringLiteral("noticeCloseToolButton"));
    ASSERT_NE(close, nullptr);
    EXPECT_TRUE(close->isVisible());
    for (const QString& problem : layoutcheck::problems(win.w))
        ADD_FAILURE() << "with the notice shown: " << problem.toStdString();
    close->click();
    EXPECT_FALSE(notice->isVisible());
    EXPECT_EQ(moved(before, geometries(win.w)), QStringList());

    // A panel's banner: the Logs tab's reason why the profile's nginx error log cannot be opened.
    auto* logs = win.w->findChild<LogsPanel*>();
    ASSERT_NE(logs, nullptr);
    win.w->tabs()->setCurrentWidget(logs);
    QApplication::processEvents();
    const auto onLogs = geometries(win.w);
    logs->findChild<QComboBox*>(QStringLiteral("sourceComboBox"))->setCurrentIndex(1);
    logs->findChild<QPushButton*>(QStringLiteral("openPushButton"))->click();
    QApplication::processEvents();
    auto* banner = logs->findChild<QLabel*>(QStringLiteral("bannerLabel"));
    EXPECT_TRUE(banner->isVisible());
    EXPECT_TRUE(banner->text().contains(QStringLiteral("names no nginx error log path"))) << banner->text().toStdString();
    EXPECT_EQ(moved(onLogs, geometries(win.w)), QStringList());
    // Over the view, inside the window.
    const QRect shown(banner->parentWidget()->mapTo(win.w, QPoint(0, 0)), banner->parentWidget()->size());
    EXPECT_TRUE(win.w->rect().contains(shown));
    logs->findChild<QToolButton*>(QStringLiteral("bannerCloseToolButton"))->click();
    EXPECT_FALSE(banner->isVisible());
    EXPECT_EQ(moved(onLogs, geometries(win.w)), QStringList());
}

// The verdict header is one line: a long sentence is cut with "…" (all of it in the tooltip and
// in the label's text), never a second line that pushes the tabs down.
TEST(MainWindowLayout, ALongVerdictKeepsTheTabsInPlace)
{
    Window win;
    win.w->show();
    win.w->resize(1024, 700);
    QApplication::processEvents();
    auto* header = win.w->findChild<ElidingLabel*>(QStringLiteral("verdictHeaderLabel"));
    ASSERT_NE(header, nullptr);
    win.w->setVerdict(QStringLiteral("Local demo"), QStringLiteral("ok"), QStringLiteral("all good"));
    QApplication::processEvents();
    const int tabsTop = win.w->tabs()->mapTo(win.w, QPoint(0, 0)).y();
    const int headerHeight = header->height();
    EXPECT_FALSE(header->isElided());

    QString sentence = QStringLiteral(
        "the public URL answers, but the long-lived connection was cut after 4.0 s of idle time by the "
        "proxy in front of it (close 1006 without a close frame, server_fin)");
    win.w->setVerdict(QStringLiteral("Local demo"), QStringLiteral("degraded"), sentence);
    QApplication::processEvents();
    EXPECT_EQ(win.w->tabs()->mapTo(win.w, QPoint(0, 0)).y(), tabsTop);
    EXPECT_EQ(header->height(), headerHeight);
    EXPECT_TRUE(header->isElided());
    EXPECT_TRUE(header->text().contains(sentence.toHtmlEscaped()));
    EXPECT_TRUE(header->hoverText().contains(sentence)) << header->hoverText().toStdString();
    EXPECT_TRUE(header->hoverText().contains(QStringLiteral("Local demo ● degraded")))
        << header->hoverText().toStdString();
    EXPECT_LE(header->minimumSizeHint().width(), 200) << "the header never makes the window wider";

    // Wide enough again: whole, and no tooltip of its own.
    win.w->resize(1920, 1080);
    win.w->setVerdict(QStringLiteral("Local demo"), QStringLiteral("degraded"), QStringLiteral("cut after 4.0 s idle"));
    QApplication::processEvents();
    EXPECT_FALSE(header->isElided());
    EXPECT_EQ(header->hoverText(), QString());
}

// Issue 16: the Config tab's findings at 1024×700 (and 1920×1080). With a real configuration's
// findings in it, every column is in view, the finding keeps room to be read, and every cell of the
// narrow columns (cut with "…" when the tab is narrow) has its whole text in its tooltip.
TEST(MainWindowLayout, ConfigFindingsKeepEveryColumnInView)
{
    Window win;
    win.w->show();
    auto* config = win.w->findChild<ConfigPanel*>();
    ASSERT_NE(config, nullptr);
    win.w->tabs()->setCurrentWidget(config);
    QSignalSpy finished(config, &ConfigPanel::analysisFinished);
    const QString path
        = QDir(lab::fixturePath(QStringLiteral("nginx"))).absoluteFilePath(QStringLiteral("neo4j-current.conf"));
    config->openFile(path);
    ASSERT_TRUE(lab::waitForCount(finished, 1));
    auto* findings = config->findChild<QTreeWidget*>(QStringLiteral("findingsTreeWidget"));
    ASSERT_NE(findings, nullptr);
    ASSERT_EQ(findings->topLevelItemCount(), 4);
    for (const QSize size : { QSize(1024, 700), QSize(1920, 1080) }) {
        win.w->resize(size);
        QApplication::processEvents();
        ASSERT_EQ(win.w->size(), size);
        const QString at = QStringLiteral("at %1×%2").arg(size.width()).arg(size.height());
        EXPECT_EQ((layoutcheck::cutHeaderTitles(config) + layoutcheck::columnsOutOfView(config))
                      .join(QLatin1Char('\n'))
                      .toStdString(),
            "")
            << at.toStdString();
        EXPECT_GE(findings->columnWidth(3), 120) << at.toStdString() << ": the finding keeps room to be read";
        for (int row = 0; row < findings->topLevelItemCount(); ++row) {
            const QTreeWidgetItem* item = findings->topLevelItem(row);
            for (int c = 0; c < findings->columnCount(); ++c) {
                QString whole = item->text(c);
                if (c == 2) // Where: the file's whole path and the line
                    whole = path + whole.mid(whole.lastIndexOf(QLatin1Char(':')));
                EXPECT_TRUE(item->toolTip(c).contains(whole))
                    << at.toStdString() << ", row " << row << ", column " << c << ": '"
                    << item->toolTip(c).toStdString() << "' lacks '" << whole.toStdString() << "'";
            }
        }
        if (const QString shots = qEnvironmentVariable("SOCKETSCOPE_TEST_ARTIFACTS"); !shots.isEmpty())
            win.w->grab().save(
                shots + QStringLiteral("/config-findings-%1x%2.png").arg(size.width()).arg(size.height()));
    }
    // At 1920×1080 nothing needs cutting: the narrow columns are as wide as their contents.
    const QFontMetrics fm = findings->fontMetrics();
    for (int row = 0; row < findings->topLevelItemCount(); ++row)
        for (int c : { 1, 2 })
            EXPECT_LE(fm.horizontalAdvance(findings->topLevelItem(row)->text(c)), findings->columnWidth(c))
                << findings->topLevelItem(row)->text(c).toStdString();
}
