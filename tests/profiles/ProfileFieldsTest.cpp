// SPDX-License-Identifier: GPL-3.0-or-later
// Issue 16: an error names the profile editor's field, not the JSON key.
#include "profiles/ProfileFields.h"

#include <gtest/gtest.h>

using namespace socketscope;

TEST(ProfileFields, MessagesNameTheEditorsLabelsInsteadOfJsonKeys)
{
    const QString preflight = QStringLiteral("the profile's site file /a is not the file /b points to (/c): fix nginx.siteFile "
                                             "or nginx.enabledLink in the profile");
    EXPECT_EQ(profileFieldsIn(preflight), (QStringList{QStringLiteral("nginx.siteFile"), QStringLiteral("nginx.enabledLink")}));
    const QString shown = withEditorLabels(preflight);
    EXPECT_FALSE(shown.contains(QStringLiteral("nginx.siteFile"))) << shown.toStdString();
    EXPECT_FALSE(shown.contains(QStringLiteral("nginx.enabledLink"))) << shown.toStdString();
    EXPECT_TRUE(shown.contains(QStringLiteral("“Site file” on the nginx & logs tab"))) << shown.toStdString();
    EXPECT_TRUE(shown.contains(QStringLiteral("“Enabled link” on the nginx & logs tab"))) << shown.toStdString();

    // Plain words are not keys; a longer key is not taken for a shorter one.
    EXPECT_TRUE(profileFieldsIn(QStringLiteral("the name and origin of the headers")).isEmpty());
    EXPECT_TRUE(profileFieldsIn(QStringLiteral("nginx.siteFileX is not a key")).isEmpty());
    EXPECT_EQ(profileFieldsIn(QStringLiteral("set ssh.host (and publicUrl)")),
              (QStringList{QStringLiteral("ssh.host"), QStringLiteral("publicUrl")}));
    ASSERT_TRUE(profileField(QStringLiteral("logs.nginxErrorLog")).has_value());
    EXPECT_EQ(profileField(QStringLiteral("logs.nginxErrorLog"))->label, QStringLiteral("nginx error log"));
    EXPECT_FALSE(profileField(QStringLiteral("nginx.nothing")).has_value());
}
