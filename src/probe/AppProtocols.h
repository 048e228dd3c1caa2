// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The protocol classes' factories, for the one table in AppProtocol.cpp (each class lives in its
// own App*.cpp and is known to the rest of the code only through AppProtocol and its id).

#include "probe/AppProtocol.h"

namespace socketscope::apps {

std::unique_ptr<AppProtocol> makeNone();
std::unique_ptr<AppProtocol> makeEcho();
std::unique_ptr<AppProtocol> makeBolt();
std::unique_ptr<AppProtocol> makeSocketIo();
std::unique_ptr<AppProtocol> makeGraphqlTransportWs();
std::unique_ptr<AppProtocol> makeGraphqlWs();
std::unique_ptr<AppProtocol> makeMqtt();
std::unique_ptr<AppProtocol> makeStomp();
std::unique_ptr<AppProtocol> makeSignalR();

} // namespace socketscope::apps
