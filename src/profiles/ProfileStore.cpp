// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiles/ProfileStore.h"

#include "profiles/ProfileJson.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace socketscope {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ProfileStore", text); }

QByteArray digestOf(const QByteArray& data) { return QCryptographicHash::hash(data, QCryptographicHash::Sha256); }

// The digest of the file as it is on disk now; empty when it does not exist.
QByteArray currentDigest(const QString& path)
{
    QFile f(path);
    if (!f.exists())
        return {};
    if (!f.open(QIODevice::ReadOnly))
        return QByteArrayLiteral("unreadable");
    return digestOf(f.read(ProfileJson::kMaxDocumentBytes + 1));
}

Status writeAtomically(const QString& path, const QByteArray& data)
{
    const QFileInfo fi(path);
    if (!QDir().mkpath(fi.absolutePath()))
        return Status::failure(tr("cannot create the folder %1 for %2").arg(QDir::toNativeSeparators(fi.absolutePath()),
                                                                            QDir::toNativeSeparators(path)));
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Status::failure(tr("cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
    if (file.write(data) != data.size()) {
        const QString why = file.errorString();
        file.cancelWriting();
        return Status::failure(tr("cannot write %1: %2").arg(QDir::toNativeSeparators(path), why));
    }
    if (!file.commit())
        return Status::failure(tr("cannot save %1: %2 (the previous file is unchanged)")
                                   .arg(QDir::toNativeSeparators(path), file.errorString()));
    return Status::success();
}

} // namespace

ProfileStore::ProfileStore(QString filePath, QObject* parent)
    : QObject(parent), m_filePath(std::move(filePath))
{
}

Result<QList<Profile>> ProfileStore::readFile(const QString& path)
{
    using R = Result<QList<Profile>>;
    const QString native = QDir::toNativeSeparators(path);
    const QFileInfo fi(path);
    if (fi.exists() && !fi.isFile())
        return R::failure(tr("%1 cannot be read: it is not a regular file").arg(native));
    if (fi.size() > ProfileJson::kMaxDocumentBytes)
        return R::failure(tr("%1 cannot be read: it is larger than %2 MiB, so it is not a profile file")
                              .arg(native)
                              .arg(ProfileJson::kMaxDocumentBytes >> 20));
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return R::failure(tr("%1 cannot be read: %2").arg(native, file.errorString()));
    const QByteArray data = file.read(ProfileJson::kMaxDocumentBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return R::failure(tr("%1 cannot be read: %2").arg(native, file.errorString()));
    Result<QList<Profile>> parsed = ProfileJson::parse(data);
    if (!parsed)
        return R::failure(tr("%1 cannot be used: %2").arg(native, parsed.error()));
    return parsed;
}

Status ProfileStore::load()
{
    m_profiles.clear();
    m_sessionOnly.clear();
    m_readOnly = false;
    m_loadError.clear();
    m_diskDigest.clear();
    if (!QFileInfo::exists(m_filePath) && !QFileInfo(m_filePath).isSymLink()) {
        emit changed();
        return Status::success();
    }
    Result<QList<Profile>> parsed = readFile(m_filePath);
    if (!parsed) {
        m_readOnly = true;
        m_loadError = tr("%1 — SocketScope keeps the file untouched and will not save changes until it is fixed or moved away")
                          .arg(parsed.error());
        emit changed();
        return Status::failure(m_loadError);
    }
    m_profiles = std::move(parsed).value();
    m_diskDigest = currentDigest(m_filePath);
    emit changed();
    return Status::success();
}

std::optional<Profile> ProfileStore::find(const QString& nameOrId) const
{
    for (const Profile& p : m_profiles)
        if (p.name.compare(nameOrId, Qt::CaseInsensitive) == 0)
            return p;
    const QUuid id = QUuid::fromString(nameOrId);
    if (!id.isNull())
        return findById(id);
    return std::nullopt;
}

std::optional<Profile> ProfileStore::findById(const QUuid& id) const
{
    for (const Profile& p : m_profiles)
        if (p.id == id)
            return p;
    return std::nullopt;
}

QList<ValidationIssue> ProfileStore::validate(const Profile& profile, const ValidationOptions& options) const
{
    return ProfileValidator::validate(profile, m_profiles, options);
}

Status ProfileStore::save()
{
    if (m_readOnly)
        return Status::failure(tr("the profile store is read-only: %1").arg(m_loadError));
    QList<Profile> persisted;
    for (const Profile& p : std::as_const(m_profiles))
        if (!m_sessionOnly.contains(p.id))
            persisted.append(p);
    if (currentDigest(m_filePath) != m_diskDigest)
        return Status::failure(tr("%1 was changed by another program (e.g. socketscope-cli) since SocketScope read it; "
                                  "your change was not saved. Reload the profiles, then make it again")
                                   .arg(QDir::toNativeSeparators(m_filePath)));
    const QByteArray data = ProfileJson::serialize(persisted);
    const Status st = writeAtomically(m_filePath, data);
    if (st)
        m_diskDigest = digestOf(data);
    return st;
}

Status ProfileStore::commit(const QList<Profile>& previous)
{
    const Status st = save();
    if (!st) {
        m_profiles = previous;
        return st;
    }
    emit changed();
    return st;
}

Status ProfileStore::add(const Profile& profile)
{
    if (m_readOnly)
        return Status::failure(tr("cannot add '%1': the profile store is read-only (%2)").arg(profile.name, m_loadError));
    if (findById(profile.id))
        return Status::failure(tr("a profile with the id %1 already exists").arg(profile.id.toString(QUuid::WithoutBraces)));
    if (const Status st = ProfileValidator::toStatus(validate(profile)); !st)
        return st;
    const QList<Profile> previous = m_profiles;
    m_profiles.append(profile);
    return commit(previous);
}

Status ProfileStore::update(const Profile& profile)
{
    if (m_readOnly && !m_sessionOnly.contains(profile.id))
        return Status::failure(tr("cannot change '%1': the profile store is read-only (%2)").arg(profile.name, m_loadError));
    qsizetype index = -1;
    for (qsizetype i = 0; i < m_profiles.size(); ++i)
        if (m_profiles.at(i).id == profile.id)
            index = i;
    if (index < 0)
        return Status::failure(tr("the profile '%1' no longer exists (deleted elsewhere?)").arg(profile.name));
    if (const Status st = ProfileValidator::toStatus(validate(profile)); !st)
        return st;
    const QList<Profile> previous = m_profiles;
    m_profiles[index] = profile;
    if (m_sessionOnly.contains(profile.id)) {
        emit changed();
        return Status::success();
    }
    return commit(previous);
}

Status ProfileStore::remove(const QUuid& id)
{
    const qsizetype before = m_profiles.size();
    const QList<Profile> previous = m_profiles;
    if (m_sessionOnly.remove(id)) {
        m_profiles.removeIf([&](const Profile& p) { return p.id == id; });
        emit changed();
        return Status::success();
    }
    if (m_readOnly)
        return Status::failure(tr("cannot delete: the profile store is read-only (%1)").arg(m_loadError));
    m_profiles.removeIf([&](const Profile& p) { return p.id == id; });
    if (m_profiles.size() == before)
        return Status::failure(tr("no profile with the id %1").arg(id.toString(QUuid::WithoutBraces)));
    return commit(previous);
}

void ProfileStore::addSessionProfile(const Profile& profile)
{
    m_profiles.removeIf([&](const Profile& p) { return p.id == profile.id; });
    m_profiles.append(profile);
    m_sessionOnly.insert(profile.id);
    emit changed();
}

ImportReport ProfileStore::importProfiles(const QList<Profile>& profiles)
{
    ImportReport report;
    if (m_readOnly) {
        for (const Profile& p : profiles)
            report.skipped << tr("'%1': the profile store is read-only (%2)").arg(p.name, m_loadError);
        return report;
    }
    const QList<Profile> previous = m_profiles;
    for (Profile p : profiles) {
        if (findById(p.id))
            p.id = QUuid::createUuid();
        p.builtinDemo = false;
        QList<ValidationIssue> blocking = validate(p, ValidationOptions{false});
        if (!blocking.isEmpty()) {
            report.skipped << tr("'%1': %2").arg(p.name, ProfileValidator::toStatus(blocking).error());
            continue;
        }
        for (const ValidationIssue& i : validate(p))
            report.notes << tr("'%1': %2").arg(p.name, i.message);
        m_profiles.append(p);
        report.added << p.name;
    }
    if (report.added.isEmpty())
        return report;
    if (const Status st = commit(previous); !st) {
        for (const QString& name : std::as_const(report.added))
            report.skipped << tr("'%1': %2").arg(name, st.error());
        report.added.clear();
        report.notes.clear();
    }
    return report;
}

Status ProfileStore::exportTo(const QString& path, const QList<Profile>& profiles)
{
    return writeAtomically(path, ProfileJson::serialize(profiles));
}

} // namespace socketscope
