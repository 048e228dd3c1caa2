// SPDX-License-Identifier: GPL-3.0-or-later
#include "logs/ByteScan.h"

#include <atomic>

#if defined(__x86_64__) && defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define SOCKETSCOPE_X86_SIMD 1
#endif

namespace socketscope::logs {

namespace {

std::atomic<int> g_cap{int(SimdLevel::Avx2)};

SimdLevel detect()
{
#if defined(SOCKETSCOPE_X86_SIMD)
    // __builtin_cpu_supports("avx2") also checks that the OS saves the YMM registers (XGETBV).
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        return SimdLevel::Avx2;
    return SimdLevel::Sse2;
#else
    return SimdLevel::Scalar;
#endif
}

qint64 countScalar(const char* p, qsizetype n)
{
    qint64 count = 0;
    for (qsizetype i = 0; i < n; ++i)
        count += p[i] == '\n' ? 1 : 0;
    return count;
}

#if defined(SOCKETSCOPE_X86_SIMD)
// Byte counters (a match is -1: subtracting adds 1), summed every 255 rounds with PSADBW; no
// popcount, which is a libgcc call without -mpopcnt.
qint64 countSse2(const char* p, qsizetype n)
{
    qint64 count = 0;
    qsizetype i = 0;
    const __m128i nl = _mm_set1_epi8('\n');
    const __m128i zero = _mm_setzero_si128();
    while (i + 16 <= n) {
        __m128i counters = zero;
        for (int round = 0; round < 255 && i + 16 <= n; ++round, i += 16) {
            const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
            counters = _mm_sub_epi8(counters, _mm_cmpeq_epi8(v, nl));
        }
        const __m128i sums = _mm_sad_epu8(counters, zero);
        count += _mm_cvtsi128_si32(sums) + _mm_cvtsi128_si32(_mm_srli_si128(sums, 8));
    }
    return count + countScalar(p + i, n - i);
}

// The same 32 bytes at a time, two independent counters per round (64 bytes).
__attribute__((target("avx2"))) qint64 countAvx2(const char* p, qsizetype n)
{
    qint64 count = 0;
    qsizetype i = 0;
    const __m256i nl = _mm256_set1_epi8('\n');
    const __m256i zero = _mm256_setzero_si256();
    while (i + 64 <= n) {
        __m256i c1 = zero;
        __m256i c2 = zero;
        for (int round = 0; round < 255 && i + 64 <= n; ++round, i += 64) {
            const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
            const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 32));
            c1 = _mm256_sub_epi8(c1, _mm256_cmpeq_epi8(a, nl));
            c2 = _mm256_sub_epi8(c2, _mm256_cmpeq_epi8(b, nl));
        }
        const __m256i sums = _mm256_add_epi64(_mm256_sad_epu8(c1, zero), _mm256_sad_epu8(c2, zero));
        count += _mm256_extract_epi64(sums, 0) + _mm256_extract_epi64(sums, 1) + _mm256_extract_epi64(sums, 2)
                 + _mm256_extract_epi64(sums, 3);
    }
    return count + countSse2(p + i, n - i);
}
#endif

} // namespace

SimdLevel detectedSimdLevel()
{
    static const SimdLevel level = detect();
    return level;
}

SimdLevel simdLevel()
{
    const SimdLevel detected = detectedSimdLevel();
    const auto cap = SimdLevel(g_cap.load(std::memory_order_relaxed));
    return int(cap) < int(detected) ? cap : detected;
}

SimdLevel limitSimdLevel(SimdLevel cap)
{
    return SimdLevel(g_cap.exchange(int(cap)));
}

const char* simdLevelName(SimdLevel level)
{
    switch (level) {
    case SimdLevel::Scalar:
        return "scalar";
    case SimdLevel::Sse2:
        return "SSE2";
    case SimdLevel::Avx2:
        return "AVX2";
    }
    return "?";
}

qint64 countNewlines(const char* p, qsizetype n)
{
    switch (simdLevel()) {
#if defined(SOCKETSCOPE_X86_SIMD)
    case SimdLevel::Avx2:
        return countAvx2(p, n);
    case SimdLevel::Sse2:
        return countSse2(p, n);
#endif
    default:
        return countScalar(p, n);
    }
}

} // namespace socketscope::logs
