// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LogLocator.h"

#include "remote/RemoteHost.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

#include <memory>

namespace socketscope::logs {

namespace {

struct Token {
    QString text;
    int line = 0;
    bool quoted = false;
};

// nginx config tokens: words, quoted strings, and the ";" "{" "}" punctuation; comments dropped.
QList<Token> tokenize(QStringView text, int firstLine)
{
    QList<Token> out;
    int line = firstLine;
    qsizetype i = 0;
    const qsizetype n = text.size();
    while (i < n) {
        const QChar c = text[i];
        if (c == QLatin1Char('\n')) {
            ++line;
            ++i;
        } else if (c.isSpace()) {
            ++i;
        } else if (c == QLatin1Char('#')) {
            while (i < n && text[i] != QLatin1Char('\n'))
                ++i;
        } else if (c == QLatin1Char(';') || c == QLatin1Char('{') || c == QLatin1Char('}')) {
            out.append({QString(c), line, false});
            ++i;
        } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            Token t{QString(), line, true};
            ++i;
            while (i < n && text[i] != c) {
                if (text[i] == QLatin1Char('\\') && i + 1 < n)
                    ++i;
                if (text[i] == QLatin1Char('\n'))
                    ++line;
                t.text += text[i++];
            }
            ++i;
            out.append(t);
        } else {
            Token t{QString(), line, false};
            while (i < n && !text[i].isSpace() && text[i] != QLatin1Char(';') && text[i] != QLatin1Char('{')
                   && text[i] != QLatin1Char('}')) {
                if (text[i] == QLatin1Char('\\') && i + 1 < n)
                    t.text += text[i++];
                t.text += text[i++];
            }
            out.append(t);
        }
    }
    return out;
}

struct Block {
    QString name;              // "http", "server", "location /", …
    QString serverName;        // for server blocks, filled when server_name is seen
    std::shared_ptr<Block> parent;
};
using BlockPtr = std::shared_ptr<Block>;

QString describe(const BlockPtr& b)
{
    if (!b)
        return QStringLiteral("main");
    QStringList parts;
    for (BlockPtr p = b; p; p = p->parent) {
        QString label = p->name;
        if (p->name == QLatin1String("server") && !p->serverName.isEmpty())
            label += QLatin1Char(' ') + p->serverName;
        parts.prepend(label);
    }
    return parts.join(QStringLiteral(" > "));
}

struct Section {
    QString file;
    QStringView text;
    int firstLine = 1;
};

struct Pending {
    NginxErrorLog entry;
    BlockPtr block;
};

} // namespace

Result<QList<NginxErrorLog>> parseNginxErrorLogs(const QString& dump, const QString& prefix, const QString& compiledDefault)
{
    static const QRegularExpression header(QStringLiteral("^# configuration file (.+):\\s*$"),
                                           QRegularExpression::MultilineOption);
    QList<Section> sections;
    auto it = header.globalMatch(dump);
    QList<QRegularExpressionMatch> heads;
    while (it.hasNext())
        heads.append(it.next());
    if (heads.isEmpty())
        return Result<QList<NginxErrorLog>>::failure(
            QStringLiteral("This is not `nginx -T` output: no \"# configuration file …:\" sections"));
    for (qsizetype h = 0; h < heads.size(); ++h) {
        const qsizetype start = heads[h].capturedEnd() + 1;
        const qsizetype end = h + 1 < heads.size() ? heads[h + 1].capturedStart() : dump.size();
        Section s;
        s.file = heads[h].captured(1).trimmed();
        s.text = QStringView(dump).mid(qMin(start, dump.size()), qMax<qsizetype>(0, end - start));
        s.firstLine = 1;
        sections.append(s);
    }
    const QString confDir = QFileInfo(sections.first().file).absolutePath();
    auto absolute = [](const QString& base, const QString& p) {
        return QDir::isAbsolutePath(p) ? QDir::cleanPath(p) : QDir::cleanPath(base + QLatin1Char('/') + p);
    };

    // include pattern → the block it was included from.
    QList<QPair<QRegularExpression, BlockPtr>> includes;
    QList<Pending> pending;
    bool mainHasErrorLog = false;

    for (const Section& section : sections) {
        BlockPtr current;
        for (const auto& inc : includes)
            if (inc.first.match(section.file).hasMatch()) {
                current = inc.second;
                break;
            }
        const QList<Token> tokens = tokenize(section.text, section.firstLine);
        QList<Token> words;
        for (const Token& t : tokens) {
            if (!t.quoted && t.text == QLatin1String("{")) {
                auto b = std::make_shared<Block>();
                b->name = words.isEmpty() ? QStringLiteral("?") : words.first().text;
                if (words.size() > 1 && b->name != QLatin1String("server"))
                    b->name += QLatin1Char(' ') + words.mid(1).constFirst().text;
                b->parent = current;
                current = b;
                words.clear();
            } else if (!t.quoted && t.text == QLatin1String("}")) {
                current = current ? current->parent : nullptr;
                words.clear();
            } else if (!t.quoted && t.text == QLatin1String(";")) {
                if (words.isEmpty())
                    continue;
                const QString directive = words.first().text;
                if (directive == QLatin1String("error_log") && words.size() >= 2) {
                    NginxErrorLog e;
                    const QString target = words[1].text;
                    e.isFile = target != QLatin1String("stderr") && !target.startsWith(QLatin1String("syslog:"))
                               && !target.startsWith(QLatin1String("memory:"));
                    e.path = e.isFile ? absolute(prefix, target) : target;
                    e.level = words.size() >= 3 ? words[2].text : QStringLiteral("error");
                    e.configFile = section.file;
                    e.configLine = words.first().line;
                    pending.append({e, current});
                    if (!current)
                        mainHasErrorLog = true;
                } else if (directive == QLatin1String("server_name") && words.size() >= 2 && current
                           && current->name == QLatin1String("server") && current->serverName.isEmpty()) {
                    QStringList names;
                    for (qsizetype w = 1; w < words.size(); ++w)
                        names.append(words[w].text);
                    current->serverName = names.join(QLatin1Char(' '));
                } else if (directive == QLatin1String("include") && words.size() >= 2) {
                    const QString pattern = absolute(confDir, words[1].text);
                    includes.append({QRegularExpression(QRegularExpression::wildcardToRegularExpression(pattern)),
                                     current});
                }
                words.clear();
            } else {
                words.append(t);
            }
        }
    }
    QList<NginxErrorLog> out;
    if (!mainHasErrorLog && !compiledDefault.isEmpty()) {
        NginxErrorLog d;
        d.path = compiledDefault;
        d.level = QStringLiteral("error");
        d.context = QStringLiteral("main");
        d.compiledDefault = true;
        out.append(d);
    }
    for (Pending& p : pending) {
        p.entry.context = describe(p.block);
        out.append(p.entry);
    }
    return out;
}

QString Neo4jLogLocation::neo4jLog() const
{
    return QDir::cleanPath(logsDir + QStringLiteral("/neo4j.log"));
}

QString Neo4jLogLocation::debugLog() const
{
    return QDir::cleanPath(logsDir + QStringLiteral("/debug.log"));
}

Neo4jLogLocation parseNeo4jLogLocation(const QString& confText, const QString& neo4jHome)
{
    Neo4jLogLocation loc;
    QString value = QStringLiteral("logs");
    const QStringList lines = confText.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString line = lines[i].trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        if (eq <= 0)
            continue;
        const QString key = line.left(eq).trimmed();
        if (key == QLatin1String("server.directories.logs") || key == QLatin1String("dbms.directories.logs")) {
            // Neo4j 5 renamed the setting; when both are present the 5.x one wins.
            if (key == QLatin1String("dbms.directories.logs") && loc.setting == QLatin1String("server.directories.logs"))
                continue;
            value = line.mid(eq + 1).trimmed();
            loc.setting = key;
            loc.configLine = int(i + 1);
        }
    }
    loc.logsDir = QDir::isAbsolutePath(value) ? QDir::cleanPath(value)
                                              : QDir::cleanPath(neo4jHome + QLatin1Char('/') + value);
    return loc;
}

QList<LogCandidate> rateNeo4jCandidates(const Neo4jLogLocation& location, QList<LogCandidate> found)
{
    const QString configured = location.neo4jLog();
    QList<LogCandidate> out;
    LogCandidate main;
    main.path = configured;
    main.configured = true;
    for (const LogCandidate& c : found)
        if (QDir::cleanPath(c.path) == configured) {
            main.exists = c.exists;
            main.modified = c.modified;
        }
    main.note = main.exists ? QStringLiteral("the configured Neo4j log (%1)")
                                  .arg(location.setting.isEmpty() ? QStringLiteral("default location") : location.setting)
                            : QStringLiteral("configured here, but the file does not exist (yet)");
    out.append(main);
    for (LogCandidate c : found) {
        if (QDir::cleanPath(c.path) == configured || !c.exists)
            continue;
        c.configured = false;
        QString when = c.modified.isValid() ? c.modified.toString(Qt::ISODate) : QStringLiteral("unknown");
        c.note = QStringLiteral("not the configured log — likely a stale copy (last written %1); read %2 instead")
                     .arg(when, configured);
        out.append(c);
    }
    return out;
}

ServerLogs findServerLogs(RemoteHost& host, const LogFindOptions& options)
{
    const bool sudo = options.sudo;
    const QString& neo4jConf = options.neo4jConf;
    const QString& neo4jHome = options.neo4jHome;
    ServerLogs logs;
    CommandOptions opts;
    opts.sudo = sudo;
    opts.timeoutMs = 20000;
    const auto nginxT = host.run(options.nginxCommand, opts);
    if (!nginxT)
        logs.nginxError = nginxT.error();
    else if (nginxT->exitStatus != 0)
        logs.nginxError = QStringLiteral("nginx -T failed (exit %1): %2")
                              .arg(nginxT->exitStatus)
                              .arg(QString::fromUtf8(nginxT->stdErr).trimmed());
    else {
        const auto parsed = parseNginxErrorLogs(QString::fromUtf8(nginxT->stdOut), options.nginxPrefix);
        if (parsed)
            logs.nginx = *parsed;
        else
            logs.nginxError = parsed.error();
    }

    const auto conf = host.readFile(neo4jConf, sudo);
    if (!conf) {
        logs.neo4jError = conf.error();
        return logs;
    }
    logs.neo4j = parseNeo4jLogLocation(QString::fromUtf8(*conf), neo4jHome);
    QStringList places = {logs.neo4j.neo4jLog(), QStringLiteral("/var/log/neo4j/neo4j.log"),
                          neo4jHome + QStringLiteral("/logs/neo4j.log")};
    places.removeDuplicates();
    QList<LogCandidate> found;
    for (const QString& p : places) {
        LogCandidate c;
        c.path = QDir::cleanPath(p);
        const auto st = host.run(QStringLiteral("stat -c %Y -- '%1'").arg(c.path), opts);
        if (st && st->exitStatus == 0) {
            c.exists = true;
            c.modified = QDateTime::fromSecsSinceEpoch(QString::fromUtf8(st->stdOut).trimmed().toLongLong(), Qt::UTC);
        }
        found.append(c);
    }
    logs.neo4jCandidates = rateNeo4jCandidates(logs.neo4j, found);
    return logs;
}

} // namespace socketscope::logs
