// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The profile's fields as the profile editor shows them: the JSON key a message may name
// ("nginx.siteFile") → the editor's tab and label ("nginx & logs", "Site file"). One table, so an
// error shown in the window names the field the user can find, and an "Edit" link can open the
// editor on it. (A GUI test checks the labels against the editor's own.)

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace socketscope {

struct ProfileFieldInfo {
    QString key;    // the JSON key, "nginx.siteFile"
    QString tab;    // the editor tab, "nginx & logs"
    QString label;  // the editor label, "Site file"
};

// Every field the editor shows, in the editor's order.
const QList<ProfileFieldInfo>& profileFields();
std::optional<ProfileFieldInfo> profileField(const QString& key);
// The keys a message names (dotted or camelCase keys such as nginx.siteFile or publicUrl; plain
// words like "name" are not taken for keys), each once, in order of appearance.
QStringList profileFieldsIn(const QString& message);
// The message with each key it names replaced by the editor's words: “Site file” on the nginx & logs tab.
QString withEditorLabels(const QString& message);

} // namespace socketscope
