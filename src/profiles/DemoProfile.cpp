// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiles/DemoProfile.h"

#include "profiles/ProfileStore.h"

#include <QCoreApplication>

namespace socketscope::DemoProfile {

QString name() { return QStringLiteral("Local demo"); }

static Profile makeDemo(const QString& echoUrl)
{
    Profile p;
    p.name = name();
    p.publicUrl = echoUrl;
    p.origin = QStringLiteral("http://127.0.0.1");
    p.builtinDemo = true;
    p.notes = QCoreApplication::translate("DemoProfile",
                                          "A WebSocket echo server hosted by SocketScope itself on 127.0.0.1 "
                                          "(a new free port at each start): it sends a welcome message, then echoes. "
                                          "Try every feature here without a server of your own.");
    return p;
}

Result<QUuid> ensure(ProfileStore& store, const QString& echoUrl)
{
    for (Profile p : store.profiles()) {
        if (!p.builtinDemo)
            continue;
        if (p.publicUrl != echoUrl) {
            p.publicUrl = echoUrl;
            if (const Status st = store.update(p); !st)
                return Result<QUuid>::failure(st.error());
        }
        return p.id;
    }
    if (store.isReadOnly()) {
        const Profile demo = makeDemo(echoUrl);
        store.addSessionProfile(demo);
        return demo.id;
    }
    if (!store.profiles().isEmpty())
        return QUuid();
    const Profile demo = makeDemo(echoUrl);
    if (const Status st = store.add(demo); !st)
        return Result<QUuid>::failure(st.error());
    return demo.id;
}

} // namespace socketscope::DemoProfile
