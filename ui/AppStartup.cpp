// SPDX-License-Identifier: GPL-3.0-or-later
#include "AppStartup.h"

#include "MainWindow.h"
#include "core/ActivityLog.h"
#include "core/AppPaths.h"
#include "core/Version.h"
#include "profiles/DemoProfile.h"
#include "profiles/ProfileListPanel.h"
#include "profiles/ProfileStore.h"
#include "profiles/SecretStore.h"
#include "server/ReferenceServer.h"

#include <QApplication>
#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QIcon>

namespace socketscope {

static QString profilesFileFromArguments(const QStringList& arguments)
{
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments.at(i) == QLatin1String("--profiles") && i + 1 < arguments.size())
            return arguments.at(i + 1);
        if (arguments.at(i).startsWith(QLatin1String("--profiles=")))
            return arguments.at(i).mid(11);
    }
    const QString env = qEnvironmentVariable("SOCKETSCOPE_PROFILES");
    return env.isEmpty() ? AppPaths::defaultProfilesFile() : env;
}

// The run-state file (the last probe of each profile): "--state FILE", else SOCKETSCOPE_STATE,
// else beside a profile store named by --profiles / SOCKETSCOPE_PROFILES (FILE-state.json: one
// set of profiles, one set of results), else in the app data dir. Never inside profiles.json.
static QString stateFileFromArguments(const QStringList& arguments, const QString& profilesFile)
{
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments.at(i) == QLatin1String("--state") && i + 1 < arguments.size())
            return arguments.at(i + 1);
        if (arguments.at(i).startsWith(QLatin1String("--state=")))
            return arguments.at(i).mid(8);
    }
    if (const QString env = qEnvironmentVariable("SOCKETSCOPE_STATE"); !env.isEmpty())
        return env;
    if (profilesFile != AppPaths::defaultProfilesFile()) {
        const QFileInfo info(profilesFile);
        return info.absolutePath() + QLatin1Char('/') + info.completeBaseName() + QStringLiteral("-state.json");
    }
    return ProfileStateModel::defaultFile();
}

GuiApplication::GuiApplication(const QStringList& arguments, const QString& keychainService)
    : m_profilesFile(profilesFileFromArguments(arguments)),
      m_states(std::make_unique<ProfileStateModel>(stateFileFromArguments(arguments, m_profilesFile))),
      m_activity(std::make_unique<ActivityLog>()),
      m_demo(std::make_unique<ReferenceServer>()),
      m_profiles(std::make_unique<ProfileStore>(m_profilesFile)),
      m_secrets(std::make_unique<SecretStore>(keychainService))
{
    m_context.activity = m_activity.get();
    m_context.demoServer = m_demo.get();
    m_context.profiles = m_profiles.get();
    m_context.secrets = m_secrets.get();
    m_context.states = m_states.get();
    if (const Status st = m_states->load(); !st)
        m_activity->warning(QStringLiteral("state"), st.error());

    QString echoUrl;
    if (const Status st = m_demo->listen(QHostAddress::LocalHost, 0); st) {
        echoUrl = m_demo->echoUrl();
        m_activity->info(QStringLiteral("demo"), QObject::tr("Local demo endpoint at %1").arg(echoUrl));
    } else {
        m_activity->error(QStringLiteral("demo"), st.error());
    }

    const Status loaded = m_profiles->load();
    if (!loaded)
        m_activity->error(QStringLiteral("profiles"), loaded.error());

    if (!echoUrl.isEmpty()) {
        const Result<QUuid> demo = DemoProfile::ensure(*m_profiles, echoUrl);
        if (demo)
            m_demoId = *demo;
        else
            m_activity->error(QStringLiteral("profiles"), demo.error());
    }
    // Counted once the Local demo is in: the log and the list agree on the first start.
    if (loaded)
        m_activity->info(QStringLiteral("profiles"), QObject::tr("%n profile(s) from %1", nullptr, int(m_profiles->profiles().size()))
                                                         .arg(QDir::toNativeSeparators(m_profilesFile)));

    QObject::connect(m_secrets.get(), &SecretStore::availabilityChanged, m_activity.get(), [this] {
        const QString text = m_secrets->availabilityText();
        if (m_secrets->availability() == SecretStore::Availability::Available)
            m_activity->info(QStringLiteral("keychain"), text);
        else
            m_activity->warning(QStringLiteral("keychain"), text);
    });
    m_secrets->checkAvailability();

    m_window = std::make_unique<MainWindow>(m_context);
    // Selected once the window listens, so the header and the panels follow.
    if (!m_demoId.isNull())
        m_window->profileList()->selectProfile(m_demoId);
    else
        m_window->profileList()->selectFirst();
}

GuiApplication::~GuiApplication()
{
    m_window.reset(); // panels borrow the core objects: the window goes first
    m_context.states = nullptr;
}

int runGui(QApplication& app)
{
    QApplication::setApplicationName(QStringLiteral("SocketScope"));
    QApplication::setOrganizationName(QStringLiteral("SocketScope"));
    QApplication::setApplicationVersion(versionString());
    QApplication::setDesktopFileName(QStringLiteral("socketscope"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/socketscope.svg")));

    GuiApplication gui(QApplication::arguments());
    gui.window()->show();
    return app.exec();
}

} // namespace socketscope
