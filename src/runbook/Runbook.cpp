// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/Runbook.h"

#include "core/AppPaths.h"
#include "profiles/Profile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

namespace socketscope {

int Runbook::indexOf(const QString& stepId) const
{
    for (int i = 0; i < steps.size(); ++i)
        if (steps.at(i).id == stepId)
            return i;
    return -1;
}

namespace Runbooks {

QStringList knownKinds()
{
    return {QStringLiteral("preflight"), QStringLiteral("plan"),    QStringLiteral("backup"),
            QStringLiteral("patch"),     QStringLiteral("test"),    QStringLiteral("reload"),
            QStringLiteral("verify"),    QStringLiteral("monitor"), QStringLiteral("rollback"),
            QStringLiteral("command")};
}

static QString fail(const QString& source, const QString& what)
{
    return QObject::tr("runbook %1: %2").arg(source, what);
}

Result<Runbook> parse(const QByteArray& json, const QString& source)
{
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError)
        return Result<Runbook>::failure(fail(source, QObject::tr("not valid JSON at offset %1: %2").arg(pe.offset).arg(pe.errorString())));
    if (!doc.isObject())
        return Result<Runbook>::failure(fail(source, QObject::tr("the document must be a JSON object")));
    const QJsonObject o = doc.object();
    Runbook rb;
    rb.source = source;
    rb.builtin = source.startsWith(QLatin1String(":/"));
    rb.name = o.value(QLatin1String("name")).toString();
    rb.title = o.value(QLatin1String("title")).toString(rb.name);
    rb.description = o.value(QLatin1String("description")).toString();
    static const QRegularExpression nameRe(QStringLiteral("^[a-z0-9][a-z0-9._-]{0,63}$"));
    if (!nameRe.match(rb.name).hasMatch())
        return Result<Runbook>::failure(fail(source, QObject::tr("\"name\" must be 1-64 lowercase letters, digits, '.', '_' or '-'")));
    const QJsonValue stepsValue = o.value(QLatin1String("steps"));
    if (!stepsValue.isArray() || stepsValue.toArray().isEmpty())
        return Result<Runbook>::failure(fail(source, QObject::tr("\"steps\" must be a non-empty array")));
    const QStringList kinds = knownKinds();
    QSet<QString> ids;
    for (const QJsonValue& v : stepsValue.toArray()) {
        if (!v.isObject())
            return Result<Runbook>::failure(fail(source, QObject::tr("every step must be an object")));
        const QJsonObject s = v.toObject();
        RunbookStep step;
        step.id = s.value(QLatin1String("id")).toString();
        step.kind = s.value(QLatin1String("kind")).toString();
        step.title = s.value(QLatin1String("title")).toString(step.id);
        step.description = s.value(QLatin1String("description")).toString();
        step.changesServer = s.value(QLatin1String("changes_server")).toBool(false);
        step.manual = s.value(QLatin1String("manual")).toBool(false);
        const QString onFailure = s.value(QLatin1String("on_failure")).toString(QStringLiteral("stop"));
        if (onFailure == QLatin1String("stop"))
            step.onFailure = OnFailure::Stop;
        else if (onFailure == QLatin1String("rollback"))
            step.onFailure = OnFailure::Rollback;
        else
            return Result<Runbook>::failure(fail(source, QObject::tr("step \"%1\": on_failure must be \"stop\" or \"rollback\"").arg(step.id)));
        if (step.id.isEmpty() || ids.contains(step.id))
            return Result<Runbook>::failure(fail(source, QObject::tr("every step needs a unique \"id\" (\"%1\" is missing or repeated)").arg(step.id)));
        if (!kinds.contains(step.kind))
            return Result<Runbook>::failure(fail(source, QObject::tr("step \"%1\": unknown kind \"%2\" (known: %3)").arg(step.id, step.kind, kinds.join(QLatin1String(", ")))));
        for (const QJsonValue& p : s.value(QLatin1String("preconditions")).toArray()) {
            if (!ids.contains(p.toString()))
                return Result<Runbook>::failure(fail(source, QObject::tr("step \"%1\": precondition \"%2\" must name an earlier step").arg(step.id, p.toString())));
            step.preconditions << p.toString();
        }
        step.params = s.value(QLatin1String("params")).toObject();
        ids.insert(step.id);
        rb.steps << step;
    }
    rb.ansible = o.value(QLatin1String("ansible")).toObject();
    return rb;
}

Result<Runbook> load(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<Runbook>::failure(QObject::tr("cannot read runbook %1: %2").arg(path, f.errorString()));
    if (f.size() > 1024 * 1024)
        return Result<Runbook>::failure(QObject::tr("runbook %1 is larger than 1 MiB; refusing to load it").arg(path));
    return parse(f.readAll(), path);
}

QString userDirectory() { return AppPaths::configDir() + QStringLiteral("/runbooks"); }

QList<Runbook> all(QStringList* errors)
{
    QList<Runbook> list;
    auto scan = [&](const QString& dir) {
        const QFileInfoList files = QDir(dir).entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        for (const QFileInfo& fi : files) {
            Result<Runbook> rb = load(fi.filePath());
            if (rb)
                list << rb.value();
            else if (errors)
                *errors << rb.error();
        }
    };
    scan(QStringLiteral(":/runbooks"));
    scan(userDirectory());
    return list;
}

Result<Runbook> find(const QString& name)
{
    QStringList errors;
    const QList<Runbook> list = all(&errors);
    for (const Runbook& rb : list)
        if (rb.name == name)
            return rb;
    QStringList names;
    for (const Runbook& rb : list)
        names << rb.name;
    QString msg = QObject::tr("no runbook named \"%1\" (available: %2)").arg(name, names.join(QLatin1String(", ")));
    if (!errors.isEmpty())
        msg += QLatin1String("; ") + errors.join(QLatin1String("; "));
    return Result<Runbook>::failure(msg);
}

static std::optional<QString> profileValue(const Profile& p, const QString& key)
{
    const QHash<QString, QString> map = {
        {QStringLiteral("name"), p.name},
        {QStringLiteral("id"), p.id.toString(QUuid::WithoutBraces)},
        {QStringLiteral("publicUrl"), p.publicUrl},
        {QStringLiteral("directUrl"), p.directUrl},
        {QStringLiteral("origin"), p.origin},
        {QStringLiteral("serviceName"), p.serviceName},
        {QStringLiteral("ssh.host"), p.ssh.host},
        {QStringLiteral("ssh.user"), p.ssh.user},
        {QStringLiteral("ssh.port"), QString::number(p.ssh.port)},
        {QStringLiteral("nginx.siteFile"), p.nginx.siteFile},
        {QStringLiteral("nginx.enabledLink"), p.nginx.enabledLink},
        {QStringLiteral("nginx.testCommand"), p.nginx.testCommand},
        {QStringLiteral("nginx.reloadCommand"), p.nginx.reloadCommand},
        {QStringLiteral("nginx.backupDir"), p.nginx.backupDir},
        {QStringLiteral("logs.nginxErrorLog"), p.logs.nginxErrorLog},
        {QStringLiteral("logs.appLog"), p.logs.appLog},
    };
    const auto it = map.constFind(key);
    if (it == map.constEnd())
        return std::nullopt;
    return it.value();
}

static QString shellWord(const QString& value)
{
    QString q = value;
    q.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + q + QLatin1Char('\'');
}

Result<QString> expand(const QString& text, const Profile& profile, const QVariantMap& runValues, Placeholders how)
{
    static const QRegularExpression re(QStringLiteral("\\$\\{([A-Za-z0-9_.]+)\\}"));
    QString out;
    qsizetype last = 0;
    auto it = re.globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += text.mid(last, m.capturedStart() - last);
        const QString key = m.captured(1);
        if (key.startsWith(QLatin1String("profile."))) {
            const auto v = profileValue(profile, key.mid(8));
            if (!v)
                return Result<QString>::failure(QObject::tr("unknown placeholder ${%1}").arg(key));
            const bool isCommandLine = key == QLatin1String("profile.nginx.testCommand") || key == QLatin1String("profile.nginx.reloadCommand");
            out += how == Placeholders::ShellWords && !isCommandLine ? shellWord(*v) : *v;
        } else if (key.startsWith(QLatin1String("run."))) {
            const QString k = key.mid(4);
            if (!runValues.contains(k))
                return Result<QString>::failure(QObject::tr("unknown placeholder ${%1}").arg(key));
            const QString v = runValues.value(k).toString();
            out += how == Placeholders::ShellWords ? shellWord(v) : v;
        } else {
            return Result<QString>::failure(QObject::tr("unknown placeholder ${%1} (use ${profile.…} or ${run.…})").arg(key));
        }
        last = m.capturedEnd();
    }
    out += text.mid(last);
    return out;
}

static Result<QVariant> expandValue(const QJsonValue& v, const Profile& profile, const QVariantMap& runValues,
                                    Placeholders how)
{
    if (v.isString()) {
        Result<QString> s = expand(v.toString(), profile, runValues, how);
        if (!s)
            return Result<QVariant>::failure(s.error());
        return QVariant(s.value());
    }
    if (v.isArray()) {
        QVariantList list;
        for (const QJsonValue& e : v.toArray()) {
            Result<QVariant> x = expandValue(e, profile, runValues, how);
            if (!x)
                return x;
            list << x.value();
        }
        return QVariant(list);
    }
    return v.toVariant();
}

Result<QVariantMap> expandParams(const QJsonObject& params, const Profile& profile, const QVariantMap& runValues,
                                 const QStringList& shellParams)
{
    QVariantMap out;
    for (auto it = params.begin(); it != params.end(); ++it) {
        const Placeholders how = shellParams.contains(it.key()) ? Placeholders::ShellWords : Placeholders::AsText;
        Result<QVariant> v = expandValue(it.value(), profile, runValues, how);
        if (!v)
            return Result<QVariantMap>::failure(QObject::tr("parameter \"%1\": %2").arg(it.key(), v.error()));
        out.insert(it.key(), v.value());
    }
    return out;
}

} // namespace Runbooks
} // namespace socketscope
