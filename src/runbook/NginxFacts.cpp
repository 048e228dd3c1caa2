// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/NginxFacts.h"

#include "remote/LocalHost.h"

#include <QCryptographicHash>
#include <QObject>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace socketscope::NginxFacts {

QString sha256Hex(const QByteArray& data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

namespace {

enum class WordMode { Command, Literal };

// POSIX shell words of the first simple command (Command) or of a whole line whose metacharacters
// are plain text (Literal: nginx -V's configure arguments).
Result<QStringList> shellWords(const QString& line, WordMode mode)
{
    using R = Result<QStringList>;
    QStringList words;
    QString word;
    bool inWord = false;
    const bool strict = mode == WordMode::Command;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (c == QLatin1Char('\'')) {
            const qsizetype end = line.indexOf(QLatin1Char('\''), i + 1);
            if (end < 0)
                return R::failure(QObject::tr("unbalanced ' quote"));
            word += line.mid(i + 1, end - i - 1);
            inWord = true;
            i = end;
        } else if (c == QLatin1Char('"')) {
            qsizetype j = i + 1;
            for (; j < line.size() && line.at(j) != QLatin1Char('"'); ++j) {
                const QChar d = line.at(j);
                if (strict && (d == QLatin1Char('$') || d == QLatin1Char('`')))
                    return R::failure(QObject::tr("it uses a shell expansion (%1)").arg(d));
                if (d == QLatin1Char('\\') && j + 1 < line.size()
                    && QStringLiteral("$`\"\\").contains(line.at(j + 1))) {
                    ++j;
                }
                word += line.at(j);
            }
            if (j >= line.size())
                return R::failure(QObject::tr("unbalanced \" quote"));
            inWord = true;
            i = j;
        } else if (c == QLatin1Char('\\')) {
            if (i + 1 < line.size()) {
                word += line.at(++i);
                inWord = true;
            }
        } else if (c == QLatin1Char(' ') || c == QLatin1Char('\t')) {
            if (inWord)
                words << word;
            word.clear();
            inWord = false;
        } else if (strict && QStringLiteral(";&|<>()\n").contains(c)) {
            break; // the end of the first simple command
        } else if (strict && c == QLatin1Char('#') && !inWord) {
            break; // a comment
        } else if (strict && (c == QLatin1Char('$') || c == QLatin1Char('`') || c == QLatin1Char('*') || c == QLatin1Char('?')
                              || c == QLatin1Char('[') || (c == QLatin1Char('~') && !inWord))) {
            return R::failure(QObject::tr("it uses a shell expansion or glob (%1)").arg(c));
        } else {
            word += c;
            inWord = true;
        }
    }
    if (inWord)
        words << word;
    return words;
}

} // namespace

Result<QStringList> firstCommandWords(const QString& commandLine)
{
    return shellWords(commandLine, WordMode::Command);
}

Result<NginxInvocation> parseNginxCommand(const QString& commandLine)
{
    using R = Result<NginxInvocation>;
    Result<QStringList> parsed = firstCommandWords(commandLine);
    if (!parsed)
        return R::failure(QObject::tr("cannot read \"%1\" as an nginx command: %2").arg(commandLine, parsed.error()));
    QStringList words = parsed.value();
    if (!words.isEmpty() && words.first() == QLatin1String("sudo"))
        words.removeFirst();
    if (words.isEmpty() || QFileInfo(words.first()).fileName() != QLatin1String("nginx"))
        return R::failure(QObject::tr("\"%1\" does not start with the nginx binary").arg(commandLine));
    NginxInvocation n;
    n.binary = words.first();
    for (qsizetype i = 1; i < words.size(); ++i) {
        const QString w = words.at(i);
        if (w.size() < 2 || !w.startsWith(QLatin1Char('-')))
            return R::failure(QObject::tr("\"%1\": unexpected argument \"%2\" to nginx").arg(commandLine, w));
        // nginx reads options character by character ("-tq"); p, c, e, g and s take a value,
        // attached ("-p/srv/") or as the next word.
        for (qsizetype k = 1; k < w.size(); ++k) {
            const QChar o = w.at(k);
            if (QStringLiteral("tTqvV?h").contains(o))
                continue;
            if (!QStringLiteral("pcegs").contains(o))
                return R::failure(QObject::tr("\"%1\": unknown nginx option -%2").arg(commandLine, o));
            QString value = w.mid(k + 1);
            if (value.isEmpty()) {
                if (i + 1 >= words.size())
                    return R::failure(QObject::tr("\"%1\": option -%2 needs a value").arg(commandLine, o));
                value = words.at(++i);
            }
            if (o == QLatin1Char('p'))
                n.prefix = value;
            else if (o == QLatin1Char('c'))
                n.conf = value;
            else if (o == QLatin1Char('e'))
                n.errorLog = value;
            else if (o == QLatin1Char('g'))
                n.globals = value;
            break; // the rest of the word was the value
        }
    }
    return n;
}

static QString q(const QString& s) { return LocalHost::shellWord(s); }

QString dumpCommand(const NginxInvocation& nginx)
{
    QString cmd = q(nginx.binary) + QStringLiteral(" -T");
    const std::pair<const char*, const QString*> opts[] = {{" -p ", &nginx.prefix}, {" -c ", &nginx.conf},
                                                           {" -e ", &nginx.errorLog}, {" -g ", &nginx.globals}};
    for (const auto& [flag, value] : opts)
        if (!value->isEmpty())
            cmd += QLatin1String(flag) + q(*value);
    return cmd;
}

QString versionCommand(const NginxInvocation& nginx)
{
    return q(nginx.binary) + QStringLiteral(" -V");
}

NginxBuild parseVersionOutput(const QByteArray& output)
{
    NginxBuild b;
    b.prefix = QStringLiteral("/usr/local/nginx/"); // nginx's auto/options defaults
    b.pidPath = QStringLiteral("logs/nginx.pid");
    static const QRegularExpression versionRe(QStringLiteral("^nginx version: [A-Za-z]+/(\\S+)"), QRegularExpression::MultilineOption);
    if (const auto v = versionRe.match(QString::fromUtf8(output)); v.hasMatch())
        b.version = v.captured(1);
    static const QRegularExpression re(QStringLiteral("^configure arguments:(.*)$"), QRegularExpression::MultilineOption);
    const auto m = re.match(QString::fromUtf8(output));
    if (!m.hasMatch())
        return b;
    const Result<QStringList> words = shellWords(m.captured(1), WordMode::Literal);
    if (!words)
        return b;
    for (const QString& w : words.value()) {
        if (w.startsWith(QLatin1String("--prefix=")))
            b.prefix = w.mid(9);
        else if (w.startsWith(QLatin1String("--pid-path=")))
            b.pidPath = w.mid(11);
    }
    return b;
}

QString resolveAgainstPrefix(const QString& path, const QString& prefix)
{
    if (path.isEmpty() || !QDir::isRelativePath(path))
        return path.isEmpty() ? path : QDir::cleanPath(path);
    return QDir::cleanPath(prefix + QLatin1Char('/') + path);
}

QString mainConfigPath(const QByteArray& dump)
{
    static const QRegularExpression re(QStringLiteral("^# configuration file (.+):\\s*$"), QRegularExpression::MultilineOption);
    const auto m = re.match(QString::fromUtf8(dump));
    return m.hasMatch() ? m.captured(1).trimmed() : QString();
}

// Strips comments (outside quotes) from one line of nginx config.
static QString stripComment(const QString& line)
{
    QChar quote;
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line.at(i);
        if (!quote.isNull()) {
            if (c == quote)
                quote = QChar();
        } else if (c == QLatin1Char('"') || c == QLatin1Char('\'')) {
            quote = c;
        } else if (c == QLatin1Char('#')) {
            return line.left(i);
        }
    }
    return line;
}

static QString unquote(QString v)
{
    v = v.trimmed();
    if (v.size() >= 2 && (v.startsWith(QLatin1Char('"')) || v.startsWith(QLatin1Char('\''))) && v.endsWith(v.at(0)))
        v = v.mid(1, v.size() - 2);
    return v;
}

QStringList includePatterns(const QByteArray& dump)
{
    const QString main = mainConfigPath(dump);
    const QString prefix = main.isEmpty() ? QStringLiteral("/etc/nginx") : QFileInfo(main).absolutePath();
    static const QRegularExpression re(QStringLiteral("(?:^|[;{}\\s])include\\s+([^;]+);"));
    QStringList out;
    for (const QString& raw : QString::fromUtf8(dump).split(QLatin1Char('\n'))) {
        const QString line = stripComment(raw);
        auto it = re.globalMatch(line);
        while (it.hasNext()) {
            QString p = unquote(it.next().captured(1));
            if (p.isEmpty())
                continue;
            if (QDir::isRelativePath(p))
                p = prefix + QLatin1Char('/') + p;
            p = QDir::cleanPath(p);
            if (!out.contains(p))
                out << p;
        }
    }
    return out;
}

bool isIncluded(const QString& path, const QStringList& patterns)
{
    const QString clean = QDir::cleanPath(path);
    for (const QString& p : patterns) {
        // nginx's glob: '*' does not cross '/'; wildcardToRegularExpression in Qt 6.4 behaves the same.
        const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(p));
        if (re.match(clean).hasMatch())
            return true;
        // A directory nginx globs from (sites-enabled/*, conf.d/*.conf) is off limits as a whole:
        // a file that does not match today matches after someone widens the glob.
        const bool wildcard = p.contains(QLatin1Char('*')) || p.contains(QLatin1Char('?')) || p.contains(QLatin1Char('['));
        if (wildcard && QFileInfo(p).absolutePath() == QFileInfo(clean).absolutePath())
            return true;
    }
    return false;
}

BackupDirRisk backupDirRisk(const QString& dir, const QString& siteName, const QStringList& patterns)
{
    const QString clean = QDir::cleanPath(dir);
    const QString name = QFileInfo(clean).fileName();
    if (name == QLatin1String("sites-enabled") || name == QLatin1String("conf.d"))
        return BackupDirRisk::LoadsEveryFile;
    if (isIncluded(clean + QLatin1Char('/') + siteName + QStringLiteral(".backup.00000000_000000"), patterns))
        return BackupDirRisk::Included;
    return BackupDirRisk::None;
}

QString directivePath(const QByteArray& dump, const QString& directive)
{
    const QRegularExpression re(QStringLiteral("(?:^|[;{}])\\s*") + QRegularExpression::escape(directive)
                                + QStringLiteral("\\s+([^;\\s]+)[^;]*;"));
    for (const QString& raw : QString::fromUtf8(dump).split(QLatin1Char('\n'))) {
        const auto m = re.match(stripComment(raw));
        if (m.hasMatch())
            return unquote(m.captured(1));
    }
    return {};
}

QSet<qint64> childPids(const QByteArray& psOutput, qint64 parent)
{
    QSet<qint64> out;
    for (const QByteArray& line : psOutput.split('\n')) {
        const QList<QByteArray> f = line.simplified().split(' ');
        if (f.size() < 2)
            continue;
        bool okPid = false, okPpid = false;
        const qint64 pid = f.at(0).toLongLong(&okPid);
        const qint64 ppid = f.at(1).toLongLong(&okPpid);
        if (okPid && okPpid && ppid == parent)
            out.insert(pid);
    }
    return out;
}

QHash<qint64, QString> processArgs(const QByteArray& psOutput)
{
    QHash<qint64, QString> out;
    for (const QByteArray& line : psOutput.split('\n')) {
        const QList<QByteArray> f = line.simplified().split(' ');
        if (f.size() < 3)
            continue;
        bool ok = false;
        const qint64 pid = f.at(0).toLongLong(&ok);
        if (ok)
            out.insert(pid, QString::fromUtf8(f.mid(2).join(' ')));
    }
    return out;
}

std::optional<double> parseNginxTime(const QString& value)
{
    static const QRegularExpression part(QStringLiteral("(\\d+)(ms|s|m|h|d|w|M|y)?"));
    const QString v = unquote(value);
    if (v.isEmpty())
        return std::nullopt;
    double total = 0;
    qsizetype pos = 0;
    while (pos < v.size()) {
        const auto m = part.match(v, pos, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
        if (!m.hasMatch())
            return std::nullopt;
        const double n = m.captured(1).toDouble();
        const QString unit = m.captured(2);
        if (unit == QLatin1String("ms")) total += n / 1000.0;
        else if (unit.isEmpty() || unit == QLatin1String("s")) total += n;
        else if (unit == QLatin1String("m")) total += n * 60;
        else if (unit == QLatin1String("h")) total += n * 3600;
        else if (unit == QLatin1String("d")) total += n * 86400;
        else if (unit == QLatin1String("w")) total += n * 7 * 86400;
        else if (unit == QLatin1String("M")) total += n * 30 * 86400;
        else total += n * 365 * 86400;
        pos = m.capturedEnd();
    }
    return total;
}

std::optional<double> maxProxyReadTimeout(const QByteArray& text)
{
    static const QRegularExpression re(QStringLiteral("^\\s*proxy_read_timeout\\s+([^;\\s]+)\\s*;"));
    std::optional<double> best;
    for (const QString& raw : QString::fromUtf8(text).split(QLatin1Char('\n'))) {
        const auto m = re.match(stripComment(raw));
        if (!m.hasMatch())
            continue;
        const auto t = parseNginxTime(m.captured(1));
        if (t && (!best || *t > *best))
            best = t;
    }
    return best;
}

QStringList emergencyLines(const QByteArray& text)
{
    QStringList out;
    for (const QByteArray& line : text.split('\n'))
        if (line.contains("[emerg]") || line.contains("[alert]"))
            out << QString::fromUtf8(line.trimmed());
    return out;
}

} // namespace socketscope::NginxFacts
