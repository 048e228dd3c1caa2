// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiles/ProfileJson.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <cmath>

namespace socketscope::ProfileJson {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("ProfileJson", text); }

// Reads typed fields from one JSON object and remembers the first type error, with its path.
class Reader {
public:
    Reader(const QJsonObject& object, QString path, QString* error)
        : m_object(object), m_path(std::move(path)), m_error(error) {}

    void string(const char* key, QString& target) const
    {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return;
        if (!v.isString())
            return fail(key, tr("must be a string"));
        target = v.toString();
    }
    void boolean(const char* key, bool& target) const
    {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return;
        if (!v.isBool())
            return fail(key, tr("must be true or false"));
        target = v.toBool();
    }
    void integer(const char* key, int& target, int min, int max) const
    {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return;
        const double d = v.toDouble(-1e300);
        // Range first: converting an out-of-range double to an integer is undefined.
        if (!v.isDouble() || d < min || d > max || d != std::floor(d))
            return fail(key, tr("must be a whole number from %1 to %2").arg(min).arg(max));
        target = int(d);
    }
    void stringList(const char* key, QStringList& target) const
    {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return;
        if (!v.isArray())
            return fail(key, tr("must be a list of strings"));
        QStringList out;
        for (const QJsonValue item : v.toArray()) {
            if (!item.isString())
                return fail(key, tr("must be a list of strings"));
            out << item.toString();
        }
        target = out;
    }
    // A nested object; an absent one reads as empty.
    std::optional<QJsonObject> object(const char* key) const
    {
        const QJsonValue v = m_object.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return QJsonObject();
        if (!v.isObject()) {
            fail(key, tr("must be an object"));
            return std::nullopt;
        }
        return v.toObject();
    }
    QJsonValue raw(const char* key) const { return m_object.value(QLatin1String(key)); }
    QString path(const char* key) const { return m_path.isEmpty() ? QString::fromLatin1(key) : QString(m_path + u'.' + QLatin1String(key)); }
    void fail(const char* key, const QString& what) const
    {
        if (m_error->isEmpty())
            *m_error = tr("field '%1' %2").arg(path(key), what);
    }

private:
    QJsonObject m_object;
    QString m_path;
    QString* m_error;
};

QJsonArray toArray(const QStringList& list)
{
    QJsonArray a;
    for (const QString& s : list)
        a.append(s);
    return a;
}

} // namespace

QString authMethodName(SshAccess::AuthMethod method)
{
    switch (method) {
    case SshAccess::AuthMethod::Agent: return QStringLiteral("agent");
    case SshAccess::AuthMethod::KeyFile: return QStringLiteral("key-file");
    case SshAccess::AuthMethod::Password: return QStringLiteral("password");
    }
    return QStringLiteral("agent");
}

std::optional<SshAccess::AuthMethod> authMethodFromName(const QString& name)
{
    if (name == QLatin1String("agent"))
        return SshAccess::AuthMethod::Agent;
    if (name == QLatin1String("key-file"))
        return SshAccess::AuthMethod::KeyFile;
    if (name == QLatin1String("password"))
        return SshAccess::AuthMethod::Password;
    return std::nullopt;
}

QJsonObject toJson(const Profile& p)
{
    QJsonArray headers;
    for (const auto& [name, value] : p.extraHeaders)
        headers.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("value"), value}});
    const QJsonObject tls{{QStringLiteral("caFile"), p.tls.caFile},
                          {QStringLiteral("pinnedCertificate"), p.tls.pinnedCertificate},
                          {QStringLiteral("clientCertificate"), p.tls.clientCertificate},
                          {QStringLiteral("clientKey"), p.tls.clientKey},
                          {QStringLiteral("insecure"), p.tls.insecure}};
    const QJsonObject ssh{{QStringLiteral("host"), p.ssh.host},
                          {QStringLiteral("port"), p.ssh.port},
                          {QStringLiteral("user"), p.ssh.user},
                          {QStringLiteral("auth"), authMethodName(p.ssh.auth)},
                          {QStringLiteral("keyFile"), p.ssh.keyFile},
                          {QStringLiteral("jumpHost"), p.ssh.jumpHost},
                          {QStringLiteral("sudoWithoutPassword"), p.ssh.sudoWithoutPassword}};
    const QJsonObject nginx{{QStringLiteral("siteFile"), p.nginx.siteFile},
                            {QStringLiteral("enabledLink"), p.nginx.enabledLink},
                            {QStringLiteral("testCommand"), p.nginx.testCommand},
                            {QStringLiteral("reloadCommand"), p.nginx.reloadCommand},
                            {QStringLiteral("backupDir"), p.nginx.backupDir}};
    const QJsonObject logs{{QStringLiteral("nginxErrorLog"), p.logs.nginxErrorLog},
                           {QStringLiteral("appLog"), p.logs.appLog},
                           {QStringLiteral("appLogFormat"), p.logs.appLogFormat ? logs::logFormatId(*p.logs.appLogFormat)
                                                                                : QStringLiteral("auto")},
                           {QStringLiteral("nginxAccessLog"), p.logs.nginxAccessLog},
                           {QStringLiteral("haproxyLog"), p.logs.haproxyLog}};
    return QJsonObject{{QStringLiteral("id"), p.id.toString(QUuid::WithoutBraces)},
                       {QStringLiteral("name"), p.name},
                       {QStringLiteral("publicUrl"), p.publicUrl},
                       {QStringLiteral("directUrl"), p.directUrl},
                       {QStringLiteral("origin"), p.origin},
                       {QStringLiteral("headers"), headers},
                       {QStringLiteral("subprotocols"), toArray(p.subprotocols)},
                       {QStringLiteral("bolt"), p.bolt},
                       {QStringLiteral("app"), appProtocolName(p.app)},
                       {QStringLiteral("tls"), tls},
                       {QStringLiteral("ssh"), ssh},
                       {QStringLiteral("nginx"), nginx},
                       {QStringLiteral("logs"), logs},
                       {QStringLiteral("serviceName"), p.serviceName},
                       {QStringLiteral("notes"), p.notes},
                       {QStringLiteral("builtinDemo"), p.builtinDemo}};
}

Result<Profile> fromJson(const QJsonObject& object)
{
    Profile p;
    QString error;
    const Reader r(object, {}, &error);

    QString id;
    r.string("id", id);
    if (error.isEmpty() && !id.isEmpty()) {
        p.id = QUuid::fromString(id);
        if (p.id.isNull())
            r.fail("id", tr("is not a UUID"));
    }
    r.string("name", p.name);
    r.string("publicUrl", p.publicUrl);
    r.string("directUrl", p.directUrl);
    r.string("origin", p.origin);
    const QJsonValue headers = r.raw("headers");
    if (!headers.isUndefined() && !headers.isNull()) {
        if (!headers.isArray())
            r.fail("headers", tr("must be a list of {\"name\", \"value\"} objects"));
        for (const QJsonValue h : headers.toArray()) {
            const QJsonObject ho = h.toObject();
            if (!h.isObject() || !ho.value(QStringLiteral("name")).isString()
                || !ho.value(QStringLiteral("value")).isString()) {
                r.fail("headers", tr("must be a list of {\"name\", \"value\"} objects"));
                break;
            }
            p.extraHeaders.append({ho.value(QStringLiteral("name")).toString(), ho.value(QStringLiteral("value")).toString()});
        }
    }
    r.stringList("subprotocols", p.subprotocols);
    r.boolean("bolt", p.bolt);
    QString app;
    r.string("app", app);
    if (const auto protocol = appProtocolFromName(app))
        p.app = *protocol;
    else
        r.fail("app", tr("must be one of %1 (found \"%2\")").arg(appProtocolNames().join(QStringLiteral(", ")), app));

    if (const auto tls = r.object("tls")) {
        const Reader t(*tls, QStringLiteral("tls"), &error);
        t.string("caFile", p.tls.caFile);
        t.string("pinnedCertificate", p.tls.pinnedCertificate);
        t.string("clientCertificate", p.tls.clientCertificate);
        t.string("clientKey", p.tls.clientKey);
        t.boolean("insecure", p.tls.insecure);
    }
    if (const auto ssh = r.object("ssh")) {
        const Reader s(*ssh, QStringLiteral("ssh"), &error);
        s.string("host", p.ssh.host);
        s.integer("port", p.ssh.port, 1, 65535);
        s.string("user", p.ssh.user);
        QString auth;
        s.string("auth", auth);
        if (!auth.isEmpty()) {
            if (const auto method = authMethodFromName(auth))
                p.ssh.auth = *method;
            else
                s.fail("auth", tr("must be \"agent\", \"key-file\" or \"password\" (found \"%1\")").arg(auth));
        }
        s.string("keyFile", p.ssh.keyFile);
        s.string("jumpHost", p.ssh.jumpHost);
        s.boolean("sudoWithoutPassword", p.ssh.sudoWithoutPassword);
    }
    if (const auto nginx = r.object("nginx")) {
        const Reader n(*nginx, QStringLiteral("nginx"), &error);
        n.string("siteFile", p.nginx.siteFile);
        n.string("enabledLink", p.nginx.enabledLink);
        n.string("testCommand", p.nginx.testCommand);
        n.string("reloadCommand", p.nginx.reloadCommand);
        n.string("backupDir", p.nginx.backupDir);
    }
    if (const auto logs = r.object("logs")) {
        const Reader l(*logs, QStringLiteral("logs"), &error);
        l.string("nginxErrorLog", p.logs.nginxErrorLog);
        l.string("appLog", p.logs.appLog);
        QString format;
        l.string("appLogFormat", format);
        if (!format.isEmpty() && format != QLatin1String("auto")) {
            p.logs.appLogFormat = logs::logFormatFromId(format);
            if (!p.logs.appLogFormat) {
                QStringList names{QStringLiteral("auto")};
                for (logs::LogFormat f : logs::allLogFormats())
                    names.append(logs::logFormatId(f));
                l.fail("appLogFormat", tr("must be one of %1 (found \"%2\")").arg(names.join(QStringLiteral(", ")), format));
            }
        }
        l.string("nginxAccessLog", p.logs.nginxAccessLog);
        l.string("haproxyLog", p.logs.haproxyLog);
    }
    r.string("serviceName", p.serviceName);
    r.string("notes", p.notes);
    r.boolean("builtinDemo", p.builtinDemo);
    if (!error.isEmpty())
        return Result<Profile>::failure(error);
    return p;
}

QByteArray serialize(const QList<Profile>& profiles)
{
    QJsonArray list;
    for (const Profile& p : profiles)
        list.append(toJson(p));
    const QJsonObject root{{QStringLiteral("format"), QLatin1String(kFormat)},
                           {QStringLiteral("version"), kVersion},
                           {QStringLiteral("profiles"), list}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

Result<QList<Profile>> parse(const QByteArray& data)
{
    using R = Result<QList<Profile>>;
    if (data.size() > kMaxDocumentBytes)
        return R::failure(tr("the file is larger than %1 MiB; this is not a profile store").arg(kMaxDocumentBytes >> 20));
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(data, &pe);
    if (pe.error != QJsonParseError::NoError)
        return R::failure(tr("not valid JSON (%1 at byte %2)").arg(pe.errorString()).arg(pe.offset));
    if (!doc.isObject())
        return R::failure(tr("not a SocketScope profile document (expected a JSON object)"));
    const QJsonObject root = doc.object();
    if (root.value(QStringLiteral("format")).toString() != QLatin1String(kFormat))
        return R::failure(tr("not a SocketScope profile document (\"format\" is not \"%1\")").arg(QLatin1String(kFormat)));
    const QJsonValue version = root.value(QStringLiteral("version"));
    const double v = version.toDouble(-1);
    if (!version.isDouble() || v < 1 || v != std::floor(v))
        return R::failure(tr("\"version\" must be a whole number (this build reads version %1)").arg(kVersion));
    if (v > kVersion)
        return R::failure(tr("written by a newer SocketScope (format version %1; this build reads version %2). "
                             "Update SocketScope to use it; the file is left as it is")
                              .arg(QString::number(v, 'g', 12))
                              .arg(kVersion));
    const QJsonValue list = root.value(QStringLiteral("profiles"));
    if (!list.isArray())
        return R::failure(tr("\"profiles\" must be a list"));
    QList<Profile> out;
    QSet<QUuid> ids;
    QHash<QString, QString> names; // case-folded → as written
    const QJsonArray array = list.toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonValue item = array.at(i);
        if (!item.isObject())
            return R::failure(tr("profile #%1 is not a JSON object").arg(i + 1));
        Result<Profile> p = fromJson(item.toObject());
        const QString label = tr("profile #%1").arg(i + 1);
        if (!p)
            return R::failure(tr("%1: %2").arg(label, p.error()));
        if (ids.contains(p->id))
            return R::failure(tr("%1 ('%2') has the same id as an earlier profile; give it a new id or remove it")
                                  .arg(label, p->name));
        const QString folded = p->name.toCaseFolded();
        if (names.contains(folded))
            return R::failure(tr("%1: the name '%2' is used twice ('%3'); rename one of them")
                                  .arg(label, p->name, names.value(folded)));
        ids.insert(p->id);
        names.insert(folded, p->name);
        out.append(std::move(p).value());
    }
    return out;
}

} // namespace socketscope::ProfileJson
