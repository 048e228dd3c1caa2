// SPDX-License-Identifier: GPL-3.0-or-later
// Scheduling and bookkeeping of MonitorManager with scripted probe results (see ScriptedLauncher.h).
#include "ScriptedLauncher.h"

#include "lab/Lab.h"
#include "monitor/MonitorExport.h"
#include "monitor/MonitorManager.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace socketscope;
using socketscope::scripted::ScriptedLauncher;

namespace {

MonitorSpec spec(double intervalS = 0.2)
{
    MonitorSpec s;
    s.name = QStringLiteral("demo");
    s.options = MonitorSpec::defaultOptions(QStringLiteral("ws://127.0.0.1:9/ws/echo"));
    s.intervalS = intervalS;
    return s;
}

QList<MonitorEvent::Kind> kinds(const Monitor& m)
{
    QList<MonitorEvent::Kind> out;
    for (int i = 0; i < m.events.size(); ++i)
        out.append(m.events.at(i).kind);
    return out;
}

} // namespace

TEST(MonitorManager, OutageBecomesDownSamplesAndCauseEventsNotErrors)
{
    ScriptedLauncher launcher;
    launcher.script = {scripted::okResult(1.0), scripted::okResult(1.2), scripted::refusedResult(),
                       scripted::refusedResult(), scripted::okResult(0.9)};
    MonitorManager mgr(&launcher);
    QSignalSpy samples(&mgr, &MonitorManager::sampleAdded);
    QSignalSpy states(&mgr, &MonitorManager::stateChanged);
    const int id = mgr.add(spec());
    ASSERT_TRUE(lab::waitForCount(samples, 5, 10000));
    const Monitor* m = mgr.monitor(id);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->buffer.raw(0).upgraded(), true);
    EXPECT_FALSE(m->buffer.raw(2).ok());
    EXPECT_EQ(m->buffer.causeName(m->buffer.raw(2).causeIndex), QStringLiteral("connection_refused"));
    // ok -> connection_refused -> ok: two diagnosis changes, the first with the refusal's evidence.
    QList<MonitorEvent> changes;
    for (int i = 0; i < m->events.size(); ++i)
        if (m->events.at(i).kind == MonitorEvent::Kind::CauseChanged)
            changes.append(m->events.at(i));
    ASSERT_GE(changes.size(), 2);
    EXPECT_EQ(changes[0].previousCause, QStringLiteral("ok"));
    EXPECT_EQ(changes[0].cause, QStringLiteral("connection_refused"));
    EXPECT_FALSE(changes[0].evidence.isEmpty());
    EXPECT_EQ(changes[0].evidence, scripted::refusedResult().evidence);
    EXPECT_EQ(changes[1].cause, QStringLiteral("ok"));
    // States went unknown -> ok -> down -> ok.
    QList<MonitorState> seen;
    for (const auto& args : states)
        seen.append(args.at(1).value<MonitorState>());
    ASSERT_GE(seen.size(), 3);
    EXPECT_EQ(seen[0], MonitorState::Ok);
    EXPECT_EQ(seen[1], MonitorState::Down);
    EXPECT_EQ(seen[2], MonitorState::Ok);
}

TEST(MonitorManager, PauseStopsProbingAndResumeRestarts)
{
    ScriptedLauncher launcher;
    launcher.script = {scripted::okResult(1.0)};
    MonitorManager mgr(&launcher);
    QSignalSpy samples(&mgr, &MonitorManager::sampleAdded);
    const int id = mgr.add(spec());
    ASSERT_TRUE(lab::waitForCount(samples, 2, 5000));
    mgr.pause(id);
    EXPECT_EQ(mgr.monitor(id)->state, MonitorState::Paused);
    // While paused, a resumed sibling monitor keeps running: wait for its samples, not a sleep.
    const int other = mgr.add(spec());
    const int before = int(samples.size());
    ASSERT_TRUE(lab::waitForCount(samples, before + 3, 5000));
    for (const auto& args : samples.mid(before))
        EXPECT_EQ(args.at(0).toInt(), other) << "the paused monitor must not record samples";
    mgr.resume(id);
    const int countAtResume = mgr.monitor(id)->buffer.rawCount();
    ASSERT_TRUE(QTest::qWaitFor([&] { return mgr.monitor(id)->buffer.rawCount() > countAtResume; }, 5000));
    const auto k = kinds(*mgr.monitor(id));
    EXPECT_TRUE(k.contains(MonitorEvent::Kind::Paused));
    EXPECT_TRUE(k.contains(MonitorEvent::Kind::Resumed));
}

TEST(MonitorManager, ProbesOfOneMonitorNeverOverlap)
{
    ScriptedLauncher launcher;
    launcher.script = {scripted::okResult(1.0)};
    launcher.holdOpen = true;
    MonitorManager mgr(&launcher);
    const int id = mgr.add(spec(0.2));
    ASSERT_TRUE(QTest::qWaitFor([&] { return mgr.monitor(id)->skippedTicks >= 2; }, 5000));
    EXPECT_EQ(launcher.started.size(), 1) << "a tick while a probe runs is skipped";
    launcher.release();
    ASSERT_TRUE(QTest::qWaitFor([&] { return launcher.started.size() >= 2; }, 5000));
}

TEST(MonitorManager, IntervalChangeAndRemoveCancelRunningProbes)
{
    ScriptedLauncher launcher;
    launcher.script = {scripted::okResult(1.0)};
    launcher.holdOpen = true;
    MonitorManager mgr(&launcher);
    QSignalSpy removed(&mgr, &MonitorManager::monitorRemoved);
    const int id = mgr.add(spec(5));
    mgr.setInterval(id, 2.5);
    EXPECT_DOUBLE_EQ(mgr.monitor(id)->spec.intervalS, 2.5);
    EXPECT_TRUE(kinds(*mgr.monitor(id)).contains(MonitorEvent::Kind::IntervalChanged));
    mgr.setInterval(id, 0.001);
    EXPECT_DOUBLE_EQ(mgr.monitor(id)->spec.intervalS, 0.2) << "intervals are clamped";
    mgr.remove(id);
    EXPECT_EQ(removed.size(), 1);
    EXPECT_EQ(launcher.cancelled.size(), 1);
    EXPECT_EQ(mgr.monitor(id), nullptr);
}

TEST(MonitorManager, LongLivedCloseIsRecordedWithCodeWhoAndHeldTime)
{
    ScriptedLauncher launcher;
    ProbeResult dropped = scripted::okResult(1.0);
    dropped.cause = QStringLiteral("idle_timeout");
    dropped.ok = false;
    dropped.closeCode = 1006;
    dropped.closedBy = ClosedBy::ServerFin;
    dropped.heldS = 3.0;
    launcher.script = {scripted::okResult(1.0), dropped, scripted::okResult(1.0)};
    MonitorManager mgr(&launcher);
    QSignalSpy events(&mgr, &MonitorManager::eventAdded);
    MonitorSpec s = spec(30);
    s.longLived = true;
    s.longLivedMaxS = 600;
    const int id = mgr.add(s);
    ASSERT_TRUE(QTest::qWaitFor([&] {
        const Monitor* m = mgr.monitor(id);
        for (int i = 0; i < m->events.size(); ++i)
            if (m->events.at(i).kind == MonitorEvent::Kind::ConnectionClosed)
                return true;
        return false;
    }, 5000));
    ASSERT_EQ(launcher.started.size(), 2);
    EXPECT_EQ(launcher.started[1].pingIntervalS, 0.0) << "the long-lived connection idles";
    EXPECT_EQ(launcher.started[1].holdS, 600.0);
    const Monitor* m = mgr.monitor(id);
    MonitorEvent close;
    for (int i = 0; i < m->events.size(); ++i)
        if (m->events.at(i).kind == MonitorEvent::Kind::ConnectionClosed)
            close = m->events.at(i);
    EXPECT_EQ(close.closeCode, 1006);
    EXPECT_EQ(close.closedBy, ClosedBy::ServerFin);
    EXPECT_DOUBLE_EQ(close.heldS, 3.0);
    EXPECT_TRUE(close.text.contains(QStringLiteral("3.0 s"))) << close.text.toStdString();
    EXPECT_EQ(m->state, MonitorState::Degraded) << "probes ok but the connection dies early";
    // Issue 16: the state and its cause agree (never "degraded — ok"): the cut is the cause, in words.
    EXPECT_EQ(m->cause, QStringLiteral("idle_timeout"));
    EXPECT_TRUE(m->reason.contains(QStringLiteral("closed after 3.0 s"))) << m->reason.toStdString();
    EXPECT_EQ(monitorVerdict(*m).state, MonitorState::Degraded);

    // The CSV export has the cut as a row of its own, although every periodic sample was ok.
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("s.csv"));
    ASSERT_TRUE(monitorexport::writeCsv(*m, csv).ok());
    const QStringList lines = QString::fromUtf8(lab::readAll(csv)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), m->buffer.rawCount() + 2) << "the header, every sample and the one close";
    const QStringList header = lines[0].split(QLatin1Char(','));
    int closes = 0;
    for (const QString& line : lines.mid(1)) {
        const QStringList row = line.split(QLatin1Char(','));
        ASSERT_EQ(row.size(), header.size()) << line.toStdString();
        if (row[header.indexOf(QStringLiteral("close_code"))] != QLatin1String("1006"))
            continue;
        ++closes;
        EXPECT_EQ(row[header.indexOf(QStringLiteral("ok"))], QStringLiteral("0"));
        EXPECT_EQ(row[header.indexOf(QStringLiteral("closed_by"))], QStringLiteral("server_fin"));
        EXPECT_EQ(row[header.indexOf(QStringLiteral("cause"))], QStringLiteral("idle_timeout"));
    }
    EXPECT_EQ(closes, 1);
}

TEST(MonitorManager, StopKeepsTheSessionUntilRemoved)
{
    ScriptedLauncher launcher;
    launcher.script = {scripted::okResult(1.0)};
    MonitorManager mgr(&launcher);
    QSignalSpy samples(&mgr, &MonitorManager::sampleAdded);
    const int id = mgr.add(spec());
    ASSERT_TRUE(lab::waitForCount(samples, 2, 5000));
    mgr.stop(id);
    const Monitor* m = mgr.monitor(id);
    ASSERT_NE(m, nullptr) << "a stopped monitor keeps its session";
    EXPECT_EQ(m->state, MonitorState::Stopped);
    EXPECT_EQ(monitorStateId(m->state), QStringLiteral("stopped"));
    EXPECT_TRUE(kinds(*m).contains(MonitorEvent::Kind::Stopped));
    const int kept = m->buffer.rawCount();
    EXPECT_GE(kept, 2);
    // No more probes: another monitor runs meanwhile, the stopped one records nothing.
    const int other = mgr.add(spec());
    const int before = int(samples.size());
    ASSERT_TRUE(lab::waitForCount(samples, before + 3, 5000));
    for (const auto& args : samples.mid(before))
        EXPECT_EQ(args.at(0).toInt(), other);
    EXPECT_EQ(mgr.monitor(id)->buffer.rawCount(), kept);
    mgr.remove(id);
    EXPECT_EQ(mgr.monitor(id), nullptr);
}

TEST(MonitorExport, CsvAndJsonRoundTrip)
{
    ScriptedLauncher launcher;
    launcher.script = {scripted::okResult(1.25), scripted::refusedResult()};
    MonitorManager mgr(&launcher);
    QSignalSpy samples(&mgr, &MonitorManager::sampleAdded);
    const int id = mgr.add(spec());
    ASSERT_TRUE(lab::waitForCount(samples, 3, 5000));
    mgr.pause(id);
    const Monitor* m = mgr.monitor(id);
    QTemporaryDir dir;
    const QString csv = dir.filePath(QStringLiteral("s.csv"));
    const QString json = dir.filePath(QStringLiteral("s.json"));
    ASSERT_TRUE(monitorexport::writeCsv(*m, csv).ok());
    ASSERT_TRUE(monitorexport::writeJson(*m, json).ok());

    const QStringList lines = QString::fromUtf8(lab::readAll(csv)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    ASSERT_EQ(lines.size(), m->buffer.rawCount() + 1);
    const QStringList header = lines[0].split(QLatin1Char(','));
    const QStringList first = lines[1].split(QLatin1Char(','));
    const QStringList second = lines[2].split(QLatin1Char(','));
    ASSERT_EQ(first.size(), header.size());
    const auto col = [&header](const char* name) { return header.indexOf(QString::fromLatin1(name)); };
    EXPECT_EQ(first[col("cause")], QStringLiteral("ok"));
    EXPECT_EQ(first[col("http_status")], QStringLiteral("101"));
    EXPECT_EQ(first[col("echo_ms")], QStringLiteral("1.250"));
    EXPECT_EQ(second[col("cause")], QStringLiteral("connection_refused"));
    EXPECT_TRUE(second[col("tcp_ms")].isEmpty()) << "a phase not reached is an empty field";
    const QDateTime t = QDateTime::fromString(first[col("time")], Qt::ISODateWithMs);
    EXPECT_TRUE(t.isValid());
    EXPECT_TRUE(first[col("time")].contains(QRegularExpression(QStringLiteral("[+-]\\d\\d:\\d\\d$"))));
    EXPECT_LE(std::abs(t.toMSecsSinceEpoch() - m->buffer.raw(0).timeMs), 1);

    const QJsonObject o = QJsonDocument::fromJson(lab::readAll(json)).object();
    EXPECT_EQ(o.value(QStringLiteral("monitor")).toString(), QStringLiteral("demo"));
    const QJsonArray arr = o.value(QStringLiteral("samples")).toArray();
    ASSERT_EQ(arr.size(), m->buffer.rawCount());
    EXPECT_DOUBLE_EQ(arr[0].toObject().value(QStringLiteral("echo_ms")).toDouble(), 1.25);
    EXPECT_TRUE(arr[1].toObject().value(QStringLiteral("tcp_ms")).isNull());
    EXPECT_FALSE(o.value(QStringLiteral("events")).toArray().isEmpty());
}
