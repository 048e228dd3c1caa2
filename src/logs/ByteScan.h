// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

namespace socketscope::logs {

// Which vector instructions the byte scans (LiteralFinder, newline counting) use. The build
// targets baseline x86-64 (SSE2, no -march): AVX2 versions are compiled with a target attribute
// and chosen at run time when the CPU (and OS) support them. Elsewhere: Scalar.
enum class SimdLevel { Scalar, Sse2, Avx2 };

// The best level this CPU and build support (detected once).
SimdLevel detectedSimdLevel();
// The level in use: the detected one, capped by limitSimdLevel().
SimdLevel simdLevel();
// Caps the level used from now on (tests force the fallbacks with it); returns the previous cap.
// Thread-safe; a scan already running keeps the level it started with.
SimdLevel limitSimdLevel(SimdLevel cap);
const char* simdLevelName(SimdLevel level);

// Number of '\n' bytes in [p, p + n).
qint64 countNewlines(const char* p, qsizetype n);

} // namespace socketscope::logs
