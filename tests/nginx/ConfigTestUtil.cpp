// SPDX-License-Identifier: GPL-3.0-or-later
#include "ConfigTestUtil.h"

#include "lab/Lab.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <memory>

namespace socketscope::nginxtest {

QList<Fixture> fixtures(const QString& kind)
{
    const QDir dir(lab::fixturePath(kind));
    QList<Fixture> list;
    const QString ext = kind == QLatin1String("nginx") ? QStringLiteral("*.conf") : QStringLiteral("*.cfg");
    for (const QFileInfo& fi : dir.entryInfoList({ext}, QDir::Files, QDir::Name))
        list.append({fi.completeBaseName(), fi.absoluteFilePath(), false, fi.absolutePath() + QLatin1Char('/') + fi.completeBaseName()});
    for (const QFileInfo& fi : dir.entryInfoList({QStringLiteral("tree-*")}, QDir::Dirs, QDir::Name)) {
        if (QFileInfo::exists(fi.absoluteFilePath() + QStringLiteral("/nginx.conf")))
            list.append({fi.fileName(), fi.absoluteFilePath() + QStringLiteral("/nginx.conf"), true, fi.absoluteFilePath()});
    }
    return list;
}

static QStringList sidecarLines(const Fixture& f, const char* ext)
{
    const QByteArray data = lab::readAll(f.sidecarBase + QLatin1String(ext));
    QStringList lines;
    for (const QByteArray& l : data.split('\n')) {
        const QString s = QString::fromUtf8(l).trimmed();
        if (!s.isEmpty())
            lines.append(s);
    }
    return lines;
}

QStringList expectedFindings(const Fixture& f)
{
    QStringList lines;
    for (const QString& l : sidecarLines(f, ".expected")) {
        if (!l.startsWith(QLatin1Char('#')) && !l.startsWith(QLatin1String("missed:")))
            lines.append(l.section(QLatin1Char(' '), 0, 0));
    }
    return lines;
}

Judgement judgement(const Fixture& f)
{
    Judgement j;
    for (const QString& l : sidecarLines(f, ".expected")) {
        if (l.startsWith(QLatin1Char('#')))
            continue;
        if (l.startsWith(QLatin1String("missed:")))
            j.missed.append(l.mid(7).trimmed().section(QLatin1Char(' '), 0, 0));
        else if (l.section(QLatin1Char(' '), 1, 1).startsWith(QLatin1String("fp")))
            j.falsePositives.append(l.section(QLatin1Char(' '), 0, 0));
    }
    return j;
}

QStringList findingKeys(const nginx::ConfigFindings& findings, const Fixture& f)
{
    const QDir base = QFileInfo(f.mainPath).dir();
    QStringList keys;
    for (const nginx::ConfigFinding& x : findings) {
        if (x.file == f.mainPath)
            keys.append(QStringLiteral("%1@%2").arg(x.rule).arg(x.line));
        else
            keys.append(QStringLiteral("%1@%2:%3").arg(x.rule, base.relativeFilePath(x.file)).arg(x.line));
    }
    return keys;
}

nginx::RuleOptions ruleOptions(const Fixture& f)
{
    nginx::RuleOptions o;
    for (const QString& l : sidecarLines(f, ".options")) {
        if (l.startsWith(QLatin1Char('#')))
            continue;
        const QStringList words = l.split(QLatin1Char(' '), Qt::SkipEmptyParts);
        for (int i = 0; i + 1 < words.size(); i += 2) {
            if (words.at(i) == QLatin1String("--endpoint"))
                o.endpointPaths.append(words.at(i + 1));
            else if (words.at(i) == QLatin1String("--mark"))
                o.markedLocations.append(words.at(i + 1));
            else if (words.at(i) == QLatin1String("--threshold"))
                o.thresholdSeconds = words.at(i + 1).toDouble();
        }
    }
    return o;
}

QString nginxTestExpectation(const Fixture& f)
{
    for (const QString& l : sidecarLines(f, ".options")) {
        static const QRegularExpression re(QStringLiteral("^#\\s*nginx-t:\\s*(skip|fail|main|server)\\s*(.*)$"));
        const auto m = re.match(l);
        if (m.hasMatch())
            return m.captured(1) + QStringLiteral(": ") + m.captured(2);
    }
    return {};
}

NginxModules nginxModules(const Fixture& f)
{
    for (const QString& l : sidecarLines(f, ".options")) {
        static const QRegularExpression re(QStringLiteral("^#\\s*nginx-t-modules:\\s*([^:\\s]+):\\s*(.*)$"));
        const auto m = re.match(l);
        if (m.hasMatch())
            return {m.captured(1), m.captured(2).split(QLatin1Char(' '), Qt::SkipEmptyParts)};
    }
    return {};
}

QByteArray labSubstitute(const Fixture& f, QByteArray text)
{
    const QByteArray labDir = labMaterialDir().toUtf8();
    static const QRegularExpression le(QStringLiteral("/etc/letsencrypt/live/[^/\\s;]+/(fullchain|privkey)\\.pem"));
    QString s = QString::fromUtf8(text);
    s.replace(le, QString::fromUtf8(labDir) + QStringLiteral("/\\1.pem"));
    s.replace(QStringLiteral("/etc/letsencrypt/options-ssl-nginx.conf"), QString::fromUtf8(labDir) + QStringLiteral("/options-ssl-nginx.conf"));
    s.replace(QStringLiteral("/etc/letsencrypt/ssl-dhparams.pem"), QString::fromUtf8(labDir) + QStringLiteral("/dh.pem"));
    for (const QString& l : sidecarLines(f, ".lab")) {
        const qsizetype arrow = l.indexOf(QStringLiteral(" => "));
        if (arrow > 0)
            s.replace(l.left(arrow), QString(l.mid(arrow + 4))
                                         .replace(QStringLiteral("${LAB}"), QString::fromUtf8(labDir))
                                         .replace(QStringLiteral("\\n"), QStringLiteral("\n")));
    }
    return s.toUtf8();
}

QString labMaterialDir()
{
    static std::unique_ptr<QTemporaryDir> dir;
    if (dir)
        return dir->path();
    dir = std::make_unique<QTemporaryDir>();
    QFile::setPermissions(dir->path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                           | QFileDevice::ReadOther | QFileDevice::ExeOther);
    const QString d = dir->path();
    QByteArray log;
    lab::runProgram(QStringLiteral("openssl"),
                    {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                     QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                     QStringLiteral("/CN=localhost"), QStringLiteral("-keyout"), d + QStringLiteral("/privkey.pem"),
                     QStringLiteral("-out"), d + QStringLiteral("/fullchain.pem")}, &log);
    lab::runProgram(QStringLiteral("openssl"), {QStringLiteral("dhparam"), QStringLiteral("-dsaparam"),
                                                QStringLiteral("-out"), d + QStringLiteral("/dh.pem"), QStringLiteral("2048")}, &log);
    lab::writeFile(d + QStringLiteral("/options-ssl-nginx.conf"), "ssl_session_cache shared:le_nginx_SSL:1m;\nssl_protocols TLSv1.2 TLSv1.3;\n");
    lab::writeFile(d + QStringLiteral("/haproxy.pem"),
                   lab::readAll(d + QStringLiteral("/fullchain.pem")) + lab::readAll(d + QStringLiteral("/privkey.pem")));
    return d;
}

} // namespace socketscope::nginxtest
