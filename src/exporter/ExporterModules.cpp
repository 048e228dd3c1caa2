// SPDX-License-Identifier: GPL-3.0-or-later
#include "exporter/ExporterModules.h"

#include "probe/CertificatePin.h"
#include "profiles/Profile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <functional>

namespace socketscope {

namespace {

constexpr qint64 kMaxSecretFileBytes = 64 * 1024;
constexpr qint64 kMaxModulesFileBytes = 4 * 1024 * 1024;

// What one key of a module does to it; false with *error (the key's name is added by the caller).
using KeyReader = std::function<bool(const QJsonValue&, ExporterModule&, const QString& baseDir, QString* error)>;

struct KeySpec {
    const char* key; // the probe flag's name without "--", '-' → '_'
    KeyReader read;
};

bool number(const QJsonValue& v, double min, double max, double* out, QString* error)
{
    if (!v.isDouble() || v.toDouble() < min || v.toDouble() > max) {
        *error = QStringLiteral("needs a number from %1 to %2").arg(min).arg(max);
        return false;
    }
    *out = v.toDouble();
    return true;
}

bool text(const QJsonValue& v, QString* out, QString* error)
{
    if (!v.isString()) {
        *error = QStringLiteral("needs a string");
        return false;
    }
    *out = v.toString();
    return true;
}

QString resolvePath(const QString& path, const QString& baseDir)
{
    if (path.isEmpty() || QFileInfo(path).isAbsolute() || baseDir.isEmpty())
        return path;
    return QDir(baseDir).absoluteFilePath(path);
}

KeyReader textKey(QString ProbeOptions::*field)
{
    return [field](const QJsonValue& v, ExporterModule& m, const QString&, QString* error) {
        return text(v, &(m.options.*field), error);
    };
}

KeyReader pathKey(QString ProbeOptions::*field)
{
    return [field](const QJsonValue& v, ExporterModule& m, const QString& baseDir, QString* error) {
        QString path;
        if (!text(v, &path, error))
            return false;
        m.options.*field = resolvePath(path, baseDir);
        return true;
    };
}

KeyReader secondsKey(double ProbeOptions::*field, double min, double max)
{
    return [field, min, max](const QJsonValue& v, ExporterModule& m, const QString&, QString* error) {
        return number(v, min, max, &(m.options.*field), error);
    };
}

bool validHeaderText(const QString& s)
{
    for (QChar c : s)
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            return false;
    return true;
}

bool readHeaders(const QJsonValue& v, ExporterModule& m, const QString& baseDir, QString* error)
{
    if (!v.isObject()) {
        *error = QStringLiteral("needs an object {\"Name\": \"value\"}");
        return false;
    }
    static const QRegularExpression token(QStringLiteral("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"));
    static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        ModuleHeader h;
        h.name = it.key();
        if (!token.match(h.name).hasMatch()) {
            *error = QStringLiteral("'%1' is not a valid header name").arg(h.name);
            return false;
        }
        if (!it.value().isString()) {
            *error = QStringLiteral("%1 needs a string value").arg(h.name);
            return false;
        }
        const QString value = it.value().toString();
        if (value.startsWith(QLatin1String("env:"))) {
            h.source = ModuleHeader::Source::Env;
            h.value = value.mid(4);
            if (!envName.match(h.value).hasMatch()) {
                *error = QStringLiteral("%1: 'env:' needs an environment variable name").arg(h.name);
                return false;
            }
        } else if (value.startsWith(QLatin1String("file:"))) {
            h.source = ModuleHeader::Source::File;
            h.value = resolvePath(value.mid(5), baseDir);
            if (value.size() == 5) {
                *error = QStringLiteral("%1: 'file:' needs a path").arg(h.name);
                return false;
            }
        } else {
            if (isSecretHeader(h.name)) {
                *error = QStringLiteral(
                    "%1 carries a credential: give it by reference, \"env:VARIABLE\" or \"file:PATH\", "
                    "never inline")
                             .arg(h.name);
                return false;
            }
            if (!validHeaderText(value)) {
                *error = QStringLiteral("%1: control characters in the value").arg(h.name);
                return false;
            }
            h.value = value;
        }
        m.headers.append(h);
    }
    return true;
}

bool readSubprotocols(const QJsonValue& v, ExporterModule& m, const QString&, QString* error)
{
    QStringList list;
    if (v.isString()) {
        list = v.toString().split(QLatin1Char(','), Qt::SkipEmptyParts);
    } else if (v.isArray()) {
        for (const QJsonValue& s : v.toArray()) {
            if (!s.isString()) {
                *error = QStringLiteral("needs a string or an array of strings");
                return false;
            }
            list << s.toString();
        }
    } else {
        *error = QStringLiteral("needs a string or an array of strings");
        return false;
    }
    for (QString& s : list)
        s = s.trimmed();
    m.options.subprotocols = list;
    return true;
}

// The key table: one line per `probe` option a module may carry.
const QList<KeySpec>& keyTable()
{
    static const QList<KeySpec> table = {
        { "app",
            [](const QJsonValue& v, ExporterModule& m, const QString&, QString* error) {
                const auto app = appProtocolFromName(v.toString());
                if (!v.isString() || !app) {
                    *error = QStringLiteral("must be one of %1").arg(appProtocolNames().join(QStringLiteral(", ")));
                    return false;
                }
                m.options.app = *app;
                m.options.appSource = AppDetectedBy::Flag;
                return true;
            } },
        { "hold", secondsKey(&ProbeOptions::holdS, 0, 3600) },
        { "echo",
            [](const QJsonValue& v, ExporterModule& m, const QString&, QString* error) {
                double n = 0;
                if (!number(v, 0, 100000, &n, error))
                    return false;
                m.options.echoCount = int(n);
                return true;
            } },
        { "ping_interval", secondsKey(&ProbeOptions::pingIntervalS, 0, 3600) },
        { "origin", textKey(&ProbeOptions::origin) },
        { "ca", pathKey(&ProbeOptions::caFile) },
        { "headers", &readHeaders },
        { "timeout",
            [](const QJsonValue& v, ExporterModule& m, const QString&, QString* error) {
                double s = 0;
                if (!number(v, 0.001, 3600, &s, error))
                    return false;
                m.options.timeoutS = s; // like --timeout: every phase, and the connection
                m.options.connectTimeoutS = s;
                return true;
            } },
        { "connect_timeout", secondsKey(&ProbeOptions::connectTimeoutS, 0.001, 3600) },
        { "subprotocol", &readSubprotocols },
        { "insecure",
            [](const QJsonValue& v, ExporterModule& m, const QString&, QString* error) {
                if (!v.isBool()) {
                    *error = QStringLiteral("needs true or false");
                    return false;
                }
                m.options.insecure = v.toBool();
                return true;
            } },
        { "pin",
            [](const QJsonValue& v, ExporterModule& m, const QString& baseDir, QString* error) {
                QString pin;
                if (!text(v, &pin, error))
                    return false;
                if (const QString why = CertificatePin::parse(pin).error(); !why.isEmpty()) {
                    *error = why;
                    return false;
                }
                m.options.pinnedCertificate
                    = pin.startsWith(QLatin1String("sha256/")) || pin.startsWith(QLatin1String("cert-sha256/"))
                    ? pin
                    : resolvePath(pin, baseDir);
                return true;
            } },
        { "cert", pathKey(&ProbeOptions::clientCertificate) },
        { "key", pathKey(&ProbeOptions::clientKey) },
        { "size",
            [](const QJsonValue& v, ExporterModule& m, const QString&, QString* error) {
                double n = 0;
                if (!number(v, 0, 64.0 * 1024 * 1024, &n, error))
                    return false;
                m.options.echoSize = int(n);
                return true;
            } },
        { "binary",
            [](const QJsonValue& v, ExporterModule& m, const QString&, QString* error) {
                if (!v.isBool()) {
                    *error = QStringLiteral("needs true or false");
                    return false;
                }
                m.options.echoBinary = v.toBool();
                return true;
            } },
        { "slow", secondsKey(&ProbeOptions::slowThresholdS, 0, 3600) },
        { "app_namespace", textKey(&ProbeOptions::appNamespace) },
        { "app_path", textKey(&ProbeOptions::appPath) },
        { "app_event", textKey(&ProbeOptions::appEvent) },
        { "app_query", textKey(&ProbeOptions::appQuery) },
        { "app_version",
            [](const QJsonValue& v, ExporterModule& m, const QString&, QString* error) {
                const QString s = v.isDouble() ? QString::number(v.toInt()) : v.toString();
                if (s != QLatin1String("4") && s != QLatin1String("5") && s != QLatin1String("3.1.1")) {
                    *error = QStringLiteral("MQTT \"3.1.1\" (or 4) or 5");
                    return false;
                }
                m.options.appVersion = s == QLatin1String("5") ? 5 : 4;
                return true;
            } },
    };
    return table;
}

Result<ExporterModule> readModule(const QString& name, const QJsonObject& o, const QString& baseDir)
{
    ExporterModule m;
    m.name = name;
    m.options.appSource = AppDetectedBy::Flag;
    for (auto it = o.begin(); it != o.end(); ++it) {
        const KeySpec* spec = nullptr;
        for (const KeySpec& k : keyTable())
            if (it.key() == QLatin1String(k.key))
                spec = &k;
        if (!spec)
            return Result<ExporterModule>::failure(QStringLiteral("module %1: unknown key \"%2\" (known: %3)")
                                                       .arg(name, it.key(), moduleKeys().join(QStringLiteral(", "))));
        QString error;
        if (!spec->read(it.value(), m, baseDir, &error))
            return Result<ExporterModule>::failure(QStringLiteral("module %1: \"%2\" %3").arg(name, it.key(), error));
    }
    // Like the CLI: without "app", "echo" picks the protocol (0: ping only, N > 0: echo N messages).
    if (!o.contains(QStringLiteral("app")) && o.contains(QStringLiteral("echo")))
        m.options.app = m.options.echoCount == 0 ? AppProtocolId::None : AppProtocolId::Echo;
    return m;
}

} // namespace

QStringList moduleKeys()
{
    QStringList keys;
    for (const KeySpec& k : keyTable())
        keys << QString::fromLatin1(k.key);
    return keys;
}

bool isSecretHeader(const QString& name)
{
    const QString n = name.toLower();
    if (n == QLatin1String("authorization") || n == QLatin1String("proxy-authorization")
        || n == QLatin1String("cookie"))
        return true;
    for (const char* word :
        { "token", "secret", "key", "password", "passwd", "auth", "session", "credential", "signature" })
        if (n.contains(QLatin1String(word)))
            return true;
    return false;
}

Result<ProbeOptions> ExporterModule::probeOptions(const QString& target) const
{
    ProbeOptions o = options;
    o.url = target;
    o.headers.clear();
    for (const ModuleHeader& h : headers) {
        QString value;
        switch (h.source) {
        case ModuleHeader::Source::Literal:
            value = h.value;
            break;
        case ModuleHeader::Source::Env:
            if (!qEnvironmentVariableIsSet(h.value.toLocal8Bit().constData()))
                return Result<ProbeOptions>::failure(
                    QStringLiteral("module %1: header %2: environment variable %3 is not set")
                        .arg(name, h.name, h.value));
            value = qEnvironmentVariable(h.value.toLocal8Bit().constData());
            break;
        case ModuleHeader::Source::File: {
            QFile f(h.value);
            if (!f.open(QIODevice::ReadOnly) || f.size() > kMaxSecretFileBytes)
                return Result<ProbeOptions>::failure(
                    QStringLiteral("module %1: header %2: cannot read %3 (or larger than 64 KiB)")
                        .arg(name, h.name, h.value));
            QByteArray bytes = f.read(kMaxSecretFileBytes);
            while (bytes.endsWith('\n') || bytes.endsWith('\r'))
                bytes.chop(1);
            value = QString::fromUtf8(bytes);
            bytes.fill('\0');
            break;
        }
        }
        if (!validHeaderText(value)) // a newline would inject a header into the handshake
            return Result<ProbeOptions>::failure(
                QStringLiteral("module %1: header %2: the referenced value contains control characters")
                    .arg(name, h.name));
        o.headers.append({ h.name, value });
    }
    return o;
}

ModuleSet ModuleSet::builtin()
{
    // "default": upgrade, one WebSocket ping round trip (app `none`: no data message that an
    // application might not expect), and a clean close.
    ModuleSet set;
    auto m = readModule(QStringLiteral("default"),
        QJsonObject { { QStringLiteral("app"), QStringLiteral("none") }, { QStringLiteral("hold"), 0 },
            { QStringLiteral("echo"), 0 }, { QStringLiteral("ping_interval"), 0 }, { QStringLiteral("timeout"), 10 } },
        {});
    set.m_modules.insert(m->name, *m);
    return set;
}

Result<ModuleSet> ModuleSet::fromJson(const QByteArray& json, const QString& baseDir)
{
    QJsonParseError parseError {};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Result<ModuleSet>::failure(
            QStringLiteral("modules: not JSON (%1 at offset %2)").arg(parseError.errorString()).arg(parseError.offset));
    const QJsonObject root = doc.object();
    if (!doc.isObject() || !root.value(QStringLiteral("modules")).isObject())
        return Result<ModuleSet>::failure(QStringLiteral("modules: expected {\"modules\": {\"NAME\": {...}}}"));
    for (auto it = root.begin(); it != root.end(); ++it)
        if (it.key() != QLatin1String("modules"))
            return Result<ModuleSet>::failure(QStringLiteral("modules: unknown top-level key \"%1\"").arg(it.key()));
    static const QRegularExpression nameRule(QStringLiteral("^[A-Za-z0-9_.-]{1,64}$"));
    ModuleSet set = builtin();
    const QJsonObject modules = root.value(QStringLiteral("modules")).toObject();
    for (auto it = modules.begin(); it != modules.end(); ++it) {
        if (!nameRule.match(it.key()).hasMatch())
            return Result<ModuleSet>::failure(
                QStringLiteral("modules: module name \"%1\": use 1-64 letters, digits, '_', '.', '-'").arg(it.key()));
        if (!it.value().isObject())
            return Result<ModuleSet>::failure(
                QStringLiteral("module %1: expected an object of probe options").arg(it.key()));
        auto m = readModule(it.key(), it.value().toObject(), baseDir);
        if (!m)
            return Result<ModuleSet>::failure(m.error());
        set.m_modules.insert(it.key(), *m);
    }
    return set;
}

Result<ModuleSet> ModuleSet::load(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<ModuleSet>::failure(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    if (f.size() > kMaxModulesFileBytes)
        return Result<ModuleSet>::failure(QStringLiteral("%1: larger than 4 MiB").arg(path));
    auto set = fromJson(f.readAll(), QFileInfo(path).absolutePath());
    if (!set)
        return Result<ModuleSet>::failure(QStringLiteral("%1: %2").arg(path, set.error()));
    return set;
}

const ExporterModule* ModuleSet::find(const QString& name) const
{
    const auto it = m_modules.constFind(name);
    return it == m_modules.constEnd() ? nullptr : &it.value();
}

QStringList ModuleSet::names() const
{
    return m_modules.keys();
}

QJsonObject moduleFromProfile(const Profile& profile, QStringList* envNames)
{
    QJsonObject m;
    const AppProtocolId app = profile.app != AppProtocolId::Auto ? profile.app
        : profile.bolt                                           ? AppProtocolId::Bolt
                                                                 : AppProtocolId::Auto;
    m.insert(QStringLiteral("app"), appProtocolName(app));
    m.insert(QStringLiteral("echo"), 0);
    if (!profile.origin.isEmpty())
        m.insert(QStringLiteral("origin"), profile.origin);
    if (!profile.subprotocols.isEmpty())
        m.insert(QStringLiteral("subprotocol"), QJsonArray::fromStringList(profile.subprotocols));
    if (!profile.tls.caFile.isEmpty())
        m.insert(QStringLiteral("ca"), profile.tls.caFile);
    if (!profile.tls.pinnedCertificate.isEmpty())
        m.insert(QStringLiteral("pin"), profile.tls.pinnedCertificate);
    if (!profile.tls.clientCertificate.isEmpty())
        m.insert(QStringLiteral("cert"), profile.tls.clientCertificate);
    if (!profile.tls.clientKey.isEmpty())
        m.insert(QStringLiteral("key"), profile.tls.clientKey);
    if (profile.tls.insecure)
        m.insert(QStringLiteral("insecure"), true);
    QJsonObject headers;
    for (const auto& h : profile.extraHeaders) {
        if (isSecretHeader(h.first)) {
            QString var = QStringLiteral("SOCKETSCOPE_%1_%2").arg(profile.name, h.first).toUpper();
            for (QChar& c : var)
                if (!c.isLetterOrNumber() || c.unicode() > 0x7f)
                    c = QLatin1Char('_');
            headers.insert(h.first, QString(QStringLiteral("env:") + var));
            if (envNames)
                envNames->append(var);
        } else {
            headers.insert(h.first, h.second);
        }
    }
    if (!headers.isEmpty())
        m.insert(QStringLiteral("headers"), headers);
    m.insert(QStringLiteral("timeout"), 10);
    return m;
}

} // namespace socketscope

namespace socketscope {

namespace {
// A module name from a profile name: the file format's [A-Za-z0-9_.-]{1,64}.
QString moduleName(const QString& profileName)
{
    QString n = profileName.left(64);
    for (QChar& c : n)
        if (!(c.isLetterOrNumber() && c.unicode() < 0x80) && c != u'_' && c != u'.' && c != u'-')
            c = u'_';
    return n.isEmpty() ? QStringLiteral("profile") : n;
}
} // namespace

ModulesExport modulesFromProfiles(const QList<Profile>& profiles)
{
    ModulesExport out;
    QJsonObject modules;
    for (const Profile& prof : profiles) {
        QString name = moduleName(prof.name);
        for (int i = 2; modules.contains(name); ++i)
            name = moduleName(prof.name).left(60) + QStringLiteral("-%1").arg(i);
        modules.insert(name, moduleFromProfile(prof, &out.envNames));
        if (!prof.publicUrl.isEmpty())
            out.targets << QStringLiteral("module %1: target %2").arg(name, prof.publicUrl);
    }
    out.count = int(modules.size());
    out.json = QJsonDocument(QJsonObject{{QStringLiteral("modules"), modules}}).toJson(QJsonDocument::Indented);
    return out;
}

} // namespace socketscope
