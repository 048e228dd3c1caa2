// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LiteralFinder.h"

#include <algorithm>
#include <array>
#include <functional>
#include <cstring>

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>
#define SOCKETSCOPE_SSE2_LITERAL 1
#endif

namespace socketscope::logs {

namespace {

inline unsigned char lowerAscii(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? static_cast<unsigned char>(c + ('a' - 'A')) : c;
}

inline bool isAsciiLetter(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// How common a byte is in log text (higher: more common). Rough, from nginx/Neo4j/app logs:
// the anchors only need to avoid spaces, digits, vowels and the usual punctuation.
std::array<unsigned char, 256> makeFrequency()
{
    std::array<unsigned char, 256> f{};
    for (int c = 'a'; c <= 'z'; ++c)
        f[std::size_t(c)] = 120;
    for (int c = 'A'; c <= 'Z'; ++c)
        f[std::size_t(c)] = 60;
    for (int c = '0'; c <= '9'; ++c)
        f[std::size_t(c)] = 200;
    const char* common = " etaoinsrlcdhup:.-/,";
    unsigned char rank = 255;
    for (const char* p = common; *p; ++p, rank = static_cast<unsigned char>(rank - 4))
        f[static_cast<unsigned char>(*p)] = rank;
    for (const char c : {'q', 'z', 'x', 'j', 'k', 'v', 'w', 'y', 'b'})
        f[static_cast<unsigned char>(c)] = 40;
    for (const char c : {'[', ']', '(', ')', '"', '\'', '=', '#', '*'})
        f[static_cast<unsigned char>(c)] = 100;
    return f;
}

const std::array<unsigned char, 256>& frequency()
{
    static const std::array<unsigned char, 256> table = makeFrequency();
    return table;
}

} // namespace

LiteralFinder::LiteralFinder(QByteArray needle, bool asciiNoCase) : m_needle(std::move(needle)), m_noCase(asciiNoCase)
{
    if (m_noCase)
        for (char& c : m_needle)
            c = static_cast<char>(lowerAscii(static_cast<unsigned char>(c)));
    // The two rarest bytes at distinct positions anchor the vector scan.
    const auto& freq = frequency();
    const std::size_t n = std::size_t(m_needle.size());
    auto rank = [&](std::size_t i) {
        const auto c = static_cast<unsigned char>(m_needle[qsizetype(i)]);
        // Ignoring case, a letter also stands for its upper-case form.
        return m_noCase && isAsciiLetter(c) ? unsigned(freq[c]) + 30 : unsigned(freq[c]);
    };
    for (std::size_t i = 1; i < n; ++i)
        if (rank(i) < rank(m_rare1))
            m_rare1 = i;
    m_rare2 = m_rare1 == 0 && n > 1 ? 1 : 0;
    for (std::size_t i = 0; i < n; ++i)
        if (i != m_rare1 && rank(i) < rank(m_rare2))
            m_rare2 = i;
}

bool LiteralFinder::equalsAt(const char* at) const
{
    const std::size_t n = std::size_t(m_needle.size());
    if (!m_noCase)
        return std::memcmp(at, m_needle.constData(), n) == 0;
    const char* needle = m_needle.constData();
    for (std::size_t i = 0; i < n; ++i)
        if (lowerAscii(static_cast<unsigned char>(at[i])) != static_cast<unsigned char>(needle[i]))
            return false;
    return true;
}

const char* LiteralFinder::find(const char* hay, std::size_t n) const
{
    const std::size_t m = std::size_t(m_needle.size());
    if (m == 0 || m > n)
        return nullptr;
    if (!m_noCase && m == 1)
        return static_cast<const char*>(std::memchr(hay, m_needle[0], n));
    std::size_t i = 0;
#if defined(SOCKETSCOPE_SSE2_LITERAL)
    const auto b1 = static_cast<unsigned char>(m_needle[qsizetype(m_rare1)]);
    const auto b2 = static_cast<unsigned char>(m_needle[qsizetype(m_rare2)]);
    // Ignoring case, OR-ing 0x20 folds A-Z onto a-z (it also folds a few punctuation bytes
    // together: a false candidate, which equalsAt() rejects).
    const bool fold1 = m_noCase && isAsciiLetter(b1);
    const bool fold2 = m_noCase && isAsciiLetter(b2);
    const __m128i v1 = _mm_set1_epi8(static_cast<char>(b1));
    const __m128i v2 = _mm_set1_epi8(static_cast<char>(b2));
    const __m128i f1 = _mm_set1_epi8(fold1 ? 0x20 : 0);
    const __m128i f2 = _mm_set1_epi8(fold2 ? 0x20 : 0);
    const std::size_t reach = (m_rare1 > m_rare2 ? m_rare1 : m_rare2) + 16;
    const std::size_t last = n - m; // the last possible start
    for (; i + reach <= n && i <= last; i += 16) {
        const __m128i h1 = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + i + m_rare1)), f1);
        const __m128i h2 = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + i + m_rare2)), f2);
        unsigned mask = unsigned(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(h1, v1), _mm_cmpeq_epi8(h2, v2))));
        while (mask) {
            const std::size_t at = i + std::size_t(__builtin_ctz(mask));
            if (at <= last && equalsAt(hay + at))
                return hay + at;
            mask &= mask - 1;
        }
    }
    for (; i <= last; ++i)
        if (equalsAt(hay + i))
            return hay + i;
    return nullptr;
#else
    if (!m_noCase) {
        const std::boyer_moore_horspool_searcher searcher(m_needle.cbegin(), m_needle.cend());
        const char* hit = std::search(hay, hay + n, searcher);
        return hit == hay + n ? nullptr : hit;
    }
    for (; i + m <= n; ++i)
        if (equalsAt(hay + i))
            return hay + i;
    return nullptr;
#endif
}

} // namespace socketscope::logs
