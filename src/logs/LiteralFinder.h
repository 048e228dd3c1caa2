// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

#include <cstddef>

namespace socketscope::logs {

// Finds a byte string in raw bytes, optionally ignoring ASCII case, without copying or
// converting the haystack. On x86-64, 32 (AVX2, chosen at run time) or 16 (SSE2, the baseline)
// positions are tested at once on two of the needle's bytes (the rarest by a log-text byte
// frequency table), and only positions where both agree are compared in full; elsewhere (and
// at SimdLevel::Scalar) memchr / Boyer-Moore-Horspool / a byte loop do the same job.
// Immutable after construction: safe to share between threads.
class LiteralFinder {
public:
    LiteralFinder() = default;
    // asciiNoCase: A-Z and a-z compare equal; every other byte (incl. UTF-8) must be identical.
    LiteralFinder(QByteArray needle, bool asciiNoCase);

    const QByteArray& needle() const { return m_needle; }
    bool noCase() const { return m_noCase; }
    bool isEmpty() const { return m_needle.isEmpty(); }
    // The first occurrence in [hay, hay + n), or nullptr.
    const char* find(const char* hay, std::size_t n) const;

private:
    QByteArray m_needle;       // lower-cased when m_noCase
    bool m_noCase = false;
    std::size_t m_rare1 = 0;   // positions in the needle of the two anchor bytes
    std::size_t m_rare2 = 0;
};

} // namespace socketscope::logs
