// SPDX-License-Identifier: GPL-3.0-or-later
#include "nginx/ConfigFinding.h"

#include <QRegularExpression>

namespace socketscope::nginx {

namespace {

// Sums "<number><unit>" groups; `units` maps a unit to seconds, `bare` is the unit of a bare number.
double parseTime(const QByteArray& value, double bare, bool allowGroups,
                 double (*unitSeconds)(const QByteArray& unit))
{
    if (value.isEmpty() || value.size() > 64)
        return -1;
    double total = 0;
    qsizetype i = 0;
    int groups = 0;
    while (i < value.size()) {
        qsizetype j = i;
        while (j < value.size() && value.at(j) >= '0' && value.at(j) <= '9')
            ++j;
        if (j == i)
            return -1;
        const double number = value.mid(i, j - i).toDouble();
        qsizetype k = j;
        while (k < value.size() && ((value.at(k) >= 'a' && value.at(k) <= 'z') || (value.at(k) >= 'A' && value.at(k) <= 'Z')))
            ++k;
        const QByteArray unit = value.mid(j, k - j);
        double factor = bare;
        if (!unit.isEmpty()) {
            factor = unitSeconds(unit);
            if (factor < 0)
                return -1;
        } else if (k < value.size()) {
            return -1;
        }
        total += number * factor;
        i = k;
        if (++groups > 1 && !allowGroups)
            return -1;
    }
    return total;
}

double nginxUnit(const QByteArray& u)
{
    if (u == "ms") return 0.001;
    if (u == "s") return 1;
    if (u == "m") return 60;
    if (u == "h") return 3600;
    if (u == "d") return 86400;
    if (u == "w") return 7 * 86400;
    if (u == "M") return 30 * 86400;
    if (u == "y") return 365 * 86400;
    return -1;
}

double haproxyUnit(const QByteArray& u)
{
    if (u == "us") return 0.000001;
    if (u == "ms") return 0.001;
    if (u == "s") return 1;
    if (u == "m") return 60;
    if (u == "h") return 3600;
    if (u == "d") return 86400;
    return -1;
}

} // namespace

bool ServerVersion::atLeast(int maj, int min, int pat) const
{
    if (!known())
        return false;
    if (major != maj)
        return major > maj;
    if (minor != min)
        return minor > min;
    return patch >= pat;
}

ServerVersion ServerVersion::fromText(const QString& text)
{
    ServerVersion v;
    static const QRegularExpression re(QStringLiteral("^(\\d{1,4})\\.(\\d{1,4})(?:\\.(\\d{1,4}))?\\S*$"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return v;
    v.text = text.trimmed();
    v.major = m.captured(1).toInt();
    v.minor = m.captured(2).toInt();
    v.patch = m.captured(3).isEmpty() ? 0 : m.captured(3).toInt();
    return v;
}

ServerVersion ServerVersion::fromVersionOutput(const QByteArray& output)
{
    static const QRegularExpression re(QStringLiteral("(?:nginx version: [A-Za-z]+/|HA-?Proxy version )(\\d[^\\s]*)"));
    const QRegularExpressionMatch m = re.match(QString::fromUtf8(output.left(4096)));
    return m.hasMatch() ? fromText(m.captured(1)) : ServerVersion();
}

ServerVersion ServerVersion::fromDumpPrelude(const QByteArray& dump)
{
    const qsizetype first = dump.indexOf("# configuration file ");
    return first < 0 ? ServerVersion() : fromVersionOutput(dump.left(first));
}

double parseNginxSeconds(const QByteArray& value) { return parseTime(value, 1, true, &nginxUnit); }
double parseHaproxySeconds(const QByteArray& value) { return parseTime(value, 0.001, false, &haproxyUnit); }

} // namespace socketscope::nginx
