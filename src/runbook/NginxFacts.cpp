// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/NginxFacts.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace socketscope::NginxFacts {

QString sha256Hex(const QByteArray& data)
{
    return QString::fromLatin1(QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
}

QString dumpCommandFor(const QString& testCommand)
{
    QStringList words = testCommand.split(QLatin1Char(' '));
    bool replaced = false;
    for (QString& w : words) {
        if (w == QLatin1String("-t")) {
            w = QStringLiteral("-T");
            replaced = true;
        }
    }
    return replaced ? words.join(QLatin1Char(' ')) : QString();
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

QString directivePath(const QByteArray& dump, const QString& directive)
{
    const QRegularExpression re(QStringLiteral("^\\s*%1\\s+([^;\\s]+)[^;]*;").arg(QRegularExpression::escape(directive)));
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
