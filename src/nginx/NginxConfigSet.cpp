// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/NginxConfigSet.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace socketscope::nginx {

namespace {

constexpr qint64 kMaxFileBytes = 64LL * 1024 * 1024;

bool hasWildcard(const QString& s)
{
    return s.contains(QLatin1Char('*')) || s.contains(QLatin1Char('?')) || s.contains(QLatin1Char('['));
}

} // namespace

bool NginxConfigSet::isBackupName(const QString& name)
{
    static const QRegularExpression re(QStringLiteral(
        R"((\.bak\d*$|\.backup|~$|\.orig$|\.old$|\.save$|\.swp$|\.dpkg-(old|dist|new|bak)$|\.rpm(save|new|orig)$))"),
        QRegularExpression::CaseInsensitiveOption);
    return re.match(name).hasMatch();
}

int NginxConfigSet::indexOf(const QString& path) const
{
    for (size_t i = 0; i < m_files.size(); ++i) {
        if (m_files[i].path == path)
            return int(i);
    }
    return -1;
}

bool NginxConfigSet::parseInto(const QByteArray& text, const QString& path, ConfError* error)
{
    ConfFile file;
    if (!NginxParser::parse(text, path, &file, error))
        return false;
    m_files.push_back(std::move(file));
    return true;
}

bool NginxConfigSet::loadFile(const QString& path, const LoadOptions& options, ConfError* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = {path, 0, 0, QStringLiteral("cannot read: %1").arg(f.errorString())};
        return false;
    }
    if (f.size() > kMaxFileBytes) {
        *error = {path, 0, 0, QStringLiteral("file is larger than 64 MiB: not an nginx configuration")};
        return false;
    }
    return loadText(f.readAll(), QFileInfo(path).absoluteFilePath(), options, error);
}

bool NginxConfigSet::loadText(const QByteArray& text, const QString& path, const LoadOptions& options, ConfError* error)
{
    *this = NginxConfigSet();
    m_options = options;
    if (!parseInto(text, path, error))
        return false;
    if (!options.followIncludes)
        return true;
    QStringList stack{path};
    return resolveIncludes(0, m_files[0].nodes, stack, error);
}

bool NginxConfigSet::loadDump(const QByteArray& dump, const LoadOptions& options, ConfError* error)
{
    *this = NginxConfigSet();
    m_options = options;
    m_fromDump = true;
    static const QByteArray marker = "# configuration file ";
    qsizetype pos = 0;
    qsizetype headerStart = -1;
    QString currentPath;
    qsizetype contentStart = 0;
    auto closeSection = [&](qsizetype end) {
        if (headerStart < 0)
            return;
        QByteArray content = dump.mid(contentStart, end - contentStart);
        if (content.endsWith('\n')) // nginx -T writes one newline after each file
            content.chop(1);
        m_dumpPaths.append(currentPath);
        m_dumpTexts.append(content);
    };
    while (pos < dump.size()) {
        qsizetype eol = dump.indexOf('\n', pos);
        if (eol < 0)
            eol = dump.size();
        const QByteArray line = dump.mid(pos, eol - pos);
        QByteArray trimmed = line;
        if (trimmed.endsWith('\r'))
            trimmed.chop(1);
        if (trimmed.startsWith(marker) && trimmed.endsWith(':')) {
            closeSection(pos);
            headerStart = pos;
            currentPath = QString::fromUtf8(trimmed.mid(marker.size(), trimmed.size() - marker.size() - 1));
            contentStart = qMin(eol + 1, dump.size());
        }
        pos = eol + 1;
    }
    closeSection(dump.size());
    if (m_dumpPaths.isEmpty()) {
        *error = {QStringLiteral("<nginx -T>"), 0, 0,
                  QStringLiteral("no \"# configuration file PATH:\" sections: this is not the output of nginx -T")};
        return false;
    }
    if (!parseInto(m_dumpTexts.first(), m_dumpPaths.first(), error))
        return false;
    if (!options.followIncludes)
        return true;
    QStringList stack{m_dumpPaths.first()};
    if (!resolveIncludes(0, m_files[0].nodes, stack, error))
        return false;
    // Sections nothing included (e.g. a mime.types the dump lists) are still parsed for completeness.
    for (int i = 0; i < m_dumpPaths.size(); ++i) {
        if (indexOf(m_dumpPaths.at(i)) < 0) {
            if (!parseInto(m_dumpTexts.at(i), m_dumpPaths.at(i), error))
                return false;
        }
    }
    return true;
}

QString NginxConfigSet::absoluteFor(const QString& target, int fileIndex) const
{
    if (QDir::isAbsolutePath(target))
        return QDir::cleanPath(target);
    const QString mainDir = QFileInfo(m_files[0].path).path();
    const QString base = m_options.prefix.isEmpty() ? mainDir : m_options.prefix;
    const QString fromPrefix = QDir::cleanPath(base + QLatin1Char('/') + target);
    const QString fromFile = QDir::cleanPath(QFileInfo(m_files[size_t(fileIndex)].path).path() + QLatin1Char('/') + target);
    if (m_fromDump) {
        const QString dir = QFileInfo(fromPrefix).path();
        for (const QString& p : m_dumpPaths) {
            if (p == fromPrefix || QFileInfo(p).path() == dir)
                return fromPrefix;
        }
        return fromFile;
    }
    const QString probe = hasWildcard(target) ? QFileInfo(fromPrefix).path() : fromPrefix;
    if (QFileInfo::exists(probe) || fromFile == fromPrefix)
        return fromPrefix;
    const QString probe2 = hasWildcard(target) ? QFileInfo(fromFile).path() : fromFile;
    return QFileInfo::exists(probe2) ? fromFile : fromPrefix;
}

QStringList NginxConfigSet::expand(const QString& target, int fileIndex, int line, bool* isGlob)
{
    const QString abs = absoluteFor(target, fileIndex);
    *isGlob = hasWildcard(target);
    QStringList result;
    if (!*isGlob) {
        if (m_fromDump ? m_dumpPaths.contains(abs) : QFileInfo::exists(abs))
            result.append(abs);
        return result;
    }
    GlobInclude glob{fileIndex, line, abs, {}};
    if (m_fromDump) {
        const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(abs));
        for (const QString& p : m_dumpPaths) {
            if (re.match(p).hasMatch()) {
                result.append(p);
                glob.matches.append({p, false, false});
            }
        }
    } else {
        const QFileInfo fi(abs);
        const QDir dir(fi.path());
        const QFileInfoList entries = dir.entryInfoList({fi.fileName()},
            QDir::Files | QDir::System | QDir::CaseSensitive, QDir::Name);
        for (const QFileInfo& e : entries) {
            result.append(e.absoluteFilePath());
            glob.matches.append({e.absoluteFilePath(), e.isSymLink(), true});
        }
    }
    m_globs.append(glob);
    return result;
}

bool NginxConfigSet::resolveIncludes(int fileIndex, std::vector<ConfNode>& nodes, QStringList& stack, ConfError* error)
{
    for (ConfNode& node : nodes) {
        if (node.isBlock) {
            if (!resolveIncludes(fileIndex, node.children, stack, error))
                return false;
            continue;
        }
        if (node.name() != "include" || node.argCount() < 1)
            continue;
        const QString target = QString::fromUtf8(node.arg(0));
        const QString& here = m_files[size_t(fileIndex)].path;
        bool isGlob = false;
        const QStringList paths = expand(target, fileIndex, node.pos().line, &isGlob);
        if (paths.isEmpty()) {
            m_notes.append(QStringLiteral("%1:%2: include %3 %4").arg(here).arg(node.pos().line).arg(target,
                isGlob ? QStringLiteral("matched no file") : QStringLiteral("not found (skipped)")));
            continue;
        }
        for (const QString& p : paths) {
            if (stack.contains(p)) {
                *error = {here, node.pos().line, node.pos().column,
                          QStringLiteral("include cycle: %1 includes %2 again").arg(stack.join(QStringLiteral(" → ")), p)};
                return false;
            }
            int idx = indexOf(p);
            if (idx < 0) {
                if (int(m_files.size()) >= m_options.maxFiles) {
                    *error = {here, node.pos().line, node.pos().column,
                              QStringLiteral("more than %1 included files").arg(m_options.maxFiles)};
                    return false;
                }
                QByteArray text;
                if (m_fromDump) {
                    text = m_dumpTexts.at(m_dumpPaths.indexOf(p));
                } else {
                    QFile f(p);
                    if (!f.open(QIODevice::ReadOnly) || f.size() > kMaxFileBytes) {
                        m_notes.append(QStringLiteral("%1:%2: include %3: cannot read (%4)")
                                           .arg(here).arg(node.pos().line).arg(p, f.errorString()));
                        continue;
                    }
                    text = f.readAll();
                }
                if (!parseInto(text, p, error))
                    return false;
                idx = int(m_files.size()) - 1;
                stack.append(p);
                if (!resolveIncludes(idx, m_files[size_t(idx)].nodes, stack, error))
                    return false;
                stack.removeLast();
            }
            node.includedFiles.append(idx);
        }
    }
    return true;
}

} // namespace socketscope::nginx
