// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LogTimestamp.h"

#include <QTimeZone>

namespace socketscope::logs {

namespace {

class Reader {
public:
    explicit Reader(QByteArrayView s, qsizetype pos = 0) : m_s(s), m_pos(pos) {}
    qsizetype pos() const { return m_pos; }
    bool atEnd() const { return m_pos >= m_s.size(); }
    char peek(qsizetype ahead = 0) const { return m_pos + ahead < m_s.size() ? m_s[m_pos + ahead] : '\0'; }
    bool digits(int n, int& value)
    {
        value = 0;
        for (int i = 0; i < n; ++i) {
            const char c = peek(i);
            if (c < '0' || c > '9')
                return false;
            value = value * 10 + (c - '0');
        }
        m_pos += n;
        return true;
    }
    bool expect(char c)
    {
        if (peek() != c)
            return false;
        ++m_pos;
        return true;
    }
    bool expectOneOf(const char* set)
    {
        for (const char* p = set; *p; ++p)
            if (peek() == *p) {
                ++m_pos;
                return true;
            }
        return false;
    }

private:
    QByteArrayView m_s;
    qsizetype m_pos;
};

int monthFromName(QByteArrayView name)
{
    static const char* const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int i = 0; i < 12; ++i)
        if (name == QByteArrayView(names[i], 3))
            return i + 1;
    return 0;
}

// HH:MM:SS[.fff…]
bool parseClock(Reader& r, QTime& time)
{
    int h = 0, m = 0, s = 0;
    if (!r.digits(2, h) || !r.expect(':') || !r.digits(2, m) || !r.expect(':') || !r.digits(2, s))
        return false;
    int ms = 0;
    if (r.peek() == '.' || r.peek() == ',') {
        r.expectOneOf(".,");
        int scale = 100;
        int digits = 0;
        while (r.peek() >= '0' && r.peek() <= '9') {
            if (scale > 0)
                ms += (r.peek() - '0') * scale;
            scale /= 10;
            r.expectOneOf("0123456789");
            ++digits;
        }
        if (digits == 0)
            return false;
    }
    time = QTime(h, m, s, ms);
    return time.isValid();
}

// Z, +0000, +00:00, -0530 …; returns the offset in seconds.
std::optional<int> parseOffset(Reader& r)
{
    if (r.expect('Z'))
        return 0;
    const char sign = r.peek();
    if (sign != '+' && sign != '-')
        return std::nullopt;
    Reader probe = r;
    probe.expectOneOf("+-");
    int hh = 0, mm = 0;
    if (!probe.digits(2, hh))
        return std::nullopt;
    probe.expect(':');
    if (!probe.digits(2, mm) || hh > 23 || mm > 59)
        return std::nullopt;
    r = probe;
    const int seconds = hh * 3600 + mm * 60;
    return sign == '-' ? -seconds : seconds;
}

std::optional<LogTime> finish(const QDate& date, const QTime& time, std::optional<int> offset, qsizetype length)
{
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    LogTime t;
    t.length = int(length);
    if (offset) {
        t.time = QDateTime(date, time, QTimeZone(*offset)).toUTC();
        t.hasOffset = true;
    } else {
        t.time = QDateTime(date, time);
    }
    if (!t.time.isValid())
        return std::nullopt;
    return t;
}

// 2026-01-28[T ]09:24:14[.123][Z|+0000] and 2026/01/28 10:03:00.
std::optional<LogTime> parseNumericDate(QByteArrayView line)
{
    Reader r(line);
    int y = 0, mo = 0, d = 0;
    if (!r.digits(4, y))
        return std::nullopt;
    const char sep = r.peek();
    if ((sep != '-' && sep != '/') || !r.expect(sep) || !r.digits(2, mo) || !r.expect(sep) || !r.digits(2, d))
        return std::nullopt;
    if (!r.expectOneOf("T "))
        return std::nullopt;
    QTime time;
    if (!parseClock(r, time))
        return std::nullopt;
    std::optional<int> offset;
    if (sep == '-') {
        Reader z = r;
        z.expect(' ');
        offset = parseOffset(z);
        if (offset)
            r = z;
    }
    return finish(QDate(y, mo, d), time, offset, r.pos());
}

// Jan 28 10:03:00 (day may be space-padded: "Jan  8").
std::optional<LogTime> parseSyslog(QByteArrayView line, int referenceYear)
{
    if (line.size() < 15)
        return std::nullopt;
    const int month = monthFromName(line.first(3));
    if (month == 0 || line[3] != ' ')
        return std::nullopt;
    Reader r(line, 4);
    int day = 0;
    if (r.peek() == ' ') {
        r.expect(' ');
        if (!r.digits(1, day))
            return std::nullopt;
    } else if (!r.digits(2, day)) {
        return std::nullopt;
    }
    if (!r.expect(' '))
        return std::nullopt;
    QTime time;
    if (!parseClock(r, time))
        return std::nullopt;
    const int year = referenceYear > 0 ? referenceYear : QDate::currentDate().year();
    return finish(QDate(year, month, day), time, std::nullopt, r.pos());
}

// [28/Jan/2026:10:03:00 +0000] within the first bytes (nginx/Apache access logs).
std::optional<LogTime> parseCommonLog(QByteArrayView line)
{
    const qsizetype limit = qMin<qsizetype>(line.size(), 200);
    for (qsizetype at = line.first(limit).indexOf('['); at >= 0 && at + 28 <= line.size();
         at = line.first(limit).indexOf('[', at + 1)) {
        Reader r(line, at + 1);
        int day = 0, year = 0;
        if (!r.digits(2, day) || !r.expect('/'))
            continue;
        const int month = monthFromName(line.sliced(r.pos(), 3));
        Reader r2(line, r.pos() + 3);
        QTime time;
        if (month == 0 || !r2.expect('/') || !r2.digits(4, year) || !r2.expect(':') || !parseClock(r2, time))
            continue;
        r2.expect(' ');
        const auto offset = parseOffset(r2);
        if (!r2.expect(']'))
            continue;
        auto t = finish(QDate(year, month, day), time, offset, r2.pos());
        if (t)
            return t;
    }
    return std::nullopt;
}

} // namespace

std::optional<LogTime> parseLogTime(QByteArrayView line, int referenceYear)
{
    if (line.isEmpty())
        return std::nullopt;
    if (line[0] >= '0' && line[0] <= '9') {
        if (auto t = parseNumericDate(line))
            return t;
    } else if (line[0] >= 'A' && line[0] <= 'Z') {
        if (auto t = parseSyslog(line, referenceYear))
            return t;
    }
    return parseCommonLog(line);
}

qint64 findLineAtTime(const LogFile& file, const QDateTime& when)
{
    const qint64 count = file.lineCount();
    constexpr qint64 kLookAhead = 64;
    // The timestamp of the entry a line belongs to: the nearest stamped line at or before it
    // (continuation lines such as stack traces carry none), else the next one after it.
    auto stampAt = [&](qint64 line) -> std::optional<QDateTime> {
        const qint64 from = qMax<qint64>(0, line - kLookAhead + 1);
        const QList<QByteArray> before = file.readRawLines(from, line - from + 1, 256);
        for (qsizetype i = before.size() - 1; i >= 0; --i)
            if (auto t = parseLogTime(before[i]))
                return t->time;
        const QList<QByteArray> after = file.readRawLines(line + 1, kLookAhead, 256);
        for (const QByteArray& l : after)
            if (auto t = parseLogTime(l))
                return t->time;
        return std::nullopt;
    };
    qint64 lo = 0, hi = count;
    bool any = false;
    while (lo < hi) {
        const qint64 mid = lo + (hi - lo) / 2;
        const auto t = stampAt(mid);
        if (!t) { // nothing stamped near mid: keep looking earlier
            hi = mid;
            continue;
        }
        any = true;
        if (*t < when)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (!any && !stampAt(0))
        return 0;
    if (lo >= count)
        return -1;
    // Land on the stamped line itself, not on a continuation line before it.
    const QList<QByteArray> raw = file.readRawLines(lo, kLookAhead, 256);
    for (qsizetype i = 0; i < raw.size(); ++i)
        if (parseLogTime(raw[i]))
            return lo + i;
    return lo;
}

} // namespace socketscope::logs
