// SPDX-License-Identifier: GPL-3.0-or-later
#include "AppStartup.h"

#include "AppContext.h"
#include "MainWindow.h"
#include "core/ActivityLog.h"
#include "core/Version.h"
#include "server/ReferenceServer.h"

#include <QApplication>
#include <QHostAddress>
#include <QIcon>

namespace socketscope {

int runGui(QApplication& app)
{
    QApplication::setApplicationName(QStringLiteral("SocketScope"));
    QApplication::setOrganizationName(QStringLiteral("SocketScope"));
    QApplication::setApplicationVersion(versionString());
    QApplication::setDesktopFileName(QStringLiteral("socketscope"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/socketscope.svg")));

    ActivityLog activity;
    ReferenceServer demo;
    if (const Status st = demo.listen(QHostAddress::LocalHost, 0); st)
        activity.info(QStringLiteral("demo"), QObject::tr("Local demo endpoint at %1").arg(demo.echoUrl()));
    else
        activity.error(QStringLiteral("demo"), st.error());

    AppContext context;
    context.activity = &activity;
    context.demoServer = &demo;

    MainWindow window(context);
    window.show();
    return app.exec();
}

} // namespace socketscope
