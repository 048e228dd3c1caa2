// SPDX-License-Identifier: GPL-3.0-or-later
#include "probe/ProbeProfile.h"

namespace socketscope {

void applyProfile(ProbeOptions& options, const Profile& profile)
{
    options.origin = profile.origin;
    options.headers = profile.extraHeaders;
    options.subprotocols = profile.subprotocols;
    options.bolt = profile.bolt;
    if (profile.app != AppProtocolId::Auto || profile.bolt) {
        options.app = profile.app != AppProtocolId::Auto ? profile.app : AppProtocolId::Bolt;
        options.appSource = AppDetectedBy::Profile;
    }
    options.caFile = profile.tls.caFile;
    options.pinnedCertificate = profile.tls.pinnedCertificate;
    options.clientCertificate = profile.tls.clientCertificate;
    options.clientKey = profile.tls.clientKey;
    options.insecure = profile.tls.insecure;
}

ProbeOptions profileProbeOptions(const Profile& profile, const QString& url, const ProbeOptions& settings)
{
    ProbeOptions o = settings;
    o.url = url;
    applyProfile(o, profile);
    if (profile.bolt)
        o.echoCount = 0;
    return o;
}

} // namespace socketscope
