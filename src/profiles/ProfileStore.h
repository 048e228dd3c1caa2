// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "profiles/Profile.h"
#include "profiles/ProfileValidator.h"

#include <QObject>
#include <QSet>

#include <optional>

namespace socketscope {

// What an import did: which profiles were added and which were skipped, and why.
struct ImportReport {
    QStringList added;      // names
    QStringList skipped;    // one sentence per skipped profile ("'x': a profile named 'x' already exists ...")
    QStringList notes;      // added, but worth a look (e.g. a key file missing on this machine)
};

// The profile store: one versioned JSON document (no secrets), written atomically with QSaveFile.
// A file that cannot be read or has an unknown newer version is never overwritten: load() fails
// with a message naming the file and the reason, and the store stays read-only.
class ProfileStore : public QObject {
    Q_OBJECT
public:
    explicit ProfileStore(QString filePath, QObject* parent = nullptr);

    QString filePath() const { return m_filePath; }
    // Reads the file; a missing file is an empty store (not an error). Also the way to pick up a
    // change another program made (a save refuses to overwrite it).
    Status load();
    // True after a failed load: every change is refused until the file is fixed.
    bool isReadOnly() const { return m_readOnly; }
    QString loadError() const { return m_loadError; }

    QList<Profile> profiles() const { return m_profiles; }
    // By exact name (case-insensitive) or id.
    std::optional<Profile> find(const QString& nameOrId) const;
    std::optional<Profile> findById(const QUuid& id) const;

    // Every problem `profile` would have in this store (name clashes with the others included).
    QList<ValidationIssue> validate(const Profile& profile, const ValidationOptions& options = {}) const;

    // Validate, change, save. Each fails with a message a person can act on; on failure the
    // store is unchanged. A file changed on disk since it was read (e.g. by socketscope-cli) is
    // not overwritten: the change fails and asks to reload.
    Status add(const Profile& profile);
    Status update(const Profile& profile);
    Status remove(const QUuid& id);
    // Adds a profile for this session only (never written): the "Local demo" when the file is
    // read-only.
    void addSessionProfile(const Profile& profile);
    bool isSessionProfile(const QUuid& id) const { return m_sessionOnly.contains(id); }

    // Adds each profile under a fresh id when its id is taken; a name clash skips the profile
    // (never overwrites). Saves once.
    ImportReport importProfiles(const QList<Profile>& profiles);

    // Writes `profiles` (no secrets) as a profile document to `path`, atomically.
    static Status exportTo(const QString& path, const QList<Profile>& profiles);
    // Reads a profile document (an export or a store file).
    static Result<QList<Profile>> readFile(const QString& path);

signals:
    void changed();

private:
    Status save();
    Status commit(const QList<Profile>& previous);
    QString m_filePath;
    QList<Profile> m_profiles;
    QSet<QUuid> m_sessionOnly;
    QByteArray m_diskDigest; // SHA-256 of the file as last read or written; empty: no file
    bool m_readOnly = false;
    QString m_loadError;
};

} // namespace socketscope
