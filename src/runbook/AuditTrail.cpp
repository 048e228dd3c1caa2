// SPDX-License-Identifier: GPL-3.0-or-later
#include "runbook/AuditTrail.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>

namespace socketscope {

void Redactor::addSecret(QByteArrayView secret)
{
    if (secret.size() >= 1) {
        const QString s = QString::fromUtf8(secret);
        if (!m_secrets.contains(s))
            m_secrets << s;
    }
}

void Redactor::clear()
{
    for (QString& s : m_secrets)
        s.fill(QLatin1Char('\0'));
    m_secrets.clear();
}

QString Redactor::redact(const QString& text) const
{
    QString out = text;
    for (const QString& s : m_secrets)
        out.replace(s, QStringLiteral("[redacted]"));
    struct Pattern { QRegularExpression re; QString replacement; };
    static const Pattern patterns[] = {
        {QRegularExpression(QStringLiteral("((?:password|passwd|passphrase|secret|token)\\s*[=:]\\s*)(\\S+)"),
                            QRegularExpression::CaseInsensitiveOption), QStringLiteral("\\1[redacted]")},
        {QRegularExpression(QStringLiteral("((?:Authorization|Proxy-Authorization)\\s*:\\s*)([^\\r\\n\"]+)"),
                            QRegularExpression::CaseInsensitiveOption), QStringLiteral("\\1[redacted]")},
        {QRegularExpression(QStringLiteral("(sshpass\\s+-p\\s*)('[^']*'|\\S+)")), QStringLiteral("\\1[redacted]")},
        {QRegularExpression(QStringLiteral("(echo\\s+)('[^']*'|\"[^\"]*\"|\\S+)(\\s*\\|\\s*sudo\\s+-S)")),
         QStringLiteral("\\1[redacted]\\3")},
    };
    for (const Pattern& p : patterns)
        out.replace(p.re, p.replacement);
    return out;
}

qsizetype Redactor::longestSecret() const
{
    qsizetype n = 0;
    for (const QString& s : m_secrets)
        n = qMax(n, s.toUtf8().size());
    return n;
}

QString Redactor::Stream::push(const QByteArray& chunk)
{
    constexpr qsizetype kMaxLine = 64 * 1024;
    m_pending += chunk;
    qsizetype cut = m_pending.lastIndexOf('\n') + 1;
    if (cut == 0 && m_pending.size() > kMaxLine)
        cut = m_pending.size() - m_redactor.longestSecret();
    if (cut <= 0)
        return {};
    const QString out = m_redactor.redact(QString::fromUtf8(m_pending.left(cut)));
    m_pending.remove(0, cut);
    return out;
}

QString Redactor::Stream::finish()
{
    const QString out = m_redactor.redact(QString::fromUtf8(m_pending));
    m_pending.clear();
    return out;
}

QString isoNowWithOffset()
{
    const QDateTime now = QDateTime::currentDateTime();
    return now.toOffsetFromUtc(now.offsetFromUtc()).toString(Qt::ISODateWithMs);
}

Status AuditTrail::open(const QString& path, const QString& runId, const QString& profile, const QString& runbook,
                        const QString& extraCopy)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::Append))
        return Status::failure(QObject::tr("cannot open the audit trail %1: %2").arg(path, f.errorString()));
    if (!extraCopy.isEmpty()) {
        QFile c(extraCopy);
        if (!c.open(QIODevice::Append))
            return Status::failure(QObject::tr("cannot open the audit file %1: %2").arg(extraCopy, c.errorString()));
    }
    QMutexLocker lock(&m_mutex);
    m_path = path;
    m_extraCopy = extraCopy;
    m_runId = runId;
    m_profile = profile;
    m_runbook = runbook;
    return Status::success();
}

QString AuditTrail::excerpt(const QByteArray& output, int maxChars)
{
    const QString s = QString::fromUtf8(output);
    if (s.size() <= maxChars)
        return s;
    const int half = maxChars / 2;
    return s.left(half) + QStringLiteral("\n[… %1 characters omitted …]\n").arg(s.size() - 2 * half) + s.right(half);
}

void AuditTrail::append(const AuditEvent& e)
{
    QMutexLocker lock(&m_mutex);
    if (m_path.isEmpty())
        return;
    QJsonObject o;
    o.insert(QStringLiteral("time"), isoNowWithOffset());
    o.insert(QStringLiteral("run"), m_runId);
    o.insert(QStringLiteral("profile"), m_redactor.redact(m_profile));
    o.insert(QStringLiteral("runbook"), m_runbook);
    o.insert(QStringLiteral("step"), e.step);
    o.insert(QStringLiteral("event"), e.event);
    if (!e.message.isEmpty())
        o.insert(QStringLiteral("message"), m_redactor.redact(e.message));
    if (!e.command.isEmpty())
        o.insert(QStringLiteral("command"), m_redactor.redact(e.command));
    if (e.exitStatus)
        o.insert(QStringLiteral("exit_status"), *e.exitStatus);
    if (!e.output.isEmpty())
        o.insert(QStringLiteral("output"), m_redactor.redact(e.output));
    if (!e.path.isEmpty())
        o.insert(QStringLiteral("path"), e.path);
    if (!e.checksumBefore.isEmpty())
        o.insert(QStringLiteral("sha256_before"), e.checksumBefore);
    if (!e.checksumAfter.isEmpty())
        o.insert(QStringLiteral("sha256_after"), e.checksumAfter);
    for (auto it = e.extra.begin(); it != e.extra.end(); ++it)
        o.insert(it.key(), it.value().isString() ? QJsonValue(m_redactor.redact(it.value().toString())) : it.value());
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    for (const QString& file : {m_path, m_extraCopy}) {
        if (file.isEmpty())
            continue;
        QFile f(file);
        if (f.open(QIODevice::Append)) {
            f.write(line);
            f.flush();
        }
    }
}

QList<QJsonObject> AuditTrail::read(const QString& path)
{
    QList<QJsonObject> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine().trimmed();
        if (line.isEmpty())
            continue;
        const QJsonDocument d = QJsonDocument::fromJson(line);
        if (d.isObject())
            out << d.object();
    }
    return out;
}

} // namespace socketscope
