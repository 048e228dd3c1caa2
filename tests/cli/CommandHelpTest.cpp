// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: `socketscope-cli COMMAND --help` prints that command's usage and options, exit 0, for
// every command. The commands come from the table the CLI dispatches on (cli::commands()), so a
// command added there without help fails here; the real built binary answers.
#include "cli/CliContext.h"
#include "cli/CommandHelp.h"
#include "cli/ProbeCliOptions.h"
#include "lab/Lab.h"

#include <QProcess>
#include <QRegularExpression>

#include <gtest/gtest.h>

using namespace socketscope;

namespace {

struct Answer {
    int exitCode = -1;
    QString out;
    QString err;
};

Answer run(const QStringList& args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SOCKETSCOPE_KEYCHAIN_SERVICE"), QStringLiteral("SocketScopeCliTests"));
    p.setProcessEnvironment(env);
    p.start(lab::cliPath(), args);
    Answer a;
    if (!p.waitForStarted(10000) || !p.waitForFinished(30000))
        return a;
    a.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    a.out = QString::fromUtf8(p.readAllStandardOutput());
    a.err = QString::fromUtf8(p.readAllStandardError());
    return a;
}

// The long options a command's one-line synopsis (the top-level --help) names.
QStringList optionsIn(const QString& synopsis)
{
    QStringList out;
    static const QRegularExpression option(QStringLiteral("(?<![\\w-])--[a-z][a-z0-9-]*"));
    for (auto it = option.globalMatch(synopsis); it.hasNext();)
        out << it.next().captured(0);
    out.removeDuplicates();
    return out;
}

} // namespace

TEST(CommandHelp, EveryCommandOfTheDispatchTableAnswersHelpWithItsUsageAndOptions)
{
    const QList<cli::Command>& commands = cli::commands();
    ASSERT_GE(commands.size(), 14) << "serve, profiles, probe, diagnose, lint, fix, ssh, ssh-fingerprint, logs, "
                                      "monitor, timeouts, reload-test, runbook, exporter, ...";
    for (const cli::Command& c : commands) {
        const QString name = QString::fromLatin1(c.name);
        for (const QString& flag : {QStringLiteral("--help"), QStringLiteral("-h")}) {
            SCOPED_TRACE(QString(name + QLatin1Char(' ') + flag).toStdString());
            const Answer a = run({name, flag});
            EXPECT_EQ(a.exitCode, 0) << a.err.toStdString();
            EXPECT_TRUE(a.out.startsWith(QStringLiteral("usage: socketscope-cli "))) << a.out.toStdString();
            EXPECT_TRUE(a.out.contains(QStringLiteral(" %1 ").arg(name))) << "names its command: " << a.out.toStdString();
            EXPECT_FALSE(a.err.contains(QStringLiteral("unknown option"))) << a.err.toStdString();
            // Its options: at least one, and every option the command's synopsis names.
            EXPECT_TRUE(a.out.contains(QStringLiteral(" --"))) << a.out.toStdString();
            for (const QString& option : optionsIn(QString::fromUtf8(c.synopsis)))
                EXPECT_TRUE(a.out.contains(option)) << option.toStdString() << " is in the synopsis, not in the help";
        }
    }
}

// A command with subcommands answers --help after the subcommand too, with every subcommand's usage.
TEST(CommandHelp, SubcommandsAnswerHelpWithTheirUsage)
{
    for (const QStringList& args : {QStringList{QStringLiteral("profiles"), QStringLiteral("list"), QStringLiteral("--help")},
                                    QStringList{QStringLiteral("profiles"), QStringLiteral("add"), QStringLiteral("x"), QStringLiteral("-h")},
                                    QStringList{QStringLiteral("runbook"), QStringLiteral("run"), QStringLiteral("--help")},
                                    QStringList{QStringLiteral("runbook"), QStringLiteral("help")}}) {
        SCOPED_TRACE(args.join(QLatin1Char(' ')).toStdString());
        const Answer a = run(args);
        EXPECT_EQ(a.exitCode, 0) << a.err.toStdString();
        EXPECT_TRUE(a.out.contains(QStringLiteral("usage: socketscope-cli "))) << a.out.toStdString();
        EXPECT_TRUE(a.out.contains(args.first() + QStringLiteral(" list"))) << a.out.toStdString();
    }
}

// The probe options are one parser shared by every probing command: each option it accepts is
// explained by the help of every command that takes "[probe options]".
TEST(CommandHelp, EveryProbeOptionIsExplainedWhereProbeOptionsAreAccepted)
{
    cli::ArgParser parser;
    cli::declareProbeOptions(parser);
    const QStringList options = parser.optionNames();
    ASSERT_GT(options.size(), 20);
    int probing = 0;
    for (const cli::Command& c : cli::commands()) {
        if (!QString::fromUtf8(c.synopsis).contains(QStringLiteral("probe options")) && qstrcmp(c.name, "probe") != 0)
            continue;
        ++probing;
        const std::optional<QString> help = cli::commandHelp(QString::fromLatin1(c.name));
        ASSERT_TRUE(help.has_value()) << c.name;
        for (const QString& option : options)
            EXPECT_TRUE(help->contains(option)) << c.name << " --help does not explain " << option.toStdString();
    }
    EXPECT_GE(probing, 5) << "probe, diagnose, monitor, timeouts, reload-test";
}
