// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "profiles/Profile.h"

#include <QObject>

#include <optional>

namespace socketscope {

// The profile store: one versioned JSON document (no secrets), written atomically with QSaveFile.
// A file that cannot be read or has an unknown newer version is never overwritten: load() fails
// with a message naming the file and the reason, and the store stays read-only.
class ProfileStore : public QObject {
    Q_OBJECT
public:
    explicit ProfileStore(QString filePath, QObject* parent = nullptr);

    QString filePath() const { return m_filePath; }
    // Reads the file; a missing file is an empty store (not an error).
    Status load();
    // True after a failed load: every change is refused until the file is fixed.
    bool isReadOnly() const { return m_readOnly; }
    QString loadError() const { return m_loadError; }

    QList<Profile> profiles() const { return m_profiles; }
    // By exact name (case-insensitive) or id.
    std::optional<Profile> find(const QString& nameOrId) const;

    // Validate, change, save. Each fails with a message a person can act on.
    Status add(const Profile& profile);
    Status update(const Profile& profile);
    Status remove(const QUuid& id);

signals:
    void changed();

private:
    Status save();
    QString m_filePath;
    QList<Profile> m_profiles;
    bool m_readOnly = false;
    QString m_loadError;
};

} // namespace socketscope
