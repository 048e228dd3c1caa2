// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/LiteralFinder.h"

#include "logs/ByteScan.h"

#include <algorithm>
#include <array>
#include <functional>
#include <cstring>

#if defined(__x86_64__) && defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
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

namespace {

// What the scans need of a finder (free functions: the AVX2 one carries a target attribute).
struct Needle {
    const char* bytes;   // lower-cased when noCase
    std::size_t size;
    bool noCase;
    std::size_t rare1;
    std::size_t rare2;

    bool equalsAt(const char* at) const
    {
        if (!noCase)
            return std::memcmp(at, bytes, size) == 0;
        for (std::size_t i = 0; i < size; ++i)
            if (lowerAscii(static_cast<unsigned char>(at[i])) != static_cast<unsigned char>(bytes[i]))
                return false;
        return true;
    }
    // Byte by byte from `i` (the tail the vector loops leave, and the Scalar level).
    const char* findFrom(const char* hay, std::size_t n, std::size_t i) const
    {
        if (!noCase && i == 0) {
            const std::boyer_moore_horspool_searcher searcher(bytes, bytes + size);
            const char* hit = std::search(hay, hay + n, searcher);
            return hit == hay + n ? nullptr : hit;
        }
        for (; i + size <= n; ++i)
            if (equalsAt(hay + i))
                return hay + i;
        return nullptr;
    }
};

#if defined(SOCKETSCOPE_SSE2_LITERAL)
// 16 start positions at a time: only where both anchor bytes agree is the needle compared.
const char* findSse2(const Needle& nd, const char* hay, std::size_t n)
{
    const auto b1 = static_cast<unsigned char>(nd.bytes[nd.rare1]);
    const auto b2 = static_cast<unsigned char>(nd.bytes[nd.rare2]);
    // Ignoring case, OR-ing 0x20 folds A-Z onto a-z (it also folds a few punctuation bytes
    // together: a false candidate, which equalsAt() rejects).
    const bool fold1 = nd.noCase && isAsciiLetter(b1);
    const bool fold2 = nd.noCase && isAsciiLetter(b2);
    const __m128i v1 = _mm_set1_epi8(static_cast<char>(b1));
    const __m128i v2 = _mm_set1_epi8(static_cast<char>(b2));
    const __m128i f1 = _mm_set1_epi8(fold1 ? 0x20 : 0);
    const __m128i f2 = _mm_set1_epi8(fold2 ? 0x20 : 0);
    const std::size_t reach = (nd.rare1 > nd.rare2 ? nd.rare1 : nd.rare2) + 16;
    const std::size_t last = n - nd.size; // the last possible start
    std::size_t i = 0;
    for (; i + reach <= n && i <= last; i += 16) {
        const __m128i h1 = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + i + nd.rare1)), f1);
        const __m128i h2 = _mm_or_si128(_mm_loadu_si128(reinterpret_cast<const __m128i*>(hay + i + nd.rare2)), f2);
        unsigned mask = unsigned(_mm_movemask_epi8(_mm_and_si128(_mm_cmpeq_epi8(h1, v1), _mm_cmpeq_epi8(h2, v2))));
        while (mask) {
            const std::size_t at = i + std::size_t(__builtin_ctz(mask));
            if (at <= last && nd.equalsAt(hay + at))
                return hay + at;
            mask &= mask - 1;
        }
    }
    return i <= last ? nd.findFrom(hay, n, i) : nullptr;
}

// The AVX2 scan's state (its helpers carry the target attribute too: a lambda would not).
struct Avx2Pair {
    __m256i v1, v2, f1, f2;
};

__attribute__((target("avx2"))) inline __m256i avx2Candidates(const Needle& nd, const Avx2Pair& p, const char* at)
{
    const __m256i h1 = _mm256_or_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(at + nd.rare1)), p.f1);
    const __m256i h2 = _mm256_or_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(at + nd.rare2)), p.f2);
    return _mm256_and_si256(_mm256_cmpeq_epi8(h1, p.v1), _mm256_cmpeq_epi8(h2, p.v2));
}

// The first candidate of `mask` (bit k: start at + k) that is a whole match, at or before `last`.
inline const char* verifyCandidates(const Needle& nd, const char* hay, std::size_t at, unsigned mask, std::size_t last)
{
    while (mask) {
        const std::size_t pos = at + std::size_t(__builtin_ctz(mask));
        if (pos <= last && nd.equalsAt(hay + pos))
            return hay + pos;
        mask &= mask - 1;
    }
    return nullptr;
}

// The same with AVX2, 64 start positions per round (two vectors, one test when neither has a
// candidate): the packed-pair idea of ripgrep's memchr crate, on the needle's two rarest bytes.
__attribute__((target("avx2"))) const char* findAvx2(const Needle& nd, const char* hay, std::size_t n)
{
    const auto b1 = static_cast<unsigned char>(nd.bytes[nd.rare1]);
    const auto b2 = static_cast<unsigned char>(nd.bytes[nd.rare2]);
    const bool fold1 = nd.noCase && isAsciiLetter(b1);
    const bool fold2 = nd.noCase && isAsciiLetter(b2);
    const Avx2Pair p{_mm256_set1_epi8(static_cast<char>(b1)), _mm256_set1_epi8(static_cast<char>(b2)),
                     _mm256_set1_epi8(fold1 ? 0x20 : 0), _mm256_set1_epi8(fold2 ? 0x20 : 0)};
    const std::size_t far = nd.rare1 > nd.rare2 ? nd.rare1 : nd.rare2;
    const std::size_t last = n - nd.size;
    std::size_t i = 0;
    for (; i + far + 64 <= n && i <= last; i += 64) {
        const __m256i a = avx2Candidates(nd, p, hay + i);
        const __m256i b = avx2Candidates(nd, p, hay + i + 32);
        const __m256i any = _mm256_or_si256(a, b);
        if (_mm256_testz_si256(any, any))
            continue;
        if (const char* hit = verifyCandidates(nd, hay, i, unsigned(_mm256_movemask_epi8(a)), last))
            return hit;
        if (const char* hit = verifyCandidates(nd, hay, i + 32, unsigned(_mm256_movemask_epi8(b)), last))
            return hit;
    }
    for (; i + far + 32 <= n && i <= last; i += 32)
        if (const char* hit = verifyCandidates(nd, hay, i, unsigned(_mm256_movemask_epi8(avx2Candidates(nd, p, hay + i))), last))
            return hit;
    return i <= last ? findSse2(nd, hay + i, n - i) : nullptr;
}
#endif

} // namespace

const char* LiteralFinder::find(const char* hay, std::size_t n) const
{
    const std::size_t m = std::size_t(m_needle.size());
    if (m == 0 || m > n)
        return nullptr;
    if (!m_noCase && m == 1)
        return static_cast<const char*>(std::memchr(hay, m_needle[0], n));
    const Needle nd{m_needle.constData(), m, m_noCase, m_rare1, m_rare2};
    switch (simdLevel()) {
#if defined(SOCKETSCOPE_SSE2_LITERAL)
    case SimdLevel::Avx2:
        return findAvx2(nd, hay, n);
    case SimdLevel::Sse2:
        return findSse2(nd, hay, n);
#endif
    default:
        return nd.findFrom(hay, n, 0);
    }
}

} // namespace socketscope::logs
