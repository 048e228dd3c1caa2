// SPDX-License-Identifier: GPL-3.0-or-later
// main() for GUI tests: offscreen unless a platform is set (test discovery runs the binary
// without ctest's environment, so this cannot rely on ctest setting it).
#include <QApplication>

#include <gtest/gtest.h>

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    ::testing::InitGoogleTest(&argc, argv);
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("SocketScopeTests"));
    QApplication::setApplicationName(QStringLiteral("SocketScopeTests"));
    return RUN_ALL_TESTS();
}
