// SPDX-License-Identifier: GPL-3.0-or-later
// The Logs tab, offscreen: following a growing file, counting problems, searching.
#include "lab/Lab.h"

#include "AppContext.h"
#include "logs/LogSession.h"
#include "logs/LogView.h"
#include "logs/LogsPanel.h"
#include "logs/LogFormat.h"
#include "logs/HighlightRules.h"
#include "logs/ProblemNavigator.h"
#include "profiles/Profile.h"
#include "profiles/ProfileLogs.h"

#include <QApplication>
#include <QComboBox>
#include <QHelpEvent>
#include <QListWidget>
#include <QToolButton>
#include <QToolTip>

#include <QCheckBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPalette>
#include <QPushButton>
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

namespace {
// Counts the paints a widget receives.
class PaintCounter : public QObject {
public:
    explicit PaintCounter(QWidget* w) { w->installEventFilter(this); }
    int paints = 0;

protected:
    bool eventFilter(QObject*, QEvent* e) override
    {
        if (e->type() == QEvent::Paint)
            ++paints;
        return false;
    }
};
} // namespace

// A big filter delivers its matches in chunks; the later ones add rows below the screen. Those
// must not repaint the text (each paint highlights every visible line with every rule: ~15 ms of
// the GUI thread per chunk, bench/ui_log_filter_bench), but new rows on screen and a new
// pattern must.
TEST(LogViewer, MatchesAddedBelowTheScreenDoNotRepaintTheText)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("app.log"));
    QByteArray data;
    for (int i = 0; i < 300; ++i)
        data += "2026-01-28 10:00:00 INFO request " + QByteArray::number(i) + (i % 10 == 0 ? " rare" : "") + '\n';
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly) && f.write(data) == data.size());
    f.close();
    PanelFixture fx;
    fx.panel.openLocalFile(path, false);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !fx.panel.session().isIndexing() && fx.panel.view()->rowCount() == 300; }, 5000));
    fx.panel.findChild<QCheckBox*>(QStringLiteral("onlyMatchingCheckBox"))->setChecked(true);
    auto* edit = fx.panel.findChild<QLineEdit*>(QStringLiteral("searchLineEdit"));
    edit->setText(QStringLiteral("request"));
    QTest::keyClick(edit, Qt::Key_Return);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !fx.panel.session().isSearching() && fx.panel.view()->rowCount() == 300; }, 5000));
    PaintCounter counter(fx.panel.view()->viewport());
    QTest::qWait(100); // any paint still pending lands before counting
    counter.paints = 0;
    emit fx.panel.session().matchesChanged(); // as a later chunk's arrival does: the same rows on screen
    QTest::qWait(100);
    EXPECT_EQ(counter.paints, 0);
    edit->setText(QStringLiteral("rare")); // other rows on screen
    QTest::keyClick(edit, Qt::Key_Return);
    ASSERT_TRUE(QTest::qWaitFor([&] { return counter.paints > 0 && fx.panel.view()->rowCount() == 30; }, 5000));
    QTest::qWait(100);
    for (const QString& text : fx.panel.view()->visibleTexts())
        EXPECT_TRUE(text.contains(QStringLiteral("rare"))) << text.toStdString();
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

namespace {
// An nginx error log with three kinds of problems (lines 1, 2, 4, 5, 6, 7; 0-based).
const QByteArray kNginxErrors =
    "2026/01/28 10:00:00 [notice] 1#1: start\n"
    "2026/01/28 10:00:01 [error] 1#1: *1 upstream timed out (110: Connection timed out) while proxying upgraded connection\n"
    "2026/01/28 10:00:02 [error] 1#1: *2 connect() failed (111: Connection refused) while connecting to upstream\n"
    "2026/01/28 10:00:03 [notice] 1#1: signal 1 (SIGHUP) received\n"
    "2026/01/28 10:00:04 [error] 1#1: *3 upstream timed out (110: Connection timed out) while proxying upgraded connection\n"
    "2026/01/28 10:00:05 [error] 1#1: *4 connect() failed (111: Connection refused) while connecting to upstream\n"
    "2026/01/28 10:00:06 [error] 1#1: *5 upstream timed out (110: Connection timed out) while proxying upgraded connection\n"
    "2026/01/28 10:00:07 [emerg] 1#1: unknown directive \"proxy_bufering\"\n";

QListWidgetItem* itemStartingWith(QListWidget* list, const QString& prefix)
{
    for (int i = 0; i < list->count(); ++i)
        if (list->item(i)->text().startsWith(prefix))
            return list->item(i);
    return nullptr;
}

void clickItem(QListWidget* list, QListWidgetItem* item)
{
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(item).center());
}

QString labelText(LogsPanel& panel, const char* name)
{
    return panel.findChild<QLabel*>(QString::fromLatin1(name))->text();
}
} // namespace

// Issue 16/17: the per-rule summary (the CLI's words and counts), "problem N of M", and choosing a
// rule restricts F8 / the previous button to its lines.
TEST(LogViewer, PerRuleSummaryAndProblemNOfMNavigation)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("error.log"));
    ASSERT_TRUE(lab::writeFile(path, kNginxErrors));
    PanelFixture fx;
    fx.panel.openLocalFile(path, false);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.problemCount() == 6 && !fx.panel.session().isScanningProblems(); }, 10000));
    auto* list = fx.panel.findChild<QListWidget*>(QStringLiteral("problemSummaryListWidget"));
    ASSERT_TRUE(list);
    QStringList items;
    for (int i = 0; i < list->count(); ++i)
        items << list->item(i)->text();
    EXPECT_EQ(items, QStringList({QStringLiteral("All problems ×6"), QStringLiteral("upstream timed out ×3"),
                                  QStringLiteral("connect() failed ×2"), QStringLiteral("[emerg] ×1")}));
    // The CLI's summary line names the same rules with the same counts.
    QByteArray cliOut;
    lab::runProgram(lab::cliPath(), {QStringLiteral("logs"), path, QStringLiteral("--problems")}, &cliOut);
    for (qsizetype i = 1; i < items.size(); ++i)
        EXPECT_TRUE(cliOut.contains(items[i].toUtf8())) << items[i].toStdString() << " not in " << cliOut.constData();
    EXPECT_TRUE(list->item(1)->toolTip().contains(QStringLiteral("proxy_read_timeout"))) << list->item(1)->toolTip().toStdString();

    EXPECT_EQ(labelText(fx.panel, "problemCountLabel"), QStringLiteral("6 problems"));
    fx.panel.view()->setFocus();
    QTest::keyClick(fx.panel.view(), Qt::Key_F8);
    EXPECT_EQ(fx.panel.view()->currentLine(), 1);
    EXPECT_EQ(labelText(fx.panel, "problemCountLabel"), QStringLiteral("problem 1 of 6"));
    QTest::keyClick(fx.panel.view(), Qt::Key_F8);
    EXPECT_EQ(labelText(fx.panel, "problemCountLabel"), QStringLiteral("problem 2 of 6"));

    clickItem(list, itemStartingWith(list, QStringLiteral("connect() failed")));
    EXPECT_EQ(fx.panel.view()->currentLine(), 2);
    EXPECT_EQ(labelText(fx.panel, "problemCountLabel"), QStringLiteral("problem 1 of 2 · connect() failed"));
    fx.panel.view()->setFocus();
    QTest::keyClick(fx.panel.view(), Qt::Key_F8);
    EXPECT_EQ(fx.panel.view()->currentLine(), 5);
    EXPECT_EQ(labelText(fx.panel, "problemCountLabel"), QStringLiteral("problem 2 of 2 · connect() failed"));
    QTest::keyClick(fx.panel.view(), Qt::Key_F8); // wraps within the rule's lines
    EXPECT_EQ(fx.panel.view()->currentLine(), 2);
    QTest::mouseClick(fx.panel.findChild<QToolButton*>(QStringLiteral("previousProblemToolButton")), Qt::LeftButton);
    EXPECT_EQ(fx.panel.view()->currentLine(), 5);

    clickItem(list, itemStartingWith(list, QStringLiteral("All problems")));
    EXPECT_EQ(fx.panel.view()->currentLine(), 1);
    EXPECT_EQ(labelText(fx.panel, "problemCountLabel"), QStringLiteral("problem 1 of 6"));
    QTest::mouseClick(fx.panel.findChild<QToolButton*>(QStringLiteral("previousProblemToolButton")), Qt::LeftButton);
    EXPECT_EQ(fx.panel.view()->currentLine(), 7);
    EXPECT_EQ(labelText(fx.panel, "problemCountLabel"), QStringLiteral("problem 6 of 6"));
}

// The rule's meaning and advice show as the tooltip of a problem line (and its marker).
TEST(LogViewer, AProblemLineShowsItsRuleAndAdviceAsATooltip)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("error.log"));
    ASSERT_TRUE(lab::writeFile(path, kNginxErrors));
    PanelFixture fx;
    fx.panel.openLocalFile(path, false);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.problemCount() == 6 && !fx.panel.session().isScanningProblems(); }, 10000));
    LogView* view = fx.panel.view();
    const QString tip = view->toolTipForLine(2);
    EXPECT_TRUE(tip.contains(QStringLiteral("nginx.connect-failed"))) << tip.toStdString();
    EXPECT_TRUE(tip.contains(QStringLiteral("check the proxy_pass address"))) << tip.toStdString(); // the advice
    EXPECT_TRUE(tip.contains(QStringLiteral("bad_gateway"))) << tip.toStdString();                  // the probe cause
    EXPECT_TRUE(view->toolTipForLine(0).isEmpty()); // a [notice] line: no rule

    // Hovering: each row's tooltip event shows that line's text; the connect() failed row is among them.
    QStringList shown;
    for (int y = 1; y < view->viewport()->height(); y += 3) {
        QHelpEvent help(QEvent::ToolTip, QPoint(4, y), view->viewport()->mapToGlobal(QPoint(4, y)));
        QApplication::sendEvent(view->viewport(), &help);
        if (QToolTip::isVisible())
            shown << QToolTip::text();
    }
    EXPECT_TRUE(shown.contains(tip));
    QToolTip::hideText();
}

// Issue 16: while the log is still being read and scanned, the count says so, never "no problems".
TEST(LogViewer, TheProblemCountSaysScanningUntilTheScanIsDone)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("big-error.log"));
    QByteArray data;
    for (int i = 0; i < 150000; ++i)
        data += "2026/01/28 10:00:00 [notice] 1#1: *" + QByteArray::number(i) + " client closed keepalive connection while reading\n";
    data += "2026/01/28 10:00:01 [error] 1#1: *9 upstream timed out (110: Connection timed out) while proxying upgraded connection\n";
    ASSERT_TRUE(lab::writeFile(path, data));
    PanelFixture fx;
    fx.panel.openLocalFile(path, false);
    QStringList seen{labelText(fx.panel, "problemCountLabel")};
    EXPECT_EQ(seen.first(), QStringLiteral("scanning…"));
    ASSERT_TRUE(QTest::qWaitFor([&] {
        const QString now = labelText(fx.panel, "problemCountLabel");
        if (seen.last() != now)
            seen << now;
        return fx.panel.problemCount() == 1 && !fx.panel.session().isScanningProblems() && !fx.panel.session().isIndexing();
    }, 30000));
    EXPECT_FALSE(seen.contains(QStringLiteral("no problems"))) << seen.join(QStringLiteral(" | ")).toStdString();
    EXPECT_EQ(labelText(fx.panel, "problemCountLabel"), QStringLiteral("1 problem"));
}

// Issue 16: "paused — … (following)" said two things at once; the footer had a developer metric.
TEST(LogViewer, PausedSaysPausedOnlyAndTheFooterHasNoIndexMetric)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("error.log"));
    ASSERT_TRUE(lab::writeFile(path, kNginxErrors));
    PanelFixture fx;
    fx.panel.openLocalFile(path, true);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.view()->rowCount() == 8; }, 10000));
    EXPECT_TRUE(labelText(fx.panel, "sourceLabel").contains(QStringLiteral("following")));
    QTest::keyClick(&fx.panel, Qt::Key_P, Qt::ControlModifier);
    const QString source = labelText(fx.panel, "sourceLabel");
    EXPECT_TRUE(source.contains(QStringLiteral("paused"))) << source.toStdString();
    EXPECT_FALSE(source.contains(QStringLiteral("following"))) << source.toStdString();
    const QString footer = labelText(fx.panel, "statusLabel");
    EXPECT_TRUE(footer.contains(QStringLiteral("8 lines"))) << footer.toStdString();
    EXPECT_FALSE(footer.contains(QStringLiteral("bytes/line"))) << footer.toStdString();
    EXPECT_FALSE(footer.contains(QStringLiteral("index"))) << footer.toStdString();
}

// Issue 16: an invalid regex clears the previous search's matches and highlights and says why.
TEST(LogViewer, AnInvalidRegexClearsTheOldMatchesWithAClearError)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("error.log"));
    ASSERT_TRUE(lab::writeFile(path, kNginxErrors));
    PanelFixture fx;
    fx.panel.openLocalFile(path, false);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.view()->rowCount() == 8 && !fx.panel.session().isIndexing(); }, 10000));
    auto* edit = fx.panel.findChild<QLineEdit*>(QStringLiteral("searchLineEdit"));
    fx.panel.findChild<QCheckBox*>(QStringLiteral("regexCheckBox"))->setChecked(true);
    edit->setText(QStringLiteral("timed out"));
    QTest::keyClick(edit, Qt::Key_Return);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !fx.panel.session().isSearching() && fx.panel.session().matches().size() == 3; }, 5000));
    fx.panel.findChild<QCheckBox*>(QStringLiteral("onlyMatchingCheckBox"))->setChecked(true);
    EXPECT_EQ(fx.panel.view()->rowCount(), 3);

    edit->setText(QStringLiteral("timed out("));
    QTest::keyClick(edit, Qt::Key_Return);
    EXPECT_TRUE(fx.panel.session().matches().empty());
    EXPECT_FALSE(fx.panel.session().hasSearch()); // no highlights of the old pattern
    EXPECT_EQ(fx.panel.view()->rowCount(), 8);    // "only matching" of nothing valid shows every line
    EXPECT_EQ(labelText(fx.panel, "matchCountLabel"), QStringLiteral("invalid pattern"));
    auto* banner = fx.panel.findChild<QLabel*>(QStringLiteral("bannerLabel"));
    EXPECT_TRUE(banner->isVisible());
    EXPECT_TRUE(banner->text().contains(QStringLiteral("Invalid search pattern"))) << banner->text().toStdString();
    EXPECT_TRUE(banner->text().contains(QStringLiteral("offset"))) << banner->text().toStdString();
    QTest::qWait(400); // past the search debounce: nothing brings the old matches back
    EXPECT_TRUE(fx.panel.session().matches().empty());
    EXPECT_EQ(labelText(fx.panel, "matchCountLabel"), QStringLiteral("invalid pattern"));
}

// The detected format shows, and choosing another applies that format's rules instead.
TEST(LogViewer, TheDetectedFormatShowsAndCanBeOverridden)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("error.log"));
    ASSERT_TRUE(lab::writeFile(path, kNginxErrors));
    PanelFixture fx;
    fx.panel.openLocalFile(path, false);
    auto* combo = fx.panel.findChild<QComboBox*>(QStringLiteral("logFormatComboBox"));
    ASSERT_TRUE(combo);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.problemCount() == 6 && !fx.panel.session().isScanningProblems(); }, 10000));
    EXPECT_EQ(combo->currentIndex(), 0);
    EXPECT_EQ(combo->currentText(), QStringLiteral("Auto: nginx error log"));
    const int haproxy = combo->findData(QStringLiteral("haproxy"));
    ASSERT_GT(haproxy, 0);
    combo->setCurrentIndex(haproxy);
    emit combo->activated(haproxy);
    EXPECT_EQ(fx.panel.session().format(), logs::LogFormat::HAProxy);
    ASSERT_TRUE(QTest::qWaitFor([&] { return !fx.panel.session().isScanningProblems(); }, 10000));
    EXPECT_EQ(fx.panel.problemCount(), 0); // no HAProxy line in an nginx error log
    EXPECT_EQ(labelText(fx.panel, "problemCountLabel"), QStringLiteral("no problems"));
    EXPECT_EQ(combo->currentIndex(), haproxy);
    combo->setCurrentIndex(0);
    emit combo->activated(0);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.problemCount() == 6 && !fx.panel.session().isScanningProblems(); }, 10000));
    EXPECT_EQ(combo->currentText(), QStringLiteral("Auto: nginx error log"));
}

// Issue 17: the user's rules file applies in the Logs tab too; a broken one is a clear error
// naming the file and the rule, and the built-in rules keep working.
TEST(LogViewer, UserRulesApplyAndABrokenFileIsAClearError)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("error.log"));
    ASSERT_TRUE(lab::writeFile(path, kNginxErrors + "2026/01/28 10:00:08 [info] 1#1: *9 my-app lost its session\n"));
    const QString rulesPath = dir.filePath(QStringLiteral("log-rules.json"));
    ASSERT_TRUE(lab::writeFile(rulesPath, R"({"format":"socketscope-log-rules","version":1,"rules":[
        {"id":"myapp.session-lost","name":"session lost","pattern":"lost its session","severity":"error","hint":"our app dropped a session"}]})"));
    PanelFixture fx;
    ASSERT_TRUE(fx.panel.loadUserRules(rulesPath));
    fx.panel.openLocalFile(path, false);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.problemCount() == 7 && !fx.panel.session().isScanningProblems(); }, 10000));
    EXPECT_TRUE(fx.panel.view()->toolTipForLine(8).contains(QStringLiteral("myapp.session-lost")));

    ASSERT_TRUE(lab::writeFile(rulesPath, R"({"rules":[{"id":"myapp.bad","pattern":"(unclosed","regex":true}]})"));
    EXPECT_FALSE(fx.panel.loadUserRules(rulesPath));
    auto* banner = fx.panel.findChild<QLabel*>(QStringLiteral("bannerLabel"));
    EXPECT_TRUE(banner->isVisible());
    EXPECT_TRUE(banner->text().contains(rulesPath)) << banner->text().toStdString();
    EXPECT_TRUE(banner->text().contains(QStringLiteral("myapp.bad"))) << banner->text().toStdString();
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.problemCount() == 6 && !fx.panel.session().isScanningProblems(); }, 10000));
}

// Issue 17, "Done when": every line of the issue's "Why" list (tests/logs/data/ws-chain.log) is a
// problem in the Logs tab, named by its rule with the rule's meaning and advice as the tooltip, and
// the per-rule summary has the same words and counts as the CLI's summary line.
TEST(LogViewer, EveryWhyLineOfTheChainIsNamedWithItsAdviceAndTheSummaryMatchesTheCli)
{
    const QString chain = QStringLiteral(SOCKETSCOPE_TEST_SOURCE_DIR "/tests/logs/data/ws-chain.log");
    PanelFixture fx;
    fx.panel.openLocalFile(chain, false);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.problemCount() == 8 && !fx.panel.session().isScanningProblems(); }, 10000))
        << fx.panel.problemCount();
    const QList<std::pair<qint64, QString>> expected = {
        {1, QStringLiteral("app.origin-rejected")},     {2, QStringLiteral("app.abnormal-closure")},
        {4, QStringLiteral("haproxy.server-timeout")},  {5, QStringLiteral("haproxy.client-timeout")},
        {7, QStringLiteral("access.ws-bad-gateway")},   {9, QStringLiteral("json.ws-abnormal-closure")},
        {11, QStringLiteral("python.ws-rejected")},     {13, QStringLiteral("access.ws-short-lived")}};
    const auto& problems = fx.panel.session().problems();
    ASSERT_EQ(problems.lines.size(), std::size_t(expected.size()));
    const logs::RuleSet& rules = fx.panel.session().rules();
    for (qsizetype i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(problems.lines[std::size_t(i)], expected[i].first);
        const logs::HighlightRule& rule = rules.rules()[problems.rules[std::size_t(i)]];
        EXPECT_EQ(rule.id, expected[i].second);
        ASSERT_FALSE(rule.advice.isEmpty()) << rule.id.toStdString();
        const QString tip = fx.panel.view()->toolTipForLine(expected[i].first);
        EXPECT_TRUE(tip.contains(expected[i].second)) << tip.toStdString();
        EXPECT_TRUE(tip.contains(QStringLiteral("Advice:"))) << tip.toStdString();
        EXPECT_TRUE(tip.contains(rule.advice.toHtmlEscaped())) << tip.toStdString();
    }
    auto* list = fx.panel.findChild<QListWidget*>(QStringLiteral("problemSummaryListWidget"));
    ASSERT_EQ(list->count(), 1 + expected.size());
    EXPECT_EQ(list->item(0)->text(), QStringLiteral("All problems ×8"));
    QByteArray cliOut;
    lab::runProgram(lab::cliPath(), {QStringLiteral("logs"), chain, QStringLiteral("--problems")}, &cliOut);
    const QByteArray summary = cliOut.trimmed().split('\n').last();
    EXPECT_TRUE(summary.startsWith("8 problem lines: ")) << summary.constData();
    for (int i = 1; i < list->count(); ++i)
        EXPECT_TRUE(summary.contains(list->item(i)->text().toUtf8())) << list->item(i)->text().toStdString() << " not in " << summary.constData();
}

namespace {
// Nine nginx error lines and one HAProxy line: detection says "nginx error log" (90%), so only
// the profile's format makes the HAProxy line a problem.
QByteArray mostlyNginxWithOneHaproxyLine()
{
    QByteArray text;
    for (int i = 0; i < 9; ++i)
        text += "2026/01/28 10:00:0" + QByteArray::number(i) + " [error] 12#12: *" + QByteArray::number(i)
                + " upstream timed out (110: Connection timed out) while reading response header from upstream\n";
    return text + "Jan 28 10:02:00 lab haproxy[4242]: 127.0.0.1:51234 [28/Jan/2026:10:01:30.001] ws_front ws_back/app1 "
                  "0/0/0/-1/30001 504 194 - - sD-- 1/1/0/0/0 0/0 \"GET /ws HTTP/1.1\"\n";
}
} // namespace

// Issue 17: a profile's log opened from the source list is read with the profile's format for it
// (a profile without SSH access: on this machine), not the detected one.
TEST(LogViewer, OpeningAProfileLogAppliesTheProfilesFormat)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("haproxy.log"));
    ASSERT_TRUE(lab::writeFile(path, mostlyNginxWithOneHaproxyLine()));
    Profile profile;
    profile.name = QStringLiteral("edge");
    profile.logs.haproxyLog = path;
    profile.logs.appLog = path;
    profile.logs.appLogFormat = logs::LogFormat::Json;
    PanelFixture fx;
    fx.panel.setProfile(&profile);
    auto* source = fx.panel.findChild<QComboBox*>(QStringLiteral("sourceComboBox"));
    const int haproxyEntry = source->findData(QStringLiteral("haproxy"));
    ASSERT_GT(haproxyEntry, 0);
    // A short entry (the row fits a 1024 px window); the path and the format are in its tooltip.
    EXPECT_TRUE(source->itemText(haproxyEntry).contains(QStringLiteral("HAProxy log"))) << source->itemText(haproxyEntry).toStdString();
    EXPECT_TRUE(source->itemData(haproxyEntry, Qt::ToolTipRole).toString().contains(path));
    EXPECT_TRUE(source->itemData(haproxyEntry, Qt::ToolTipRole).toString().contains(QStringLiteral("read as")));
    EXPECT_FALSE(source->itemData(source->findData(QStringLiteral("access")), Qt::ToolTipRole).toString().isEmpty());
    source->setCurrentIndex(haproxyEntry);
    fx.panel.findChild<QPushButton*>(QStringLiteral("openPushButton"))->click();
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.session().lineCount() == 10 && !fx.panel.session().isScanningProblems(); }, 10000));
    EXPECT_EQ(fx.panel.session().format(), logs::LogFormat::HAProxy);
    EXPECT_EQ(fx.panel.session().formatOverride(), logs::LogFormat::HAProxy);
    ASSERT_EQ(fx.panel.problemCount(), 1);
    EXPECT_EQ(fx.panel.session().problems().lines.front(), 9);
    EXPECT_EQ(fx.panel.session().rules().rules()[fx.panel.session().problems().rules.front()].id, QStringLiteral("haproxy.server-timeout"));
    auto* format = fx.panel.findChild<QComboBox*>(QStringLiteral("logFormatComboBox"));
    EXPECT_EQ(format->currentData().toString(), QStringLiteral("haproxy"));

    // The app log entry: the profile's app log format (JSON lines: none of these lines is one).
    ASSERT_TRUE(fx.panel.openProfileLog(ProfileLog::App, false));
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.session().lineCount() == 10 && !fx.panel.session().isScanningProblems(); }, 10000));
    EXPECT_EQ(fx.panel.session().format(), logs::LogFormat::Json);
    EXPECT_EQ(fx.panel.problemCount(), 0);

    // The same file opened as a plain local file: detected as an nginx error log.
    fx.panel.openLocalFile(path, false);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.problemCount() == 9 && !fx.panel.session().isScanningProblems(); }, 10000));
    EXPECT_EQ(fx.panel.session().format(), logs::LogFormat::NginxError);
    EXPECT_FALSE(fx.panel.session().formatOverride().has_value());
    // A log the profile does not name cannot be opened (the entry says why).
    EXPECT_FALSE(fx.panel.openProfileLog(ProfileLog::NginxAccess, false));
}

// Issue 17: user rules from log-rules.d/*.json too; each file is validated on its own: a broken one
// is named in the banner (file and rule) while the others and the built-in rules keep working.
TEST(LogViewer, UserRulesFromADirectoryAndOneBrokenFile)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("app.log"));
    ASSERT_TRUE(lab::writeFile(path, "2026/01/28 10:00:00 [info] 1#1: *9 my-app lost its session\n"
                                     "2026/01/28 10:00:01 [info] 1#1: *9 my-app quota hit\n"));
    const QString rulesDir = dir.filePath(QStringLiteral("log-rules.d"));
    ASSERT_TRUE(QDir().mkpath(rulesDir));
    ASSERT_TRUE(lab::writeFile(rulesDir + QStringLiteral("/a.json"), R"({"rules":[
        {"id":"myapp.session-lost","name":"session lost","pattern":"lost its session","severity":"error"}]})"));
    const QString broken = rulesDir + QStringLiteral("/b.json");
    ASSERT_TRUE(lab::writeFile(broken, R"({"rules":[{"id":"myapp.quota","pattern":"quota hit"},{"id":"myapp.bad","pattern":"(x","regex":true}]})"));
    PanelFixture fx;
    EXPECT_FALSE(fx.panel.loadUserRuleSources({dir.filePath(QStringLiteral("log-rules.json")), rulesDir}));
    auto* banner = fx.panel.findChild<QLabel*>(QStringLiteral("bannerLabel"));
    EXPECT_TRUE(banner->isVisible());
    EXPECT_TRUE(banner->text().contains(broken)) << banner->text().toStdString();
    EXPECT_TRUE(banner->text().contains(QStringLiteral("myapp.bad"))) << banner->text().toStdString();
    fx.panel.openLocalFile(path, false);
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.problemCount() == 1 && !fx.panel.session().isScanningProblems(); }, 10000));
    EXPECT_TRUE(fx.panel.view()->toolTipForLine(0).contains(QStringLiteral("myapp.session-lost")));
    ASSERT_TRUE(lab::writeFile(broken, R"({"rules":[{"id":"myapp.quota","pattern":"quota hit","severity":"critical"}]})"));
    EXPECT_TRUE(fx.panel.loadUserRuleSources({rulesDir}));
    ASSERT_TRUE(QTest::qWaitFor([&] { return fx.panel.problemCount() == 2 && !fx.panel.session().isScanningProblems(); }, 10000));
}
