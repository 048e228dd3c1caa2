// SPDX-License-Identifier: GPL-3.0-or-later
// The Logs tab, offscreen: following a growing file, counting problems, searching.
#include "lab/Lab.h"

#include "AppContext.h"
#include "logs/LogSession.h"
#include "logs/LogView.h"
#include "logs/LogsPanel.h"

#include <QCheckBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPalette>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

const QString kSeedLog = QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/logs/data/seed-mixed.log");

// The problem patterns of the built-in rules, for an independent count by grep -E (the HAProxy,
// access-log, JSON, Python and Node sets match nothing in seed-mixed.log; each rule's own lines and
// near-misses are checked by tests/logs/data/rule-corpus.json).
const QString kProblemRegex = QStringLiteral(
    "failed to authenticate|ClientTimeoutException|Connection reset by peer|network aborts|upstream timed out|"
    "prematurely closed|\\[emerg\\]|\\[alert\\]|\\[crit\\]|\\[error\\]| ERROR |connect\\(\\) failed|no live upstreams|"
    "bind\\(\\) to [^ ]+ failed|duplicate default server|Response write failure|OutOfMemoryError|Broken pipe|"
    "\\[WS_DIAGNOSTICS\\] 403 FORBIDDEN|Origin not in allowed list|(disconnected - code|close_code)=10(06|11)\\b");

qint64 grepCount(const QString& regex, const QString& path)
{
    QByteArray out;
    lab::runProgram(QStringLiteral("grep"), {QStringLiteral("-a"), QStringLiteral("-c"), QStringLiteral("-E"), regex, path}, &out);
    return out.trimmed().toLongLong();
}

bool append(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::Append) && f.write(data) == data.size();
}

struct PanelFixture {
    PanelFixture()
    {
        panel.resize(1280, 720);
        panel.show();
    }
    AppContext context;
    LogsPanel panel{context};
};

} // namespace

// Order and content only: how fast a line appears is measured by bench/ui_log_follow_bench.cpp
// (bench/RESULTS.md), not asserted here, where ASan and a loaded machine would make it flaky.
TEST(LogViewer, FollowingAGrowingFileShowsEachNewLineInOrder)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("error.log"));
    const QString first = QStringLiteral("2026/01/28 10:00:00 [notice] 1#1: start");
    ASSERT_TRUE(lab::writeFile(path, first.toUtf8() + '\n'));
    PanelFixture fx;
    fx.panel.openLocalFile(path, true);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.view()->rowCount() == 1; }, 10000));

    QStringList written{first};
    for (int i = 0; i < 5; ++i) {
        const QString line = QStringLiteral("2026/01/28 10:03:0%1 [error] 1#1: *%1 upstream timed out (110: Connection timed out)").arg(i);
        ASSERT_TRUE(append(path, line.toUtf8() + '\n'));
        written << line;
        // Each line appears while following (no reopen, no click), below the ones before it.
        ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.view()->visibleTexts().contains(line); }, 10000)) << "line " << i;
        EXPECT_EQ(fx.panel.view()->visibleTexts(), written);
    }
    // Two lines in one write arrive as two rows, in file order.
    const QString a = QStringLiteral("2026/01/28 10:03:10 [warn] 1#1: burst one");
    const QString b = QStringLiteral("2026/01/28 10:03:11 [warn] 1#1: burst two");
    ASSERT_TRUE(append(path, (a + QLatin1Char('\n') + b + QLatin1Char('\n')).toUtf8()));
    written << a << b;
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.view()->rowCount() == 8; }, 10000));
    EXPECT_EQ(fx.panel.view()->visibleTexts(), written);
    // The view holds exactly what the file holds (grep -c counts the file's lines independently).
    EXPECT_EQ(fx.panel.view()->rowCount(), grepCount(QStringLiteral(""), path));
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.problemCount() == 5; }, 10000));
    EXPECT_EQ(fx.panel.findChild<QLabel*>(QStringLiteral("problemCountLabel"))->text(), QStringLiteral("5 problems"));

    // Paused: lines keep arriving but the view stays where it is.
    QTest::keyClick(&fx.panel, Qt::Key_P, Qt::ControlModifier);
    const QStringList before = fx.panel.view()->visibleTexts();
    ASSERT_TRUE(append(path, "2026/01/28 10:04:00 [info] while paused\n"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.view()->rowCount() == 9; }, 10000));
    EXPECT_EQ(fx.panel.view()->visibleTexts().first(), before.first());
}

TEST(LogViewer, HighlightedProblemsAreCountedAndF8VisitsThem)
{
    PanelFixture fx;
    fx.panel.openLocalFile(kSeedLog, false);
    const qint64 expected = grepCount(kProblemRegex, kSeedLog);
    ASSERT_GT(expected, 10);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.problemCount() == expected; }, 5000))
        << fx.panel.problemCount() << " vs grep " << expected;
    EXPECT_EQ(fx.panel.findChild<QLabel*>(QStringLiteral("problemCountLabel"))->text(), QStringLiteral("%1 problems").arg(expected));

    const auto& problems = fx.panel.session().problems().lines;
    fx.panel.view()->setFocus();
    QTest::keyClick(fx.panel.view(), Qt::Key_F8);
    EXPECT_EQ(fx.panel.view()->currentLine(), problems[0]);
    QTest::keyClick(fx.panel.view(), Qt::Key_J, Qt::ControlModifier);
    EXPECT_EQ(fx.panel.view()->currentLine(), problems[1]);
    QTest::keyClick(fx.panel.view(), Qt::Key_F8, Qt::ShiftModifier);
    EXPECT_EQ(fx.panel.view()->currentLine(), problems[0]);
}

TEST(LogViewer, SearchCountsMatchesAndShowsOnlyMatchingLines)
{
    PanelFixture fx;
    fx.panel.openLocalFile(kSeedLog, false);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !fx.panel.session().isIndexing() && fx.panel.view()->rowCount() > 20; }, 5000));
    auto* edit = fx.panel.findChild<QLineEdit*>(QStringLiteral("searchLineEdit"));
    QTest::keyClicks(edit, QStringLiteral("upstream timed out"));
    QTest::keyClick(edit, Qt::Key_Return);
    const qint64 expected = grepCount(QStringLiteral("upstream timed out"), kSeedLog);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !fx.panel.session().isSearching() && qint64(fx.panel.session().matches().size()) == expected; }, 5000));
    EXPECT_EQ(fx.panel.findChild<QLabel*>(QStringLiteral("matchCountLabel"))->text(), QStringLiteral("%1 matches").arg(expected));

    fx.panel.findChild<QCheckBox*>(QStringLiteral("onlyMatchingCheckBox"))->setChecked(true);
    EXPECT_EQ(fx.panel.view()->rowCount(), expected);
    for (const QString& text : fx.panel.view()->visibleTexts())
        EXPECT_TRUE(text.contains(QStringLiteral("upstream timed out"))) << text.toStdString();

    QTest::keyClick(&fx.panel, Qt::Key_F3);
    const qint64 first = fx.panel.view()->currentLine();
    QTest::keyClick(&fx.panel, Qt::Key_F3);
    EXPECT_GT(fx.panel.view()->currentLine(), first);
    QTest::keyClick(&fx.panel, Qt::Key_F3, Qt::ShiftModifier);
    EXPECT_EQ(fx.panel.view()->currentLine(), first);

    // Regex + case toggles re-run the search.
    edit->setText(QStringLiteral("\\[(EMERG|alert)\\]"));
    fx.panel.findChild<QCheckBox*>(QStringLiteral("regexCheckBox"))->setChecked(true);
    fx.panel.findChild<QCheckBox*>(QStringLiteral("caseCheckBox"))->setChecked(true);
    QTest::keyClick(edit, Qt::Key_Return);
    const qint64 caseSensitive = grepCount(QStringLiteral("\\[(EMERG|alert)\\]"), kSeedLog);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !fx.panel.session().isSearching() && qint64(fx.panel.session().matches().size()) == caseSensitive; }, 5000));
    fx.panel.findChild<QCheckBox*>(QStringLiteral("caseCheckBox"))->setChecked(false);
    QByteArray out;
    lab::runProgram(QStringLiteral("grep"), {QStringLiteral("-a"), QStringLiteral("-c"), QStringLiteral("-i"), QStringLiteral("-E"),
                                             QStringLiteral("\\[(EMERG|alert)\\]"), kSeedLog}, &out);
    const qint64 anyCase = out.trimmed().toLongLong();
    ASSERT_GT(anyCase, caseSensitive);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !fx.panel.session().isSearching() && qint64(fx.panel.session().matches().size()) == anyCase; }, 5000));
}

// Renders the viewer following a seed-like log with problems highlighted. Always checks that it
// renders; writes docs/screenshots/logs.png when SOCKETSCOPE_SCREENSHOT_DIR is set.
TEST(LogViewer, Screenshot)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("neo4j-and-nginx.log"));
    ASSERT_TRUE(QFile::copy(kSeedLog, path));
    PanelFixture fx;
    fx.panel.openLocalFile(path, true);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.problemCount() > 10; }, 5000));
    ASSERT_TRUE(append(path, "\n2026/01/28 10:12:30 [error] 3322#3322: *131 upstream timed out (110: Connection timed out) while proxying upgraded connection, client: 10.0.0.4\n"));
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.view()->visibleTexts().last().contains(QStringLiteral("10:12:30")); }, 2000));
    auto* edit = fx.panel.findChild<QLineEdit*>(QStringLiteral("searchLineEdit"));
    edit->setText(QStringLiteral("upstream"));
    QTest::keyClick(edit, Qt::Key_Return);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !fx.panel.session().isSearching() && !fx.panel.session().matches().empty(); }, 5000));
    QTest::qWait(50);
    const QPixmap shot = fx.panel.grab();
    ASSERT_FALSE(shot.isNull());
    // The same view on a dark palette: the tints and text colours follow the base colour.
    QPalette dark;
    dark.setColor(QPalette::Window, QColor(45, 45, 48));
    dark.setColor(QPalette::WindowText, QColor(220, 220, 220));
    dark.setColor(QPalette::Base, QColor(30, 30, 30));
    dark.setColor(QPalette::Text, QColor(220, 220, 220));
    dark.setColor(QPalette::Button, QColor(60, 60, 64));
    dark.setColor(QPalette::ButtonText, QColor(220, 220, 220));
    fx.panel.setPalette(dark);
    const QPixmap darkShot = fx.panel.grab();
    ASSERT_FALSE(darkShot.isNull());
    EXPECT_NE(shot.toImage(), darkShot.toImage());
    const QString outDir = qEnvironmentVariable("SOCKETSCOPE_SCREENSHOT_DIR");
    if (!outDir.isEmpty()) {
        QDir().mkpath(outDir);
        EXPECT_TRUE(shot.save(QDir(outDir).filePath(QStringLiteral("logs.png"))));
        EXPECT_TRUE(darkShot.save(QDir(outDir).filePath(QStringLiteral("logs-dark.png"))));
    }
}
