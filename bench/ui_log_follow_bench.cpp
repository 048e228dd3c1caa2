// SPDX-License-Identifier: GPL-3.0-or-later
// Logs tab follow latency: from the write of a line to an error log until that line is on screen
// in the Logs tab (LogsPanel following the file, offscreen 1280x720), next to a reference measured
// in the same run: a bare QFileSystemWatcher noticing the same kind of write (the OS notification
// floor). The functional goal is "on screen within 250 ms"; it is measured here, not asserted in
// the tests (tests/gui/LogViewerTest.cpp checks order and content only).
// Run: QT_QPA_PLATFORM=offscreen build/bench/bench/ui_log_follow_bench [LINES]   (default 100)
#include "AppContext.h"
#include "logs/LogView.h"
#include "logs/LogsPanel.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QFileSystemWatcher>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <vector>

using namespace socketscope;

namespace {

struct Stats { double median, p95, max; };

Stats stats(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    const auto at = [&v](double q) { return v[std::min(v.size() - 1, size_t(std::ceil(q * double(v.size()))) - 1)]; };
    return {at(0.5), at(0.95), v.back()};
}

bool append(const QString& path, const QByteArray& data)
{
    QFile f(path);
    return f.open(QIODevice::Append) && f.write(data) == data.size();
}

// Milliseconds from now until done() holds (spinning the event loop), or -1 after 10 s.
double waitMs(const std::function<bool()>& done)
{
    QElapsedTimer t;
    t.start();
    QDeadlineTimer deadline(10000);
    while (!done()) {
        if (deadline.hasExpired())
            return -1;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    }
    return double(t.nsecsElapsed()) / 1e6;
}

QByteArray line(int i)
{
    return QStringLiteral("2026/01/28 10:03:%1 [error] 1#1: *%2 upstream timed out (110: Connection timed out)")
        .arg(i % 60, 2, 10, QLatin1Char('0')).arg(i).toUtf8();
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    std::setvbuf(stdout, nullptr, _IONBF, 0);
    const int lines = argc > 1 ? std::max(10, std::atoi(argv[1])) : 100;
    QTemporaryDir dir;

    // Reference: the OS's file-change notification to a bare watcher in this process.
    std::vector<double> reference;
    {
        const QString path = dir.filePath(QStringLiteral("reference.log"));
        append(path, "start\n");
        QFileSystemWatcher watcher({path});
        int changes = 0;
        QObject::connect(&watcher, &QFileSystemWatcher::fileChanged, &watcher, [&changes] { ++changes; });
        for (int i = 0; i < lines; ++i) {
            const int before = changes;
            append(path, line(i) + '\n');
            reference.push_back(waitMs([&] { return changes > before; }));
            QThread::msleep(5);
        }
    }

    // The Logs tab following a growing file.
    std::vector<double> onScreen;
    int missed = 0;
    {
        const QString path = dir.filePath(QStringLiteral("error.log"));
        append(path, "2026/01/28 10:00:00 [notice] 1#1: start\n");
        AppContext context;
        LogsPanel panel(context);
        panel.resize(1280, 720);
        panel.show();
        panel.openLocalFile(path, true);
        waitMs([&] { return panel.view()->rowCount() == 1; });
        for (int i = 0; i < lines; ++i) {
            const QString text = QString::fromUtf8(line(i));
            append(path, line(i) + '\n');
            const double ms = waitMs([&] { return panel.view()->visibleTexts().contains(text); });
            if (ms < 0)
                ++missed;
            else
                onScreen.push_back(ms);
            QThread::msleep(5);
        }
    }
    reference.erase(std::remove(reference.begin(), reference.end(), -1.0), reference.end());
    if (onScreen.empty() || reference.empty()) {
        std::printf("no measurement (lines on screen: %zu, watcher notifications: %zu)\n", onScreen.size(), reference.size());
        return 1;
    }
    const Stats s = stats(onScreen);
    const Stats r = stats(reference);
    std::printf("%d lines appended one at a time (5 ms apart)\n", lines);
    std::printf("%-42s median %7.2f ms  p95 %7.2f ms  max %7.2f ms\n", "write -> line on screen (Logs tab)", s.median, s.p95, s.max);
    std::printf("%-42s median %7.2f ms  p95 %7.2f ms  max %7.2f ms\n", "reference: write -> QFileSystemWatcher", r.median, r.p95, r.max);
    std::printf("goal: every line on screen within 250 ms: %s (max %.1f ms, %d not seen within 10 s)\n",
                s.max <= 250.0 && missed == 0 ? "met" : "NOT met", s.max, missed);
    return 0;
}
