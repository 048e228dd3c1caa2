// SPDX-License-Identifier: GPL-3.0-or-later
#include "timeouts/CutLogs.h"

#include "remote/LocalHost.h"
#include "remote/RemoteHost.h"

#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace socketscope {

namespace {

// httplog: "… TR/Tw/Tc/Tr/Ta STATUS BYTES REQ_COOKIE RES_COOKIE TERM(4) …"; tcplog: "… Tw/Tc/Tt BYTES TERM(2) …".
const QRegularExpression& httpLogLine()
{
    static const QRegularExpression re(
        QStringLiteral(R"(\s-?\d+/-?\d+/-?\d+/-?\d+/\+?(\d+)\s+\d{3}\s+\+?\d+\s+\S+\s+\S+\s+([A-Za-z-]{2})[A-Za-z-]{2}(?:\s|$))"));
    return re;
}

const QRegularExpression& tcpLogLine()
{
    static const QRegularExpression re(QStringLiteral(R"(\s-?\d+/-?\d+/\+?(\d+)\s+\+?\d+\s+([A-Za-z-]{2})(?:\s|$))"));
    return re;
}

bool isCutFlags(const QString& f)
{
    return f.size() == 2 && QStringLiteral("cCsS").contains(f.at(0)) && f.at(1) == QLatin1Char('D');
}

bool namesNginx(const QList<QPair<QString, QString>>& headers)
{
    return std::any_of(headers.cbegin(), headers.cend(), [](const auto& h) {
        return h.first.compare(QLatin1String("server"), Qt::CaseInsensitive) == 0 && h.second.startsWith(QLatin1String("nginx"));
    });
}

bool visible(DeathKind d) { return d == DeathKind::Fin || d == DeathKind::Reset || d == DeathKind::CloseFrame; }

void appendSignature(HopTimeout& hop, const QString& text)
{
    if (!hop.signature.isEmpty())
        hop.signature += QStringLiteral("; ");
    hop.signature += text;
}

} // namespace

QList<CutLogLine> parseCutLog(CutLogKind kind, const QByteArray& text)
{
    QList<CutLogLine> out;
    for (const QByteArray& raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw.trimmed());
        if (line.isEmpty())
            continue;
        switch (kind) {
        case CutLogKind::NginxError:
            if (line.contains(QLatin1String("upstream timed out")) && line.contains(QLatin1String("while proxying upgraded connection")))
                out << CutLogLine{kind, line, QString(), std::nullopt};
            break;
        case CutLogKind::Haproxy: {
            QRegularExpressionMatch m = httpLogLine().match(line);
            if (!m.hasMatch())
                m = tcpLogLine().match(line);
            if (m.hasMatch() && isCutFlags(m.captured(2)))
                out << CutLogLine{kind, line, m.captured(2), m.captured(1).toDouble() / 1000.0};
            break;
        }
        }
    }
    return out;
}

QString haproxyFlagsMeaning(const QString& flags)
{
    if (flags == QLatin1String("cD"))
        return QStringLiteral("HAProxy's client-side timeout (timeout tunnel, else timeout client) during the data phase");
    if (flags == QLatin1String("sD"))
        return QStringLiteral("HAProxy's server-side timeout (timeout tunnel, else timeout server) during the data phase");
    if (flags == QLatin1String("CD"))
        return QStringLiteral("the client side aborted during the data phase");
    if (flags == QLatin1String("SD"))
        return QStringLiteral("the server side aborted during the data phase");
    return QString();
}

int attachCutLogLines(QList<HopTimeout>& hops, const QList<QList<QPair<QString, QString>>>& headers,
                      const QList<CutLogLine>& lines, double toleranceS)
{
    // The last line of each kind per hop: one is enough to name it.
    QList<QString> nginxLine(hops.size()), haproxyLine(hops.size());
    for (const CutLogLine& l : lines) {
        int target = -1;
        if (l.kind == CutLogKind::NginxError) {
            for (int i = 0; i < hops.size(); ++i) {
                if (hops[i].death == DeathKind::Fin && namesNginx(headers.value(i)))
                    target = i;
            }
            if (target >= 0)
                nginxLine[target] = QStringLiteral("nginx error log: ") + l.line;
        } else if (l.ownTimeout() && l.durationS) {
            for (int i = 0; i < hops.size(); ++i) {
                const auto cut = hops[i].cutS();
                if (cut && visible(hops[i].death) && std::abs(*cut - *l.durationS) <= toleranceS)
                    target = i;
            }
            if (target >= 0)
                haproxyLine[target] = QStringLiteral("HAProxy log %1 (%2): %3").arg(l.flags, haproxyFlagsMeaning(l.flags), l.line);
        }
    }
    int named = 0;
    for (int i = 0; i < hops.size(); ++i) {
        if (!nginxLine[i].isEmpty())
            appendSignature(hops[i], nginxLine[i]);
        if (!haproxyLine[i].isEmpty())
            appendSignature(hops[i], haproxyLine[i]);
        named += (nginxLine[i].isEmpty() && haproxyLine[i].isEmpty()) ? 0 : 1;
    }
    return named;
}

QList<qint64> cutLogSizes(RemoteHost& host, const QList<CutLog>& logs)
{
    QList<qint64> sizes;
    for (const CutLog& log : logs) {
        Result<FileInfo> info = host.stat(log.path);
        if (!info || !info->exists)
            info = host.stat(log.path, true);
        sizes << (info && info->exists ? info->size : -1);
    }
    return sizes;
}

QList<QByteArray> cutLogTails(RemoteHost& host, const QList<CutLog>& logs, const QList<qint64>& sizes)
{
    QList<QByteArray> tails;
    for (int i = 0; i < logs.size(); ++i) {
        const qint64 from = sizes.value(i, -1);
        if (from < 0) {
            tails << QByteArray();
            continue;
        }
        const QString path = LocalHost::shellWord(logs[i].path);
        // A file shorter than before was rotated: read it whole.
        const QString command = QStringLiteral("f=%1; if [ \"$(wc -c < \"$f\")\" -lt %2 ]; then cat -- \"$f\"; else tail -c +%3 -- \"$f\"; fi")
                                    .arg(path).arg(from).arg(from + 1);
        CommandOptions o;
        o.timeoutMs = 20000;
        Result<CommandResult> r = host.run(command, o);
        if (!r || r->exitStatus != 0) {
            o.sudo = true;
            r = host.run(command, o);
        }
        tails << (r && r->exitStatus == 0 ? r->stdOut : QByteArray());
    }
    return tails;
}

} // namespace socketscope
