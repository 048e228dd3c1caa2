// SPDX-License-Identifier: GPL-3.0-or-later
#include "cli/CliContext.h"
#include "cli/CommandHelp.h"

#include "core/Version.h"

#include <QCoreApplication>
#include <QFile>
#include <QTimer>

#include <cstdio>

namespace socketscope::cli {

static void printUsage(QTextStream& s)
{
    s << "usage: socketscope-cli [--profiles FILE] COMMAND [ARGS...]\n"
         "       socketscope-cli --version | --help\n\ncommands:\n";
    for (const Command& c : commands())
        s << "  " << QString::fromUtf8(c.synopsis) << '\n';
    s << "\nExit status: 0 ok, 1 a problem was found, 2 usage or input error.\n";
}

int runCli(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("SocketScope"));
    QCoreApplication::setOrganizationName(QStringLiteral("SocketScope"));
    QCoreApplication::setApplicationVersion(versionString());

    QTextStream out(stdout);
    QTextStream err(stderr);
    QStringList args = app.arguments().mid(1);

    CliContext ctx;
    ctx.out = &out;
    ctx.err = &err;
    ctx.readStdin = [] {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly))
            return QByteArray();
        QByteArray data = in.readAll();
        while (data.endsWith('\n') || data.endsWith('\r'))
            data.chop(1);
        return data;
    };

    // Global options come before the command word.
    while (!args.isEmpty() && args.first().startsWith(QLatin1String("--"))) {
        const QString opt = args.takeFirst();
        if (opt == QLatin1String("--version")) {
            out << "socketscope-cli " << versionString() << '\n';
            return ExitOk;
        }
        if (opt == QLatin1String("--help")) {
            printUsage(out);
            return ExitOk;
        }
        if (opt == QLatin1String("--profiles") && !args.isEmpty()) {
            ctx.profilesFile = args.takeFirst();
            continue;
        }
        err << "socketscope-cli: unknown or incomplete global option " << opt << '\n';
        printUsage(err);
        return ExitUsage;
    }
    if (args.isEmpty()) {
        printUsage(err);
        return ExitUsage;
    }
    const QString name = args.takeFirst();
    const Command* command = nullptr;
    for (const Command& c : commands())
        if (name == QLatin1String(c.name))
            command = &c;
    if (!command) {
        err << "socketscope-cli: unknown command '" << name << "'\n";
        printUsage(err);
        return ExitUsage;
    }
    if (const std::optional<QString> help = commandHelp(name); help && asksForHelp(args)) {
        out << *help;
        return ExitOk;
    }
    ctx.args = args;
    int exitCode = ExitOk;
    bool async = false;
    ctx.finish = [&](int code) {
        exitCode = code;
        out.flush();
        err.flush();
        if (async)
            QCoreApplication::exit(code);
    };
    const int rc = command->run(ctx);
    out.flush();
    err.flush();
    if (rc != ExitAsync)
        return rc;
    async = true;
    return app.exec();
}

} // namespace socketscope::cli
