// SPDX-License-Identifier: GPL-3.0-or-later
// A connection that drops in the middle of Patch, then resume (finish) or roll back from the saved
// run state. Over LocalHost a connection cannot drop, so DroppingHost wraps the real LocalHost and
// fails every call once the file has been written; the SSH variant kills the real sshd session.
#include "lab/RunbookLab.h"

#include "remote/LocalHost.h"
#include "runbook/AuditTrail.h"
#include "runbook/NginxFacts.h"
#include "runbook/Runbook.h"

#include <QSignalSpy>

#include <gtest/gtest.h>

using namespace socketscope;
using namespace socketscope::lab;

namespace {

class DroppingHost : public RemoteHost {
public:
    QString describe() const override { return m_real.describe(); }
    Result<CommandResult> run(const QString& c, const CommandOptions& o) override
    {
        if (m_dropped)
            return Result<CommandResult>::failure(QStringLiteral("connection lost"));
        Result<CommandResult> r = m_real.run(c, o);
        if (!o.stdinData.isEmpty())
            m_dropped = true; // a file write (bytes on stdin) reached the server; the connection dies right after
        return r;
    }
    Result<QByteArray> readFile(const QString& p, bool sudo) override
    {
        if (m_dropped)
            return Result<QByteArray>::failure(QStringLiteral("connection lost"));
        return m_real.readFile(p, sudo);
    }
    Status writeFileAtomic(const QString& p, const QByteArray& d, bool sudo) override
    {
        if (m_dropped)
            return Status::failure(QStringLiteral("connection lost"));
        const Status st = m_real.writeFileAtomic(p, d, sudo);
        m_dropped = true; // the write reached the server; the connection dies right after
        return st;
    }
    Result<FileInfo> stat(const QString& p, bool sudo) override
    {
        if (m_dropped)
            return Result<FileInfo>::failure(QStringLiteral("connection lost"));
        return m_real.stat(p, sudo);
    }

private:
    LocalHost m_real;
    bool m_dropped = false;
};

bool waitFinished(RunbookEngine& e, const std::function<void()>& call)
{
    QSignalSpy spy(&e, &RunbookEngine::finished);
    call();
    return waitForCount(spy, 1, 90000) && spy.first().at(0).toBool();
}

class RunbookResume : public ::testing::Test {
protected:
    void SetUp() override
    {
        QString error;
        if (!lab.start(&error))
            LAB_UNAVAILABLE(error);
        EngineOptions o;
        o.autoConfirm = true;
        o.monitorSeconds = 1;
        o.runsDir = lab.runsDir();
        options = o;
        original = readAll(lab.siteAvailable());
        // First attempt: the connection drops right after the new file was written.
        auto first = lab.engine(nullptr, options);
        first->setHostFactory([]() -> Result<std::unique_ptr<RemoteHost>> { return std::unique_ptr<RemoteHost>(new DroppingHost); });
        ASSERT_TRUE(first->begin());
        EXPECT_FALSE(waitFinished(*first, [&] { first->runAll(); }));
        const RunState s = first->state();
        runId = s.id;
        EXPECT_EQ(s.steps.at(3).state, StepState::Failed) << s.steps.at(3).message.toStdString();
        EXPECT_TRUE(s.patchStarted);
        EXPECT_FALSE(s.isFinished()) << "an interrupted run stays resumable";
        backupPath = s.backupPath;
        ASSERT_FALSE(backupPath.isEmpty());
        EXPECT_EQ(readAll(backupPath), original);
    }

    RunbookLab lab;
    EngineOptions options;
    QByteArray original;
    QString runId;
    QString backupPath;
};

} // namespace

TEST_F(RunbookResume, ResumeAfterDroppedConnectionFinishesTheFix)
{
    RunStore store(lab.runsDir());
    const auto unfinished = store.latestUnfinished(lab.profile().name, QStringLiteral("nginx-websocket-fix"));
    ASSERT_TRUE(unfinished);
    EXPECT_EQ(unfinished->id, runId);

    auto second = lab.engine(nullptr, options);
    ASSERT_TRUE(second->resumeRun(runId));
    ASSERT_TRUE(waitFinished(*second, [&] { second->runAll(); }));
    const RunState s = second->state();
    EXPECT_EQ(s.outcome, QStringLiteral("ok"));
    EXPECT_EQ(s.finalProbeCause, QStringLiteral("ok"));
    EXPECT_EQ(NginxFacts::sha256Hex(readAll(lab.siteAvailable())), s.newSha256);
    EXPECT_NE(readAll(lab.siteAvailable()), original);
    EXPECT_EQ(readAll(backupPath), original) << "the backup survives the resume";
    EXPECT_TRUE(lab.nginx().test());
    bool resumed = false;
    for (const QJsonObject& o : AuditTrail::read(s.auditPath))
        resumed = resumed || o.value(QLatin1String("message")).toString() == QLatin1String("resumed run");
    EXPECT_TRUE(resumed);
}

TEST_F(RunbookResume, RollbackAfterDroppedConnectionRestoresTheOriginal)
{
    auto second = lab.engine(nullptr, options);
    ASSERT_TRUE(second->resumeRun(runId));
    ASSERT_TRUE(waitFinished(*second, [&] { second->rollback(); }));
    const RunState s = second->state();
    EXPECT_EQ(s.outcome, QStringLiteral("rolled_back"));
    EXPECT_EQ(readAll(lab.siteAvailable()), original);
    EXPECT_EQ(readAll(backupPath), original);
    EXPECT_TRUE(lab.nginx().test());
}
