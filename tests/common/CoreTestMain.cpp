// SPDX-License-Identifier: GPL-3.0-or-later
// main() for core tests: a QCoreApplication so QSignalSpy::wait and timers work.
#include <QCoreApplication>

#include <gtest/gtest.h>

int main(int argc, char** argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("SocketScopeTests"));
    QCoreApplication::setApplicationName(QStringLiteral("SocketScopeTests"));
    return RUN_ALL_TESTS();
}
