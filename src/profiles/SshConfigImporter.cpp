// SPDX-License-Identifier: GPL-3.0-or-later
#include "profiles/SshConfigImporter.h"

#include "core/GlobMatch.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>

namespace socketscope {

namespace {

QString tr(const char* text) { return QCoreApplication::translate("SshConfigImporter", text); }

constexpr int kMaxIncludeDepth = 16;     // as ssh(1)
constexpr int kMaxIncludedFiles = 256;
constexpr qsizetype kMaxFileBytes = 4 * 1024 * 1024;

struct Pattern {
    QString glob;
    bool negated = false;
};

struct Setting {
    QString keyword; // lower case
    QStringList args;
    QString where;   // "file:line"
};

struct Block {
    QList<Pattern> patterns; // empty: a Match block (never applies)
    bool isMatch = false;
    QList<Setting> settings;
};

bool blockMatches(const Block& b, const QString& alias)
{
    if (b.isMatch)
        return false;
    bool matched = false;
    for (const Pattern& pat : b.patterns) {
        if (globMatch(alias, pat.glob)) {
            if (pat.negated)
                return false;
            matched = true;
        }
    }
    return matched;
}

bool isWildcard(const QString& s) { return s.contains(u'*') || s.contains(u'?'); }

// Splits a config line's arguments: whitespace-separated, double quotes group.
std::optional<QStringList> splitArgs(QStringView text)
{
    QStringList out;
    QString cur;
    bool inQuote = false, have = false;
    for (const QChar c : text) {
        if (c == u'"') {
            inQuote = !inQuote;
            have = true;
        } else if (!inQuote && (c == u' ' || c == u'\t')) {
            if (have)
                out << cur;
            cur.clear();
            have = false;
        } else {
            cur += c;
            have = true;
        }
    }
    if (inQuote)
        return std::nullopt;
    if (have)
        out << cur;
    return out;
}

QString expandTokens(QString value, const QString& alias, const QString& hostName, const QString& user)
{
    if (value.startsWith(QLatin1String("~/")) || value == QLatin1String("~"))
        value = QDir::homePath() + value.mid(1);
    QString out;
    for (qsizetype i = 0; i < value.size(); ++i) {
        const QChar c = value.at(i);
        if (c != u'%' || i + 1 >= value.size()) {
            out += c;
            continue;
        }
        const QChar t = value.at(++i);
        if (t == u'%')
            out += u'%';
        else if (t == u'd')
            out += QDir::homePath();
        else if (t == u'h')
            out += hostName.isEmpty() ? alias : hostName;
        else if (t == u'n')
            out += alias;
        else if (t == u'r')
            out += user;
        else
            out += u'%' + QString(t); // tokens we do not know are kept as written
    }
    return out;
}

class Parser {
public:
    Parser(QString sshDir, SshConfigImporter::FileReader reader)
        : m_sshDir(std::move(sshDir)), m_reader(std::move(reader))
    {
        m_blocks.append(Block{{Pattern{QStringLiteral("*"), false}}, false, {}}); // settings before any Host
    }

    void parseText(const QByteArray& text, const QString& file, int depth)
    {
        if (text.size() > kMaxFileBytes) {
            m_result.warnings << tr("%1: larger than %2 MiB, not read").arg(file).arg(kMaxFileBytes >> 20);
            return;
        }
        const QString content = QString::fromUtf8(text);
        int lineNo = 0;
        for (QStringView line : QStringView(content).split(u'\n')) {
            ++lineNo;
            parseLine(line.trimmed(), file, lineNo, depth);
        }
    }

    SshConfigParse finish()
    {
        for (const auto& [alias, where] : std::as_const(m_aliases))
            m_result.hosts.append(resolve(alias, where.first, where.second));
        return m_result;
    }

private:
    void warn(const QString& where, const QString& what) { m_result.warnings << where + QLatin1String(": ") + what; }

    void parseLine(QStringView line, const QString& file, int lineNo, int depth)
    {
        if (line.endsWith(u'\r'))
            line.chop(1);
        line = line.trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            return;
        const QString where = file + u':' + QString::number(lineNo);
        // "Keyword value", "Keyword=value" or "Keyword = value".
        qsizetype end = 0;
        while (end < line.size() && !line[end].isSpace() && line[end] != u'=')
            ++end;
        const QString keyword = line.left(end).toString().toLower();
        QStringView rest = line.mid(end).trimmed();
        if (rest.startsWith(u'='))
            rest = rest.mid(1).trimmed();
        const std::optional<QStringList> args = splitArgs(rest);
        if (!args) {
            warn(where, tr("unbalanced double quote, line skipped"));
            return;
        }
        if (keyword == QLatin1String("host")) {
            Block b;
            for (const QString& a : *args) {
                Pattern pat{a.startsWith(u'!') ? a.mid(1) : a, a.startsWith(u'!')};
                b.patterns.append(pat);
                if (pat.negated || pat.glob.isEmpty())
                    continue;
                if (isWildcard(pat.glob)) {
                    if (pat.glob != QLatin1String("*"))
                        warn(where, tr("Host pattern '%1' is a wildcard, not a host: its settings apply to matching hosts only").arg(a));
                    continue;
                }
                if (!m_aliasIndex.contains(pat.glob)) {
                    m_aliasIndex.insert(pat.glob, int(m_aliases.size()));
                    m_aliases.append({pat.glob, {file, lineNo}});
                }
            }
            if (args->isEmpty())
                warn(where, tr("Host without a pattern"));
            m_blocks.append(b);
            return;
        }
        if (keyword == QLatin1String("match")) {
            warn(where, tr("Match blocks are not imported; their settings are ignored"));
            m_blocks.append(Block{{}, true, {}});
            return;
        }
        if (keyword == QLatin1String("include")) {
            include(*args, where, depth);
            return;
        }
        if (args->isEmpty()) {
            warn(where, tr("'%1' without a value, ignored").arg(line.left(end).toString()));
            return;
        }
        m_blocks.last().settings.append({keyword, *args, where});
    }

    void include(const QStringList& args, const QString& where, int depth)
    {
        if (!m_reader) {
            warn(where, tr("Include not followed: %1").arg(args.join(u' ')));
            return;
        }
        if (depth >= kMaxIncludeDepth) {
            warn(where, tr("Include nested more than %1 deep, not followed").arg(kMaxIncludeDepth));
            return;
        }
        for (QString pattern : args) {
            if (pattern.startsWith(QLatin1String("~/")))
                pattern = QDir::homePath() + pattern.mid(1);
            else if (QDir::isRelativePath(pattern))
                pattern = m_sshDir + u'/' + pattern;
            QStringList files;
            const QFileInfo fi(pattern);
            if (isWildcard(fi.fileName())) {
                const QDir dir(fi.absolutePath());
                for (const QString& name : dir.entryList({fi.fileName()}, QDir::Files | QDir::Readable, QDir::Name))
                    files << dir.filePath(name);
            } else {
                files << pattern;
            }
            if (files.isEmpty())
                warn(where, tr("Include %1 matches no file").arg(pattern));
            for (const QString& f : std::as_const(files)) {
                if (++m_includedFiles > kMaxIncludedFiles) {
                    warn(where, tr("more than %1 included files, stopped following Include").arg(kMaxIncludedFiles));
                    return;
                }
                const std::optional<QByteArray> data = m_reader(f);
                if (!data) {
                    warn(where, tr("Include %1 cannot be read").arg(f));
                    continue;
                }
                parseText(*data, f, depth + 1);
            }
        }
    }

    SshConfigHost resolve(const QString& alias, const QString& file, int line)
    {
        SshConfigHost h;
        h.alias = alias;
        h.sourceFile = file;
        h.line = line;
        bool havePort = false, haveJump = false;
        QStringList rawIdentities;
        for (const Block& b : std::as_const(m_blocks)) {
            if (!blockMatches(b, alias))
                continue;
            for (const Setting& s : b.settings) {
                const QString& v = s.args.first();
                if (s.keyword == QLatin1String("hostname") && h.hostName.isEmpty()) {
                    h.hostName = v;
                } else if (s.keyword == QLatin1String("user") && h.user.isEmpty()) {
                    h.user = v;
                } else if (s.keyword == QLatin1String("port") && !havePort) {
                    havePort = true;
                    bool ok = false;
                    const int port = v.toInt(&ok);
                    if (ok && port >= 1 && port <= 65535)
                        h.port = port;
                    else
                        warn(s.where, tr("Port '%1' is not a number from 1 to 65535, ignored").arg(v));
                } else if (s.keyword == QLatin1String("identityfile")) {
                    if (v.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0)
                        rawIdentities << v;
                } else if (s.keyword == QLatin1String("proxyjump") && !haveJump) {
                    haveJump = true;
                    h.proxyJump = v.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0 ? QString() : v;
                } else if (s.keyword == QLatin1String("proxycommand") && !haveJump) {
                    // ProxyCommand and ProxyJump share one slot in ssh(1): the first one set wins.
                    haveJump = true;
                    if (v.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0)
                        warn(s.where, tr("ProxyCommand is not supported for '%1'; use ProxyJump").arg(alias));
                }
            }
        }
        h.hostName = expandTokens(h.hostName, alias, QString(), h.user);
        for (const QString& id : std::as_const(rawIdentities))
            h.identityFiles << expandTokens(id, alias, h.hostName, h.user);
        return h;
    }

    QString m_sshDir;
    SshConfigImporter::FileReader m_reader;
    QList<Block> m_blocks;
    QList<std::pair<QString, std::pair<QString, int>>> m_aliases; // in file order
    QHash<QString, int> m_aliasIndex;
    int m_includedFiles = 0;
    SshConfigParse m_result;
};

} // namespace

QString SshConfigImporter::defaultPath()
{
    return QDir::homePath() + QStringLiteral("/.ssh/config");
}

SshConfigParse SshConfigImporter::parse(const QByteArray& text, const QString& sourceFile, const QString& sshDir,
                                        const FileReader& reader)
{
    Parser parser(sshDir.isEmpty() ? QDir::homePath() + QStringLiteral("/.ssh") : sshDir, reader);
    parser.parseText(text, sourceFile, 0);
    return parser.finish();
}

SshConfigParse SshConfigImporter::parseFile(const QString& path)
{
    const FileReader reader = [](const QString& p) -> std::optional<QByteArray> {
        QFile f(p);
        if (!f.open(QIODevice::ReadOnly))
            return std::nullopt;
        return f.read(kMaxFileBytes + 1);
    };
    const std::optional<QByteArray> text = reader(path);
    if (!text) {
        SshConfigParse r;
        r.warnings << tr("%1 cannot be read").arg(QDir::toNativeSeparators(path));
        return r;
    }
    return parse(*text, path, QDir::homePath() + QStringLiteral("/.ssh"), reader);
}

Profile SshConfigImporter::toProfile(const SshConfigHost& host)
{
    Profile p;
    p.name = host.alias;
    p.ssh.host = host.hostName.isEmpty() ? host.alias : host.hostName;
    p.ssh.user = host.user;
    p.ssh.port = host.port > 0 ? host.port : 22;
    if (!host.identityFiles.isEmpty()) {
        p.ssh.auth = SshAccess::AuthMethod::KeyFile;
        p.ssh.keyFile = host.identityFiles.first();
    }
    p.ssh.jumpHost = host.proxyJump;
    p.notes = tr("Imported from %1 line %2").arg(QDir::toNativeSeparators(host.sourceFile)).arg(host.line);
    return p;
}

} // namespace socketscope
