// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/NginxWorkerWatch.h"

#include "profiles/Profile.h"
#include "remote/LocalHost.h"
#include "remote/RemoteHost.h"
#include "runbook/NginxFacts.h"

#include <QDir>
#include <QScopeGuard>
#include <QThread>

namespace socketscope {

namespace {

constexpr int kPollMs = 250;

QString firstLine(const QByteArray& text)
{
    return QString::fromUtf8(text.trimmed().split('\n').value(0).trimmed());
}

} // namespace

Result<QByteArray> NginxWorkerWatch::processList()
{
    CommandOptions o;
    o.timeoutMs = 15000;
    Result<CommandResult> ps = m_host.run(QStringLiteral("ps -e -o pid= -o ppid= -o args="), o);
    if (!ps)
        return Result<QByteArray>::failure(ps.error());
    if (ps->exitStatus != 0)
        return Result<QByteArray>::failure(QObject::tr("cannot list processes: %1").arg(firstLine(ps->stdErr)));
    return ps->stdOut;
}

Status NginxWorkerWatch::locate(const NginxLayout& nginx)
{
    QStringList why;
    for (const QString& command : {nginx.reloadCommand, nginx.testCommand}) {
        const Result<NginxFacts::NginxInvocation> inv = NginxFacts::parseNginxCommand(command);
        if (!inv) {
            why << inv.error();
            continue;
        }
        CommandOptions o;
        o.sudo = m_sudo;
        o.timeoutMs = 30000;
        Result<CommandResult> dump = m_host.run(NginxFacts::dumpCommand(*inv), o);
        if (!dump)
            return Status::failure(dump.error()); // the connection or sudo failed: no other command would do better
        QString pidFile = dump->exitStatus == 0 ? NginxFacts::directivePath(dump->stdOut, QStringLiteral("pid")) : QString();
        if (pidFile.isEmpty())
            pidFile = NginxFacts::directivePath(inv->globals.toUtf8(), QStringLiteral("pid"));
        QString prefix = inv->prefix;
        if (pidFile.isEmpty() || (QDir::isRelativePath(pidFile) && prefix.isEmpty())) {
            Result<CommandResult> v = m_host.run(NginxFacts::versionCommand(*inv), o);
            if (v && v->exitStatus == 0) {
                const NginxFacts::NginxBuild build = NginxFacts::parseVersionOutput(v->stdOut + v->stdErr);
                if (pidFile.isEmpty())
                    pidFile = build.pidPath;
                if (prefix.isEmpty())
                    prefix = build.prefix;
            }
        }
        if (pidFile.isEmpty()) {
            why << QObject::tr("%1 names no pid file").arg(command);
            continue;
        }
        if (QDir::isRelativePath(pidFile))
            pidFile = NginxFacts::resolveAgainstPrefix(pidFile, prefix);
        Result<CommandResult> pid = m_host.run(QStringLiteral("cat -- ") + LocalHost::shellWord(pidFile), o);
        bool ok = false;
        const qint64 master = pid && pid->exitStatus == 0 ? pid->stdOut.trimmed().toLongLong(&ok) : 0;
        if (!ok || master <= 0) {
            why << QObject::tr("cannot read nginx's pid file %1").arg(pidFile);
            continue;
        }
        m_master = master;
        const Result<QSet<qint64>> w = workers();
        if (w)
            return Status::success();
        why << w.error();
        m_master = 0;
    }
    return Status::failure(QObject::tr("nginx's master process was not found (%1)").arg(why.join(QStringLiteral("; "))));
}

Result<QSet<qint64>> NginxWorkerWatch::workers()
{
    using R = Result<QSet<qint64>>;
    const Result<QByteArray> ps = processList();
    if (!ps)
        return R::failure(ps.error());
    QSet<qint64> w = NginxFacts::childPids(*ps, m_master);
    const QHash<qint64, QString> args = NginxFacts::processArgs(*ps);
    for (auto it = w.begin(); it != w.end();)
        it = args.value(*it).contains(QLatin1String("shutting down")) ? w.erase(it) : std::next(it);
    if (w.isEmpty())
        return R::failure(QObject::tr("nginx master %1 has no worker processes").arg(m_master));
    return w;
}

Result<QSet<qint64>> NginxWorkerWatch::stillRunning(const QSet<qint64>& pids)
{
    const Result<QByteArray> ps = processList();
    if (!ps)
        return Result<QSet<qint64>>::failure(ps.error());
    // Children of the same master only: a pid reused by another process is not an old worker.
    return NginxFacts::childPids(*ps, m_master).intersect(pids);
}

Result<std::optional<double>> NginxWorkerWatch::waitUntilGone(const QSet<qint64>& pids, const QElapsedTimer& since,
                                                              const std::function<bool()>& stop,
                                                              const std::function<void(int)>& pause)
{
    using R = Result<std::optional<double>>;
    while (!stop()) {
        const Result<QSet<qint64>> left = stillRunning(pids);
        if (!left)
            return R::failure(left.error());
        if (left->isEmpty())
            return std::optional<double>(double(since.elapsed()) / 1000.0);
        pause(kPollMs);
    }
    return std::optional<double>();
}

void useHostForReload(ReloadTestOptions& options, HostFactory factory, const Profile& profile)
{
    // Shared by the three callbacks, which run one after the other on the reload's thread; the
    // last one (always called) closes the connection there.
    struct Session {
        HostFactory factory;
        NginxLayout nginx;
        std::unique_ptr<RemoteHost> host;
        std::optional<NginxWorkerWatch> watch;
        QSet<qint64> oldWorkers;
        QString watchError;
    };
    auto s = std::make_shared<Session>();
    s->factory = std::move(factory);
    s->nginx = profile.nginx;
    options.prepareReload = [s]() -> Status {
        Result<std::unique_ptr<RemoteHost>> host = s->factory();
        s->factory = nullptr; // its copy of the sudo password goes now
        if (!host)
            return Status::failure(QObject::tr("cannot reach the server: %1").arg(host.error()));
        s->host = std::move(host.value());
        s->watch.emplace(*s->host, true);
        if (const Status st = s->watch->locate(s->nginx); !st) {
            s->watchError = st.error();
            s->watch.reset();
        } else if (Result<QSet<qint64>> w = s->watch->workers(); w) {
            s->oldWorkers = *w;
        } else {
            s->watchError = w.error();
            s->watch.reset();
        }
        return Status::success();
    };
    options.reload = [s]() -> Status {
        if (!s->host)
            return Status::failure(QObject::tr("not connected"));
        CommandOptions o;
        o.sudo = true;
        o.timeoutMs = 60000;
        const QString command = s->nginx.reloadCommand;
        const Result<CommandResult> r = s->host->run(command, o);
        if (!r)
            return Status::failure(r.error());
        if (r->exitStatus != 0)
            return Status::failure(QObject::tr("`%1` exited %2: %3").arg(command, QString::number(r->exitStatus), firstLine(r->stdErr + r->stdOut)));
        return Status::success();
    };
    options.watchDrain = [s](const QElapsedTimer& since, const std::atomic_bool& stop) -> Result<std::optional<double>> {
        // The connection closes on this thread, whatever happens.
        const auto close = qScopeGuard([s] {
            s->watch.reset();
            s->host.reset();
        });
        if (!s->watch)
            return Result<std::optional<double>>::failure(s->watchError);
        return s->watch->waitUntilGone(s->oldWorkers, since, [&stop] { return stop.load(); },
                                       [](int ms) { QThread::msleep(static_cast<unsigned long>(ms)); });
    };
}

} // namespace socketscope
